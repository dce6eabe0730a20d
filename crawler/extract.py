"""Extraction: pure functions that turn a fetched page (url, html, site) into an ``Article``."""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError, _Element

from crawler.blocks import densest_container, html_blocks, is_page_furniture, own_text
from crawler.dates import MONTH_NAMES, TLD_ZONES, ParsedDate, parse_date
from crawler.fields.body import (
    Candidate,
    _drop_author_card,
    _drop_furniture_lines,
    _fill_gaps,
    _json_ld_body,
    _reader_comments,
    _take_bylines,
    _with_printed_summary,
    choose_body,
)
from crawler.fields.images import _images
from crawler.fields.language import _language
from crawler.fields.overrides import apply_overrides
from crawler.fields.tags import _tags
from crawler.items import Article
from crawler.page import Page, _css, _first, _select_text, _time_attr
from crawler.page import decode_html as decode_html  # re-exported: callers import it from here
from crawler.sites import Site, site_for_url
from crawler.text import content_hash, join_blocks, normalize_line
from crawler.urls import canonicalize_url

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "webpage",
}

# ------------------------------------------------------------------------------------------------
# JSON-LD


def parse_json_ld(doc: _Element) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, out of lists and ``@graph``; bad scripts are skipped."""
    objects: list[dict[str, Any]] = []
    for script in doc.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        data = _load_json(script.text_content() or "")
        if data is not None:
            objects.extend(_flatten(data))
    return objects


def _load_json(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    for candidate in (text, re.sub(r",\s*([}\]])", r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"])
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _flatten(main)


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type") or ()
    return {str(x).lower() for x in ([t] if isinstance(t, str) else t)}


def article_json_ld(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The object describing the article: a NewsArticle-like type, richest first."""
    best: dict[str, Any] = {}
    best_rank = -1
    for obj in objects:
        types = _types(obj)
        if not types & ARTICLE_TYPES:
            continue
        rank = (0 if "webpage" in types else 2) + ("headline" in obj) + ("articleBody" in obj)
        if rank > best_rank:
            best, best_rank = obj, rank
    return best


def _ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("text")
    if isinstance(value, int | float):
        value = str(value)
    if isinstance(value, str):
        value = _unescape(value)
        if "<" in value and ">" in value:
            with contextlib.suppress(ParserError, ValueError):
                value = lxml.html.fromstring(value).text_content()
        return normalize_line(value) or None
    return None


def _unescape(value: str) -> str:
    # Many sites HTML-escape JSON-LD strings once more (&quot;, &lt;p&gt;): JSON has no entities.
    return html_lib.unescape(value) if "&" in value else value


def _ld_names(value: Any, skip_organizations: bool = True) -> list[str]:
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            if skip_organizations and _types(item) & {"organization", "newsmediaorganization"}:
                continue
            item = item.get("name")
        if isinstance(item, str):
            out.extend(_split_names(item))
    return out


# ------------------------------------------------------------------------------------------------
# The record


# Under this many characters, trafilatura's text may be a stray line of a page it could not read.
_SHORT_GENERIC = 200


def _is_article_page(
    url: str, site: Site | None, ld: dict[str, Any], meta: dict[str, list[str]]
) -> bool:
    """The page says it is an article (a JSON-LD article type, ``og:type`` article), or its URL
    is an article URL of its registered site: a record even when no text is found in it."""
    if site is not None and site.is_article(url):
        return True
    return bool(_types(ld) - {"webpage"}) or (_first(meta, "og:type") or "").lower() == "article"


