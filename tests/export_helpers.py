"""A local article server, a test spider and runners for the export tests (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import scrapy
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.items import Article
from crawler.signals import items_durable

ROOT = Path(__file__).resolve().parent.parent
HELPERS = Path(__file__).resolve()
SITE = "testsite"

# Original filler prose for the generated pages (a fictional local news story).
PARAGRAPHS = [
    "افتتحت البلدية صباح اليوم مكتبة عامة جديدة في الحي الشرقي بعد عامين من أعمال البناء.",
    "وقال مدير المشروع إن المكتبة تضم قاعة للقراءة وركنا للأطفال ومعملا صغيرا للحاسوب.",
    "وأشار عدد من السكان إلى أن المبنى الجديد يخفف الزحام عن المكتبة المركزية في وسط المدينة.",
    "ومن المقرر أن تستقبل المكتبة زوارها يوميا من التاسعة صباحا حتى الثامنة مساء.",
]
DROP_MARK = "[مكرر]"


def article_title(i: int) -> str:
    return f"افتتاح مكتبة عامة جديدة في الحي الشرقي رقم {i}"


# --- the server ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: ArticleServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.server.hits.append(parts.path)
        with self.server.in_flight():
            if query.get("hold") and parts.path.startswith("/article/"):
                # Held until the test releases it: the crawl stays busy however fast the machine.
                self.server.held.set()
                self.server.released.wait(timeout=120)
            time.sleep(float(query.get("delay", 0)))
            self._answer(parts.path, query)

    def _answer(self, path: str, query: dict[str, str]) -> None:
        if path == "/index":
            self._index(query)
        elif path.startswith("/article/"):
            self._article(int(path.rsplit("/", 1)[1]), query)
        else:
            self._send(404, "<html><body>لا توجد صفحة بهذا العنوان</body></html>")

    def _index(self, query: dict[str, str]) -> None:
        n = int(query.get("n", 10))
        missing = {int(x) for x in query.get("missing", "").split(",") if x}
        links = []
        for i in range(n):
            flags = {"delay": query.get("delay", "0")}
            for flag in ("boom", "drop", "hold"):
                if str(i) in query.get(flag, "").split(","):
                    flags[flag] = "1"
            path = f"/gone/{i}" if i in missing else f"/article/{i}"
            links.append(f'<li><a href="{path}?{urlencode(flags)}">{article_title(i)}</a></li>')
        self._send(200, f"<html lang='ar'><body><ul>{''.join(links)}</ul></body></html>")

    def _article(self, i: int, query: dict[str, str]) -> None:
        title = article_title(i) + (f" {DROP_MARK}" if query.get("drop") else "")
        body = "".join(f"<p>{p} ({i})</p>" for p in PARAGRAPHS)
        boom = '<meta name="boom" content="1">' if query.get("boom") else ""
        self._send(
            200,
            f"<html lang='ar'><head><title>{title}</title>{boom}</head>"
            f"<body><h1>{title}</h1>{body}</body></html>",
        )

    def _send(self, status: int, html: str) -> None:
        data = html.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ArticleServer(ThreadingHTTPServer):
    """Serves ``/index`` (links to n generated article pages) and ``/article/<i>`` on 127.0.0.1.

    It counts the requests it answers at once (``peak``), and holds a page marked ``hold`` open
    (``held`` is set when one arrives) until ``release()``.
    """

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []
        self.held = threading.Event()
        self.released = threading.Event()
        self.peak = 0
        self._busy = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        with self._lock:
            self._busy += 1
            self.peak = max(self.peak, self._busy)
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1

    def reset(self) -> None:
        """Forget the peak and re-arm the hold, for the next crawl of a shared server."""
        with self._lock:
            self.peak = self._busy
        self.held.clear()
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def article_hits(self) -> int:
        return sum(1 for p in list(self.hits) if p.startswith("/article/"))

    def __enter__(self) -> ArticleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.shutdown()
        self.server_close()


# --- the spider and its test components ----------------------------------------------------


class DurableLog:
    """Appends ``{"run_id", "id", "recovered"}`` per record announced by ``items_durable``.

    The side log is fsynced before the handler returns, so after a SIGKILL it lists at least
    every record the crawler announced as durable (a torn last line aside).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DurableLog:
        path = crawler.settings.get("EXPORT_TEST_DURABLE_LOG")
        if not path:
            raise NotConfigured
        ext = cls(Path(path))
        crawler.signals.connect(ext.on_durable, signal=items_durable)
        return ext

    def on_durable(self, items: list[dict[str, Any]], spider: scrapy.Spider, **kw: Any) -> None:
        recovered = bool(kw.get("recovered"))
        lines = "".join(
            json.dumps({"run_id": it["run_id"], "id": it["id"], "recovered": recovered}) + "\n"
            for it in items
        )
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(lines)
            f.flush()
            os.fsync(f.fileno())


