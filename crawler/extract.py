"""Extraction: pure functions that turn a fetched page (url, html, site) into an ``Article``."""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import cssselect
import lxml.html
import trafilatura
from lxml.cssselect import LxmlHTMLTranslator
from lxml.etree import ParserError, _Element
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from crawler.dates import parse_date
from crawler.fields.authors import authors as find_authors
from crawler.fields.authors import place_byline, split_names
from crawler.fields.canonical import canonical as find_canonical
from crawler.fields.dates import DATE_LIKE as _DATE_LIKE
from crawler.fields.dates import DIGITS as _DIGITS
from crawler.fields.dates import PRINTED_DATE as _PRINTED_DATE
from crawler.fields.dates import fallback_dates, first_date, page_timezone
from crawler.fields.jsonld import article_json_ld, ld_text, parse_json_ld, unescape
from crawler.fields.title import site_names
from crawler.fields.title import title as pick_title
from crawler.items import Article, Image
from crawler.sites import Site, site_for_url
from crawler.text import arabic_ratio, content_hash, join_blocks, normalize_line

# ------------------------------------------------------------------------------------------------
# Decoding


def decode_html(data: bytes | str, content_type: str | None = None) -> str:
    """Decode a page: declared charset (HTTP, then meta), else UTF-8, else the legacy Arabic
    code page (windows-1256 or ISO-8859-6) under which the page reads as Arabic.

    Browsers and Scrapy fall back to cp1252 for undeclared pages, which turns Arabic into mojibake.
    NUL characters are dropped: no page means them, and the parser turns them into U+FFFD.
    """
    text = data if isinstance(data, str) else _decode(data, content_type)
    return text.replace("\x00", "") if "\x00" in text else text


def _decode(data: bytes, content_type: str | None) -> str:
    declared = http_content_type_encoding(content_type) if content_type else None
    declared = declared or html_body_declared_encoding(data)
    if declared and _LATIN.match(declared.lower()) and not data.isascii():
        # A page labelled Latin-1 whose bytes are valid UTF-8 is UTF-8 (a template's stale
        # label): Latin-1 text practically never forms valid multi-byte UTF-8 sequences.
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8")
    if declared:
        codec = _codec(declared)
        try:
            text = data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if codec == "cp1252":
                arabic = data.decode("cp1256", errors="replace")
                if _arabic_plausibility(arabic) > max(_arabic_plausibility(text), 0):
                    return arabic
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return max(
        (data.decode(codec, errors="replace") for codec in ("cp1256", "iso-8859-6")),
        key=_arabic_plausibility,
    )


_LATIN = re.compile(r"(?:iso-?8859-(?:1|15)|latin-?1|(?:windows|cp)-?1252)$")


def _codec(name: str) -> str:
    name = name.lower()
    # Pages labelled Latin-1 or cp1252 that hold Arabic bytes are windows-1256 in practice.
    return {"iso-8859-1": "cp1252", "latin-1": "cp1252", "windows-1252": "cp1252"}.get(name, name)


_COMMON = ("ال", " في ", " من ", " على ", " إلى ", " أن ", "ة ", " و")


def _arabic_plausibility(text: str) -> float:
    score = sum(text.count(w) for w in _COMMON)
    return score - 5 * text.count("\ufffd")


# ------------------------------------------------------------------------------------------------
# JSON-LD


def _ld_images(value: Any) -> list[Image]:
    images: list[Image] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            images.append(Image(item))
        elif isinstance(item, dict):
            url = item.get("url") or item.get("contentUrl")
            if isinstance(url, list):
                url = url[0] if url else None
            if isinstance(url, str):
                caption = ld_text(item.get("caption")) or ld_text(item.get("description"))
                images.append(Image(url, caption))
    return images


# ------------------------------------------------------------------------------------------------
# Meta tags


def meta_tags(doc: _Element) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for meta in doc.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            out.setdefault(key.strip().lower(), []).append(normalize_line(content))
    return out


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


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
    if not isinstance(el.tag, str):
        return False
    if el.tag in FURNITURE_TAGS:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style:
        return True
    tokens = set(_TOKEN_SPLIT.split(f"{el.get('class', '')} {el.get('id', '')}".lower()))
    tokens.discard("")
    return bool(tokens & (FURNITURE_TOKENS | extra_tokens))


