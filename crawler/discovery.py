"""Pure parsing of discovery documents (robots.txt, sitemaps, Google News sitemaps, RSS and Atom
feeds, section listings) into article links with the dates and titles they announce."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from lxml.etree import _Element
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.dates import parse_date
from crawler.extract import (
    article_json_ld,
    densest_container,
    html_blocks,
    is_page_furniture,
    own_text,
    parse_json_ld,
)
from crawler.fields.dates import printed_dates
from crawler.fields.title import printed_heading
from crawler.page import Page
from crawler.urls import absolute_url

_XML_OPTIONS = {"resolve_entities": False, "no_network": True, "recover": True, "huge_tree": False}
XML_MAX_SIZE = 50 * 1024 * 1024
"""Default cap on a sitemap or feed once decompressed (the sitemap protocol's own limit)."""


class TooLarge(ValueError):
    """A discovery document larger than the cap once decompressed (a gzip bomb, a runaway
    sitemap): refused whole rather than read into memory."""


@dataclass
class Tally:
    """What reading one document's links skipped, for the caller's stats: malformed URLs
    (``bad_urls``) and links beyond ``max_links`` (``capped``; 0 means no cap)."""

    max_links: int = 0
    bad_urls: int = 0
    capped: int = 0

    def join(self, base: str, href: str | None) -> str | None:
        """``href`` made absolute, or ``None`` (counted) when it is no fetchable URL."""
        url = absolute_url(base, href or "")
        if url is None:
            self.bad_urls += 1
        return url

    def cap(self, items: list[_Element]) -> list[_Element]:
        if self.max_links and len(items) > self.max_links:
            self.capped += len(items) - self.max_links
            return items[: self.max_links]
        return items

    def anchors(self, doc: _Element) -> list[_Element]:
        """The page's first ``max_links`` ``<a href>`` elements; the rest are only counted
        (by lxml, without building an element object for each)."""
        if not self.max_links:
            return doc.xpath("//a[@href]")
        found = list(
            islice((a for a in doc.iter("a") if a.get("href") is not None), self.max_links)
        )
        if len(found) == self.max_links:
            self.capped += int(doc.xpath("count(//a[@href])")) - len(found)
        return found


def _tally(tally: Tally | None) -> Tally:
    return tally if tally is not None else Tally()


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


def robots_sitemaps(text: str | bytes, base_url: str = "", tally: Tally | None = None) -> list[str]:
    """The sitemaps a robots.txt names, relative ones resolved against ``base_url``; a
    malformed line is skipped (counted), never the lines after it."""
    tally = _tally(tally)
    data = text.encode("utf-8") if isinstance(text, str) else text
    found: list[str] = []
    for line in data.splitlines():
        if line.lstrip()[:8].lower() != b"sitemap:" or not line.partition(b":")[2].strip():
            continue
        try:
            urls = list(sitemap_urls_from_robots(line, base_url=base_url))
        except ValueError:
            tally.bad_urls += 1
            continue
        found.extend(u for u in (tally.join(base_url, url) for url in urls) if u)
    return found


def xml_body(body: bytes, max_size: int = XML_MAX_SIZE) -> bytes:
    """The document a sitemap or feed response holds: gzip undone (at most ``max_size`` bytes,
    else ``TooLarge``), leading whitespace cut. A corrupt gzip stream gives what it held."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except ValueError as exc:  # Scrapy's decompression cap is a ValueError
            raise TooLarge(f"more than {max_size} bytes once decompressed") from exc
        except (OSError, EOFError):
            return b""
    if max_size and len(body) > max_size:
        raise TooLarge(f"{len(body)} bytes, more than {max_size}")
    return body.lstrip()


def _events(body: bytes, events: tuple[str, ...]) -> Iterator[tuple[str, _Element]]:
    """lxml's incremental parse of an XML document: memory stays with the current entry, not
    the whole tree (a 100 MB sitemap parsed at once took 2.8 GB)."""
    try:
        body = xml_body(body)
        yield from lxml.etree.iterparse(io.BytesIO(body), events=events, **_XML_OPTIONS)
    except (TooLarge, lxml.etree.XMLSyntaxError):
        return


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el: _Element, *names: str) -> str | None:
    for child in el.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def document_kind(body: bytes) -> str | None:
    """``sitemapindex``, ``urlset``, ``rss``, ``feed`` (Atom), ``rdf`` or ``None`` (not XML)."""
    for _, root in _events(body, ("start",)):
        kind = _local(root.tag)
        return kind if kind in ("sitemapindex", "urlset", "rss", "rdf", "feed") else None
    return None


def parse_xml_links(body: bytes, base_url: str, tally: Tally | None = None) -> Iterator[Link]:
    """Links of a sitemap index, urlset (news extension kept), RSS or Atom document, read
    incrementally; an entry with a malformed URL is skipped (counted in ``tally``)."""
    tally = _tally(tally)
    kind = None
    depth = 0
    for event, el in _events(body, ("start", "end")):
        if event == "start":
            if kind is None:
                kind = _local(el.tag)
                if kind not in ("sitemapindex", "urlset", "rss", "rdf", "feed"):
                    return
            depth += 1
            continue
        depth -= 1
        tag = _local(el.tag)
        link = None
        if depth == 1 and kind == "sitemapindex":
            link = _index_entry(el, base_url, tally)
        elif depth == 1 and kind == "urlset" and tag == "url":
            link = _url_entry(el, base_url, tally)
        elif kind in ("rss", "rdf") and tag == "item":
            link = _rss_item(el, base_url, tally)
        elif depth == 1 and kind == "feed" and tag == "entry":
            link = _atom_entry(el, base_url, tally)
        else:
            continue
        # Entries already read are dropped from the tree as it grows.
        el.clear()
        parent = el.getparent()
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]
        if link is not None:
            yield link


def _index_entry(sm: _Element, base_url: str, tally: Tally) -> Link | None:
    loc = _child_text(sm, "loc")
    url = tally.join(base_url, loc) if loc else None
    return Link(url, _child_text(sm, "lastmod"), is_sitemap=True) if url else None


def _url_entry(entry: _Element, base_url: str, tally: Tally) -> Link | None:
    loc = _child_text(entry, "loc")
    url = tally.join(base_url, loc) if loc else None
    if not url:
        return None
    published = _child_text(entry, "publication_date") or _child_text(entry, "lastmod")
    return Link(url, published, _child_text(entry, "title"))


def _rss_item(item: _Element, base_url: str, tally: Tally) -> Link | None:
    link = _child_text(item, "link") or _child_text(item, "guid")
    url = tally.join(base_url, link) if link else None
    if not url:
        return None
    published = _child_text(item, "pubdate", "date", "published", "updated")
    return Link(url, published, _child_text(item, "title"))


def _atom_entry(entry: _Element, base_url: str, tally: Tally) -> Link | None:
    href = None
    for link in entry:
        if _local(link.tag) == "link" and link.get("rel", "alternate") == "alternate":
            href = link.get("href")
            break
    url = tally.join(base_url, href) if href else None
    if not url:
        return None
    return Link(url, _child_text(entry, "published", "updated"), _child_text(entry, "title"))


def parse_listing(
    html: str | _Element,
    base_url: str,
    listing: str | None,
    next_page: str | None,
    tally: Tally | None = None,
) -> tuple[list[Link], str | None]:
    """Article links of a section page (with the date printed beside each, when there is one)
    and the URL of its next page. At most ``tally.max_links`` links are read."""
    tally = _tally(tally)
    doc = as_document(html)
    anchors = _select(doc, listing) if listing else []
    anchors = tally.cap(anchors) if anchors else tally.anchors(doc)
    times = _NearbyTimes()
    links: list[Link] = []
    for a in anchors:
        href = a.get("href")
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = tally.join(base_url, href)
        if url:
            links.append(Link(url, times.near(a), " ".join(a.text_content().split())))
    nxt = None
    for el in (_select(doc, next_page) if next_page else []) or doc.xpath('//a[@rel="next"]'):
        if el.get("href"):
            nxt = tally.join(base_url, el.get("href"))
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


_MANY = object()


class _NearbyTimes:
    """The time printed in the listing item of a link: its closest ancestor (up to four levels)
    with one ``<time>``, as long as that ancestor holds no other article's link.

    What each box holds (the one href of its links or "several", its ``<time>`` elements) is
    worked out once per box and kept, so a page of 100,000 links in one box costs one pass over
    that box, not one per link."""

    def __init__(self) -> None:
        self._hrefs: dict[_Element, object] = {}
        self._times: dict[_Element, list[_Element]] = {}

    def near(self, anchor: _Element) -> str | None:
        node: _Element | None = anchor
        href = anchor.get("href")
        for _ in range(4):
            if node is None:
                return None
            held = self._held_href(node)
            if held is _MANY or (held is not None and held != href):
                return None
            times = self._time_elements(node)
            if len(times) == 1:
                return times[0].get("datetime") or " ".join(times[0].text_content().split())
            if len(times) > 1:
                return None
            node = node.getparent()
        return None

    def _held_href(self, node: _Element) -> object:
        """The href every ``<a href>`` below ``node`` shares, ``None`` without one, else
        ``_MANY``."""
        if node not in self._hrefs:
            held: object = None
            for a in node.iterdescendants("a"):
                value = a.get("href")
                if value is None:
                    continue
                if held is None:
                    held = value
                elif held != value:
                    held = _MANY
                    break
            self._hrefs[node] = held
        return self._hrefs[node]

    def _time_elements(self, node: _Element) -> list[_Element]:
        if node not in self._times:
            found: list[_Element] = []
            for t in node.iterdescendants("time"):
                found.append(t)
                if len(found) > 1:
                    break
            self._times[node] = found
        return self._times[node]


_ASSET = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|json|pdf|zip|rar|mp[34]|avi|mov|woff2?|ttf|xml)$",
    re.I,
)
_ARTICLE_QUERY = re.compile(r"(?:^|&)(?:p|id|nid|article|articleid|newsid|story)=\d+", re.I)
_ARTICLE_PATH = re.compile(
    r"(?:/\d{5,}(?:[/.\-_]|$)|/(?:19|20)\d{2}[/\-]\d{1,2}[/\-]\d{1,2}(?:/|$)"
    r"|[/=][^/?=]*(?:-[^/?=-]+){3,}/?$)"
)


def feed_links(html: str | _Element, base_url: str, tally: Tally | None = None) -> list[str]:
    """Feeds a page announces with ``<link rel="alternate" type="application/rss+xml">``."""
    tally = _tally(tally)
    doc = as_document(html)
    found = (
        tally.join(base_url, link.get("href"))
        for link in doc.xpath('//link[@rel="alternate"][@href]')
        if (link.get("type") or "").lower()
        in ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
    )
    return list(dict.fromkeys(url for url in found if url))


def page_links(html: str | _Element, base_url: str, tally: Tally | None = None) -> list[str]:
    """The page's links to other HTML pages of the same host, in page order (at most
    ``tally.max_links`` links read)."""
    tally = _tally(tally)
    doc = as_document(html)
    host = urlsplit(base_url).hostname
    out: dict[str, None] = {}
    for a in tally.anchors(doc):
        href = a.get("href", "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "whatsapp:")):
            continue
        url = tally.join(base_url, href)
        if url is None:
            continue
        url = url.split("#", 1)[0]
        parts = urlsplit(url)
        same_host = parts.hostname == host
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


def pagination_links(html: str | _Element, base_url: str, tally: Tally | None = None) -> set[str]:
    """Links that walk a listing's pages: ``rel=next``, "next"-named links or words («التالي»),
    and page numbers inside an element named like a pager (``.pagination``, ``#pager``)."""
    tally = _tally(tally)
    doc = as_document(html)
    found: set[str] = set()
    pager: dict[_Element, bool] = {}
    for a in tally.anchors(doc):
        text = " ".join(a.text_content().split()).lower()
        names = f"{a.get('class', '')} {a.get('id', '')} {a.get('rel', '')}".lower()
        in_pager = text.isdigit() and _in_pager(a.getparent(), pager)
        if "next" in names or text in _NEXT_WORDS or in_pager:
            # The pager's own links are few: a bad one is dropped without counting twice.
            url = absolute_url(base_url, a.get("href", ""))
            if url:
                found.add(url.split("#", 1)[0])
    return found


def _in_pager(el: _Element | None, memo: dict[_Element, bool]) -> bool:
    """Whether ``el`` or an ancestor is named like a pager, remembered per element."""
    return _any_ancestor(el, memo, _named_like_pager)


def _named_like_pager(el: _Element) -> bool:
    return "pag" in f"{el.get('class', '')} {el.get('id', '')}".lower()


def _any_ancestor(
    el: _Element | None, memo: dict[_Element, bool], test: Callable[[_Element], bool]
) -> bool:
    """Whether ``test`` holds for ``el`` or an ancestor; every element walked is remembered in
    ``memo`` (one memo per test), so a page costs one walk up from each element at most."""
    path: list[_Element] = []
    result = False
    while el is not None:
        if el in memo:
            result = memo[el]
            break
        path.append(el)
        if test(el):
            result = True
            break
        el = el.getparent()
    for node in path:
        memo[node] = result
    return result


def listing_shape(doc: _Element) -> tuple[int, int]:
    """(teasers, running): long texts of the page that sit in a small card beside a headline
    link (a listing's teasers), and long texts that do not (an article's running text).
    Navigation, header, footer, sidebars and furniture-named boxes are not looked at.

    What a box holds (its text length, long texts, headline links) and whether an element sits
    in a link or furniture are worked out once per element and kept, so the page costs about
    one pass however many paragraphs share a large box (asking each box again per paragraph
    took a minute on a 4 MB page)."""
    teasers = running = 0
    body = doc.find("body")
    if body is None:
        return 0, 0
    boxes = _Boxes()
    for el in body.iter("p", "div", "td", "span", "li", "section", "article", "font", "blockquote"):
        own = own_text(el)
        if len(own) < 80 or boxes.shut(el.getparent()):
            continue
        # A teaser is one short summary; text this long, or in <br> runs, is an article's.
        card = len(own) < 300 and len(el.findall("br")) < 2 and boxes.in_card(el, len(own))
        teasers += card
        running += not card
    return teasers, running


class _Boxes:
    """Facts about the elements of one page, each worked out once and remembered."""

    def __init__(self) -> None:
        self._shut: dict[_Element, bool] = {}
        self._text: dict[_Element, int] = {}
        self._long: dict[_Element, int] = {}
        self._heads: dict[_Element, list[_Element]] = {}

    def shut(self, el: _Element | None) -> bool:
        """Whether ``el`` or an ancestor is a link or page furniture."""
        path: list[_Element] = []
        result = False
        while el is not None:
            if el in self._shut:
                result = self._shut[el]
                break
            path.append(el)
            if el.tag == "a" or is_page_furniture(el):
                result = True
                break
            el = el.getparent()
        for node in path:
            self._shut[node] = result
        return result

    def in_card(self, el: _Element, size: int) -> bool:
        """Whether a small box around ``el`` (up to three levels up) holds a headline link
        beside it and no other long text (an article's text runs on in several)."""
        box = el.getparent()
        for _ in range(3):
            if box is None:
                return False
            if box not in self._text:
                self._text[box] = len(box.text_content())
            if self._text[box] > 2 * size + 250 or self._long_texts(box) > 1:
                return False
            # A link inside the text itself is part of it, not a headline beside it.
            if any(el not in a.iterancestors() for a in self._headlines(box)):
                return True
            box = box.getparent()
        return False

    def _long_texts(self, box: _Element) -> int:
        """Long texts in ``box``, counted up to 2 (all a card may not exceed)."""
        if box not in self._long:
            count = 0
            for el in box.iter("p", "div", "td", "span", "li"):
                if _own_length(el) >= 80:
                    count += 1
                    if count > 1:
                        break
            self._long[box] = count
        return self._long[box]

    def _headlines(self, box: _Element) -> list[_Element]:
        if box not in self._heads:
            self._heads[box] = [a for a in box.iter("a") if len(a.text_content().strip()) >= 15]
        return self._heads[box]


def _own_length(el: _Element) -> int:
    return len(" ".join(t for t in (el.text, *(c.tail for c in el)) if t and t.strip()))


def _headline_links(doc: _Element, enough: int = 6) -> int:
    """Links of the page's main part whose text reads like a headline, counted up to
    ``enough`` (what the article check asks)."""
    count = 0
    furniture: dict[_Element, bool] = {}
    for a in doc.iter("a"):
        text = a.text_content().strip()
        if len(text) < 15 or len(text.split()) < 3:
            continue
        if not _under_furniture(a.getparent(), furniture):
            count += 1
            if count >= enough:
                break
    return count


def _under_furniture(el: _Element | None, memo: dict[_Element, bool]) -> bool:
    """Whether ``el`` or an ancestor is page furniture, remembered per element."""
    return _any_ancestor(el, memo, is_page_furniture)


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
    if page is not None:
        og_type = (page.meta.get("og:type") or [""])[0].strip().lower()
    else:
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
        if long_blocks >= 2 and link_density < 0.3:
            return True
    elif long_blocks >= 3 and sum(len(b) for b in blocks) >= 600 and link_density < 0.1:
        # Listings carry teasers too, each under its own link: only a page whose main element
        # is mostly unlinked running text is taken for an article.
        return True
    # A short article (a paragraph or two): its own printed headline and date above unlinked
    # running text, with no teaser anywhere on the page.
    return teasers == 0 and long_blocks >= 1 and link_density < 0.1 and _headed_and_dated(doc)


def _headed_and_dated(doc: _Element) -> bool:
    """Whether the page prints a headline (``<h1>`` or a heading-like element before the running
    text) and a date under it."""
    heading = next(doc.iter("h1"), None) is not None or printed_heading(doc) is not None
    return heading and bool(printed_dates(doc))
