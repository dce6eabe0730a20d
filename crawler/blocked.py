"""Telling a blocked site from a quiet one: challenge pages and 403/429 answers are counted under
``blocked/*``, never parsed, and retried through the browser where the registry says so."""

from __future__ import annotations

import re
import zlib
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

# Anti-bot interstitials: Cloudflare's "Just a moment..." and "Attention Required!" pages, their
# challenge scripts, and the walls of other vendors. These markers name the vendor's challenge
# machinery and decide alone, whatever the status (some walls are served with 200). Not the bare
# "challenge-platform": Cloudflare also injects /cdn-cgi/challenge-platform/scripts/jsd/ into
# ordinary pages; its challenges load /cdn-cgi/challenge-platform/h/... The vendors write these
# markers in one case, so plain substring tests do: 0.1-0.2 ms on a 95 KB article, where a
# case-insensitive regular expression of them cost 9 ms, more than extracting the page.
STRONG = (
    b"cf_chl_opt",
    b"cf-chl-",
    b"challenge-platform/h/",
    b"_Incapsula_Resource",
    b"px-captcha",
)
STRONG_TITLES = (b"just a moment...", b"attention required!", b"access denied", b"ddos-guard")
# A captcha alone is everywhere (comment forms of ordinary articles): it counts only on an
# error status or on a page too small to hold an article.
WEAK = (b"captcha", b"verify you are human", b"verify you are a human", b"checking your browser")
SMALL_PAGE = 20_000
ARTICLE_MARKERS = (b"<article", b"newsarticle", b"articlebody", b'content="article"')
SCAN_BYTES = 65_536
# Run in the browser until it holds: the challenge's own script has led on to the page (walls
# set a cookie and reload). Give up after BROWSER_WAIT_MS: the page then counts as a challenge.
PASSED_JS = (
    "() => !/<title>\\s*(just a moment|attention required|access denied|ddos-guard)"
    "|challenge-platform\\/h\\/|cf-chl-|cf_chl_opt|_incapsula_resource|px-captcha/i"
    ".test(document.documentElement.outerHTML.slice(0, 65536))"
)
BROWSER_WAIT_MS = 15_000


# A feed or sitemap (its root element near the top) without a single entry. Read with two
# regular expressions instead of parsing: the spider parses the document anyway.
FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|urlset|sitemapindex|rdf)[\s>/]", re.IGNORECASE)
FEED_ENTRY = re.compile(rb"<(?:[\w-]+:)?(?:item|entry|url|sitemap)[\s>/]", re.IGNORECASE)


# How much of a gzipped sitemap is unpacked to judge it: its root and first entry come first.
GZIP_PEEK_BYTES = 1 << 20


def is_empty_feed(body: bytes) -> bool:
    """Whether a response is a feed or sitemap that lists nothing; a gzipped one (``.xml.gz``)
    is judged on its first megabyte unpacked, never on more."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, GZIP_PEEK_BYTES)
        except zlib.error:
            return False
    return bool(FEED_ROOT.search(body[:2048])) and not FEED_ENTRY.search(body)


def _title(head: bytes) -> bytes:
    start = head.find(b"<title")
    if start < 0:
        start = head.find(b"<TITLE")
        if start < 0:
            return b""
    start = head.find(b">", start) + 1
    return head[start : start + 200].split(b"<", 1)[0].strip().lower()


def is_challenge(status: int, body: bytes) -> bool:
    """Whether a response is an anti-bot challenge rather than the page asked for."""
    head = body[:SCAN_BYTES]
    if any(marker in head for marker in STRONG) or _title(head).startswith(STRONG_TITLES):
        return True
    if status in (403, 429, 503) or (len(body) < SMALL_PAGE and not _declares_article(head)):
        head = head.lower()
        return any(marker in head for marker in WEAK)
    return False


def _declares_article(head: bytes) -> bool:
    """Whether a page says it is an article: small pages of old templates are articles with a
    comment form's captcha, never walls."""
    lowered = head.lower()
    return any(marker in lowered for marker in ARTICLE_MARKERS)


class BlockedMiddleware:
    """Counts refusals and keeps challenge pages away from the spider.

    Placed between HTTP compression (590, so bodies are decoded) and retries (550, so a 503
    challenge is not retried as a server error). A challenge of a site whose registry entry says
    ``browser_on_block`` is fetched again once through headless Chromium
    (``blocked/browser_retry``); any other challenge is dropped (``blocked/challenge``). Feeds and
    sitemaps that list nothing are counted (``blocked/empty_feed``); 403 and 429 answers go on
    to Scrapy's usual handling and are counted (``blocked/http_403``, ``blocked/http_429``); the
    run's verdict is drawn from these counts at its end (``crawler.health``).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockedMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not is_challenge(response.status, response.body):
            if response.status == 200 and is_empty_feed(response.body):
                # Counted, not judged: an empty feed is a block only where the site's earlier
                # runs had records (crawler.health).
                self.stats.inc_value("blocked/empty_feed")
            if request.meta.get("blocked_retry") and response.status in (403, 429, 503):
                # The browser got past the wall: the status is the challenge's, the page is not.
                self.stats.inc_value("blocked/browser_passed")
                return response.replace(status=200)
            if response.status in (403, 429):
                self.stats.inc_value(f"blocked/http_{response.status}")
            return response
        site = getattr(self.crawler.spider, "site", None)
        if getattr(site, "browser_on_block", False) and not request.meta.get("playwright"):
            from scrapy_playwright.page import PageMethod  # only sites that declare a browser

            self.stats.inc_value("blocked/browser_retry")
            wait = PageMethod("wait_for_function", PASSED_JS, timeout=BROWSER_WAIT_MS)
            meta: dict[str, Any] = {
                **request.meta,
                "playwright": True,
                "playwright_page_methods": [wait],
                "blocked_retry": True,
            }
            return request.replace(meta=meta, dont_filter=True)
        self.stats.inc_value("blocked/challenge")
        raise IgnoreRequest(f"challenge page instead of {request.url} ({response.status})")