def is_page_furniture(el: _Element) -> bool:
    """``is_furniture``, except for the one ``<form>`` ASP.NET WebForms pages wrap the whole page
    in, which holds the article too."""
    return el.tag != "form" and is_furniture(el)


def own_text(el: _Element) -> str:
    """The text written directly in ``el`` (its text and its children's tails), not in them."""
    return " ".join(t.strip() for t in (el.text, *(c.tail for c in el)) if t and t.strip())


def html_blocks(
    container: _Element, remove: tuple[str, ...] = (), linked: list[bool] | None = None
) -> tuple[list[str], float]:
    """Blocks of text inside ``container`` in page order, and the share of it that is link text.

    Block elements and ``<br>`` end a block, so text written as ``<br>``-separated runs inside a
    ``<div>`` becomes paragraphs like ``<p>`` text does. Furniture is skipped entirely. ``linked``,
    when given, receives for each block whether it is all link text (a headline link).
    """
    skip: set[_Element] = set()
    for selector in remove:
        try:
            skip.update(container.cssselect(selector))
        except Exception:  # noqa: BLE001 - a bad per-site selector must not stop extraction
            continue
    blocks: list[str] = []
    current: list[str] = []
    link_chars = 0
    total_chars = 0
    block_links = [0, 0]  # link characters, all characters of the current block

    def flush() -> None:
        if current:
            line = normalize_line("".join(current).replace("\n", " "))
            if line:
                blocks.append(line)
                if linked is not None:
                    linked.append(block_links[1] > 0 and block_links[0] >= block_links[1])
            current.clear()
        block_links[:] = [0, 0]

    def walk(el: _Element, in_link: bool) -> None:
        nonlocal link_chars, total_chars
        for child in el:
            if not isinstance(child.tag, str):
                if child.tail:
                    current.append(child.tail)
                continue
            if child in skip or is_furniture(child):
                if child.tag in BLOCK_TAGS or child.tag == "br":
                    flush()
            elif child.tag == "br":
                flush()
            else:
                is_block = child.tag in BLOCK_TAGS
                if is_block:
                    flush()
                if child.text:
                    current.append(child.text)
                    n = len(child.text.strip())
                    total_chars += n
                    block_links[1] += n
                    if in_link or child.tag == "a":
                        link_chars += n
                        block_links[0] += n
                walk(child, in_link or child.tag == "a")
                if is_block:
                    flush()
            if child.tail:
                current.append(child.tail)
                n = len(child.tail.strip())
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


def densest_container(doc: _Element) -> _Element | None:
    """The element holding the most paragraph text: a fallback for pages without selectors."""
    scores: dict[_Element, float] = {}
    for el in doc.iter("p", "br"):
        parent = el.getparent()
        if parent is None:
            continue
        text = (el.text_content() if el.tag == "p" else (el.tail or "")).strip()
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


# ------------------------------------------------------------------------------------------------
# Choosing the body


@dataclass
class Candidate:
    source: str
    blocks: list[str]
    link_density: float = 0.0

    @property
    def length(self) -> int:
        return sum(len(b) for b in self.blocks)

    @property
    def score(self) -> float:
        """Length of real text, discounted for links and for flat, unparagraphed text."""
        score = self.length * (1 - self.link_density) ** 2
        if len(self.blocks) == 1 and self.length > 400:
            score *= 0.8
        if self.source == "selectors":
            # Site knowledge wins over a generic guess that may have swallowed comments or lists.
            score *= 1.3
        return score


