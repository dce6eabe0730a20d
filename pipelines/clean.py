"""Noise cleaning of article text (placeholder until the cleaning rules land)."""

from __future__ import annotations

from crawler.items import Article
from crawler.sites import Site


def clean_article(article: Article, site: Site | None) -> dict[str, int]:
    """Clean the record's text fields in place; returns removals per rule."""
    return {}
