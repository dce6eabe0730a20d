"""The headline among JSON-LD, og:title, the heading and <title>, without the site's name."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from crawler.fields.canonical import registrable
from crawler.text import normalize_for_matching, normalize_line

_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—»:]|::)\s+")
# Around a site's own name, tighter separators are common too («…｜日刊», «…：Site», «…|Site»).
_NAME_SEPARATORS = re.compile(r"\s*[|｜•·*：]\s*|\s+[\-–—»:/]\s+|\s+::\s+")
_FOLD = re.compile(r"[\W_]+")
_QUOTES = {"'": "'", '"': '"', "«": "»", "“": "”", "„": "“", "‘": "’"}
# What ends a kicker, the topic line set before a headline («Olympische Spiele: …», «عاجل | …»).
_KICKER_END = re.compile(r"\s*[:|｜：]\s+|\s+[\-–—/»]\s+")


def title(
    ld: str | None,
    og: str | None,
    h1: str | None,
    html_title: str | None,
    hint: str | None,
    names: Sequence[str] = (),
) -> str | None:
    """The headline: JSON-LD's (unless the page's heading is its uncut form), else og:title
    and the heading when they agree, else the first given; on one line, without the site's
    name (``names``: og:site_name, the domain) before or after it."""
    ld, og, h1, html_title, hint = (_one_line(v) for v in (ld, og, h1, html_title, hint))
    folded = _folded(names)
    if ld:
        ld = strip_site_name(ld, folded, only_names=True)
        if _suffixed(ld, h1):
            return h1
        # JSON-LD headlines are often cut to a length limit; the page's own headline is whole.
        stem = ld.rstrip(".… ")
        if h1 and len(h1) > len(stem) and h1.startswith(stem):
            return h1
        # og:title is the headline without the kicker JSON-LD puts before it.
        return og if og and _kicker_before(ld, og) else ld
    if _suffixed(og, h1):
        return h1
    if og and h1 and (shared := _shared_headline(og, h1)):
        return shared
    if og and h1 and (og.startswith(h1) or h1.startswith(og)):
        short, long = sorted((og, h1), key=len)
        # The longer one is either the headline with the site's name appended, or whole where
        # the shorter one was cut.
        return short if strip_site_name(long, folded) == short else long
    if h1 and og and strip_site_name(og, folded) == h1:
        return h1
    for value in (og, h1, html_title, hint):
        if value:
            return value if value is h1 else strip_site_name(value, folded)
    return None


def _suffixed(value: str | None, h1: str | None) -> bool:
    """Whether ``value`` is the page's heading with a short suffix after a separator
    («Headline | Site | 28.04.2023», «عنوان الخبر - قناة الموقع»)."""
    if not value or not h1 or len(value) <= len(h1) or not value.startswith(h1):
        return False
    rest = value[len(h1) :]
    match = _NAME_SEPARATORS.match(rest)
    return bool(match and match.start() == 0 and len(rest[match.end() :].split()) <= 5)


def _kicker_before(value: str, headline: str) -> bool:
    """Whether ``value`` is ``headline`` with a kicker of a few words before it."""
    if len(value) <= len(headline) or not value.endswith(headline) or len(headline.split()) < 3:
        return False
    kicker = value[: -len(headline)]
    match = _KICKER_END.search(kicker)
    if not match or match.end() != len(kicker) or not 0 < len(kicker.split()) <= 8:
        return False
    return not _quoted(value)


def _quoted(value: str) -> bool:
    """Whether a title is one quotation («'I sell holidays - booking early saves thousands'»),
    whose separators are the speaker's, not a kicker's or a site name's."""
    return len(value) > 2 and value[0] in _QUOTES and value[-1] == _QUOTES[value[0]]


def _shared_headline(one: str, other: str) -> str | None:
    """The headline two titles share after different kickers («Kicker A: Headline» and
    «Kicker B - Headline»)."""
    for match in _KICKER_END.finditer(one):
        rest = one[match.end() :]
        if (
            _kicker_before(one, rest)
            and _kicker_before(other, rest)
            and _fold(one[: -len(rest)]) != _fold(other[: -len(rest)])
        ):
            return rest
    return None


