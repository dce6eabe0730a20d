"""The cleaning pipeline: cleans each record's text with its site's rules (``crawler.cleaning``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

# The rules and the cleaner live in crawler.cleaning; importable from here as before.
from crawler.cleaning.cleaner import GLOBAL_RULES, Removed, Rules, clean_text, rules_for
from crawler.cleaning.lines import Line, readable_line
from crawler.cleaning.rules import CATALOG, LINE_RULES
from crawler.fields.title import clean_title, site_page_title
from crawler.items import Article
from crawler.sites import BY_NAME, Site, site_for_url
from crawler.text import content_hash

__all__ = [
    "CATALOG",
    "GLOBAL_RULES",
    "LINE_RULES",
    "CleanPipeline",
    "Cleaned",
    "Line",
    "Removed",
    "Rules",
    "clean_article",
    "clean_record",
    "clean_text",
    "readable_line",
    "rules_for",
    "site_of",
]

# ------------------------------------------------------------------------------------------------
# Records
# ------------------------------------------------------------------------------------------------


@dataclass
class Cleaned:
    """The removals of one record's cleaning."""

    removed: Removed

    def counts(self) -> dict[str, int]:
        return dict(Counter(rule for rule, _ in self.removed))

    def lines(self) -> list[str]:
        return [line for _, line in self.removed]


def _clean_title(value: str | None, removed: Removed) -> str | None:
    # A headline has its own rules: body line rules would empty «شاهد: …» or «ذات صلة: …».
    if not isinstance(value, str):
        return value
    title, label = clean_title(value)
    if label:
        removed.append(("title_label", label))
    return title


def _clean_optional(value: str | None, rules: Rules, removed: Removed) -> str | None:
    if not isinstance(value, str):
        return value
    cleaned, lost = clean_text(value, rules, single_line=True)
    removed.extend(lost)
    return cleaned or None


def clean_article(
    article: Article, site: Site | None, *, keep_removed: bool = False
) -> dict[str, int]:
    """Clean the record's title, body and image captions in place; returns removals per rule.

    ``content_hash`` is recomputed; ``removed_noise`` is filled only with ``keep_removed``.
    """
    rules = rules_for(site)
    removed: Removed = []
    before = (article.title, article.body)
    article.title = _clean_title(article.title, removed)
    article.body, lost = clean_text(article.body or "", rules)
    removed.extend(lost)
    for image in article.images:
        image.caption = _clean_optional(image.caption, rules, removed)
    if (article.title, article.body) != before or not article.content_hash:
        article.content_hash = content_hash(article.title, article.body)
    result = Cleaned(removed)
    if keep_removed:
        article.removed_noise = result.lines()
    return result.counts()


def clean_record(
    record: MutableMapping[str, Any], site: Site | None, *, keep_removed: bool = False
) -> dict[str, int]:
    """Clean a record given as a mapping (a JSON line, a dict or adapted item) in place.

    Cleans ``title``, ``body`` and ``text`` (other scrapers' dumps), top-level ``caption`` and
    ``images[].caption`` when they are strings; recomputes ``content_hash`` when the record has
    that field or is one of ours (``schema_version``); leaves every other field as it is.
    """
    rules = rules_for(site)
    removed: Removed = []
    if "title" in record:
        record["title"] = _clean_title(record["title"], removed)
    for name in ("body", "text"):
        if isinstance(record.get(name), str):
            record[name], lost = clean_text(record[name], rules)
            removed.extend(lost)
    if "caption" in record:
        record["caption"] = _clean_optional(record["caption"], rules, removed)
    images = record.get("images")
    if isinstance(images, list):
        for image in images:
            if isinstance(image, dict) and "caption" in image:
                image["caption"] = _clean_optional(image["caption"], rules, removed)
    if "content_hash" in record or "schema_version" in record:
        text = record.get("body") if isinstance(record.get("body"), str) else record.get("text")
        title = record.get("title") if isinstance(record.get("title"), str) else None
        record["content_hash"] = content_hash(title, text if isinstance(text, str) else "")
    result = Cleaned(removed)
    if keep_removed:
        record["removed_noise"] = result.lines()
    return result.counts()


def site_of(url: str | None, name: str | None) -> Site | None:
    """The registry entry of a record: by its ``site`` name when registered, else by URL."""
    if name and name in BY_NAME:
        return BY_NAME[name]
    return site_for_url(url) if isinstance(url, str) else None


# ------------------------------------------------------------------------------------------------
# The pipeline
# ------------------------------------------------------------------------------------------------


class CleanPipeline:
    """Cleans each item's text with its site's rules and counts removals per rule."""

    def __init__(self, stats: StatsCollector, keep_removed: bool = False) -> None:
        self.stats = stats
        self.keep_removed = keep_removed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler.stats, crawler.settings.getbool("CLEAN_KEEP_REMOVED"))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if isinstance(item, Article):
            site = site_of(item.url, item.site)
            counts = clean_article(item, site, keep_removed=self.keep_removed)
            body = item.body
        else:
            site = site_of(adapter.get("url"), adapter.get("site"))
            counts = clean_record(adapter, site, keep_removed=self.keep_removed)
            body = adapter.get("body", adapter.get("text"))
        self.stats.inc_value("clean/items")
        for rule, count in counts.items():
            self.stats.inc_value(f"clean/removed/{rule}", count)
        if not body and adapter.get("body_missing"):
            # Extraction found no text in an article page: the record is kept, flagged.
            self.stats.inc_value("clean/kept_body_missing")
        elif not body:
            self.stats.inc_value("clean/dropped_empty")
            raise DropItem("empty body after cleaning")
        if _site_page(adapter.get("title"), body, adapter.get("published_at")):
            self.stats.inc_value("clean/dropped_site_page")
            raise DropItem(f"a site page, not an article: {adapter.get('url')}")
        return item


# A site's own page says little: an «من نحن» text longer than this is kept (and seen).
SITE_PAGE_MAX_WORDS = 300


def _site_page(title: Any, body: Any, published: Any) -> bool:
    """A page titled «من نحن», «اتصل بنا» or «سياسة الخصوصية», undated and short, is the
    site's own page whatever its template declares; a dated article is never dropped for its
    title."""
    if published or not isinstance(title, str) or not site_page_title(title):
        return False
    return not isinstance(body, str) or len(body.split()) <= SITE_PAGE_MAX_WORDS