def choose_body(candidates: list[Candidate]) -> Candidate | None:
    """The best body: highest score, but a JSON-LD body the HTML text extends (cut short) or
    restates (flat) loses to that HTML text, and site selectors that found text sharing almost
    nothing with the generic main content (a stale selector matching another box) lose to it."""
    usable = [c for c in candidates if c.blocks and c.link_density < 0.6]
    if not usable:
        return None
    best = max(usable, key=lambda c: c.score)
    if best.source == "selectors":
        generic = next((c for c in usable if c.source == "generic"), None)
        if generic is not None and generic.length >= 250 and _shared(best, generic) < 0.2:
            best = generic
    if best.source == "json-ld":
        ld = _squash(" ".join(best.blocks))
        for other in sorted(usable, key=lambda c: c.score, reverse=True):
            if other is best:
                continue
            html = _squash(" ".join(other.blocks))
            head = ld[: min(len(ld), 200)].rstrip(".… ")
            if head and head in html and len(other.blocks) > len(best.blocks):
                return other
    return best


_SQUASH = re.compile(r"\W+")


def _shared(a: Candidate, b: Candidate) -> float:
    """The share of the shorter candidate's text that the other one also has, block by block."""
    short, long = sorted((a, b), key=lambda c: c.length)
    other = {_squash(x) for x in long.blocks}
    common = sum(len(x) for x in short.blocks if _squash(x) in other)
    return common / max(1, short.length)


def _squash(text: str) -> str:
    return _SQUASH.sub("", text)


def _json_ld_body(value: Any) -> list[str]:
    text = _ld_raw_text(value)
    if not text:
        return []
    text = unescape(text)
    if "<" in text and ">" in text:
        try:
            blocks, _ = html_blocks(lxml.html.fragment_fromstring(text, create_parent="div"))
            return blocks
        except (ParserError, ValueError):
            pass
    return [b for b in (normalize_line(x) for x in text.splitlines()) if b]


def _ld_raw_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = "\n".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) and value.strip() else None


def _generic_blocks(html: str, url: str) -> list[str]:
    text = trafilatura.extract(
        html,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
        favor_precision=True,
    )
    # trafilatura writes list items as "- item"; the other candidates give the item's text.
    lines = (normalize_line(x) for x in (text or "").splitlines())
    return [b.removeprefix("- ") for b in lines if b and b != "-"]


def _fill_gaps(doc: _Element, generic: list[str]) -> list[str]:
    """trafilatura's blocks, with the ones it skipped between its first and last block restored.

    trafilatura drops short paragraphs and text written as ``<br>`` runs inside a ``<div>``; the
    element holding its first and last blocks has them all, in page order. Blocks outside that
    span (bylines, tags, related lists) stay out, and a span that would bring in much more text
    than trafilatura kept is not trusted.
    """
    if len(generic) < 2:
        return generic
    first, last = _holder(doc, generic[0]), _holder(doc, generic[-1])
    if first is None or last is None:
        return generic
    chain = {id(a) for a in [first, *first.iterancestors()]}
    container: _Element | None = last
    while container is not None and id(container) not in chain:
        container = container.getparent()
    if container is None or container.tag in ("html", "body"):
        return generic
    linked: list[bool] = []
    blocks, _ = html_blocks(container, linked=linked)
    starts = [i for i, b in enumerate(blocks) if b == generic[0]]
    ends = [i for i, b in enumerate(blocks) if b == generic[-1]]
    if not starts or not ends or ends[-1] < starts[0]:
        return generic
    kept = set(generic)
    # A restored line that is only a date is the article's timestamp, not its text; one that
    # is all link is a headline of a box trafilatura rightly left out.
    span = [
        b
        for b, link in zip(
            blocks[starts[0] : ends[-1] + 1], linked[starts[0] : ends[-1] + 1], strict=True
        )
        if b in kept
        or not (link or (len(b) <= 50 and _DATE_LIKE.search(b) and parse_date(b, "UTC")))
    ]
    covered = sum(len(b) for b in set(span) & kept) / max(1, sum(len(b) for b in kept))
    added = sum(len(b) for b in span if b not in kept)
    if covered < 0.9 or added > 0.5 * sum(len(b) for b in generic):
        return generic
    return span


def _holder(doc: _Element, block: str) -> _Element | None:
    """The deepest element whose text holds ``block``."""
    probe = block[:60].strip()
    if not probe or '"' in probe:
        return None
    # Fast path: the text node where the block starts, then up to the element holding it all.
    nodes = doc.xpath("//body//text()[contains(., $head)]", head=probe[:20])
    if nodes:
        node = nodes[-1]
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()
        while el is not None and probe not in " ".join(el.text_content().split()):
            el = el.getparent()
        if el is not None:
            return el
    matches = doc.xpath(f'//body//*[contains(normalize-space(.), "{probe}")]')
    return matches[-1] if matches else None