def _one_line(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _folded(names: Iterable[str]) -> set[str]:
    """The site's names in matching form, each at least two characters."""
    return {f for f in map(_fold, names) if len(f) >= 2}


def _fold(value: str) -> str:
    return _FOLD.sub("", normalize_for_matching(value))


def _is_site_name(part: str, names: set[str]) -> bool:
    folded = _fold(part)
    if not folded or len(part.split()) > 6:
        return False
    # «قناة صدى البلد» holds the site name «صدى البلد»; «Golem.de» is the domain golem.de.
    # The name must be most of the part: «…-정치ㅣ한국일보» after a headline's «·» is no name.
    return any(
        n == folded
        or (len(n) >= 4 and n in folded and len(n) >= 0.4 * len(folded))
        or (len(folded) >= 4 and folded in n)
        for n in names
    )


def strip_site_name(value: str, names: set[str] | None = None, only_names: bool = False) -> str:
    """ "Headline | Site" or "Site - Headline" without the site's name: a part naming the site
    (``names``, folded), else a short end part unless ``only_names``."""
    if names:
        matches = list(_NAME_SEPARATORS.finditer(value))
        if matches:
            head, tail = value[: matches[-1].start()], value[matches[-1].end() :]
            if _is_site_name(tail, names) and not _is_site_name(head, names):
                return head.strip()
            head, tail = value[: matches[0].start()], value[matches[0].end() :]
            if _is_site_name(head, names) and not _is_site_name(tail, names):
                return tail.strip()
    if only_names or _quoted(value):
        return value
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


def site_names(meta: dict[str, list[str]], url: str, site_name: str | None = None) -> list[str]:
    """What a site calls itself: og:site_name, application-name, its registered name and its
    domain (``golem.de`` and ``golem``)."""
    names = [*meta.get("og:site_name", []), *meta.get("application-name", [])]
    domain = registrable(urlsplit(url).hostname or "")
    if domain:
        names.extend((domain, domain.split(".")[0]))
    if site_name:
        names.append(site_name)
    return names


# ------------------------------------------------------------------------------------------------
# Title rules (the record's headline; body line rules do not apply to it)

# What the page holds, said before the headline («فيديو: …», «صور | …»): a label, not the news.
_LABEL = re.compile(
    r"^\s*[\[(«]?(?:شاهد\s+بالفيديو|شاهد\s+بالصور|بالفيديو\s+والصور|بالفيديو|بالصور|فيديو\s+وصور"
    r"|فيديو|فيديوهات|صور|شاهد|شاهدي|ذات\s+صلة|[اأإ]قر[أا]\s+[أا]يض[اًا]+|[إا]نفوجراف"
    r"|Video|Photos|Watch|Related)[\])»]?\s*(?:[:：|\-–—]|\.{2,}|…)\s*",
    re.I,
)


def clean_title(value: str | None) -> tuple[str | None, str | None]:
    """The headline on one line without a leading label; and the label removed, if any.

    A label is removed only when a headline remains: a title is never emptied.
    """
    if not value:
        return value, None
    text = " ".join(normalize_line(value).split())
    match = _LABEL.match(text)
    if match and text[match.end() :].strip(" :-–—|"):
        return text[match.end() :].strip(), match.group().strip()
    return text or value, None


# Titles of a site's own pages (about, contact, policies), compared after normalization.
_SITE_PAGES = {
    normalize_for_matching(t)
    for t in (
        "من نحن", "عن الموقع", "عن الجريدة", "عن الصحيفة", "عن القناة", "اتصل بنا", "اتصلوا بنا",
        "تواصل معنا", "سياسة الخصوصية", "سياسة الاستخدام", "شروط الاستخدام", "الشروط والأحكام",
        "شروط وأحكام", "أعلن معنا", "اعلن معنا", "هيئة التحرير", "فريق التحرير", "فريق العمل",
        "خريطة الموقع", "About", "About us", "Contact", "Contact us", "Privacy policy",
        "Terms of use", "Terms of service", "Terms and conditions", "Advertise with us",
        "Editorial team", "Sitemap",
    )
}  # fmt: skip


def site_page_title(value: str | None) -> bool:
    """Whether a title names one of the site's own pages («من نحن», «اتصل بنا - الموقع»)."""
    if not value:
        return False
    parts = _TITLE_SEPARATORS.split(value)
    return any(normalize_for_matching(p) in _SITE_PAGES for p in (value, parts[0], parts[-1]))


# ------------------------------------------------------------------------------------------------
# A headline printed as bold or big text when <title> carries only the site's name

_CLASSED = re.compile(r"headline|title", re.I)
_RUNNING_TEXT = 150


_HOME_PATHS = ("/", "", "/index.html", "/index.php", "/default.asp")


def home_link_names(doc: _Element, url: str) -> list[str]:
    """The text and logo alt of links to the site's home page: how a site names itself."""
    names: list[str] = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        path = urlsplit(urljoin(url, href)).path if href else None
        if path not in _HOME_PATHS:
            continue
        names.extend(normalize_line(a.text_content()).split("\n")[:1])
        names.extend(img.get("alt") or "" for img in a.iter("img"))
    return [n for n in names if n.strip()]


def page_heading(headings: Iterable[_Element], url: str, names: Sequence[str] = ()) -> str | None:
    """The text of the first of the page's ``<h1>`` elements (``headings``) that is not the
    site's logo (its name, or a link to its home page: old templates set the masthead in an
    ``<h1>``)."""
    folded = _folded(names)
    for el in headings:
        text = normalize_line(el.text_content())
        if not text:
            continue
        links = [a for a in el.iter("a") if a.get("href") is not None]
        home = any(
            urlsplit(urljoin(url, a.get("href", "").strip())).path in _HOME_PATHS for a in links
        )
        if home or _is_site_name(text, folded):
            continue
        return _one_line(text)
    return None


def _only_site_name(html_title: str, names: set[str], home: Sequence[str]) -> bool:
    """Whether <title> is the site's name and nothing else (no headline beside it)."""
    if _is_site_name(html_title, names) or _fold(html_title) in {_fold(h) for h in home}:
        return True
    return not _TITLE_SEPARATORS.search(html_title) and len(html_title.split()) <= 3


def _heading_like(el: _Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("h2", "h3"):
        return True
    if tag == "font":
        with contextlib.suppress(ValueError):
            return int((el.get("size") or "0").lstrip("+")) >= 4
        return False
    if tag in ("b", "strong"):
        # Alone on its line: nothing but whitespace around it up to a line break.
        parent = el.getparent()
        if parent is None:
            return False
        return normalize_line(parent.text_content()) == normalize_line(el.text_content()) or (
            not (el.tail or "").strip() and (el.getnext() is None or el.getnext().tag == "br")
        )
    return bool(_CLASSED.search(el.get("class") or "")) and tag not in ("a", "body", "html")


def printed_heading(doc: _Element, exclude: Sequence[str] = ()) -> str | None:
    """The first heading-like element (``<h2>``, bold alone on its line, ``<font size>=4``,
    classed headline/title) before the running text; not a link, a section label (too short)
    or one of ``exclude`` (the site's names)."""
    body = doc.find(".//body")
    if body is None:
        return None
    excluded = {_fold(e) for e in exclude if e}
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        own = " ".join((el.text or "").split())
        if len(own) >= _RUNNING_TEXT and not _heading_like(el):
            return None
        if not _heading_like(el):
            continue
        if any(True for _ in el.iterancestors("a")) or el.find(".//a") is not None:
            continue
        text = " ".join(el.text_content().split())
        if len(text.split()) < 4 or len(text) > 250 or _fold(text) in excluded:
            continue
        return text
    return None


def title_from_heading(
    doc: _Element, url: str, html_title: str | None, names: Sequence[str] = ()
) -> str | None:
    """The printed headline when the page's <title> is only the site's name; else None."""
    html_title = _one_line(html_title)
    if not html_title:
        return None
    home = home_link_names(doc, url)
    folded = _folded(names)
    if not _only_site_name(html_title, folded, home):
        return None
    heading = printed_heading(doc, [html_title, *home, *names])
    return heading if heading and len(heading) > len(html_title) else None
