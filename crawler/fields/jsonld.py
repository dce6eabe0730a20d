"""JSON-LD of a page: every object, the one describing the article, and its values as text."""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml.etree import ParserError, _Element

from crawler.text import normalize_line

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


def ld_types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type") or ()
    return {str(x).lower() for x in ([t] if isinstance(t, str) else t)}


def article_json_ld(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The object describing the article: a NewsArticle-like type, richest first."""
    best: dict[str, Any] = {}
    best_rank = -1
    for obj in objects:
        types = ld_types(obj)
        if not types & ARTICLE_TYPES:
            continue
        rank = (0 if "webpage" in types else 2) + ("headline" in obj) + ("articleBody" in obj)
        if rank > best_rank:
            best, best_rank = obj, rank
    return best


def ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("text")
    if isinstance(value, int | float):
        value = str(value)
    if isinstance(value, str):
        value = unescape(value)
        if "<" in value and ">" in value:
            with contextlib.suppress(ParserError, ValueError):
                value = lxml.html.fromstring(value).text_content()
        return normalize_line(value) or None
    return None


def unescape(value: str) -> str:
    # Many sites HTML-escape JSON-LD strings once more (&quot;, &lt;p&gt;): JSON has no entities.
    return html_lib.unescape(value) if "&" in value else value