class StartBarrier:
    """Holds a run before it takes its start time until the file ``EXPORT_TEST_BARRIER`` exists,
    after touching ``<barrier>.<pid>`` to say it got there: runs started together then take their
    start times within milliseconds of the test's go, whatever their start-up took."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StartBarrier:
        barrier = crawler.settings.get("EXPORT_TEST_BARRIER")
        if not barrier:
            raise NotConfigured
        Path(f"{barrier}.{os.getpid()}").touch()
        if not wait_for(Path(barrier).exists, timeout=120, step=0.002):
            raise RuntimeError("the test never opened the start barrier")
        return cls()


class DropMarked:
    """Drops the pages the server marked, as a dedup pipeline would drop a duplicate."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DropMarked:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if DROP_MARK in (item.title or ""):
            self.stats.inc_value("testdrop/dropped")
            raise DropItem("marked as a duplicate by the test server")
        return item


class ExportTestSpider(scrapy.Spider):
    """Crawls an ArticleServer: ``-a base=URL pages=N delay=S missing=I,J boom=I drop=I,J
    hold=I``."""

    name = SITE

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Export is tested alone: the project's other item pipelines (dedup, cleaning) have their
        # own tests and would drop these look-alike pages as near-duplicates.
        pipelines = {
            k: v
            for k, v in settings.getdict("ITEM_PIPELINES").items()
            if (k if isinstance(k, str) else k.__module__).startswith("pipelines.export")
        }
        pipelines[DropMarked] = 100
        settings.set("ITEM_PIPELINES", pipelines, priority="spider")
        # Spider priority: `runspider` re-applies the project's settings of equal priority.
        settings.set(
            "EXTENSIONS",
            # The barrier comes before the export extension, which takes the run's start time.
            {**settings.getdict("EXTENSIONS"), StartBarrier: -1, DurableLog: 500},
            priority="spider",
        )

    def __init__(self, base: str = "", pages: str = "10", delay: str = "0", **kw: Any) -> None:
        super().__init__(**kw)
        self.base = base
        self.query = {"n": pages, "delay": delay}
        for flag in ("missing", "boom", "drop", "hold"):
            if kw.get(flag):
                self.query[flag] = kw[flag]

    async def start(self) -> Any:
        yield Request(f"{self.base}/index?{urlencode(self.query)}")

    def parse(self, response: Response) -> Any:
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse_article)

    def parse_article(self, response: Response) -> Any:
        if response.css('meta[name="boom"]'):
            raise ValueError("a page the test server made the spider fail on")
        yield Article(
            url=response.url,
            canonical_url=response.url.split("?", 1)[0],
            site=SITE,
            language="ar",
            title=response.css("h1::text").get(),
            body="\n\n".join(response.css("p::text").getall()),
        )


# --- running it ----------------------------------------------------------------------------


def crawl_command(
    server: ArticleServer,
    out: Path,
    *,
    durable_log: Path | None = None,
    pages: int = 10,
    delay: float = 0.0,
    settings: dict[str, Any] | None = None,
    args: dict[str, str] | None = None,
    extra: list[str] | None = None,
) -> list[str]:
    """``scrapy runspider`` of the test spider with the project's settings, output under ``out``."""
    opts: dict[str, Any] = {
        "OUTPUT_DIR": str(out),
        "STATE_PATH": str(out.parent / "state.sqlite3"),
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
        "LOG_LEVEL": "INFO",
        **(settings or {}),
    }
    if durable_log is not None:
        opts["EXPORT_TEST_DURABLE_LOG"] = str(durable_log)
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(HELPERS)]
    spider_args = {"base": server.url, "pages": str(pages), "delay": str(delay), **(args or {})}
    for k, v in spider_args.items():
        cmd += ["-a", f"{k}={v}"]
    for k, v in opts.items():
        cmd += ["-s", f"{k}={v}"]
    return cmd + (extra or [])


def start(cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as f:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)


def run(cmd: list[str], log: Path, timeout: float = 60) -> int:
    proc = start(cmd, log)
    return proc.wait(timeout=timeout)


def wait_for(condition: Callable[[], bool], timeout: float = 120, step: float = 0.02) -> bool:
    # The timeout only bounds a failure: a loaded machine may take long to start a crawl.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def read_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of a JSON Lines file, failing on a partial or unparsable one."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{path} ends with a partial line"
    return [json.loads(line) for line in data.splitlines()]


def read_side_log(path: Path) -> list[dict[str, Any]]:
    """The durable side log, without a last line torn by a kill."""
    if not path.exists():
        return []
    data = path.read_bytes()
    return [json.loads(line) for line in data.split(b"\n")[:-1]]
