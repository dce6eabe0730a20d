"""Telling a blocked site from a quiet one: challenge pages and 403/429 answers are counted under
``blocked/*``, never parsed, and retried through the browser where the registry says so."""

from __future__ import annotations

import re
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

# Anti-bot interstitials: Cloudflare's "Just a moment..." and "Attention Required!" pages, their
# challenge scripts, and the captcha walls of other vendors. Strong markers name the vendor's
# machinery and decide alone, whatever the status (some are served with 200).
STRONG = re.compile(
    rb"cf-chl-|cf_chl_opt|/cdn-cgi/challenge-platform/|challenge-platform|"
    rb"<title>\s*just a moment\.\.\.\s*</title>|<title>\s*attention required!|"
    rb"_incapsula_resource|px-captcha|ddos-guard|<title>\s*access denied\s*</title>",
    re.IGNORECASE,
)
# A captcha alone is everywhere (comment forms of ordinary articles): it counts only on an
# error status or on a page too small to hold an article.
WEAK = re.compile(
    rb"captcha|verify you are (?:a )?human|checking your browser|are you a robot", re.IGNORECASE
)
SMALL_PAGE = 20_000
SCAN_BYTES = 65_536
# Run in the browser until it holds: the challenge's own script has led on to the page (walls
# set a cookie and reload). Give up after BROWSER_WAIT_MS: the page then counts as a challenge.
PASSED_JS = (
    "() => !/<title>\\s*(just a moment|attention required)|challenge-platform|cf-chl-|cf_chl_opt"
    "|_incapsula_resource|px-captcha|ddos-guard/i"
    ".test(document.documentElement.outerHTML.slice(0, 65536))"
)
BROWSER_WAIT_MS = 15_000


# A feed or sitemap (its root element near the top) without a single entry. Read with two
# regular expressions instead of parsing: the spider parses the document anyway.
FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|urlset|sitemapindex|rdf)[\s>/]", re.IGNORECASE)
FEED_ENTRY = re.compile(rb"<(?:[\w-]+:)?(?:item|entry|url|sitemap)[\s>/]", re.IGNORECASE)


def is_empty_feed(body: bytes) -> bool:
    """Whether a response is a feed or sitemap that lists nothing (gzip bodies are not judged)."""
    return bool(FEED_ROOT.search(body[:2048])) and not FEED_ENTRY.search(body)


def is_challenge(status: int, body: bytes) -> bool:
    """Whether a response is an anti-bot challenge rather than the page asked for."""
    head = body[:SCAN_BYTES]
    if STRONG.search(head):
        return True
    return bool(WEAK.search(head)) and (status in (403, 429, 503) or len(body) < SMALL_PAGE)


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
