"""The headline among JSON-LD, og:title, the heading and <title>, without the site's name."""

from __future__ import annotations

import re

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
