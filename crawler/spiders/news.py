"""One spider per registered site, generated from the registry, plus ``news`` for any URL."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import discovery
from crawler.discovery import Link
from crawler.extract import extract
from crawler.items import Article
from crawler.page import Page
from crawler.signals import discovery_incomplete
from crawler.sites import SITES, Site, site_for_url
from crawler.state import StateStore
from crawler.stores import open_state_store
from crawler.urls import canonicalize_url

DISCOVERY_META = {"handle_httpstatus_list": [304], "conditional": True}
# HTTP statuses that settle a request for good: the page is gone, nothing to fetch next time.
GONE = (404, 410)
LOCAL_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    # The 2000-page budget guards live archives; a local mirror is finite and wanted whole.
    "CLOSESPIDER_PAGECOUNT": 100_000,
}


PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# Flags that keep a headless Chromium from calling home: background services, sync, updates.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_settings(executable: str) -> dict[str, Any]:
    """Settings that send requests marked ``meta["playwright"]`` through headless Chromium."""
    return {
        "DOWNLOAD_HANDLERS": {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "headless": True,
            "executable_path": executable,
            "args": CHROMIUM_ARGS,
        },
    }


def _is_local(host: str) -> bool:
    """Whether a host is this machine or a private network (resolving names once)."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(socket.gethostbyname(host))
    except (OSError, ValueError):
        return False
    return address.is_loopback or any(address in net for net in _PRIVATE)


_PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