def extract(
    url: str,
    html: bytes | str,
    site: Site | None = None,
    *,
    content_type: str | None = None,
    fetched_at: datetime | None = None,
    hints: dict[str, str] | None = None,
    page: Page | None = None,
) -> Article:
    """Extract the article record of one page.

    ``site`` defaults to the registered site owning ``url``; ``hints`` carries what discovery
    already knows of the page (``title`` and ``published`` from a news sitemap), used only when the
    page itself does not say. ``page``, when given, is the page already decoded and parsed (by
    the spider's article detection): it is read, never parsed again.
    """
    site = site or site_for_url(url)
    hints = hints or {}
    page = page or Page.parse(url, html, content_type)
    doc = page.doc
    sel = site.selectors if site else None
    ld = page.article_ld
    meta = page.meta

    title_sel = _select_text(doc, sel.title if sel else None) or _select_text(doc, "h1")
    title = _title(
        _ld_text(ld.get("headline")) or _ld_text(ld.get("name")),
        _first(meta, "og:title", "twitter:title"),
        title_sel,
        _select_text(doc, "title"),
        hints.get("title"),
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
    generic = page.generic_blocks
    if generic:
        candidates.append(Candidate("generic", _fill_gaps(doc, generic)))
    if sum(len(b) for b in generic) < _SHORT_GENERIC:
        # trafilatura found nothing, or only a line or two (a date, a caption) of a page whose
        # text is written as <br> runs in a <div> or a table cell: the densest text competes.
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
    authors = _authors(doc, ld, meta, sel.author if sel else None) or bylines
    description = _ld_text(ld.get("description")) or _first(
        meta, "og:description", "description", "twitter:description"
    )
    blocks = _drop_author_card(chosen.blocks, authors) if chosen else []
    if blocks and description:
        blocks = _with_printed_summary(doc, blocks, description, {title, title_sel})
    body = join_blocks(blocks)

    tz = _timezone(site, url, doc, meta)
    order = site.date_order if site else "DMY"
    # The last fallbacks walk the whole page: only pages that say nothing else pay for them.
    published = _date(
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
    ) or _date([*_visible_dates(doc), *_printed_dates(doc), _url_date(url)], tz, order)  # fmt: skip
    modified = _date(
        [
            ld.get("dateModified"),
            _first(meta, "article:modified_time", "og:updated_time", "datemodified",
                   "last-modified", "dc.date.modified"),
        ],
        tz,
        order,
    )  # fmt: skip

    canonical = _canonical(doc, url, meta, site)
    fetched = (fetched_at or datetime.now(UTC)).astimezone(UTC)
    article = Article(
        url=url,
        canonical_url=canonical,
        site=site.name if site else None,
        language=_language(doc, ld, meta, body or title or ""),
        title=title,
        description=description,
        body=body,
        authors=authors,
        section=_ld_text(ld.get("articleSection"))
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
        body_missing=not body and _is_article_page(url, site, ld, meta),
    )
    if site is not None and site.field_overrides:
        apply_overrides(site, page, article)
    return article


# A machine-readable time of the article itself, not one of a ticker or a related-links list.
ARTICLE_TIME = (
    "[itemprop=datePublished][datetime], [itemprop=datePublished][content], "
    "abbr[itemprop=datePublished][title], article time[datetime], main time[datetime]"
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—»:]|::)\s+")


def _title(*candidates: str | None) -> str | None:
    ld, og, h1, html_title, hint = candidates
    if ld:
        # JSON-LD headlines are often cut to a length limit; the page's own headline is whole.
        stem = ld.rstrip(".… ")
        if h1 and len(h1) > len(stem) and h1.startswith(stem):
            return h1
        return ld
    if og and h1 and (og.startswith(h1) or h1.startswith(og)):
        short, long = sorted((og, h1), key=len)
        # The longer one is either the headline with the site's name appended, or whole where
        # the shorter one was cut.
        return short if _strip_site_name(long) == short else long
    if h1 and og and _strip_site_name(og) == h1:
        return h1
    for value in (og, h1, html_title, hint):
        if value:
            return value if value is h1 else _strip_site_name(value)
    return None


