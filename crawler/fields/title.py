"""The headline among JSON-LD, og:title, the heading and <title>, without the site's name."""

from __future__ import annotations

import re

from crawler.text import normalize_for_matching, normalize_line

_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—»:]|::)\s+")


def title(*candidates: str | None) -> str | None:
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
        return short if strip_site_name(long) == short else long
    if h1 and og and strip_site_name(og) == h1:
        return h1
    for value in (og, h1, html_title, hint):
        if value:
            return value if value is h1 else strip_site_name(value)
    return None


def strip_site_name(value: str) -> str:
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
