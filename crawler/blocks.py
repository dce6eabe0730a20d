"""Text blocks of an HTML container, and what counts as page furniture around them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.etree import _Element

from crawler.page import _css_alternatives
from crawler.text import normalize_line

# ------------------------------------------------------------------------------------------------
# Body blocks from HTML

BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "li", "ul", "ol", "h1", "h2", "h3",
    "h4", "h5", "h6", "pre", "table", "tr", "header", "footer", "figure", "dl", "dt", "dd",
}  # fmt: skip
HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}
FURNITURE_TAGS = {
    "script", "style", "noscript", "iframe", "figure", "figcaption", "aside", "nav", "footer",
    "form", "button", "ins", "svg", "video", "audio", "object", "embed", "template", "select",
    "input", "textarea", "img", "picture", "source", "header",
}  # fmt: skip
# Class or id tokens that mark furniture inside an article container.
FURNITURE_TOKENS = {
    "ad", "ads", "advert", "advertisement", "adslot", "ad-slot", "ad-container", "banner",
    "share", "sharing", "social", "share-bar", "sharebar", "related", "read-also", "readalso",
    "more-on", "tags", "tag-list", "breadcrumb", "breadcrumbs", "caption", "wp-caption-text",
    "newsletter", "subscribe", "comments", "comment", "masthead", "author-box", "print",
    "font-size", "fontsize", "most-read", "mostread", "recommended", "outbrain", "taboola",
    "video-player", "player", "promo", "sidebar", "widget", "copyright",
}  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[\s_]+")


def is_furniture(el: _Element, extra_tokens: frozenset[str] = frozenset()) -> bool:
    tag = el.tag
    if not isinstance(tag, str):
        return False
    if tag in FURNITURE_TAGS:
        return True
    # Called for every element of every container walked: each attribute read once, and no
    # tokens to split for the many elements without a class or an id.
    get = el.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    if style and "display:none" in style.replace(" ", "").lower():
        return True
    cls, ident = get("class"), get("id")
    if cls is None and ident is None:
        return False
    tokens = set(_TOKEN_SPLIT.split(f"{cls or ''} {ident or ''}".lower()))
    tokens.discard("")
    return not tokens.isdisjoint(
        FURNITURE_TOKENS | extra_tokens if extra_tokens else FURNITURE_TOKENS
    )


def is_page_furniture(el: _Element) -> bool:
    """``is_furniture``, except for the one ``<form>`` ASP.NET WebForms pages wrap the whole page
    in, which holds the article too."""
    return el.tag != "form" and is_furniture(el)


def own_text(el: _Element) -> str:
    """The text written directly in ``el`` (its text and its children's tails), not in them."""
    return " ".join(t.strip() for t in (el.text, *(c.tail for c in el)) if t and t.strip())


@dataclass(frozen=True)
class Block:
    """One block of text with the DOM facts cleaning can use beside its words."""

    text: str
    tag: str
    """The block element holding the text (``p``, ``li``, ``h2``, ``div``, ``td``...)."""
    link_share: float
    """Share of its characters inside links: 1.0 for a headline link."""
    tokens: frozenset[str]
    """Class and id tokens of the block element holding it."""
    after_headline: bool | None
    """Whether it comes after the container's ``<h1>``; None when the container has none."""
    holder: _Element | None = field(default=None, compare=False, repr=False)
    """The block element holding the text (the container itself for its own ``<br>`` runs)."""

    @property
    def heading(self) -> bool:
        return self.tag in HEADING_TAGS or self.tag == "h1"


def html_blocks(
    container: _Element, remove: tuple[str, ...] = (), linked: list[bool] | None = None
) -> tuple[list[str], float]:
    """Blocks of text inside ``container`` in page order, and the share of it that is link text.

    Block elements and ``<br>`` end a block, so text written as ``<br>``-separated runs inside a
    ``<div>`` becomes paragraphs like ``<p>`` text does. Furniture is skipped entirely. ``linked``,
    when given, receives for each block whether it is all link text (a headline link).
    """
    blocks, share = typed_blocks(container, remove)
    if linked is not None:
        linked.extend(b.link_share >= 1.0 for b in blocks)
    return [b.text for b in blocks], share


def typed_blocks(container: _Element, remove: tuple[str, ...] = ()) -> tuple[list[Block], float]:
    """:func:`html_blocks` as :class:`Block` objects, and the container's link share."""
    skip: set[_Element] = set()
    for selector in remove:
        try:
            # Compiled once per selector (a CSSSelector per call costs more than the match).
            for xpath in _css_alternatives(selector):
                skip.update(container.xpath(xpath))
        except Exception:  # noqa: BLE001 - a bad per-site selector must not stop extraction
            continue
    has_headline = container.tag == "h1" or next(container.iter("h1"), None) is not None
    blocks: list[Block] = []
    current: list[str] = []
    holders: list[_Element] = [container]
    link_chars = 0
    total_chars = 0
    block_links = [0, 0]  # link characters, all characters of the current block
    headline_seen = [False]

    def flush() -> None:
        if current:
            line = normalize_line("".join(current).replace("\n", " "))
            if line:
                holder = holders[-1]
                cls, ident = holder.get("class"), holder.get("id")
                # Most holders (plain paragraphs) have neither: nothing to split.
                tokens = (
                    _TOKEN_SPLIT.split(f"{cls or ''} {ident or ''}")
                    if cls is not None or ident is not None
                    else ()
                )
                blocks.append(
                    Block(
                        line,
                        holder.tag if isinstance(holder.tag, str) else "",
                        block_links[0] / block_links[1] if block_links[1] else 0.0,
                        frozenset(t.lower() for t in tokens if t),
                        headline_seen[0] if has_headline else None,
                        holder,
                    )
                )
            current.clear()
        block_links[:] = [0, 0]

    def walk(el: _Element, in_link: bool) -> None:
        nonlocal link_chars, total_chars
        # Every element of the container passes here: its tag, text and tail read once each
        # (lxml makes a new string at every read).
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                tail = child.tail
                if tail:
                    current.append(tail)
                continue
            if (skip and child in skip) or is_furniture(child):
                if tag in BLOCK_TAGS or tag == "br":
                    flush()
            elif tag == "br":
                flush()
            else:
                is_block = tag in BLOCK_TAGS
                if is_block:
                    flush()
                    holders.append(child)
                text = child.text
                if text:
                    current.append(text)
                    n = len(text.strip())
                    total_chars += n
                    block_links[1] += n
                    if in_link or tag == "a":
                        link_chars += n
                        block_links[0] += n
                walk(child, in_link or tag == "a")
                if is_block:
                    flush()
                    holders.pop()
                    if tag == "h1":
                        headline_seen[0] = True
            tail = child.tail
            if tail:
                current.append(tail)
                n = len(tail.strip())
                total_chars += n
                block_links[1] += n
                if in_link:
                    link_chars += n
                    block_links[0] += n

    if container.text:
        current.append(container.text)
        total_chars += len(container.text.strip())
        block_links[1] += len(container.text.strip())
    walk(container, container.tag == "a")
    flush()
    return blocks, (link_chars / total_chars if total_chars else 0.0)


_TEXT_HOLDERS = {"td", "div", "font", "span"}


def densest_container(doc: _Element) -> _Element | None:
    """The element holding the most paragraph text: a fallback for pages without selectors.

    Text counts in ``<p>``, after ``<br>``, and written straight into a table cell or a block
    (old table-layout templates put a short article's text in a ``<td>``, with no ``<p>``).
    """
    scores: dict[_Element, float] = {}
    for el in doc.iter("p", "br", "td", "div", "font", "span"):
        if el.tag in _TEXT_HOLDERS:
            # The text before the holder's first child; the rest follows a <br> or a <p>.
            text, parent = (el.text or "").strip(), el
        else:
            text = (el.text_content() if el.tag == "p" else (el.tail or "")).strip()
            parent = el.getparent()
        if parent is None:
            continue
        if len(text) < 25:
            continue
        if any(is_page_furniture(a) for a in [parent, *parent.iterancestors()]):
            continue
        scores[parent] = scores.get(parent, 0) + len(text)
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0) + len(text) / 2
    if not scores:
        return None
    return max(scores, key=lambda e: scores[e])