def _strip_site_name(value: str) -> str:
    """ "Headline | Site" or "Site - Headline" without the site's name (a short end part)."""
    parts = _TITLE_SEPARATORS.split(value)
    if len(parts) < 2:
        return value
    match = list(_TITLE_SEPARATORS.finditer(value))
    head, tail = value[: match[-1].start()], value[match[-1].end() :]
    if len(tail.split()) <= 4 and len(head) > len(tail):
        return head.strip()
    head, tail = value[: match[0].start()], value[match[0].end() :]
    if len(head.split()) <= 3 and len(tail) > len(head):
        return tail.strip()
    return value


# Elements that print the article's date: class or id names used across news templates.
_DATE_HINT = re.compile(r"date|time|publish|posted|created|تاريخ", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|[-_])")


def _visible_dates(doc: _Element) -> list[str]:
    """Short texts of elements named like a date (``.date``, ``#publish-time``), in page order,
    outside navigation, sidebars and related lists."""
    found: list[str] = []
    for el in doc.xpath("//body//*[@class or @id]"):
        if not _DATE_HINT.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        text = normalize_line(el.text_content())
        if not 6 <= len(text) <= 80 or not any(c.isdigit() for c in text.translate(_DIGITS)):
            continue
        if any(_outside_article(a) for a in el.iterancestors()) or _in_masthead(el):
            continue
        found.append(text)
        if len(found) >= 5:
            break
    return found


# Class or id tokens of a site's header bar; an article's own header (``.entry-header``) is not.
_MASTHEAD_TOKENS = {
    "header", "site-header", "main-header", "top-header", "header-top", "masthead", "topbar",
    "top-bar", "headerdate", "header-date", "current-date", "currentdate",
}  # fmt: skip


def _in_masthead(el: _Element) -> bool:
    """In the site's header bar (today's date printed over every page), named so on the
    element or around it."""
    for node in [el, *el.iterancestors()]:
        tokens = f"{node.get('class', '')} {node.get('id', '')}".lower().split()
        if any(t in _MASTHEAD_TOKENS or "today" in t for t in tokens):
            return True
    return False


def _outside_article(el: _Element) -> bool:
    if el.tag == "header":
        # <article><header> holds the article's own headline and date; the page's does not.
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    return is_page_furniture(el)


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_MONTH_ALT = "|".join(sorted(map(re.escape, MONTH_NAMES), key=len, reverse=True))
# A whole printed date (day, month and year), with the clock time after it if there is one.
_PRINTED_DATE = re.compile(
    rf"(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}}"
    rf"|\d{{1,2}}\s+(?:{_MONTH_ALT})\s*[,،]?\s*\d{{4}}|(?:{_MONTH_ALT})\s+\d{{1,2}}\s*,\s*\d{{4}})"
    r"(?:\s*(?:[-–|،,T@]|الساعة)?\s*\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:صباحاً|صباحا|مساءً|مساءا|مساء|ص|م|AM|PM|am|pm)(?!\w))?)?",
    re.I,
)
_UPDATE_LABEL = re.compile(r"تحديث|عدل|تعديل|updated|modified", re.I)


def _printed_dates(doc: _Element) -> list[str]:
    """Whole dates printed in short texts of the article, from its headline on, whatever the
    elements are called («نشر في: 2026/11/29 10:30», «بقلم: ... | 29-11-2026»); a date
    labelled as an update comes after the others."""
    h1 = next(doc.iter("h1"), None)
    scope = h1.getparent() if h1 is not None else doc.find("body")
    # The headline's container, widened until it holds the article text beside the headline.
    while scope is not None and scope.tag != "body" and len(scope.text_content()) < 600:
        scope = scope.getparent()
    if scope is None:
        return []
    started = h1 is None
    found: list[str] = []
    updates: list[str] = []
    for el in scope.iter():
        if el is h1:
            started = True
            continue
        if not started or not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        own = own_text(el)
        if not own or not _DATE_LIKE.search(own):
            continue
        text = normalize_line(el.text_content()).translate(_DIGITS)
        match = _PRINTED_DATE.search(text)
        # A date with a label or a byline beside it, not a sentence that mentions a date.
        if not match or len(text) - len(match.group()) > 50:
            continue
        if any(_outside_article(a) for a in el.iterancestors()) or _in_masthead(el):
            continue
        (updates if _UPDATE_LABEL.search(text[: match.start()]) else found).append(match.group())
        if len(found) >= 3:
            break
    return found + updates


