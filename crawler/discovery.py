"""Pure parsing of discovery documents (robots.txt, sitemaps, Google News sitemaps, RSS and Atom
feeds, section listings) into article links with the dates and titles they announce."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from lxml.etree import _Element

from crawler.dates import parse_date
from crawler.extract import (
    article_json_ld,
    densest_container,
    html_blocks,
    is_page_furniture,
    own_text,
    parse_json_ld,
)
from crawler.page import Page

_XML_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, huge_tree=False
)


@dataclass(frozen=True)
class Link:
    """One URL announced by a discovery document."""

    url: str
    published: str | None = None
    """The announced publication (or last modification) time, as written."""
    title: str | None = None
    is_sitemap: bool = False
    """True for a child sitemap of a sitemap index."""


def parse_since(value: str | None, now: datetime) -> datetime:
    """The start of the crawl window: ``2d``, ``36h``, ``90m``, an ISO date or datetime.

    An empty value or a start at or after ``now`` (an empty window) is a ValueError: a typo in a
    cron line must not turn into a run that quietly crawls nothing."""
    if value is None:
        return now - timedelta(days=2)
    hint = "use a duration like 2d, 36h or 90m, or an ISO date like 2026-11-20"
    value = value.strip()
    if not value:
        raise ValueError(f"since is empty: {hint} (or leave it out for the last 2 days)")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([dhm])", value)
    if match:
        amount, unit = float(match.group(1)), match.group(2)
        delta = {"d": timedelta(days=amount), "h": timedelta(hours=amount)}.get(
            unit, timedelta(minutes=amount)
        )
        start = now - delta
    else:
        try:
            start = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"since={value!r}: {hint}") from None
        start = start if start.tzinfo else start.replace(tzinfo=now.tzinfo)
    if start >= now:
        raise ValueError(
            f"since={value!r} is not before now ({now.isoformat(timespec='minutes')}): "
            "the window would be empty"
        )
    return start


def to_datetime(raw: str | None, timezone: str) -> datetime | None:
    parsed = parse_date(raw, timezone)
    return datetime.fromisoformat(parsed.iso) if parsed else None


def robots_sitemaps(text: str) -> list[str]:
    return [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.lower().startswith("sitemap:") and line.split(":", 1)[1].strip()
    ]


def _xml_root(body: bytes) -> _Element | None:
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except OSError:
            return None
    try:
        return lxml.etree.fromstring(body.strip(), parser=_XML_PARSER)
    except lxml.etree.XMLSyntaxError:
        return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el: _Element, *names: str) -> str | None:
    for child in el.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def document_kind(body: bytes) -> str | None:
    """``sitemapindex``, ``urlset``, ``rss``, ``feed`` (Atom), ``rdf`` or ``None`` (not XML)."""
    root = _xml_root(body)
    kind = _local(root.tag) if root is not None else None
    return kind if kind in ("sitemapindex", "urlset", "rss", "rdf", "feed") else None


def parse_xml_links(body: bytes, base_url: str) -> Iterator[Link]:
    """Links of a sitemap index, urlset (news extension kept), RSS or Atom document."""
    root = _xml_root(body)
    if root is None:
        return
    kind = _local(root.tag)
    if kind == "sitemapindex":
        for sm in root:
            loc = _child_text(sm, "loc")
            if loc:
                yield Link(urljoin(base_url, loc), _child_text(sm, "lastmod"), is_sitemap=True)
    elif kind == "urlset":
        for entry in root:
            if _local(entry.tag) != "url":
                continue
            loc = _child_text(entry, "loc")
            if not loc:
                continue
            published = _child_text(entry, "publication_date") or _child_text(entry, "lastmod")
            yield Link(urljoin(base_url, loc), published, _child_text(entry, "title"))
    elif kind in ("rss", "rdf"):
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            link = _child_text(item, "link") or _child_text(item, "guid")
            if link:
                published = _child_text(item, "pubdate", "date", "published", "updated")
                yield Link(urljoin(base_url, link), published, _child_text(item, "title"))
    elif kind == "feed":
        for entry in root:
            if _local(entry.tag) != "entry":
                continue
            href = None
            for link in entry:
                if _local(link.tag) == "link" and link.get("rel", "alternate") == "alternate":
                    href = link.get("href")
                    break
            if href:
                published = _child_text(entry, "published", "updated")
                yield Link(urljoin(base_url, href), published, _child_text(entry, "title"))


def parse_listing(
    html: str | _Element, base_url: str, listing: str | None, next_page: str | None
) -> tuple[list[Link], str | None]:
    """Article links of a section page (with the date printed beside each, when there is one)
    and the URL of its next page."""
    doc = as_document(html)
    anchors = _select(doc, listing) if listing else []
    if not anchors:
        anchors = doc.xpath("//a[@href]")
    links: list[Link] = []
    for a in anchors:
        href = a.get("href")
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        links.append(
            Link(urljoin(base_url, href), _nearby_time(a), " ".join(a.text_content().split()))
        )
    nxt = None
    for el in (_select(doc, next_page) if next_page else []) or doc.xpath('//a[@rel="next"]'):
        if el.get("href"):
            nxt = urljoin(base_url, el.get("href"))
            break
    return links, nxt


def as_document(html: str | _Element) -> _Element:
    """A parsed page: parsing once serves every helper that looks at it."""
    if isinstance(html, str):
        return lxml.html.document_fromstring(html or "<html></html>")
    return html


def looks_like_xml(body: bytes) -> bool:
    """Whether a response body may be a sitemap or feed (cheap test before parsing it as XML)."""
    head = body[:512].lstrip().lower()
    return (
        body[:2] == b"\x1f\x8b"
        or head.startswith(b"<?xml")
        or head.startswith((b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf"))
    )


def _select(doc: _Element, selector: str) -> list[_Element]:
    try:
        return list(doc.cssselect(selector))
    except Exception:  # noqa: BLE001 - a bad per-site selector falls back to every link
        return []


def _nearby_time(anchor: _Element) -> str | None:
    """The time printed in the listing item of a link: its closest ancestor with one ``<time>``,
    as long as that ancestor holds no other article's link."""
    node: _Element | None = anchor
    href = anchor.get("href")
    for _ in range(4):
        if node is None or any(a.get("href") != href for a in node.xpath(".//a[@href]")):
            return None
        times = node.xpath(".//time")
        if len(times) == 1:
            return times[0].get("datetime") or " ".join(times[0].text_content().split())
        if len(times) > 1:
            return None
        node = node.getparent()
    return None


