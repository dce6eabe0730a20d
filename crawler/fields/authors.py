"""The article's authors: JSON-LD people, author meta tags, or the byline elements of the page."""

from __future__ import annotations

import re
from typing import Any

from lxml.etree import _Element

from crawler.fields.jsonld import ld_types
from crawler.text import normalize_line

_AUTHOR_PREFIX = re.compile(r"^(?:كتب(?:ت|ه)?|بقلم|بواسطة|تقرير|إعداد|by)\s*[:：]?\s*", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:،|,|\s&\s|\sand\s)\s*")


def split_names(value: str) -> list[str]:
    value = _AUTHOR_PREFIX.sub("", normalize_line(value))
    if value.startswith(("http://", "https://")):
        return []
    return [n for n in _NAME_SPLIT.split(value) if n and len(n) <= 80]


def authors(
    doc: _Element, ld: dict[str, Any], meta: dict[str, list[str]], selector: str | None
) -> list[str]:
    # Selection is the body code's, which imports this module.
    from crawler.extract import _css

    names = ld_names(ld.get("author"))
    if not names:
        for value in meta.get("author", []) + meta.get("article:author", []):
            names.extend(split_names(value))
    if not names:
        for el in _css(doc, selector or GENERIC_AUTHOR):
            text = normalize_line(el.text_content())
            if len(text) <= 80:
                names.extend(split_names(text))
    return list(dict.fromkeys(names))


# Bylines as common templates mark them, for sites without an author selector.
GENERIC_AUTHOR = (
    "[itemprop=author] [itemprop=name], [rel=author], .author-name, .byline-name, .writer-name"
)


def ld_names(value: Any, skip_organizations: bool = True) -> list[str]:
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            if skip_organizations and ld_types(item) & {"organization", "newsmediaorganization"}:
                continue
            item = item.get("name")
        if isinstance(item, str):
            out.extend(split_names(item))
    return out