# Cheap test before the costly date parse: a year, or day/month or hour:minute pairs.
_DATE_LIKE = re.compile(r"[0-9٠-٩]{4}|[0-9٠-٩]{1,2}\s*[:/.\-]\s*[0-9٠-٩]{1,2}")


def _url_date(url: str) -> str | None:
    """The date an article URL carries (``/2024/1/16/``): a day, no time, as a last resort."""
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


_AUTHOR_PREFIX = re.compile(r"^(?:كتب(?:ت|ه)?|بقلم|بواسطة|تقرير|إعداد|by)\s*[:：]?\s*", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:،|,|\s&\s|\sand\s)\s*")


def _split_names(value: str) -> list[str]:
    value = _AUTHOR_PREFIX.sub("", normalize_line(value))
    if value.startswith(("http://", "https://")):
        return []
    return [n for n in _NAME_SPLIT.split(value) if n and len(n) <= 80]


def _authors(
    doc: _Element, ld: dict[str, Any], meta: dict[str, list[str]], selector: str | None
) -> list[str]:
    names = _ld_names(ld.get("author"))
    if not names:
        for value in meta.get("author", []) + meta.get("article:author", []):
            names.extend(_split_names(value))
    if not names:
        for el in _css(doc, selector or GENERIC_AUTHOR):
            text = normalize_line(el.text_content())
            if len(text) <= 80:
                names.extend(_split_names(text))
    return list(dict.fromkeys(names))


# Bylines as common templates mark them, for sites without an author selector.
GENERIC_AUTHOR = (
    "[itemprop=author] [itemprop=name], [rel=author], .author-name, .byline-name, .writer-name"
)


def _date(values: list[Any], tz: str, order: str) -> ParsedDate | None:
    for value in values:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str):
            parsed = parse_date(value, tz, order)
            if parsed:
                return parsed
    return None


def _timezone(site: Site | None, url: str, doc: _Element, meta: dict[str, list[str]]) -> str:
    """The zone of naive times: the site's; for an unregistered site, the country of its
    domain (``.eg``), else of its locale (``ar_EG`` in ``og:locale`` or ``<html lang>``),
    else UTC."""
    if site:
        return site.timezone
    host = urlsplit(url).hostname or ""
    zone = TLD_ZONES.get(host.rsplit(".", 1)[-1])
    for locale in (_first(meta, "og:locale"), doc.get("lang")):
        if zone is None and locale:
            region = re.split(r"[-_]", locale.strip())[-1].lower()
            zone = TLD_ZONES.get(region)
    return zone or "UTC"


def _canonical(doc: _Element, url: str, meta: dict[str, list[str]], site: Site | None) -> str:
    candidates = [link.get("href") for link in doc.xpath('//link[@rel="canonical"]')]
    candidates.append(_first(meta, "og:url"))
    host = urlsplit(url).hostname or ""
    for candidate in candidates:
        if not candidate or not candidate.strip():
            continue
        absolute = urljoin(url, candidate.strip())
        other = urlsplit(absolute).hostname or ""
        same_site = site.owns(absolute) if site else _same_domain(host, other)
        if absolute.startswith(("http://", "https://")) and same_site:
            return canonicalize_url(absolute, site)
    return canonicalize_url(url, site)


# Second-level labels under country codes (com.eg, gov.sa, co.ae): the registrable domain is one
# label longer there, else every site under .com.eg would count as one site.
_SECOND_LEVEL = {"com", "net", "org", "gov", "edu", "co", "ac", "info", "news", "mil", "sch"}


def _same_domain(a: str, b: str) -> bool:
    return _registrable(a) == _registrable(b)


def _registrable(host: str) -> list[str]:
    labels = host.lower().rstrip(".").split(".")
    size = 3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return labels[-size:]
