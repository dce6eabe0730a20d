"""A site whose article pages sit behind a JavaScript challenge: blocked for plain HTTP, read
through headless Chromium when its registry entry says ``browser_on_block``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ops_fixtures import ROOT, serve_walled

CHROMIUM = "/usr/bin/chromium"
PARAGRAPHS = [
    "قررت لجنة الامتحانات تأجيل موعد إعلان النتائج إلى الأسبوع المقبل بسبب مراجعة أوراق الإجابة.",
    "وأوضح رئيس اللجنة أن المراجعة تشمل جميع المواد وأن النتائج ستنشر على الموقع الرسمي للوزارة.",
]
ARTICLE = (
    '<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>تأجيل النتائج</title>'
    "</head><body><h1>تأجيل إعلان نتائج الامتحانات</h1>"
    '<time datetime="2026-11-28T09:00:00+02:00"></time><div class="article-body">'
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</div></body></html>"
).encode()
FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    "<item><title>تأجيل إعلان نتائج الامتحانات</title><link>{origin}/news/1001</link>"
    "<pubDate>Sat, 28 Nov 2026 09:00:00 +0200</pubDate></item></channel></rss>"
)


def crawl(origin: str, tmp: Path, browser: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    out = tmp / "out.jsonl"
    env = {**os.environ, "WALLED_SITE_ORIGIN": origin, "WALLED_BROWSER": "1" if browser else "0"}
    proc = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "runspider", str(ROOT / "tests" / "walled_site.py"),
            "-a", "now=2026-11-28T12:00:00+02:00", "-O", str(out),
            "-s", f"OUTPUT_DIR={tmp / 'output'}", "-s", f"STATE_PATH={tmp / 'state' / 's.sqlite3'}",
            # A registered site without a mirror is crawled politely: not this local one.
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    report = json.loads((tmp / "out.jsonl.report.json").read_text(encoding="utf-8"))
    return records, report


@pytest.fixture(scope="module")
def origin() -> Any:
    def pages(origin: str) -> dict[str, tuple[str, bytes]]:
        return {
            "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
            "/feed.xml": ("application/rss+xml", FEED.format(origin=origin).encode()),
            "/news/1001": ("text/html; charset=utf-8", ARTICLE),
        }

    with serve_walled(pages) as address:
        yield address


def test_without_the_browser_the_walled_site_is_blocked(origin: str, tmp_path: Path) -> None:
    records, report = crawl(origin, tmp_path, browser=False)
    assert records == []
    assert report["outcome"] == "blocked"
    assert report["health"]["blocked"]["challenge"] >= 1
    assert "extract/empty_body" not in report["stats"]  # the wall was never parsed


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed")
def test_a_site_declared_for_the_browser_gets_past_the_wall(origin: str, tmp_path: Path) -> None:
    records, report = crawl(origin, tmp_path, browser=True)
    assert [r["body"] for r in records] == ["\n\n".join(PARAGRAPHS)]
    assert report["outcome"] == "ok"
    assert report["stats"]["blocked/browser_retry"] == 1
    assert "blocked/challenge" not in report["stats"]
