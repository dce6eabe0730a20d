"""Sites that need a browser: article text rendered by JavaScript, fetched through headless
Chromium (scrapy-playwright), against a real local server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, validate_record

from crawler.sample import Pages, serve_pages

CHROMIUM = "/usr/bin/chromium"
PARAGRAPHS = [
    "أعلنت هيئة الأرصاد الجوية عن موجة من الطقس البارد تبدأ مساء الغد وتستمر حتى نهاية الأسبوع.",
    "وأوضحت الهيئة أن درجات الحرارة ستنخفض بمعدل أربع درجات في معظم المحافظات الشمالية.",
]
ARTICLE = (
    '<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>طقس بارد</title></head>'
    '<body><h1>موجة طقس بارد تبدأ غدا</h1><time datetime="2026-11-28T09:00:00+02:00"></time>'
    f'<div class="article-body"></div><script>const text = {json.dumps(PARAGRAPHS)};'
    'const body = document.querySelector(".article-body");'
    'for (const t of text) { const p = document.createElement("p"); p.textContent = t;'
    "body.appendChild(p); }</script></body></html>"
)
FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    "<item><title>موجة طقس بارد تبدأ غدا</title><link>{origin}/news/1001</link>"
    "<pubDate>Sat, 28 Nov 2026 09:00:00 +0200</pubDate></item></channel></rss>"
)


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    def build(origin: str) -> Pages:
        return {
            "/robots.txt": ("text/plain", "User-agent: *\nAllow: /\n"),
            "/feed.xml": ("application/rss+xml", FEED.format(origin=origin)),
            "/news/1001": ("text/html; charset=utf-8", ARTICLE),
        }

    with serve_pages(build) as (address, _):
        yield address


def crawl(origin: str, tmp: Path, render: bool) -> tuple[list[dict[str, object]], str]:
    out = tmp / "out.jsonl"
    env = {**os.environ, "JS_SITE_ORIGIN": origin, "JS_RENDER": "1" if render else "0"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "runspider",
            str(ROOT / "tests" / "js_site.py"),
            "-a",
            "now=2026-11-28T12:00:00+02:00",
            "-O",
            str(out),
            "-s",
            f"OUTPUT_DIR={tmp / 'output'}",
            "-s",
            f"STATE_PATH={tmp / 'state' / 'crawler.sqlite3'}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    return [json.loads(line) for line in lines], proc.stderr


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed")
def test_a_site_that_needs_a_browser_gets_its_rendered_text(origin: str, tmp_path: Path) -> None:
    records, log = crawl(origin, tmp_path, render=True)
    assert len(records) == 1, log[-3000:]
    (record,) = records
    validate_record(record)
    assert record["body"] == "\n\n".join(PARAGRAPHS)
    assert record["url"] == origin + "/news/1001"
    assert "playwright/page_count" in log


def test_without_the_browser_the_same_page_has_no_text(origin: str, tmp_path: Path) -> None:
    records, log = crawl(origin, tmp_path, render=False)
    # An article URL of the registered site is still written: empty, flagged and counted.
    (record,) = records
    assert record["body"] == "" and record["body_missing"] is True
    assert "'extract/body_missing': 1" in log