_ASSET = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|json|pdf|zip|rar|mp[34]|avi|mov|woff2?|ttf|xml)$",
    re.I,
)
_ARTICLE_QUERY = re.compile(r"(?:^|&)(?:p|id|nid|article|articleid|newsid|story)=\d+", re.I)
_ARTICLE_PATH = re.compile(
    r"(?:/\d{5,}(?:[/.\-_]|$)|/(?:19|20)\d{2}[/\-]\d{1,2}[/\-]\d{1,2}(?:/|$)"
    r"|[/=][^/?=]*(?:-[^/?=-]+){3,}/?$)"
)


def feed_links(html: str | _Element, base_url: str) -> list[str]:
    """Feeds a page announces with ``<link rel="alternate" type="application/rss+xml">``."""
    doc = as_document(html)
    return list(
        dict.fromkeys(
            urljoin(base_url, link.get("href"))
            for link in doc.xpath('//link[@rel="alternate"][@href]')
            if (link.get("type") or "").lower()
            in ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
        )
    )


def page_links(html: str | _Element, base_url: str) -> list[str]:
    """The page's links to other HTML pages of the same host, in page order."""
    doc = as_document(html)
    host = urlsplit(base_url).hostname
    out: dict[str, None] = {}
    for a in doc.xpath("//a[@href]"):
        href = a.get("href", "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "whatsapp:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        parts = urlsplit(url)
        same_host = parts.scheme in ("http", "https") and parts.hostname == host
        target = f"{parts.path}?{parts.query}".lower()
        if same_host and not _ASSET.search(parts.path) and not _UTILITY.search(target):
            out[url] = None
    return list(out)


# Print views, send-to-a-friend forms, comment replies, logins and searches: other views of a
# page or no page at all.
_UTILITY = re.compile(
    r"(?:^|[/_.?&=-])(?:print(?:news|view|able|er)?|sendtofriend|send-to-friend|emailarticle"
    r"|wp-login|login|signin|sign-in|register|search)(?:$|[/_.?&=-])|[?&]replytocom=|[?&]s="
)


_NEXT_WORDS = {
    "التالي", "التالى", "الصفحة التالية", "التالية", "المزيد", "عرض المزيد", "أخبار أقدم",
    "الأقدم", "next", "next page", "older", "older posts", "more", "»", "›", "«", "‹", ">", "<",
}  # fmt: skip


def pagination_links(html: str | _Element, base_url: str) -> set[str]:
    """Links that walk a listing's pages: ``rel=next``, "next"-named links or words («التالي»),
    and page numbers inside an element named like a pager (``.pagination``, ``#pager``)."""
    doc = as_document(html)
    found: set[str] = set()
    for a in doc.xpath("//a[@href]"):
        text = " ".join(a.text_content().split()).lower()
        names = f"{a.get('class', '')} {a.get('id', '')} {a.get('rel', '')}".lower()
        in_pager = text.isdigit() and any(
            "pag" in f"{p.get('class', '')} {p.get('id', '')}".lower() for p in a.iterancestors()
        )
        if "next" in names or text in _NEXT_WORDS or in_pager:
            found.add(urljoin(base_url, a.get("href", "").strip()).split("#", 1)[0])
    return found


def listing_shape(doc: _Element) -> tuple[int, int]:
    """(teasers, running): long texts of the page that sit in a small card beside a headline
    link (a listing's teasers), and long texts that do not (an article's running text).
    Navigation, header, footer, sidebars and furniture-named boxes are not looked at."""
    teasers = running = 0
    body = doc.find("body")
    if body is None:
        return 0, 0
    for el in body.iter("p", "div", "td", "span", "li", "section", "article"):
        own = own_text(el)
        if len(own) < 80:
            continue
        ancestors = list(el.iterancestors())
        if any(a.tag == "a" for a in ancestors):
            continue
        if any(is_page_furniture(a) for a in ancestors):
            continue
        # A teaser is one short summary; text this long, or in <br> runs, is an article's.
        card = len(own) < 300 and len(el.findall("br")) < 2 and _in_card(el, ancestors, len(own))
        teasers += card
        running += not card
    return teasers, running


def _in_card(el: _Element, ancestors: list[_Element], size: int) -> bool:
    """Whether a small box around ``el`` (up to three levels up) holds a headline link beside
    it and no other long text (an article's text runs on in several)."""
    for box in ancestors[:3]:
        if len(box.text_content()) > 2 * size + 250 or _long_texts(box) > 1:
            return False
        for a in box.iter("a"):
            # A link inside the text itself is part of it, not a headline beside it.
            if el not in a.iterancestors() and len(a.text_content().strip()) >= 15:
                return True
    return False


def _headline_links(doc: _Element) -> int:
    """Links of the page's main part whose text reads like a headline."""
    count = 0
    for a in doc.iter("a"):
        text = a.text_content().strip()
        if len(text) < 15 or len(text.split()) < 3:
            continue
        if not any(is_page_furniture(p) for p in a.iterancestors()):
            count += 1
    return count


def _long_texts(box: _Element) -> int:
    return sum(
        1
        for el in box.iter("p", "div", "td", "span", "li")
        if len(" ".join(t for t in (el.text, *(c.tail for c in el)) if t and t.strip())) >= 80
    )


def looks_like_article(url: str, html: str | _Element | Page) -> bool:
    """Whether a page of an unregistered site is an article rather than a home, section or tag
    page: a JSON-LD article type or ``og:type`` article, unless all its long texts are teasers
    in cards beside headline links (templates that declare every page an article); else the
    shape of its main text: enough long paragraphs in one element with few links (fewer needed
    when the URL looks like an article's: a long number, a date, a long slug, ``?p=``, ``?id=``)."""
    page = html if isinstance(html, Page) else None
    doc = page.doc if page is not None else as_document(html)
    teasers, running = listing_shape(doc)
    # Mostly teasers, or no running text but a teaser or many headlines; a declared article
    # with no long text and few headline links (a video, a one-line flash) is still one.
    listing = (teasers >= 2 and teasers > 2 * running) or (
        running == 0 and (teasers >= 1 or _headline_links(doc) >= 6)
    )
    ld = page.article_ld if page is not None else article_json_ld(parse_json_ld(doc))
    types = ld.get("@type") or ()
    names = {str(t).lower() for t in ([types] if isinstance(types, str) else types)}
    og_type = doc.xpath('string(//meta[@property="og:type"]/@content)').strip().lower()
    if (names and names != {"webpage"}) or og_type == "article":
        return not listing
    container = densest_container(doc)
    if container is None or listing or running == 0:
        return False
    blocks, link_density = html_blocks(container)
    long_blocks = sum(1 for b in blocks if len(b) >= 80)
    parts = urlsplit(url)
    if _ARTICLE_PATH.search(parts.path) or _ARTICLE_QUERY.search(parts.query):
        return long_blocks >= 2 and link_density < 0.3
    # Listings carry teasers too, each under its own link: only a page whose main element is
    # mostly unlinked running text is taken for an article.
    return long_blocks >= 3 and sum(len(b) for b in blocks) >= 600 and link_density < 0.1