# ------------------------------------------------------------------------------------------------
# The record


def extract(
    url: str,
    html: bytes | str,
    site: Site | None = None,
    *,
    content_type: str | None = None,
    fetched_at: datetime | None = None,
    hints: dict[str, str] | None = None,
) -> Article:
    """Extract the article record of one page.

    ``site`` defaults to the registered site owning ``url``; ``hints`` carries what discovery
    already knows of the page (``title`` and ``published`` from a news sitemap), used only when the
    page itself does not say.
    """
    site = site or site_for_url(url)
    hints = hints or {}
    text = decode_html(html, content_type)
    try:
        doc = lxml.html.document_fromstring(text)
    except (ParserError, ValueError):
        doc = lxml.html.document_fromstring("<html><body></body></html>")
    sel = site.selectors if site else None
    ld = article_json_ld(parse_json_ld(doc))
    meta = meta_tags(doc)

    names = site_names(meta, url, site.name if site else None)
    title_sel = _select_text(doc, sel.title if sel else None) or _select_text(doc, "h1")
    title = pick_title(
        ld_text(ld.get("headline")) or ld_text(ld.get("name")),
        _first(meta, "og:title", "twitter:title"),
        title_sel,
        _select_text(doc, "title"),
        hints.get("title"),
        names,
    )

    images = _images(doc, url, ld, meta, sel.body if sel else None)
    captions = {img.caption for img in images if img.caption}
    # A paragraph that repeats a picture's alt text is that picture's caption printed as text.
    captions.update(
        alt
        for alt in (normalize_line(i.get("alt") or "") for i in doc.iter("img"))
        if len(alt) >= 15
    )

    candidates: list[Candidate] = []
    if sel and sel.body:
        containers = _css(doc, sel.body)
        if containers:
            blocks: list[str] = []
            links = 0.0
            for container in containers[:1]:
                blocks, links = html_blocks(container, sel.remove)
            candidates.append(Candidate("selectors", blocks, links))
    generic = _generic_blocks(text, url)
    if generic:
        candidates.append(Candidate("generic", _fill_gaps(doc, generic)))
    else:
        dense = densest_container(doc)
        if dense is not None:
            blocks, links = html_blocks(dense)
            candidates.append(Candidate("generic", blocks, links))
    ld_body = _json_ld_body(ld.get("articleBody"))
    if ld_body:
        candidates.append(Candidate("json-ld", ld_body))
    readers = _reader_comments(doc)
    for c in candidates:
        # Comments are the end of a page: a "comment" container holding most of the text is
        # the article's own (class="post has-comments").
        comments = readers if sum(b in readers for b in c.blocks) * 2 <= len(c.blocks) else set()
        c.blocks = _drop_furniture_lines(c.blocks, {title, title_sel}, captions | comments)
    chosen = choose_body(candidates)
    bylines = _take_bylines(chosen.blocks) if chosen else []
    people, organizations = find_authors(doc, ld, meta, sel.author if sel else None, names)
    authors = people or bylines or organizations
    body = join_blocks(_drop_author_card(chosen.blocks, authors)) if chosen else ""

    tz = page_timezone(site, url, doc, meta)
    order = site.date_order if site else "DMY"
    # The last fallbacks walk the whole page: only pages that say nothing else pay for them.
    published = first_date(
        [
            ld.get("datePublished"),
            ld.get("dateCreated"),
            ld.get("uploadDate"),
            _first(meta, "article:published_time", "og:published_time", "datepublished",
                   "pubdate", "publishdate", "publish-date", "date", "dc.date.issued",
                   "sailthru.date", "parsely-pub-date"),
            _time_attr(doc, sel.date if sel else None),
            _select_text(doc, sel.date if sel else None),
            _time_attr(doc, ARTICLE_TIME),
            hints.get("published"),
        ],
        tz,
        order,
    ) or first_date(fallback_dates(doc, url), tz, order)  # fmt: skip
    modified = first_date(
        [
            ld.get("dateModified"),
            _first(meta, "article:modified_time", "og:updated_time", "datemodified",
                   "last-modified", "dc.date.modified"),
        ],
        tz,
        order,
    )  # fmt: skip

    canonical, canonical_rejected = find_canonical(doc, url, meta, site, title)
    fetched = (fetched_at or datetime.now(UTC)).astimezone(UTC)
    return Article(
        url=url,
        canonical_url=canonical,
        site=site.name if site else None,
        language=_language(doc, ld, meta, body or title or ""),
        title=title,
        description=ld_text(ld.get("description"))
        or _first(meta, "og:description", "description", "twitter:description"),
        body=body,
        authors=authors,
        section=ld_text(ld.get("articleSection"))
        or _first(meta, "article:section")
        or _select_text(doc, sel.section if sel else None),
        tags=_tags(doc, ld, meta, sel.tags if sel else None),
        images=images,
        published_at=published.iso if published else None,
        published_raw=published.raw if published else None,
        published_tz_assumed=published.assumed if published else False,
        modified_at=modified.iso if modified else None,
        modified_raw=modified.raw if modified else None,
        modified_tz_assumed=modified.assumed if modified else False,
        fetched_at=fetched.isoformat(timespec="seconds"),
        content_hash=content_hash(title, body),
        body_source=chosen.source if chosen else None,
        canonical_rejected=canonical_rejected,
    )


