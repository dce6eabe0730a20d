"""Running ``scrapy crawlall`` against local sites, a site that answers challenge pages, and a
copy of the offline sample whose layout changed, for the tests of unattended operation."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from crawler.sample import SAMPLE_ROOT, SampleServer, serve_handler

ROOT = Path(__file__).resolve().parent.parent

# A Cloudflare-style interstitial, as a blocked crawler receives it instead of every page.
CHALLENGE = (
    b"<!DOCTYPE html><html lang=en><head><title>Just a moment...</title>"
    b'<meta name="robots" content="noindex,nofollow"></head><body><div class="main-wrapper">'
    b"<h1>Checking if the site connection is secure</h1></div>"
    b'<script>window._cf_chl_opt={cType:"managed"};</script>'
    b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>'
    b"</body></html>"
)


@contextmanager
def serve_challenges() -> Iterator[str]:
    """A site that answers every path with a challenge page: 403 for its home page, 503 for
    feeds, and 200 elsewhere (some walls are served as a normal page)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = 403 if self.path == "/" else 503 if "xml" in self.path else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(CHALLENGE)))
            self.end_headers()
            self.wfile.write(CHALLENGE)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve_handler(Handler) as origin:
        yield origin


def broken_sample(base: Path) -> Path:
    """A copy of the vetogate sample after a redesign: the body container is renamed and the
    publication dates are gone from the pages (time elements, JSON-LD, meta, printed dates),
    the section listings and the feeds."""
    target = base / "vetogate"
    shutil.copytree(SAMPLE_ROOT / "vetogate", target)
    site = target / "site"
    for page in site.rglob("*.html"):
        # Latin-1 round-trips any bytes: one page of the sample is in windows-1256.
        html = page.read_text(encoding="latin-1")
        html = html.replace('class="article-body"', 'class="story-text-v2"')
        html = re.sub(r"<time\b[^>]*>.*?</time>", "", html, flags=re.S)
        html = re.sub(r'"date(Published|Modified|Created)"\s*:\s*"[^"]*",?', "", html)
        html = re.sub(r"/\d{4}/\d{1,2}/\d{1,2}/", "/", html)  # dated image paths
        html = re.sub(r"<meta[^>]+(published|modified)_time[^>]*>", "", html)
        html = re.sub(r'<(\w+) class="date"[^>]*>.*?</\1>', "", html, flags=re.S)
        html = re.sub(r"date \d{4}-\d{2}-\d{2}", "", html)
        page.write_text(html, encoding="latin-1")
    for feed in [site / "rss.xml", *site.glob("sitemap*.xml"), *(site / "sitemaps").glob("*.xml")]:
        xml = feed.read_text(encoding="utf-8")
        xml = re.sub(r"<(pubDate|lastmod|news:publication_date)>.*?</\1>", "", xml, flags=re.S)
        feed.write_text(xml, encoding="utf-8")
    return base


def mirror(server: SampleServer) -> dict[str, str]:
    host = server.snapshot.origin.split("://", 1)[1]
    return {host: server.url, host.removeprefix("www."): server.url}


def scrapy(*args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def crawlall(
    tmp: Path,
    targets: list[str],
    server: SampleServer | None = None,
    state: str = "state",
    settings: dict[str, Any] | None = None,
    now: str = "2026-11-28T12:00:00+02:00",
) -> subprocess.CompletedProcess[str]:
    """``scrapy crawlall`` over ``targets`` with its output in ``tmp/output``."""
    values = {
        "OUTPUT_DIR": str(tmp / "output"),
        "STATE_PATH": str(tmp / state / "crawler.sqlite3"),
        "MIRROR_HOSTS": json.dumps(mirror(server)) if server else "{}",
        "STATS_DUMP": "False",
        **(settings or {}),
    }
    options = [x for k, v in values.items() for x in ("-s", f"{k}={v}")]
    return scrapy("crawlall", *targets, "-a", f"now={now}", *options)


def reports(output: Path, site: str) -> list[dict[str, Any]]:
    """The site's run reports, oldest first."""
    paths = sorted((output / site).glob("*.report.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def summaries(output: Path) -> list[dict[str, Any]]:
    paths = sorted((output / "crawlall").glob("*.summary.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def site_name(origin: str) -> str:
    """The ``news`` spider's output name for a local origin."""
    return "news-" + origin.split("://", 1)[1].replace(":", "_")


# The wall's script: what a browser runs and a plain HTTP client does not.
WALL = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b'<div id="challenge-platform">Checking your browser</div><script>'
    b'setTimeout(() => { document.cookie = "clearance=ok; path=/"; location.reload(); }, 50);'
    b"</script></body></html>"
)


@contextmanager
def serve_walled(build: Callable[[str], dict[str, tuple[str, bytes]]]) -> Iterator[str]:
    """``build(origin)``'s pages, the articles (``/news/...``) behind a challenge wall: without
    the wall's cookie they answer 503 with the challenge; a client that ran its script gets the
    page."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            cookie = self.headers.get("Cookie") or ""
            passed = "clearance=ok" in cookie or not self.path.startswith("/news/")
            ctype, data = pages.get(self.path, ("text/plain", b"not found"))
            status = (200 if self.path in pages else 404) if passed else 503
            if not passed:
                ctype, data = "text/html; charset=utf-8", WALL
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve_handler(Handler) as origin:
        pages = build(origin)
        yield origin
