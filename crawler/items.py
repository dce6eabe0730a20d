"""The article record every spider, command and pipeline of the crawler writes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class Image:
    """One picture of the article."""

    url: str
    """Absolute URL of the image file."""
    caption: str | None = None
    """The caption printed under the picture, cleaned; never repeated in ``body``."""


@dataclass
class Article:
    """One news article as analysts receive it: one JSON Lines record per article.

    Every field is always present in the output; fields that a page does not give are ``null``
    (or an empty list). ``schema/article.schema.json`` is the machine-readable form of this
    contract and every record the project writes is validated against it in tests.
    """

    url: str
    """The URL the page was served from, after redirects (never a local mirror's URL)."""
    canonical_url: str
    """The article's canonical URL: ``<link rel=canonical>`` or ``og:url`` when on the same site,
    else ``url``; lowercase host, no fragment, no tracking parameters."""
    site: str | None
    """Registry name of the site (``vetogate``), or ``None`` for a page of an unregistered site."""
    id: str = ""
    """Stable identifier: the first 32 hex digits of SHA-256 over ``canonical_url``."""
    schema_version: int = SCHEMA_VERSION
    """Version of this record layout; bumped only on incompatible changes."""
    language: str | None = None
    """BCP 47 language of the article (``ar`` for most), from ``<html lang>`` or JSON-LD."""
    title: str | None = None
    """Headline, cleaned, one line."""
    description: str | None = None
    """Summary or standfirst from JSON-LD, ``og:description`` or ``meta description``."""
    body: str = ""
    """Article text: paragraphs and subheadings in page order, one blank line between blocks.
    Captions, mastheads, ads, share bars, related lists and section links are never in it."""
    authors: list[str] = field(default_factory=list)
    """Names of the writers, in page order, without duplicates."""
    section: str | None = None
    """The site's section of the article (``articleSection``, ``article:section`` or selectors)."""
    tags: list[str] = field(default_factory=list)
    """Keywords or tags of the article, without duplicates."""
    images: list[Image] = field(default_factory=list)
    """Pictures of the article with their captions, lead image first."""
    published_at: str | None = None
    """Publication time, ISO 8601 with a UTC offset (``2021-09-12T22:30:00+02:00``)."""
    published_raw: str | None = None
    """The string ``published_at`` was parsed from, as found on the page or in a sitemap."""
    published_tz_assumed: bool = False
    """True when the page gave no offset and the site's time zone was applied."""
    modified_at: str | None = None
    """Last modification time, ISO 8601 with a UTC offset."""
    modified_raw: str | None = None
    """The string ``modified_at`` was parsed from."""
    modified_tz_assumed: bool = False
    """True when the page gave no offset for the modification time."""
    fetched_at: str | None = None
    """When the crawler fetched the page, ISO 8601 in UTC (``...+00:00``)."""
    content_hash: str | None = None
    """SHA-256 hex of the matching-normalized title and body; equal text gives an equal hash."""
    body_source: str | None = None
    """Which candidate gave ``body``: ``json-ld``, ``selectors``, ``generic`` or ``script``."""
    body_missing: bool = False
    """True when the page is an article (declared by JSON-LD or ``og:type``, or an article URL of
    a registered site) but no text was found in it: ``body`` is empty and the record is kept so
    that no article page is lost silently (counted as ``extract/body_missing``)."""
    canonical_rejected: str | None = None
    """The canonical URL the page declared when it was not trusted (the home page, a section,
    another article or another site): ``canonical_url`` is then the page's own URL."""
    version: int | None = None
    """Filled by dedup: 1 for the first record of an article, +1 for each changed re-crawl."""
    previous_content_hash: str | None = None
    """Filled by dedup on a new version: the ``content_hash`` of the version before."""
    duplicate_of: str | None = None
    """Filled by dedup: canonical URL of the first-seen article this one nearly duplicates."""
    cluster_id: str | None = None
    """Filled by dedup: the ``id`` of the story's first article, shared by it and its copies."""
    run_id: str | None = None
    """Filled by export: the identifier of the crawl run that wrote the record."""
    removed_noise: list[str] | None = None
    """Filled by cleaning only when ``CLEAN_KEEP_REMOVED`` is on: the removed lines, for audit."""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(self.canonical_url)

    def to_dict(self) -> dict[str, Any]:
        # ``asdict`` deep-copies field by field; the record is flat but for lists of strings and
        # images, which are copied here (this runs once per record written).
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["authors"] = list(self.authors)
        data["tags"] = list(self.tags)
        data["images"] = [{"url": i.url, "caption": i.caption} for i in self.images]
        if self.removed_noise is not None:
            data["removed_noise"] = list(self.removed_noise)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        kwargs["images"] = [
            img if isinstance(img, Image) else Image(**img) for img in data.get("images") or []
        ]
        return cls(**kwargs)


_FIELD_NAMES = tuple(f.name for f in fields(Article))


def article_id(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]