def _css(doc: _Element, selector: str | None) -> list[_Element]:
    """Matches of a selector group, alternative by alternative in the order written.

    A registry entry lists alternatives by preference (``div.article-body #firstBodyDiv,
    div.article-body``); document order would let an outer fallback win over the inner element.
    """
    if not selector:
        return []
    try:
        alternatives = _css_alternatives(selector)
    except Exception:  # noqa: BLE001 - a bad per-site selector must not stop extraction
        return []
    found: dict[_Element, None] = {}
    for xpath in alternatives:
        for el in doc.xpath(xpath):
            found.setdefault(el, None)
    return list(found)


@functools.lru_cache(maxsize=256)
def _css_alternatives(selector: str) -> tuple[str, ...]:
    # XPath strings, not compiled XPath objects: those must not be shared between threads.
    translator = LxmlHTMLTranslator()
    return tuple(translator.selector_to_xpath(alt) for alt in cssselect.parse(selector))


def _select_text(doc: _Element, selector: str | None) -> str | None:
    for el in _css(doc, selector):
        text = normalize_line(el.text_content())
        if text:
            return text
    return None


def _time_attr(doc: _Element, selector: str | None) -> str | None:
    for el in _css(doc, selector):
        # <time datetime>, microdata <meta content>, and Blogger's <abbr title>.
        for attr in ("datetime", "content", "title"):
            if el.get(attr):
                return el.get(attr)
    return None


# A machine-readable time of the article itself, not one of a ticker or a related-links list.
ARTICLE_TIME = (
    "[itemprop=datePublished][datetime], [itemprop=datePublished][content], "
    "abbr[itemprop=datePublished][title], article time[datetime], main time[datetime]"
)
# «كتب - محمد علي», «بقلم: ...» opening the text: a byline, not a paragraph.
_BYLINE = re.compile(r"^(?:كتب|كتبت|بقلم|إعداد|اعداد)\s*[:：\-–]?\s*([^.،؟!:\d]{2,50})$")


def _take_bylines(blocks: list[str]) -> list[str]:
    """Remove byline blocks («كتب - …», «رامي حداد | 27-08-2024 | 18:40») from the start of the
    text (in place); return the names they give."""
    names: list[str] = []
    while blocks and len(names) < 3:
        match = _BYLINE.match(blocks[0])
        if match and len(match.group(1).split()) <= 6:
            names.extend(split_names(match.group(1)))
            blocks.pop(0)
            continue
        meta = _meta_line(blocks[0])
        if meta is None:
            meta = place_byline(blocks[0])
        if meta is None:
            break
        names.extend(meta)
        blocks.pop(0)
    return names