class NewsSpider(Spider):
    """Discovers a site's new articles (news sitemaps, sitemaps, feeds, section pages) within the
    ``since`` window and turns each article page into an ``Article``.

    Arguments (``-a``): ``since`` (window start: ``2d`` by default, ``36h``, or an ISO date),
    ``now`` (the moment the window ends; defaults to the current time: set it to crawl a snapshot),
    ``max_pages`` (section pagination depth, default 5).

    The ``news`` spider crawls sites that are not in the registry: ``urls`` (comma-separated home
    pages, section pages, feeds, sitemaps or articles). It reads each host's robots.txt sitemaps
    and ``/sitemap.xml``, the feeds pages link to, follows same-host links up to
    ``NEWS_MAX_DEPTH`` clicks, and writes the pages that look like articles (JSON-LD article type,
    ``og:type`` article, or a main element of long unlinked paragraphs; see
    ``discovery.looks_like_article``). Without ``since`` it takes articles of any date.
    """

    name = "news"
    site: ClassVar[Site | None] = None

    def __init__(
        self,
        since: str | None = None,
        now: str | None = None,
        max_pages: str | int | None = None,
        urls: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.now, self.since, self.max_pages, self.urls = self.check_arguments(
            since, now, max_pages, urls
        )
        if self.site is not None:
            self.allowed_domains = list(self.site.domains)
        else:
            self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in self.urls} - {""})
        self.max_depth = 5
        self.max_listing_pages = 200
        self.windowed = self.site is not None or since is not None
        self.store: StateStore | None = None
        self._seen: set[str] = set()
        self.max_links = 0
        self.max_xml_size = discovery.XML_MAX_SIZE

    @classmethod
    def check_arguments(
        cls,
        since: str | None = None,
        now: str | None = None,
        max_pages: str | int | None = None,
        urls: str = "",
        **kwargs: Any,
    ) -> tuple[datetime, datetime, int, list[str]]:
        """The ``-a`` arguments read as (now, since, max_pages, urls); a bad one is a ValueError
        of one sentence. ``scrapy crawl`` calls it before the crawl starts."""
        try:
            moment = datetime.fromisoformat(now) if now is not None else datetime.now(UTC)
        except ValueError:
            msg = f"now={now!r}: use an ISO date or time like 2026-11-20T08:00"
            raise ValueError(msg) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        pages = 0  # 0: SECTION_MAX_PAGES
        if max_pages is not None:
            text = str(max_pages).strip()
            if not text.isdigit() or int(text) < 1:
                raise ValueError(f"max_pages={max_pages!r}: use a whole number of pages, 1 or more")
            pages = int(text)
        start_urls = [u.strip() for u in urls.split(",") if u.strip()]
        if cls.site is None:
            if not start_urls:
                raise ValueError("the news spider needs -a urls=URL[,URL...]")
            for url in start_urls:
                try:
                    parts = urlsplit(url)
                    usable = parts.scheme in ("http", "https") and bool(parts.hostname)
                except ValueError:  # an unclosed IPv6 bracket
                    usable = False
                if not usable:
                    raise ValueError(f"urls: {url!r} is not an http(s) URL with a host")
        # Unregistered sites have no default window: without since, any date.
        start = (
            discovery.parse_since(since, moment)
            if cls.site is not None or since is not None
            else datetime.min.replace(tzinfo=UTC)
        )
        return moment, start, pages, start_urls

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        if cls.site is not None and (cls.site.render_js or cls.site.browser_on_block):
            # Only sites that need a browser start one; the rest never load Playwright.
            executable = settings.get("BROWSER_EXECUTABLE") or "/usr/bin/chromium"
            settings.setdict(browser_settings(executable), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.max_pages:
            spider.max_pages = crawler.settings.getint("SECTION_MAX_PAGES", 5)
        spider.max_depth = crawler.settings.getint("NEWS_MAX_DEPTH", 5)
        spider.max_listing_pages = crawler.settings.getint("NEWS_MAX_LISTING_PAGES", 200)
        spider.max_links = crawler.settings.getint("DISCOVERY_MAX_LINKS", 5000)
        spider.max_xml_size = crawler.settings.getint(
            "DISCOVERY_MAX_XML_SIZE", discovery.XML_MAX_SIZE
        )
        if crawler.settings.getbool("INCREMENTAL", True):
            spider.store = open_state_store(crawler.settings)
            crawler.signals.connect(spider.store.close, signal=signals.spider_closed)
        if spider._local_only(crawler):
            # Politeness is for other people's servers: a local mirror or test site is crawled
            # as fast as it answers. Settings given on the command line still win.
            crawler.settings.setdict(LOCAL_SETTINGS, priority="spider")
        return spider

    def _local_only(self, crawler: Crawler) -> bool:
        if self.site is not None:
            mirrors = crawler.settings.getdict("MIRROR_HOSTS")
            return bool(mirrors) and all(h in mirrors for h in self.site_hosts())
        # A mirrored host is served locally: no name lookup for it.
        mirrors = crawler.settings.getdict("MIRROR_HOSTS")
        return all(
            (host := urlsplit(u).hostname or "") in mirrors or _is_local(host) for u in self.urls
        )

    @property
    def output_name(self) -> str:
        """Where this crawl's output and lock go: the site's name, or for the ``news`` spider
        its first host (with port), so crawls of different sites run side by side."""
        if self.site is not None or not self.urls:
            return self.name
        parts = urlsplit(self.urls[0])
        return f"{self.name}-{parts.netloc.replace(':', '_')}"

    def site_hosts(self) -> list[str]:
        assert self.site is not None
        return [urlsplit(self.site.home).hostname or ""]

    def entry_points(self) -> list[str]:
        """The URLs a crawl starts from: their scheme, host and port bound the crawl."""
        site = self.site
        if site is None:
            return list(self.urls)
        return [site.home, *site.news_sitemaps, *site.sitemaps, *site.feeds, *site.sections]

    def _xml_meta(self, response: Response | None = None, **extra: Any) -> dict[str, Any]:
        """Meta of a sitemap or feed request: conditional, a larger size cap than pages, and
        the discovery documents that led to it."""
        return {
            **DISCOVERY_META,
            "download_maxsize": self.max_xml_size,
            "via": self._via(response),
            **extra,
        }

    @staticmethod
    def _via(response: Response | None) -> tuple[str, ...]:
        """The discovery documents behind a response's requests: the chain that led to it,
        plus itself when it is one (a conditional request) or is part of such a chain."""
        if response is None:
            return ()
        via = response.meta.get("via", ())
        if response.meta.get("conditional") or via:
            return (*via, response.url)
        return via

    def _tally(self) -> discovery.Tally:
        return discovery.Tally(max_links=self.max_links)

    def _count(self, tally: discovery.Tally, url: str) -> None:
        if tally.bad_urls:
            self.crawler.stats.inc_value("discovery/bad_url", tally.bad_urls)
            self.logger.debug("%d malformed URLs skipped in %s", tally.bad_urls, url)
        if tally.capped:
            self.crawler.stats.inc_value("discovery/links_capped")
            self.logger.info(
                "read the first %d links of %s, skipped %d", self.max_links, url, tally.capped
            )

    def _stopping(self, response: Response) -> bool:
        """Whether the crawl is being stopped (SIGTERM, Ctrl-C): responses still queued are
        then dropped unread, so a stop waits for one page at most. Nothing is lost: an unread
        article was never written, so the next run fetches it again."""
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no engine: a callback called outside a crawl (bench, tests)
            return False
        if engine is None or engine.running:
            return False
        self.crawler.stats.inc_value("shutdown/responses_unread")
        self.logger.debug("stopping: not read %s", response.url)
        return True

    def _fetch_failed(self, failure: Any) -> None:
        """Errback of requests announced by discovery documents: a failure that may heal (a
        download error, 5xx, 429) keeps those documents' validators from being saved."""
        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            if status in GONE:
                return
            reason = f"HTTP {status}"
        elif failure.check(IgnoreRequest):
            return  # refused on purpose (offsite, robots.txt, a private address): settled
        else:
            reason = failure.getErrorMessage() or failure.type.__name__
        via = request.meta.get("via", ())
        self.crawler.stats.inc_value("discovery/fetch_failed")
        self.logger.warning("not fetched: %s (%s)", request.url, reason)
        if via:
            self.crawler.signals.send_catch_log(discovery_incomplete, urls=via, spider=self)

    # -- start -------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        self.logger.info(
            "window: %s .. %s", self.since.isoformat(timespec="minutes"), self.now.isoformat()
        )
        for request in self._start_requests():
            yield request

    def _start_requests(self) -> Iterator[Request]:
        site = self.site
        if site is None:
            origins = dict.fromkeys(urljoin(u, "/robots.txt") for u in self.urls)
            for robots in origins:
                yield Request(
                    robots,
                    callback=self.parse_robots,
                    errback=self._ignore,
                    meta={"dont_obey_robotstxt": True, "handle_httpstatus_list": [404]},
                )
            for origin in dict.fromkeys(urljoin(u, "/sitemap.xml") for u in self.urls):
                # Many sites keep a sitemap at the conventional path without naming it anywhere.
                yield Request(
                    origin,
                    callback=self.parse_xml,
                    errback=self._ignore,
                    meta=self._xml_meta(handle_httpstatus_list=[304, 404]),
                )
            for url in self.urls:
                yield Request(url, callback=self.parse_any, meta={"hops": 0})
            return
        yield Request(
            urljoin(site.home, "/robots.txt"),
            callback=self.parse_robots,
            errback=self._ignore,
            meta={"dont_obey_robotstxt": True, "handle_httpstatus_list": [404]},
        )
        for url in site.news_sitemaps + site.feeds:
            yield Request(url, callback=self.parse_xml, meta=self._xml_meta())
        for url in self._dated(site.sitemaps):
            yield Request(url, callback=self.parse_xml, meta=self._xml_meta())
        for url in site.sections:
            yield Request(url, callback=self.parse_section, meta={**DISCOVERY_META, "page": 1})

    def _dated(self, templates: tuple[str, ...]) -> Iterator[str]:
        """Sitemap URLs, ``{year}``/``{month}``/``{day}`` templates expanded over the window."""
        zone = ZoneInfo(self.site.timezone if self.site else "UTC")
        first, day = self.since.astimezone(zone).date(), self.now.astimezone(zone).date()
        seen: set[str] = set()
        while day >= first:
            for template in templates:
                url = template.format(year=day.year, month=day.month, day=day.day)
                if url not in seen:
                    seen.add(url)
                    yield url
            day -= timedelta(days=1)

    def _ignore(self, failure: Any) -> None:
        self.logger.debug("ignored: %s", failure)

    # -- discovery ---------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        if response.status != 200 or not isinstance(response, TextResponse):
            return
        tally = self._tally()
        for url in discovery.robots_sitemaps(response.body, response.url, tally):
            self.crawler.stats.inc_value("discovery/robots_sitemaps")
            yield Request(url, callback=self.parse_xml, meta=self._xml_meta())
        self._count(tally, response.url)

    def parse_any(self, response: Response) -> Iterator[Any]:
        """For the ``news`` spider: an XML document is discovery; an HTML page is an article
        when it looks like one, and its same-host links and feeds are followed either way."""
        if self._stopping(response):
            return
        if discovery.looks_like_xml(response.body) and discovery.document_kind(response.body):
            yield from self.parse_xml(response)
            return
        if not isinstance(response, TextResponse):
            return
        # Decoded and parsed once (as extraction decodes: not Scrapy's cp1252 guess for an
        # undeclared Arabic page); article detection, link reading and extraction share it.
        page = Page.parse(response.url, response.body, _content_type(response))
        doc = page.doc
        if discovery.looks_like_article(response.url, page):
            yield from self.parse_article(response, page)
        hops = response.meta.get("hops", 0)
        if hops >= self.max_depth:
            return
        tally = self._tally()
        for feed in discovery.feed_links(doc, response.url, tally):
            yield Request(feed, callback=self.parse_xml, meta=self._xml_meta(response))
        pager = discovery.pagination_links(doc, response.url, tally)
        links = []
        for link in discovery.page_links(doc, response.url, tally):
            try:
                links.append((link, canonicalize_url(link)))
            except ValueError:
                tally.bad_urls += 1
        self._count(tally, response.url)
        via = self._via(response)
        listed = hash(tuple(sorted({url for link, url in links if link not in pager})))
        pages = response.meta.get("pages", 0)
        for link, url in links:
            if url in self._seen:
                continue
            if link in pager:
                # Walking a listing's pages is not a step away from the start page, but it stops
                # where a page lists what the page before it did: "load more" pagers never end.
                if listed == response.meta.get("listed") or pages >= self.max_listing_pages:
                    self.crawler.stats.inc_value("discovery/pagination_stopped")
                    continue
                meta = {"hops": hops, "pages": pages + 1, "listed": listed, "via": via}
            elif self._skip_known(url):
                continue
            else:
                meta = {"hops": hops + 1, "via": via}
            self._seen.add(url)
            yield Request(url, callback=self.parse_any, errback=self._fetch_failed, meta=meta)

    def parse_xml(self, response: Response) -> Iterator[Request]:
        if self._stopping(response) or self._not_modified(response) or response.status == 404:
            return
        stats = self.crawler.stats
        try:
            body = discovery.xml_body(response.body, self.max_xml_size)
        except discovery.TooLarge as exc:
            stats.inc_value("discovery/xml_too_large")
            self.logger.warning("sitemap or feed refused, %s: %s", exc, response.url)
            return
        kind = discovery.document_kind(body)
        if kind is None:
            stats.inc_value("discovery/not_xml")
            self.logger.warning("not a sitemap or feed: %s", response.url)
            return
        stats.inc_value(f"discovery/{kind}")
        tally = self._tally()
        tally.max_links = 0  # a sitemap lists up to 50,000 URLs by design; its size is capped
        for n, link in enumerate(discovery.parse_xml_links(body, response.url, tally), 1):
            # A sitemap of 50,000 entries takes seconds to read: a stop must not wait for it.
            if n % 1000 == 0 and self._stopping(response):
                break
            when = discovery.to_datetime(link.published, self._timezone(link.url))
            if link.is_sitemap:
                if when is not None and when < self.since:
                    stats.inc_value("discovery/sitemap_skipped_old")
                    continue
                yield Request(
                    link.url,
                    callback=self.parse_xml,
                    errback=self._fetch_failed,
                    meta=self._xml_meta(response),
                )
                continue
            undated_ok = self.site is None and not self.windowed
            if (
                when is None
                and kind == "urlset"
                and not undated_ok
                and not self._news_sitemap(response)
            ):
                # An undated entry of an archive sitemap could be years old: the window cannot
                # admit it, and a full archive would eat the page budget.
                stats.inc_value("discovery/skipped_undated")
                continue
            if when is not None and when < self.since:
                stats.inc_value("discovery/skipped_old")
                continue
            yield from self._article_request(link, response)
        self._count(tally, response.url)

    def parse_section(self, response: Response) -> Iterator[Request]:
        if (
            self._stopping(response)
            or self._not_modified(response)
            or not isinstance(response, TextResponse)
        ):
            return
        stats = self.crawler.stats
        page = response.meta.get("page", 1)
        sel = self.site.selectors if self.site else None
        tally = self._tally()
        links, next_url = discovery.parse_listing(
            response.text,
            response.url,
            sel.listing if sel else None,
            sel.next_page if sel else None,
            tally,
        )
        self._count(tally, response.url)
        fresh = old = unseen = dated = 0
        for link in links:
            if not self._is_article(link.url):
                continue
            when = discovery.to_datetime(link.published, self._timezone(link.url))
            if when is not None and when < self.since:
                old += 1
                continue
            fresh += 1
            dated += when is not None
            requests = list(self._article_request(link, response))
            unseen += len(requests)
            yield from requests
        stats.inc_value("discovery/section_pages")
        if not next_url:
            return
        # Pagination walks back in time. It goes on while the page's items are all inside the
        # window; undated listings go on only while they bring links not seen in this run (the
        # feed or sitemap may already have announced the dated ones, in any order).
        if old > 0 or fresh == 0 or (dated == 0 and unseen == 0):
            stats.inc_value("discovery/pagination_stopped")
            return
        if page >= self.max_pages:
            stats.inc_value("discovery/pagination_max_pages")
            return
        yield Request(
            next_url,
            callback=self.parse_section,
            errback=self._fetch_failed,
            meta={"page": page + 1, "via": self._via(response)},
        )

    def _article_request(self, link: Link, response: Response | None = None) -> Iterator[Request]:
        """A request for an announced article, once per canonical URL."""
        try:
            url = canonicalize_url(link.url, self.site or site_for_url(link.url))
        except ValueError:
            self.crawler.stats.inc_value("discovery/bad_url")
            return
        if url in self._seen or not self._is_article(url):
            return
        self._seen.add(url)
        if self._known(url, link):
            self.crawler.stats.inc_value("incremental/skipped")
            return
        self.crawler.stats.inc_value("discovery/articles")
        hints = {k: v for k, v in (("title", link.title), ("published", link.published)) if v}
        via = self._via(response)
        if self.site is not None:
            meta: dict[str, Any] = {"hints": hints, "via": via}
            if self.site.render_js:
                meta["playwright"] = True
            yield Request(url, callback=self.parse_article, errback=self._fetch_failed, meta=meta)
        else:
            # A sitemap of an unknown site also lists its section and tag pages: each page must
            # look like an article to become one; its links are not followed from here.
            yield Request(
                url,
                callback=self.parse_any,
                errback=self._fetch_failed,
                meta={"hints": hints, "hops": self.max_depth, "via": via},
            )

    def _known(self, url: str, link: Link) -> bool:
        """Whether an earlier run already wrote this article and nothing says it changed since:
        only an announced time later than that write (a sitemap ``lastmod``) brings it back."""
        if self.store is None:
            return False
        seen = self.store.lookup(url)
        if seen is None:
            return False
        announced = discovery.to_datetime(link.published, self._timezone(url))
        return announced is None or announced.timestamp() <= seen.last_seen

    def _skip_known(self, url: str) -> bool:
        """A page link to an article an earlier run already wrote: not fetched again (the
        listings that link to it are, and bring what is new)."""
        if self.store is None or self.store.lookup(url) is None:
            return False
        self._seen.add(url)
        self.crawler.stats.inc_value("incremental/skipped")
        return True

    def _is_article(self, url: str) -> bool:
        site = self.site or site_for_url(url)
        return site.is_article(url) if site else True

    def _news_sitemap(self, response: Response) -> bool:
        return b"sitemap-news" in response.body[:2000]

    def _not_modified(self, response: Response) -> bool:
        if response.status == 304:
            self.crawler.stats.inc_value("discovery/not_modified")
            return True
        return False

    def _timezone(self, url: str) -> str:
        site = self.site or site_for_url(url)
        return site.timezone if site else "UTC"

    # -- articles ----------------------------------------------------------------------------

    def parse_article(self, response: Response, page: Page | None = None) -> Iterator[Article]:
        if self._stopping(response):
            return
        stats = self.crawler.stats
        site = self.site or site_for_url(response.url)
        if site is not None and not site.is_article(response.url):
            stats.inc_value("extract/not_article")
            return
        article = extract(
            response.url,
            response.body,
            site,
            content_type=_content_type(response),
            hints=response.meta.get("hints"),
            page=page,
        )
        if article.canonical_rejected:
            stats.inc_value("extract/canonical_rejected")
        if not article.body and not article.body_missing:
            stats.inc_value("extract/empty_body")
            self.logger.warning("no article text found: %s", response.url)
            return
        published = article.published_at and datetime.fromisoformat(article.published_at)
        if published and published < self.since:
            stats.inc_value("discovery/article_too_old")
            return
        if article.body_missing:
            # An article page without text is still an article: kept, flagged and counted.
            stats.inc_value("extract/body_missing")
            self.logger.warning("article page without text, kept flagged: %s", response.url)
        else:
            stats.inc_value(f"extract/body_source/{article.body_source}")
        yield article


def _content_type(response: Response) -> str | None:
    return response.headers.get(b"Content-Type", b"").decode("latin-1") or None


def _spider_class(site: Site) -> type[NewsSpider]:
    doc = f"Crawls {site.name} ({', '.join(site.domains)}) as declared in the site registry."
    return type(
        f"{site.name.title().replace('-', '')}Spider",
        (NewsSpider,),
        {"name": site.name, "site": site, "__doc__": doc, "__module__": __name__},
    )


for _site in SITES:
    _cls = _spider_class(_site)
    globals()[_cls.__name__] = _cls
# The loader collects every Spider class in the module's namespace: no second name for the last.
del _cls, _site
