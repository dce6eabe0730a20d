"""Fault cases of discovery, network, sizes and security, each against local servers on
127.0.0.1: malformed URLs, relative robots.txt sitemaps, gzip bombs, feed validators after failed
downloads, lastmod refetches, registry entry points, Retry-After, redirect loops, ports and
private addresses, SIGTERM on hostile pages, and no remote-control console."""

from __future__ import annotations

import gzip
import json
import re
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import generic_site
import pytest
from conftest import ROOT
from scrapy.utils.conf import build_component_list
from scrapy.utils.project import get_project_settings

from crawler import discovery
from crawler.middlewares import is_private_address, retry_after_seconds
from crawler.sample import serve_handler
from crawler.sites import SITES

# -- a local server whose answers a test scripts -----------------------------------------------


@dataclass
class Answer:
    body: bytes | str = b""
    status: int = 200
    ctype: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = False
    """Send an ETag (from the body) and answer 304 to a matching If-None-Match."""


Route = Answer | Callable[[int], Answer]
"""An answer, or a function of how many times the path was asked before."""


@dataclass
class Hit:
    path: str
    at: float
    if_none_match: str | None


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[tuple[str, list[Hit]]]:
    """Serve ``routes`` (mutable while serving) on a free port of 127.0.0.1."""
    hits: list[Hit] = []
    counts: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            hits.append(Hit(self.path, time.monotonic(), self.headers.get("If-None-Match")))
            route = routes.get(self.path, Answer(b"not found", 404, "text/plain"))
            n = counts[self.path] = counts.get(self.path, 0) + 1
            answer = route(n - 1) if callable(route) else route
            body = answer.body.encode() if isinstance(answer.body, str) else answer.body
            headers = {"Content-Type": answer.ctype, **answer.headers}
            status = answer.status
            if answer.etag:
                headers["ETag"] = f'"{zlib.crc32(body):08x}"'
                if self.headers.get("If-None-Match") == headers["ETag"]:
                    status, body = 304, b""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve_handler(Handler) as origin:
        yield origin, hits


@dataclass
class Run:
    proc: subprocess.CompletedProcess[str]
    records: list[dict[str, Any]]
    report: dict[str, Any]

    @property
    def stats(self) -> dict[str, Any]:
        return self.report["stats"]

    @property
    def urls(self) -> set[str]:
        return {r["url"] for r in self.records}