_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_META_SEPARATOR = re.compile(r"\s*[|•·]\s*")


def _meta_line(block: str) -> list[str] | None:
    """The names of a «name | date | time» line printed over the text; None if it is not one."""
    text = block.translate(_DIGITS)
    if len(text) > 90 or not _META_SEPARATOR.search(text):
        return None
    parts = [p for p in _META_SEPARATOR.split(text) if p]
    dated = [p for p in parts if _PRINTED_DATE.fullmatch(p) or _CLOCK.fullmatch(p)]
    if not dated or len(parts) - len(dated) > 1:
        return None
    rest = [p for p in parts if p not in dated]
    return split_names(rest[0]) if rest and len(rest[0].split()) <= 4 else []


def _drop_author_card(blocks: list[str], authors: list[str]) -> list[str]:
    """An author box closing the text (the author's name, then a short biography) goes."""
    names = set(authors)
    for i in range(max(0, len(blocks) - 3), len(blocks)):
        if blocks[i] in names and i > 0:
            return blocks[:i]
    return blocks


# Headings over readers' comments, however the section is marked up.
_COMMENTS_HEADING = re.compile(
    r"^(?:آراء القراء|اراء القراء|تعليقات القراء|تعليقات الزوار|تعليقات الزوار والقراء|التعليقات"
    r"|تعليقات|أضف تعليقك|اضف تعليقك|أضف تعليقا|اترك تعليقا|اترك تعليقاً|شارك برأيك|Comments"
    r"|Reader comments|Leave a (?:comment|reply))\s*[(:\d)\s]*$",
    re.I,
)
_COMMENTS_NAME = re.compile(r"comment|respons|reader-?opinion|disqus", re.I)


def _reader_comments(doc: _Element) -> set[str]:
    """The text blocks of readers' comment sections: containers named like comments, or headed
    «آراء القراء», «التعليقات»…, which generic extraction may take for the article's end."""
    found: set[str] = set()
    sections = [
        el
        for el in doc.xpath("//body//*[@class or @id]")
        if _COMMENTS_NAME.search(f"{el.get('class', '')} {el.get('id', '')}")
    ]
    for heading in doc.xpath("//body//*[self::h2 or self::h3 or self::h4 or self::h5]"):
        if _COMMENTS_HEADING.match(normalize_line(heading.text_content())):
            parent = heading.getparent()
            if parent is not None:
                sections.append(parent)
    total = len(doc.text_content())
    for section in sections:
        # A container holding most of the page, or the headline, is the page, not its comments.
        if len(section.text_content()) > 0.5 * total or next(section.iter("h1"), None) is not None:
            continue
        blocks, _ = html_blocks(section)
        found.update(b for b in blocks if len(b) >= 20)
    return found


def _drop_furniture_lines(
    blocks: list[str], titles: set[str | None], captions: set[str]
) -> list[str]:
    """Blocks that are a headline (the record's title or the page's own heading, which can
    differ from a JSON-LD headline) or an image caption repeated inside the text go, so do the
    blocks before the headline (a teaser of another box) and an embedded tweet's picture link."""
    out = [b for b in blocks if b not in captions]
    # The text starts after its headline: what comes before it is a teaser of another box.
    heading = next((i for i, b in enumerate(out[:6]) if b in titles), None)
    if heading is not None:
        out = out[heading + 1 :]
    while out and out[0] in titles:
        out.pop(0)
    # An embedded tweet's picture link is the embed's, not the text's.
    out = [_EMBED_LINK.sub("", b).rstrip() if "t.co" in b or "twitter.com" in b else b for b in out]
    return [b for b in out if b]


_EMBED_LINK = re.compile(r"\s*(?:pic\.twitter\.com|https?://t\.co)/\w+")


# Elements that print a picture's caption beside it.
_CAPTION_CLASS = re.compile(
    r"(?:^|\s)caption(?:\s|$)|wp-caption-text|(?:image|photo|img|pic)-(?:caption|desc)"
)


