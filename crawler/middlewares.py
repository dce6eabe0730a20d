"""Downloader middlewares: serving a site from a local mirror, conditional GET for discovery, the
site boundary (hosts, schemes and ports; private addresses), Retry-After and redirect reports."""

from __future__ import annotations

import ipaddress
import logging
import sqlite3
import time
from contextlib import closing
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.signals import discovery_incomplete
from crawler.urls import origin_of

logger = logging.getLogger(__name__)

# Meta keys the mirror sets on the local copy of a request; a redirect copies them to a request
# for another URL, where they must not apply (they would let it past the offsite filter).
MIRROR_META = ("mirror_real_url", "allow_offsite", "dont_obey_robotstxt")


class MirrorMiddleware:
    """Fetches the pages of real hosts from local mirrors, and gives each response its real URL.

    ``MIRROR_HOSTS`` maps a real host (``www.vetogate.com``) to a local origin
    (``http://127.0.0.1:8123``). It sits after the offsite filter and robots.txt (which see the
    real URLs) and before the downloader stats; spiders and records only ever see real URLs.
    """

    def __init__(self, hosts: dict[str, str]) -> None:
        self.hosts = {host.lower(): origin.rstrip("/") for host, origin in hosts.items()}
        self.locals = {urlsplit(origin).netloc for origin in self.hosts.values()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MirrorMiddleware:
        hosts = crawler.settings.getdict("MIRROR_HOSTS")
        if not hosts:
            raise NotConfigured
        return cls(hosts)

    def process_request(self, request: Request) -> Request | None:
        parts = urlsplit(request.url)
        if parts.netloc in self.locals:
            return None
        forget_stale_mirror_meta(request, self.locals)
        origin = self.hosts.get((parts.hostname or "").lower())
        if origin is None:
            return None
        local = origin + urlunsplit(("", "", parts.path or "/", parts.query, ""))
        meta = {
            **request.meta,
            "mirror_real_url": request.url,
            "allow_offsite": True,
            "dont_obey_robotstxt": True,
        }
        return request.replace(url=local, meta=meta)

    def process_response(self, request: Request, response: Response) -> Response:
        real = request.meta.get("mirror_real_url")
        if not real:
            return response
        location = response.headers.get(b"Location")
        if location and 300 <= response.status < 400:
            try:
                target = urlsplit(urljoin(request.url, location.decode("latin-1")))
                if target.netloc in self.locals:
                    origin = urlsplit(real)
                    target = target._replace(scheme=origin.scheme, netloc=origin.netloc)
                response.headers[b"Location"] = urlunsplit(target).encode("utf-8")
            except ValueError:
                pass  # a malformed Location: the redirect middleware leaves such a response be
        return response.replace(url=real)


def forget_stale_mirror_meta(request: Request, locals_: set[str]) -> None:
    """Drop the mirror's meta from a request that is not a local copy (a redirect's target,
    which inherits its source's meta), so it is judged by its own URL."""
    if "mirror_real_url" in request.meta and urlsplit(request.url).netloc not in locals_:
        for key in MIRROR_META:
            request.meta.pop(key, None)


def real_url(request: Request, locals_: set[str]) -> str:
    """The URL a request stands for: the real one for the mirror's local copy of it."""
    if urlsplit(request.url).netloc in locals_:
        return str(request.meta.get("mirror_real_url") or request.url)
    return request.url


def is_private_address(address: str) -> bool:
    """Whether an IP address is not on the public internet: private, loopback, link-local
    (169.254/16, cloud metadata), CGNAT (100.64/10), reserved, unspecified or multicast."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class SiteBoundaryMiddleware(OffsiteMiddleware):
    """Scrapy's offsite filter, plus the scheme and port of the entry points, plus a refusal of
    private addresses when the crawl starts from a public host.

    A request stays inside when its host is one of the spider's domains (or under one) and its
    scheme and port are those of an entry point (80 and 443 count as one origin: sites move
    between http and https). When an entry host is public (a name that resolves to a public
    address, or a host served from a local mirror), a request whose host is, or resolves to, a
    private, loopback, link-local or CGNAT address is refused (``security/refused_private``):
    a redirect or a sitemap entry must not reach the crawling machine's own services. Names are
    resolved through the reactor's resolver, never blocking. Requests are judged by their real
    URL: the mirror's local copies by the URL they stand for.
    """

    def __init__(self, stats: Any) -> None:
        super().__init__(stats)
        self.locals: set[str] = set()
        self.mirrored: set[str] = set()
        self.refuse_private = True
        self._origins: set[tuple[str, int]] | None = None
        self._guard: bool | None = None
        self._resolved: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBoundaryMiddleware:
        mw = super().from_crawler(crawler)
        hosts = crawler.settings.getdict("MIRROR_HOSTS")
        mw.mirrored = {h.lower() for h in hosts}
        mw.locals = {urlsplit(origin.rstrip("/")).netloc for origin in hosts.values()}
        mw.refuse_private = crawler.settings.getbool("SECURITY_REFUSE_PRIVATE", True)
        return mw

    def _entry_points(self) -> list[str]:
        spider = self.crawler.spider
        entry = getattr(spider, "entry_points", None)
        return list(entry()) if callable(entry) else list(getattr(spider, "start_urls", ()))

    def _allowed_origins(self) -> set[tuple[str, int]]:
        if self._origins is None:
            origins: set[tuple[str, int]] = set()
            for url in self._entry_points():
                scheme, _, port = origin_of(url)
                origins.add((scheme, port))
                if (scheme, port) in (("http", 80), ("https", 443)):
                    origins |= {("http", 80), ("https", 443)}
            self._origins = origins
        return self._origins

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        # Scheduling checks what needs no name lookup; the downloader checks the rest.
        self._check(request)

    async def process_request(self, request: Request) -> None:  # type: ignore[override]
        url = self._check(request)
        if self._guard is None:
            self._guard = self.refuse_private and await self._public_start()
        host = (urlsplit(url).hostname or "").lower()
        if not self._guard or host in self.mirrored or _ip_literal(host) or not host:
            return
        if host not in self._resolved:
            from twisted.internet import reactor

            try:
                address = await maybe_deferred_to_future(reactor.resolve(host))
            except Exception:  # noqa: BLE001 - the download will report the lookup failure
                return
            self._resolved[host] = is_private_address(address)
        if self._resolved[host]:
            self._refuse_private(request, host)

    def _check(self, request: Request) -> str:
        """The request's real URL, when it is inside the boundary; else ``IgnoreRequest``."""
        forget_stale_mirror_meta(request, self.locals)
        url = real_url(request, self.locals)
        scheme, host, port = origin_of(url)
        literal = _ip_literal(host)
        if self._guard and literal and is_private_address(literal):
            self._refuse_private(request, host)
        assert self.crawler.spider is not None
        self._update_host_regex(self.crawler.spider)
        if not self.host_regex.search(host):
            self.stats.inc_value("offsite/filtered")
            raise IgnoreRequest(f"Filtered offsite request to {host!r}")
        if self._allowed_origins() and (scheme, port) not in self._allowed_origins():
            self.stats.inc_value("offsite/port_filtered")
            logger.debug("Filtered request outside the entry points' ports: %s", url)
            raise IgnoreRequest(f"Filtered request to {scheme}://{host}:{port}")
        return url

    def _refuse_private(self, request: Request, host: str) -> None:
        self.stats.inc_value("security/refused_private")
        logger.warning("Refused a request to a private address (%s): %s", host, request.url)
        raise IgnoreRequest(f"private address: {host}")

    async def _public_start(self) -> bool:
        """Whether an entry host is public: mirrored (a real site), a public address, or a
        name that resolves to one (or cannot be resolved here)."""
        from twisted.internet import reactor

        for url in self._entry_points():
            host = (urlsplit(url).hostname or "").lower()
            if not host or host in self.mirrored:
                return bool(host)
            literal = _ip_literal(host)
            if literal:
                if not is_private_address(literal):
                    return True
                continue
            if host == "localhost" or host.endswith(".localhost"):
                continue
            try:
                address = await maybe_deferred_to_future(reactor.resolve(host))
            except Exception:  # noqa: BLE001 - unknown here: treated as public
                return True
            if not is_private_address(address):
                return True
        return False


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as a 429 or 503 response's ``Retry-After`` asks (up to
    ``RETRY_AFTER_MAX`` seconds) before the retry. The wait is an asynchronous sleep: other
    requests go on meanwhile, and a stopping crawl ends it at once (the request then counts as
    failed)."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.cap = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if not isinstance(result, Request) or response.status not in (429, 503):
            return result
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if not wait:
            return result
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("retry/retry_after")
        if wait > self.cap:
            stats.inc_value("retry/retry_after_capped")
            wait = self.cap
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            if self._stopping():
                stats.inc_value("retry/retry_after_abandoned")
                return response
            await sleep(min(left, 0.25))
        return result

    def _stopping(self) -> bool:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        return engine is None or not engine.running or getattr(slot, "closing", None) is not None


class RedirectReportMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with the broken chains counted: a redirect back to a URL of its own
    chain (``redirect/loop``, stopped at once) and chains longer than ``REDIRECT_MAX_TIMES``
    (``redirect/max_reached``). The run report lists both under ``errors``."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        stats = self.crawler.stats
        assert stats is not None
        try:
            result = super().process_response(request, response)
        except IgnoreRequest:
            stats.inc_value("redirect/max_reached")
            logger.warning("Dropped after %d redirects: %s", self.max_redirect_times, request.url)
            raise
        if isinstance(result, Request):
            # The mirror's local copies are known by their real URL too: a loop shows in either.
            chain = [*request.meta.get("redirect_chain", ()), request.url]
            if request.meta.get("mirror_real_url"):
                chain.append(str(request.meta["mirror_real_url"]))
            if result.url in chain:
                stats.inc_value("redirect/loop")
                logger.warning("Redirect loop: %s -> %s", request.url, result.url)
                raise IgnoreRequest("redirect loop")
            result.meta["redirect_chain"] = chain
        return result


class ConditionalGetMiddleware:
    """Sends ``If-None-Match``/``If-Modified-Since`` on discovery requests (``meta["conditional"]``)
    with the validators of the previous run, so unchanged feeds and sitemaps cost a 304.

    Validators are saved only when the crawl finishes normally: after a crash the next run refetches
    everything, so no article announced in a feed can be lost between runs.
    """

    def __init__(self, path: Path, redis: tuple[str, str] | None = None) -> None:
        self.path = path
        self.redis = redis
        """(``REDIS_URL``, ``REDIS_KEY_PREFIX``): the validators live in the Redis state store."""
        self.pending: dict[str, tuple[str | None, str | None]] = {}
        self.incomplete: set[str] = set()
        self._known: dict[str, tuple[str | None, str | None]] | None = None
        self.stats: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        settings = crawler.settings
        if not settings.getbool("CONDITIONAL_GET_ENABLED", True):
            raise NotConfigured
        path = settings.get("CONDITIONAL_GET_PATH") or str(
            Path(settings.get("STATE_PATH", ".state/crawler.sqlite3")).parent
            / "http-validators.sqlite3"
        )
        url = settings.get("REDIS_URL")
        mw = cls(Path(path), (url, settings.get("REDIS_KEY_PREFIX") or "crawler") if url else None)
        mw.stats = crawler.stats
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(mw.discovery_incomplete, signal=discovery_incomplete)
        return mw

    def discovery_incomplete(self, urls: tuple[str, ...], **kwargs: Any) -> None:
        """A request announced by these documents failed: keep their validators unsaved."""
        self.incomplete.update(urls)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS validators (url TEXT PRIMARY KEY, etag TEXT, modified TEXT)"
        )
        return db

    def _validators(self) -> dict[str, tuple[str | None, str | None]]:
        # One small table (a row per feed, sitemap or section URL): read once per run.
        if self._known is None:
            self._known = {}
            if self.redis is not None:
                self._known = self._redis_store().get_validators()
            elif self.path.exists():
                with closing(self._connect()) as db:
                    rows = db.execute("SELECT url, etag, modified FROM validators").fetchall()
                self._known = {url: (etag, modified) for url, etag, modified in rows}
        return self._known

    def _redis_store(self) -> Any:
        from crawler.state_redis import RedisStateStore

        assert self.redis is not None
        return RedisStateStore(*self.redis)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("conditional"):
            return
        row = self._validators().get(request.url)
        if row:
            if row[0]:
                request.headers.setdefault(b"If-None-Match", row[0])
            if row[1]:
                request.headers.setdefault(b"If-Modified-Since", row[1])

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("conditional") and response.status == 200:
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            if etag or modified:
                url = request.meta.get("mirror_real_url", request.url)
                self.pending[url] = (
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                )
        return response

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason != "finished" or not (self.pending or self.incomplete):
            return
        # A document whose announced articles were not all fetched is read again next time,
        # and with its old validators gone, answered in full rather than with a 304.
        rows = [(u, e, m) for u, (e, m) in self.pending.items() if u not in self.incomplete]
        withheld = [u for u in self.pending if u in self.incomplete]
        if self.redis is not None:
            store = self._redis_store()
            store.save_validators({u: (e, m) for u, e, m in rows})
            store.delete_validators(self.incomplete)
            store.close()
        else:
            with closing(self._connect()) as db, db:
                db.executemany("INSERT OR REPLACE INTO validators VALUES (?, ?, ?)", rows)
                db.executemany(
                    "DELETE FROM validators WHERE url = ?", [(u,) for u in self.incomplete]
                )
        if withheld and self.stats is not None:
            self.stats.set_value("conditional/withheld", len(withheld))
        self.pending.clear()
