"""Per-site field overrides: small named functions a registry entry puts in place of a field's
generic extraction, the page-object idea of web-poet and fundus without their framework."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from crawler.items import Article
from crawler.page import Page, _select_text
from crawler.text import content_hash, join_blocks, normalize_line

Override = Callable[[Page, Article], Any]
"""Reads the page (and the generic record, to refine it); returns the field's value, or None to
keep the generic one."""

OVERRIDES: dict[str, Override] = {}
FIELDS = frozenset(f.name for f in fields(Article))


def override(name: str) -> Callable[[Override], Override]:
    """Register a field function under the name registry entries give in ``field_overrides``."""

    def register(fn: Override) -> Override:
        OVERRIDES[name] = fn
        return fn

    return register


def apply_overrides(site: Any, page: Page, article: Article) -> None:
    """Put the site's field functions in place of the generic values (in place); an unknown
    function or field name is a registry error, raised at once."""
    for field_name, fn_name in site.field_overrides:
        if field_name not in FIELDS:
            raise KeyError(f"{site.name}: no record field {field_name!r}")
        value = OVERRIDES[fn_name](page, article)
        if value is not None:
            setattr(article, field_name, value)
            if field_name == "body":
                article.body_missing = not value
    article.content_hash = content_hash(article.title, article.body)


@override("title_from_h1")
def title_from_h1(page: Page, article: Article) -> str | None:
    """The page's own ``<h1>``, for sites whose JSON-LD and OpenGraph titles are cut or wrong."""
    return _select_text(page.doc, "h1")


@override("body_from_json_ld")
def body_from_json_ld(page: Page, article: Article) -> str | None:
    """JSON-LD ``articleBody``, for sites that publish the whole text there."""
    from crawler.fields.body import _json_ld_body

    blocks = _json_ld_body(page.article_ld.get("articleBody"))
    return join_blocks(blocks) if blocks else None


@override("description_from_meta")
def description_from_meta(page: Page, article: Article) -> str | None:
    """``meta name=description``, for sites whose JSON-LD description is a generic slogan."""
    values = page.meta.get("description")
    return normalize_line(values[0]) if values else None