def _images(
    doc: _Element, url: str, ld: dict[str, Any], meta: dict[str, list[str]], body_sel: str | None
) -> list[Image]:
    found: list[Image] = []
    for fig in doc.iter("figure"):
        if _in_side_content(fig):
            continue
        img = fig.find(".//img")
        src = _img_src(img) if img is not None else None
        cap_el = fig.find(".//figcaption")
        caption = normalize_line(cap_el.text_content()) if cap_el is not None else None
        if src:
            found.append(Image(src, caption or None))
    for el in doc.xpath("//*[@class]"):
        if not _CAPTION_CLASS.search(el.get("class", "")):
            continue
        if el.tag == "figcaption" or _in_side_content(el):
            continue
        caption = normalize_line(el.text_content())
        parent = el.getparent()
        img = parent.find(".//img") if parent is not None else None
        src = _img_src(img) if img is not None else None
        if src and caption:
            found.append(Image(src, caption))
    found = _ld_images(ld.get("image")) + found
    for og in meta.get("og:image", []):
        # A site's logo or placeholder stands in as og:image on many pages: it is no picture
        # of the article.
        if not (found and _PLACEHOLDER_IMAGE.search(og)):
            found.append(Image(og))
    merged: dict[str, Image] = {}
    for img in found:
        absolute = urljoin(url, img.url.strip())
        if not absolute.startswith(("http://", "https://")):
            continue
        known = merged.get(absolute)
        if known is None:
            merged[absolute] = Image(absolute, img.caption)
        elif not known.caption and img.caption:
            known.caption = img.caption
    return list(merged.values())


# Where pictures of other articles live: sidebars, related and most-read lists, footers.
_SIDE_NAMES = re.compile(
    r"(?:^|[\s_-])(?:related|read-?also|more-on|most-?read|recommended|sidebar|widgets?|outbrain"
    r"|taboola|promo|teasers?|more-?news)(?:$|[\s_-])"
)


def _in_side_content(el: _Element) -> bool:
    for a in el.iterancestors():
        if a.tag in ("aside", "nav", "footer"):
            return True
        if _SIDE_NAMES.search(f"{a.get('class', '')} {a.get('id', '')}".lower()):
            return True
    return False


_PLACEHOLDER_IMAGE = re.compile(r"logo|placeholder|default[-_.]|favicon|no-?image", re.I)


def _img_src(img: _Element) -> str | None:
    for attr in ("src", "data-src", "data-original", "data-lazy-src"):
        value = img.get(attr)
        if value and not value.startswith("data:"):
            return value
    return None


def _tags(
    doc: _Element, ld: dict[str, Any], meta: dict[str, list[str]], selector: str | None
) -> list[str]:
    raw: list[str] = []
    keywords = ld.get("keywords")
    if isinstance(keywords, list):
        raw.extend(k for k in keywords if isinstance(k, str))
    elif isinstance(keywords, str):
        raw.extend(re.split(r"[,،]", keywords))
    if not raw:
        raw.extend(meta.get("article:tag", []))
    if not raw:
        for value in meta.get("news_keywords", []) + meta.get("keywords", []):
            raw.extend(re.split(r"[,،]", value))
    if not raw:
        raw.extend(el.text_content() for el in _css(doc, selector))
    tags = (normalize_line(t) for t in raw)
    return list(dict.fromkeys(t for t in tags if t))


# Languages written in Arabic script: a page declaring one of them is believed.
_ARABIC_SCRIPT = {"ar", "fa", "ur", "ps", "ku", "ckb", "sd", "ug"}


def _language(doc: _Element, ld: dict[str, Any], meta: dict[str, list[str]], text: str) -> str:
    """The declared language, unless the text says otherwise: templates often keep ``lang="en"``
    on Arabic pages, so mostly Arabic text declared in a Latin-script language is ``ar``."""
    arabic = arabic_ratio(text) > 0.5
    for value in (doc.get("lang"), ld_text(ld.get("inLanguage")), _first(meta, "og:locale")):
        if value and value.strip():
            declared = re.split(r"[-_]", value.strip())[0].lower()
            return "ar" if arabic and declared not in _ARABIC_SCRIPT else declared
    return "ar" if arabic else "und"
