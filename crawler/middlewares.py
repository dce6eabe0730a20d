"""Downloader middlewares: serving a site from a local mirror, and conditional GET for discovery."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response


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
            target = urlsplit(urljoin(request.url, location.decode("latin-1")))
            if target.netloc in self.locals:
                origin = urlsplit(real)
                target = target._replace(scheme=origin.scheme, netloc=origin.netloc)
            response.headers[b"Location"] = urlunsplit(target).encode("utf-8")
        return response.replace(url=real)


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
        self._known: dict[str, tuple[str | None, str | None]] | None = None

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
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

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
        if reason != "finished" or not self.pending:
            return
        if self.redis is not None:
            store = self._redis_store()
            store.save_validators(self.pending)
            store.close()
            self.pending.clear()
            return
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT OR REPLACE INTO validators VALUES (?, ?, ?)",
                [(url, etag, modified) for url, (etag, modified) in self.pending.items()],
            )
        self.pending.clear()
