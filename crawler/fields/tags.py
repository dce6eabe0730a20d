"""The tags field: keywords from JSON-LD, meta tags or the site's tag links."""

from __future__ import annotations

import re
from typing import Any

from lxml.etree import _Element

from crawler.page import _css
from crawler.text import normalize_line


def _tags(
    doc: _Element, ld: dict[str, Any], meta: dict[str, list[str]], selector: str | None
) -> list[str]:
    raw: list[str] = []
    keywords = ld.get("keywords")
    if isinstance(keywords, list):
        raw.extend(k for k in keywords if isinstance(k, str))
    elif isinstance(keywords, str):
        raw.extend(re.split(r"[,،]", keywords))
    if not raw:
        raw.extend(meta.get("article:tag", []))
    if not raw:
        for value in meta.get("news_keywords", []) + meta.get("keywords", []):
            raw.extend(re.split(r"[,،]", value))
    if not raw:
        raw.extend(el.text_content() for el in _css(doc, selector))
    tags = (normalize_line(t) for t in raw)
    return list(dict.fromkeys(t for t in tags if t))
