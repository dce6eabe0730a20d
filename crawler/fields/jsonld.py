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
        try:
            data = _load_json(script.text_content() or "")
            found = list(_flatten(data)) if data is not None else []
        except Exception:  # noqa: BLE001 - one broken script must not cost the page its article
            continue
        objects.extend(found)
    return objects


def _load_json(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    for candidate in (text, re.sub(r",\s*([}\]])", r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
        except RecursionError:
            # Nested deeper than the interpreter's stack: no article is described that way.
            return None
    return None


# How deep lists, ``@graph`` and ``mainEntity`` are followed: real pages nest two or three.
_MAX_DEPTH = 20


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(item, list):
            stack.extend((x, depth + 1) for x in reversed(item))
        elif isinstance(item, dict):
            yield item
            nested = [item["@graph"]] if "@graph" in item else []
            main = item.get("mainEntity")
            if isinstance(main, dict | list):
                nested.append(main)
            stack.extend((x, depth + 1) for x in reversed(nested))


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
