"""Publication and modification dates: machine-readable ones first, then printed ones."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.etree import _Element

from crawler.dates import MONTH_NAMES, TLD_ZONES, ParsedDate, parse_date
from crawler.sites import Site
from crawler.text import normalize_line

# Elements that print the article's date: class or id names used across news templates.
_DATE_HINT = re.compile(r"date|time|publish|posted|created|تاريخ", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|[-_])")


_TEASER_TAGS = {"h2", "h3", "h4", "h5", "h6"}


def visible_dates(doc: _Element) -> list[str]:
    """Short texts of elements named like a date (``.date``, ``#publish-time``), in page order,
    outside navigation, sidebars and related lists."""
    found: list[str] = []
    for el in doc.xpath("//body//*[@class or @id]"):
        if not _DATE_HINT.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        text = normalize_line(el.text_content())
        if not 6 <= len(text) <= 80 or not any(c.isdigit() for c in text.translate(DIGITS)):
            continue
        if any(outside_article(a) for a in el.iterancestors()) or in_masthead(el):
            continue
        if any(a.tag in _TEASER_TAGS for a in el.iterancestors()):
            # «<h2>Other story <span class=date>…</span></h2>»: another article's date.
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


def in_masthead(el: _Element) -> bool:
    """In the site's header bar (today's date printed over every page), named so on the
    element or around it."""
    for node in [el, *el.iterancestors()]:
        tokens = f"{node.get('class', '')} {node.get('id', '')}".lower().split()
        if any(t in _MASTHEAD_TOKENS or "today" in t for t in tokens):
            return True
    return False


def outside_article(el: _Element) -> bool:
    if el.tag == "header":
        # <article><header> holds the article's own headline and date; the page's does not.
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    # The page's DOM helpers live with the body code, which imports this module.
    from crawler.blocks import is_page_furniture

    return is_page_furniture(el)


DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
MONTH_ALT = "|".join(sorted(map(re.escape, MONTH_NAMES), key=len, reverse=True))
# A whole printed date (day, month and year), with the clock time after it if there is one.
PRINTED_DATE = re.compile(
    rf"(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}}"
    # «Do 25.04.24 | 14:07»: a two-digit year only with its clock time after it.
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2}}(?=\s*(?:[-–|،,@]|الساعة)?\s*\d{{1,2}}:\d{{2}})"
    # «24 نيسان / أبريل 2020»: a Levantine month name paired with the Egyptian one.
    rf"|\d{{1,2}}\s+(?:{MONTH_ALT})(?:\s*[/(]\s*(?:{MONTH_ALT})\s*\)?)?\s*[,،]?\s*\d{{4}}"
    rf"|(?:{MONTH_ALT})\s+\d{{1,2}}\s*,\s*\d{{4}})"
    r"(?:\s*(?:[-–|،,T@]|الساعة)?\s*\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:صباحاً|صباحا|مساءً|مساءا|مساء|ص|م|AM|PM|am|pm)(?!\w))?)?",
    re.I,
)
_UPDATE_LABEL = re.compile(r"تحديث|عدل|تعديل|updated|modified", re.I)


def printed_dates(doc: _Element) -> list[str]:
    """Whole dates printed in short texts of the article, from its headline on, whatever the
    elements are called («نشر في: 2026/11/29 10:30», «بقلم: ... | 29-11-2026»); a date
    labelled as an update comes after the others."""
    from crawler.blocks import own_text

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
        if not own or not DATE_LIKE.search(own):
            continue
        text = normalize_line(el.text_content()).translate(DIGITS)
        match = PRINTED_DATE.search(text)
        # A date with a label or a byline beside it, not a sentence that mentions a date.
        if not match or len(text) - len(match.group()) > 50:
            continue
        if any(outside_article(a) for a in el.iterancestors()) or in_masthead(el):
            continue
        if el.tag in _TEASER_TAGS or any(a.tag in _TEASER_TAGS for a in el.iterancestors()):
            continue
        (updates if _UPDATE_LABEL.search(text[: match.start()]) else found).append(match.group())
        if len(found) >= 3:
            break
    return found + updates


# Cheap test before the costly date parse: a year, or day/month or hour:minute pairs.
DATE_LIKE = re.compile(r"[0-9٠-٩]{4}|[0-9٠-٩]{1,2}\s*[:/.\-]\s*[0-9٠-٩]{1,2}")


def url_date(url: str) -> str | None:
    """The date an article URL carries (``/2024/1/16/``): a day, no time, as a last resort."""
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def fallback_dates(doc: _Element, url: str) -> Iterator[str | None]:
    """Dates of a page that gives no machine-readable one, best first, each computed only when
    the ones before it did not parse: elements named like a date, dates printed under the
    headline, the URL's date, and htmldate's reading of the markup."""
    yield from visible_dates(doc)
    yield from printed_dates(doc)
    yield url_date(url)
    yield page_date(doc, url)


def page_date(doc: _Element, url: str) -> str | None:
    """htmldate's reading of the page's original publication date from its markup and URL,
    without the page's furniture (sidebars, footers, pictures: other articles' times).

    Its extensive search is left off: it guesses from any year in the text (a copyright line
    gives «2026-01-01»), and the printed dates are read here with the Arabic month names.
    """
    tree = copy.deepcopy(doc)
    body = tree.find("body")
    if body is not None:
        outside = [el for el in body.iter() if el is not body and _furniture(el)]
        for el in outside:
            el.drop_tree()
    try:
        return find_date(
            tree, url=url, original_date=True, extensive_search=False,
            outputformat="%Y-%m-%dT%H:%M:%S", deferred_url_extractor=True,
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - a heuristic's failure leaves the page undated, no more
        return None


def _furniture(el: _Element) -> bool:
    return isinstance(el.tag, str) and el.tag not in ("script", "style") and outside_article(el)


def first_date(
    values: Iterable[Any], tz: str, order: str, now: datetime | None = None
) -> ParsedDate | None:
    """The first of ``values`` that parses (``now``: when the page was fetched, for relative
    dates)."""
    for value in values:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str):
            parsed = parse_date(value, tz, order, now)
            if parsed:
                return parsed
    return None


def page_timezone(site: Site | None, url: str, doc: _Element, meta: dict[str, list[str]]) -> str:
    """The zone of naive times: the site's; for an unregistered site, the country of its
    domain (``.eg``), else of its locale (``ar_EG`` in ``og:locale`` or ``<html lang>``),
    else UTC."""
    if site:
        return site.timezone
    host = urlsplit(url).hostname or ""
    zone = TLD_ZONES.get(host.rsplit(".", 1)[-1])
    for locale in (*meta.get("og:locale", [])[:1], doc.get("lang")):
        if zone is None and locale:
            region = re.split(r"[-_]", locale.strip())[-1].lower()
            zone = TLD_ZONES.get(region)
    return zone or "UTC"
