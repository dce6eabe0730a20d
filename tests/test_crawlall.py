"""``scrapy crawlall``: several local sites in one process, a blocked one among them."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path

import generic_site
import pytest
from jsonschema import Draft202012Validator
from ops_fixtures import ROOT, crawlall, reports, scrapy, serve_challenges, site_name, summaries

from crawler.blocked import is_challenge, is_empty_feed
from crawler.commands.crawlall import site_exit_code
from crawler.sample import Pages, SampleServer, Snapshot, serve_pages
from crawler.state import SQLiteStateStore
from pipelines.export import ExportLockError

REPORT_SCHEMA = Draft202012Validator(
    json.loads((ROOT / "schema" / "run-report.schema.json").read_text(encoding="utf-8"))
)
SUMMARY_SCHEMA = Draft202012Validator(
    json.loads((ROOT / "schema" / "crawlall-summary.schema.json").read_text(encoding="utf-8"))
)


EMPTY_SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
)


@pytest.fixture(scope="module")
def server() -> Iterator[SampleServer]:
    with SampleServer(Snapshot.load("vetogate")) as srv:
        yield srv


def test_three_sites_in_one_process_one_blocked(server: SampleServer, tmp_path: Path) -> None:
    out = tmp_path / "output"
    with generic_site.serve() as (blog, _), serve_challenges() as walled:
        # Two empty files of earlier runs: retention keeps the newest one (beside this run's).
        old = out / site_name(walled)
        old.mkdir(parents=True)
        for stamp in ("20261101T000000Z", "20261102T000000Z"):
            name = f"{site_name(walled)}-{stamp}-0000abcd.jsonl"
            (old / name).write_bytes(b"")
            (old / (name + ".report.json")).write_text("{}", encoding="utf-8")
        proc = crawlall(
            tmp_path,
            ["vetogate", f"news:{blog}/", f"news:{walled}/"],
            server,
            settings={"OUTPUT_KEEP_EMPTY_RUNS": 1},
        )
    assert proc.returncode == 6, proc.stderr[-3000:]
    blog_site, walled_site = site_name(blog), site_name(walled)
    kept = sorted(p.name[len(walled_site) + 1 :][:16] for p in (out / walled_site).glob("*.jsonl"))
    assert kept[0] == "20261102T000000Z" and len(kept) == 2, kept
    (out / walled_site / f"{walled_site}-20261102T000000Z-0000abcd.jsonl.report.json").unlink()
    (out / walled_site / f"{walled_site}-20261102T000000Z-0000abcd.jsonl").unlink()
    # A file and a report per site, in its own folder, each with its own lock.
    for site in ("vetogate", blog_site, walled_site):
        (report,) = reports(out, site)
        REPORT_SCHEMA.validate(report)
        assert Path(report["output_file"]).parent == out / site
        assert (out / site / ".lock").exists()
    good = reports(out, "vetogate")[0], reports(out, blog_site)[0]
    assert all(r["outcome"] == "ok" and r["items_written"] > 5 for r in good)
    (blocked,) = reports(out, walled_site)
    assert blocked["outcome"] == "blocked"
    assert blocked["items_written"] == 0
    assert Path(blocked["output_file"]).read_bytes() == b""
    assert blocked["health"]["blocked"]["challenge"] >= 3
    assert blocked["stats"]["blocked/site"] == 1
    # One summary, naming the failed site and why; one line per site on stdout.
    (summary,) = summaries(out)
    SUMMARY_SCHEMA.validate(summary)
    assert summary["exit_code"] == 6
    assert summary["failed_sites"] == [walled_site]
    codes = {s["site"]: s["exit_code"] for s in summary["sites"]}
    assert codes == {"vetogate": 0, blog_site: 0, walled_site: 6}
    lines = proc.stdout.splitlines()
    assert len(lines) == 4, proc.stdout
    assert any(walled_site in line and "blocked" in line for line in lines)


def test_a_running_site_is_a_failure_of_crawlall_not_of_the_others(
    server: SampleServer, tmp_path: Path
) -> None:
    import fcntl
    import os

    lock = tmp_path / "output" / "vetogate" / ".lock"
    lock.parent.mkdir(parents=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        with generic_site.serve() as (blog, _):
            proc = crawlall(tmp_path, ["vetogate", f"news:{blog}/"], server)
    finally:
        os.close(fd)
    assert proc.returncode == 8, proc.stderr[-3000:]
    (summary,) = summaries(tmp_path / "output")
    codes = {s["site"]: s["exit_code"] for s in summary["sites"]}
    assert codes == {"vetogate": 8, site_name(blog): 0}
    assert "ExportLockError" in summary["sites"][0]["error"]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (503, b"<title>Just a moment...</title>", True),
        (200, b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/v1"></script>', True),
        (403, b"<p>Please complete the captcha to continue</p>", True),
        (200, b"<p>captcha</p>", True),
        # An article with a comment form's captcha is an article.
        (200, b"<article>" + "نص الخبر ".encode() * 4000 + b"<div class=g-recaptcha>", False),
        # So is a small one of an old template that says it is an article.
        (
            200,
            b'<meta property="og:type" content="article"><p>'
            + "نص ".encode() * 300
            + b"</p><form><div class=g-recaptcha></div></form>",
            False,
        ),
        (403, b"<p>Forbidden</p>", False),
        # Cloudflare's script on an ordinary page of a site behind it is not a wall.
        (200, b'<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>', False),
        (200, b"<TITLE>Attention Required! | Cloudflare</TITLE>", True),
    ],
)
def test_challenge_pages_are_told_from_pages(status: int, body: bytes, expected: bool) -> None:
    assert is_challenge(status, body) is expected


def test_a_site_code_names_the_worst_of_its_faults() -> None:
    fine = {"finish_reason": "finished", "downloader/response_status_count/200": 12}
    assert site_exit_code(fine, None, alarms_fail=False) == 0
    alarm = {**fine, "health/outcome": "alarm"}
    assert site_exit_code(alarm, None, alarms_fail=False) == 0
    assert site_exit_code(alarm, None, alarms_fail=True) == 7
    walled = {"finish_reason": "finished", "blocked/site": 1, "health/outcome": "blocked"}
    assert site_exit_code(walled, None, alarms_fail=False) == 6
    assert site_exit_code({"finish_reason": "finished"}, None, alarms_fail=False) == 3
    assert site_exit_code({**walled, "finish_reason": "shutdown"}, None, alarms_fail=False) == 5
    assert site_exit_code({}, ExportLockError("held"), alarms_fail=True) == 8
    assert site_exit_code({}, ValueError("bad"), alarms_fail=True) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
            True,
        ),
        (
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
            True,
        ),
        (
            b"<?xml version='1.0'?><rss><channel><item><title>t</title></item></channel></rss>",
            False,
        ),
        (b'<urlset xmlns="x"><url><loc>https://a.example/1</loc></url></urlset>', False),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>1</id></entry></feed>", False),
        (b"<!DOCTYPE html><html><body><p>no feed here</p></body></html>", False),
    ],
)
def test_an_empty_feed_is_told_from_a_feed(body: bytes, expected: int) -> None:
    assert is_empty_feed(body) is bool(expected)
    # The same documents as .xml.gz files.
    assert is_empty_feed(gzip.compress(body)) is bool(expected)


def test_a_gzipped_sitemap_is_judged_on_its_start_only() -> None:
    entries = "".join(f"<url><loc>https://a.example/{i}</loc></url>" for i in range(200_000))
    huge = gzip.compress(f'<urlset xmlns="x">{entries}</urlset>'.encode())
    assert not is_empty_feed(huge)
    # A huge empty one: its first megabyte of padding, no entry in it, reads as empty.
    padded = gzip.compress(b'<urlset xmlns="x">' + b" " * (8 << 20) + b"</urlset>")
    assert is_empty_feed(padded)
    assert not is_empty_feed(b"\x1f\x8b not really gzip")


def test_a_feed_suddenly_empty_is_a_block(tmp_path: Path) -> None:
    def build(origin: str) -> Pages:
        return {
            "/robots.txt": ("text/plain", f"User-agent: *\nSitemap: {origin}/news.xml\n"),
            "/news.xml": ("application/xml", EMPTY_SITEMAP),
            "/sitemap.xml": ("application/xml", EMPTY_SITEMAP),
            "/": ("text/html; charset=utf-8", "<html><body><p>أهلا</p></body></html>"),
        }

    with serve_pages(build) as (origin, _):
        site = site_name(origin)
        # The site's earlier run had records: today's empty sitemaps are not a quiet day.
        store = SQLiteStateStore(tmp_path / "state" / "crawler.sqlite3")
        store.record_health(site, "earlier", time.time() - 1800, "ok", {"records": 9})
        store.close()
        proc = crawlall(tmp_path, [f"news:{origin}/"])
    assert proc.returncode == 6, proc.stdout + proc.stderr[-3000:]
    (report,) = reports(tmp_path / "output", site)
    assert report["outcome"] == "blocked"
    assert report["health"]["blocked"]["empty_feed"] == 2
    assert "came back empty" in report["blocked_reasons"][0]


def test_scrapy_crawl_exits_6_for_a_blocked_site(tmp_path: Path) -> None:
    with serve_challenges() as walled:
        proc = scrapy(
            "crawl", "news", "-a", f"urls={walled}/",
            "-s", f"OUTPUT_DIR={tmp_path / 'output'}",
            "-s", f"STATE_PATH={tmp_path / 'state' / 'crawler.sqlite3'}",
        )  # fmt: skip
    assert proc.returncode == 6, proc.stderr[-3000:]
    assert "site blocked (challenge: " in proc.stderr