def crawl(tmp: Path, urls: str, *settings: str, fresh_output: bool = True) -> Run:
    """``scrapy crawl news`` in a child process; its records and run report."""
    out = tmp / "output"
    if fresh_output and out.exists():
        for f in out.glob("*/*.jsonl*"):
            f.unlink()
    args = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={urls}",
            "-s", f"OUTPUT_DIR={out}", "-s", f"STATE_PATH={tmp / 'state' / 'crawler.sqlite3'}",
            "-s", "RETRY_TIMES=0"]  # fmt: skip
    for setting in settings:
        args += ["-s", setting]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (report_file,) = out.glob("*/*.jsonl.report.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    data = Path(report["output_file"]).read_text(encoding="utf-8")
    return Run(proc, [json.loads(line) for line in data.splitlines()], report)


def article(n: int) -> Answer:
    return Answer(generic_site.article(n))


def home(links: list[str]) -> Answer:
    anchors = "".join(f'<li><a href="{href}">رابط رقم {i} في الصفحة</a></li>' for i, href in
                      enumerate(links))  # fmt: skip
    return Answer(f'<html lang="ar"><body><ul class="menu">{anchors}</ul></body></html>')


def urlset(locs: list[str], lastmod: str | None = None) -> Answer:
    mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    entries = "".join(f"<url><loc>{loc}</loc>{mod}</url>" for loc in locs)
    return Answer(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>".encode(),
        ctype="application/xml",
    )


def gzip_bomb(size: int) -> bytes:
    """A gzip stream of ``size`` bytes of whitespace (about a thousandth of it compressed)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    parts = [packer.compress(head)]
    parts += [packer.compress(chunk) for _ in range(size >> 20)]
    return b"".join([*parts, packer.compress(b"</urlset>"), packer.flush()])


# -- malformed URLs, robots.txt, sizes ----------------------------------------------------------

BAD = ["http://[::1/broken", "mailto:", "javascript:", "http://x.com:99999/", "http://x.com:ab/"]
BASE = "https://news.example/section/"


def test_a_malformed_url_costs_only_itself_in_every_kind_of_document() -> None:
    good = ["/a/1", "/a/2"]
    hrefs = [good[0], *BAD, good[1]]
    html = "".join(f'<div><a href="{h}">عنوان خبر طويل بما يكفي رقم {i}</a></div>'
                   for i, h in enumerate(hrefs))  # fmt: skip
    html += "".join(f'<link rel="alternate" type="application/rss+xml" href="{h}">' for h in hrefs)
    page = f"<html><head></head><body>{html}</body></html>"
    want = ["https://news.example/a/1", "https://news.example/a/2"]

    tally = discovery.Tally()
    assert discovery.page_links(page, BASE, tally) == want
    assert tally.bad_urls == 3  # javascript: and mailto: links are no page links to begin with
    tally = discovery.Tally()
    links, _ = discovery.parse_listing(page, BASE, None, None, tally)
    assert [link.url for link in links] == want
    assert tally.bad_urls == 3
    tally = discovery.Tally()
    assert discovery.feed_links(page, BASE, tally) == want
    assert tally.bad_urls == len(BAD)

    sitemap = urlset(hrefs).body
    rss = "".join(f"<item><title>t</title><link>{h}</link></item>" for h in hrefs)
    atom = "".join(f'<entry><link rel="alternate" href="{h}"/></entry>' for h in hrefs)
    index = "".join(f"<sitemap><loc>{h}</loc></sitemap>" for h in hrefs)
    for doc in (
        sitemap,
        f'<rss version="2.0"><channel>{rss}</channel></rss>',
        f'<feed xmlns="http://www.w3.org/2005/Atom">{atom}</feed>',
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>',
    ):
        tally = discovery.Tally()
        data = doc.encode() if isinstance(doc, str) else doc
        assert [link.url for link in discovery.parse_xml_links(data, BASE, tally)] == want
        assert tally.bad_urls == len(BAD)

    robots = "\n".join(f"Sitemap: {h}" for h in ["/news.xml", *BAD, "/more.xml"]).encode()
    tally = discovery.Tally()
    assert discovery.robots_sitemaps(robots, "https://news.example/robots.txt", tally) == [
        "https://news.example/news.xml",
        "https://news.example/more.xml",
    ]
    assert tally.bad_urls == len(BAD)


def test_links_read_per_page_are_capped_and_counted() -> None:
    page = (
        "<html><body>"
        + "".join(
            f'<div><a href="/a/{i}">عنوان خبر طويل بما يكفي رقم {i}</a></div>' for i in range(10)
        )
        + "</body></html>"
    )
    tally = discovery.Tally(max_links=3)
    assert discovery.page_links(page, BASE, tally) == [f"https://news.example/a/{i}" for i in
                                                       range(3)]  # fmt: skip
    assert tally.capped == 7
    tally = discovery.Tally(max_links=4)
    links, _ = discovery.parse_listing(page, BASE, "div a", None, tally)
    assert len(links) == 4 and tally.capped == 6
    assert len(discovery.page_links(page, BASE, discovery.Tally())) == 10


def test_a_relative_robots_sitemap_is_resolved_against_the_site() -> None:
    text = b"User-agent: *\nDisallow: /search\nSitemap: /sitemap.xml\nsitemap: news.xml\n"
    assert discovery.robots_sitemaps(text, "https://www.example.com/robots.txt") == [
        "https://www.example.com/sitemap.xml",
        "https://www.example.com/news.xml",
    ]


def test_a_gzip_bomb_is_refused_without_being_inflated() -> None:
    bomb = gzip_bomb(64 << 20)
    assert len(bomb) < 200_000
    with pytest.raises(discovery.TooLarge):
        discovery.xml_body(bomb, max_size=8 << 20)
    # A small gzipped sitemap still reads.
    small = gzip.compress(bytes(urlset(["https://news.example/a/1"]).body))
    assert [link.url for link in discovery.parse_xml_links(small, BASE)] == [
        "https://news.example/a/1"
    ]


def test_a_crawl_keeps_every_good_link_beside_malformed_ones_bombs_and_relative_sitemaps(
    tmp_path: Path,
) -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as (origin, hits):
        routes.update({
            "/robots.txt": Answer(
                "User-agent: *\nSitemap: http://[::1/broken\nSitemap: /bomb.xml.gz\n"
                "Sitemap: /news.xml\n", ctype="text/plain"),
            "/bomb.xml.gz": Answer(gzip_bomb(64 << 20), ctype="application/x-gzip"),
            "/news.xml": urlset(["mailto:", "http://x.com:99999/", f"{origin}/?p=101",
                                 "http://[::1/x", f"{origin}/?p=102"]),
            "/": home(["javascript:", "http://[::1/broken", "/?p=100", "http://x.com:ab/",
                       "/?p=103"]),
        })  # fmt: skip
        routes.update({f"/?p={generic_site.article_id(n)}": article(n) for n in range(4)})
        run = crawl(tmp_path, f"{origin}/", "DISCOVERY_MAX_XML_SIZE=8388608")
    # Every article behind a malformed URL is still found: two by the sitemap named by a
    # relative robots.txt line, two by the home page.
    assert run.urls == {f"{origin}/?p={100 + n}" for n in range(4)}
    assert "/news.xml" in {h.path for h in hits}
    assert run.stats["discovery/bad_url"] >= 6
    assert run.stats["discovery/xml_too_large"] == 1
    assert run.report["finish_reason"] == "finished"
    # No remote control: no telnet console among the extensions, no console port opened.
    assert "Enabled extensions" in run.proc.stderr
    assert "TelnetConsole" not in run.proc.stderr
    assert "Telnet console listening" not in run.proc.stderr
    assert "Remote control HTTP server" not in run.proc.stderr


# -- feed validators and lastmod refetches --------------------------------------------------


def test_validators_are_not_saved_for_a_sitemap_whose_article_failed(tmp_path: Path) -> None:
    down = {"on": True}
    routes: dict[str, Route] = {}
    with serve(routes) as (origin, hits):
        sitemap = urlset([f"{origin}/?p=100", f"{origin}/?p=101"])
        sitemap.etag = True
        routes.update({
            "/": home([]),
            "/sitemap.xml": sitemap,
            "/?p=100": article(0),
            "/?p=101": lambda n: Answer("down", 500) if down["on"] else article(1),
        })  # fmt: skip
        first = crawl(tmp_path, f"{origin}/")
        assert first.urls == {f"{origin}/?p=100"}
        assert first.stats["discovery/fetch_failed"] == 1
        assert first.stats["conditional/withheld"] == 1
        down["on"] = False
        del hits[:]
        second = crawl(tmp_path, f"{origin}/")
        # Read in full again (no validator was kept), so the failed article comes back.
        (asked,) = [h for h in hits if h.path == "/sitemap.xml"]
        assert asked.if_none_match is None
        assert second.urls == {f"{origin}/?p=101"}
        del hits[:]
        third = crawl(tmp_path, f"{origin}/")
    # Everything fetched: the validator was saved, and the unchanged sitemap costs a 304.
    (asked,) = [h for h in hits if h.path == "/sitemap.xml"]
    assert asked.if_none_match is not None
    assert third.stats["discovery/not_modified"] == 1


def test_an_unchanged_article_refetched_for_its_lastmod_is_not_refetched_again(
    tmp_path: Path,
) -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as (origin, hits):
        routes.update({"/": home([]), "/?p=100": article(0),
                       "/sitemap.xml": urlset([f"{origin}/?p=100"])})  # fmt: skip
        first = crawl(tmp_path, f"{origin}/")
        assert len(first.records) == 1
        # The sitemap now says the article changed after it was written; it did not.
        time.sleep(1.1)
        lastmod = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        routes["/sitemap.xml"] = urlset([f"{origin}/?p=100"], lastmod)
        del hits[:]
        second = crawl(tmp_path, f"{origin}/")
        assert [h.path for h in hits].count("/?p=100") == 1
        assert second.records == [] and second.stats["dedup/unchanged"] == 1
        del hits[:]
        crawl(tmp_path, f"{origin}/")
    assert [h.path for h in hits].count("/?p=100") == 0


# -- the registry -------------------------------------------------------------------------------


def test_every_entry_point_of_every_registry_entry_lies_inside_its_domains() -> None:
    outside = [
        (site.name, url)
        for site in SITES
        for url in (site.home, *site.news_sitemaps, *site.sitemaps, *site.feeds, *site.sections)
        if not site.owns(url)
    ]
    assert outside == []


# -- Retry-After and redirects -----------------------------------------------------------------


def test_retry_after_values() -> None:
    assert retry_after_seconds(b"7") == 7.0
    now = time.time()
    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now) == pytest.approx(30, abs=1)
    assert retry_after_seconds(formatdate(now - 30, usegmt=True), now) == 0.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_retry_after_is_honoured_up_to_its_cap_and_broken_redirect_chains_are_reported(
    tmp_path: Path,
) -> None:
    def busy(wait: str) -> Route:
        return lambda n: (
            Answer("busy", 503, headers={"Retry-After": wait}) if n == 0 else article(1)
        )

    far = formatdate(time.time() + 3600, usegmt=True)
    routes: dict[str, Route] = {
        "/": home(["/?p=101", "/?p=102", "/?p=103", "/loop/a", "/hop/0"]),
        "/?p=101": busy("2"),
        "/?p=102": lambda n: Answer("slow down", 429, headers={"Retry-After": far})
        if n == 0 else article(2),
        "/?p=103": article(3),
        "/loop/a": Answer(status=302, headers={"Location": "/loop/b"}),
        "/loop/b": Answer(status=302, headers={"Location": "/loop/a"}),
    }  # fmt: skip
    routes.update({f"/hop/{i}": Answer(status=302, headers={"Location": f"/hop/{i + 1}"})
                   for i in range(30)})  # fmt: skip
    with serve(routes) as (origin, hits):
        run = crawl(tmp_path, f"{origin}/", "RETRY_TIMES=2", "RETRY_AFTER_MAX=2.5")
    times: dict[str, list[float]] = {}
    for hit in hits:
        times.setdefault(hit.path, []).append(hit.at)
    assert len(times["/?p=101"]) == 2 and len(times["/?p=102"]) == 2
    assert times["/?p=101"][1] - times["/?p=101"][0] >= 1.9
    # An hour asked for, RETRY_AFTER_MAX granted.
    assert 2.4 <= times["/?p=102"][1] - times["/?p=102"][0] < 10
    # Waiting blocks nothing: another page was fetched meanwhile.
    assert times["/?p=103"][0] < times["/?p=101"][1]
    assert len(run.records) == 3
    assert run.stats["retry/retry_after"] == 2 and run.stats["retry/retry_after_capped"] == 1
    # A loop is stopped at its first repeat; a chain past REDIRECT_MAX_TIMES is dropped.
    assert [h.path for h in hits].count("/loop/a") == 1
    by_kind = run.report["errors"]["by_kind"]
    assert by_kind["redirect/loop"] == 1
    assert by_kind["redirect/max_reached"] == 1


# -- the site boundary and private addresses ------------------------------------------------


def test_the_boundary_keeps_the_entry_points_port(tmp_path: Path) -> None:
    with serve({"/secret": article(5)}) as (other, other_hits):
        port = urlsplit(other).port
        routes: dict[str, Route] = {}
        with serve(routes) as (origin, _):
            routes.update({
                "/": home(["/?p=100", f"http://127.0.0.1:{port}/secret"]),
                "/sitemap.xml": urlset([f"http://127.0.0.1:{port}/?p=101"]),
                "/?p=100": article(0),
                "/go": Answer(status=302, headers={"Location": f"http://127.0.0.1:{port}/x"}),
            })  # fmt: skip
            run = crawl(tmp_path, f"{origin}/,{origin}/go")
    assert other_hits == []
    assert run.urls == {f"{origin}/?p=100"}
    assert run.stats["offsite/port_filtered"] >= 2


def test_a_public_start_never_reaches_private_addresses(tmp_path: Path) -> None:
    with serve({"/": article(5), "/secret": article(6)}) as (other, other_hits):
        port = urlsplit(other).port
        routes: dict[str, Route] = {}
        with serve(routes) as (origin, hits):
            routes.update({
                "/": home(["/?p=100", "/meta", "/loopback"]),
                "/?p=100": article(0),
                "/meta": Answer(status=302, headers={
                    "Location": "http://169.254.169.254/latest/meta-data/"}),
                "/loopback": Answer(status=302, headers={
                    "Location": f"http://127.0.0.1:{port}/secret"}),
                "/sitemap.xml": urlset(["http://100.64.0.1/?p=7", "http://[::1]/?p=8"]),
            })  # fmt: skip
            # A public-looking site served from the local mirror, and a name that resolves
            # to this machine among the start URLs.
            run = crawl(
                tmp_path,
                f"https://www.news-site.test/,http://localhost:{port}/",
                json_setting("MIRROR_HOSTS", {"www.news-site.test": origin}),
            )
    assert other_hits == []
    assert run.urls == {"https://www.news-site.test/?p=100"}
    # The two redirects, the two sitemap entries and the requests to localhost.
    refused = run.stats["security/refused_private"]
    assert refused >= 5
    assert run.report["errors"]["by_kind"]["security/refused_private"] == refused
    for target in ("169.254.169.254", f"127.0.0.1:{port}", "100.64.0.1", "[::1]", "localhost"):
        assert (
            f"Refused a request to a private address ({target.split(':')[0]})" in (run.proc.stderr)
            or target in run.proc.stderr
        ), target
    assert {"/", "/meta", "/loopback", "/?p=100"} <= {h.path for h in hits}


def json_setting(name: str, value: object) -> str:
    return f"{name}={json.dumps(value)}"


def test_private_address_ranges() -> None:
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                    "100.64.0.1", "::1", "fe80::1", "::ffff:127.0.0.1", "0.0.0.0"):  # fmt: skip
        assert is_private_address(address), address
    for address in ("93.184.216.34", "8.8.8.8", "2606:4700::1111"):
        assert not is_private_address(address), address


# -- hostile pages and SIGTERM --------------------------------------------------------------


def test_sigterm_stops_a_crawl_of_hostile_pages_within_ten_seconds(tmp_path: Path) -> None:
    # Pages of the shapes that blocked crawls for minutes: 5 MB of teaser cards (the listing
    # check asked each card's boxes again) and 100,000 links.
    card = ('<div class="card"><div><h3><a href="/n/{i}">عنوان الخبر رقم {i} في الصفحة</a></h3>'
            "<p>أعلنت الوزارة اليوم عن خطة جديدة لتطوير الخدمات في المحافظات وقال المتحدث إن "
            "العمل سيبدأ خلال الأسابيع المقبلة بمشاركة الجهات المعنية</p></div></div>")  # fmt: skip
    flat = "<html><body><main>" + "".join(card.format(i=i) for i in range(13_000)) + "</main>"
    links = "".join(f'<a href="/n/{i}">خبر رقم {i}</a>' for i in range(100_000))
    routes: dict[str, Route] = {
        "/": home([f"/big/{i}" for i in range(6)] + [f"/links/{i}" for i in range(6)]),
        **{f"/big/{i}": Answer(flat + "</body></html>") for i in range(6)},
        **{f"/links/{i}": Answer(f"<html><body>{links}</body></html>") for i in range(6)},
    }
    with serve(routes) as (origin, hits):
        proc = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/",
             "-s", f"OUTPUT_DIR={tmp_path / 'output'}",
             "-s", f"STATE_PATH={tmp_path / 'state' / 'crawler.sqlite3'}"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not any(h.path.startswith("/links/") for h in hits):
                assert time.monotonic() < deadline, "the crawl never reached the hostile pages"
                time.sleep(0.05)
            time.sleep(0.5)
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert took < 10, f"SIGTERM took {took:.1f}s"
    (report_file,) = (tmp_path / "output").glob("*/*.jsonl.report.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["finish_reason"] == "shutdown"
    assert Path(report["output_file"]).exists()


# -- no remote control --------------------------------------------------------------------------


def test_no_telnet_console_or_other_remote_control() -> None:
    settings = get_project_settings()
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    enabled = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert not [ext for ext in enabled if re.search("telnet|remote", str(ext), re.I)]
    # The crawls above check the log: no such extension enabled, no console port opened.
