"""A site never gets more requests at once than its downloader slot allows (counted server-side)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from export_helpers import ROOT, ArticleServer, crawl_command, run

PAGES = 8
DELAY = 0.15  # long enough for queued requests to pile up at the server if the limit leaks


@pytest.mark.parametrize(
    ("settings", "limit"),
    [
        ({"CONCURRENT_REQUESTS_PER_DOMAIN": 1}, 1),
        ({"CONCURRENT_REQUESTS_PER_DOMAIN": 3}, 3),
        ({"DOWNLOAD_SLOTS": json.dumps({"127.0.0.1": {"concurrency": 2}})}, 2),
    ],
)
def test_a_site_gets_no_more_requests_at_once_than_its_slot_allows(
    tmp_path: Path, settings: dict[str, object], limit: int
) -> None:
    with ArticleServer() as server:
        cmd = crawl_command(server, tmp_path / "out", pages=PAGES, delay=DELAY, settings=settings)
        assert run(cmd, tmp_path / "crawl.log", timeout=120) == 0
    assert server.article_hits() == PAGES
    # Under Scrapy 2.19's own downloader all queued article pages went at once.
    assert server.peak <= limit, (server.peak, limit)


def test_a_concurrency_given_with_s_beats_the_news_spiders_local_default(tmp_path: Path) -> None:
    # The news spider allows 16 at once on local hosts; the user's -s must still win.
    with ArticleServer() as server:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news",
             "-a", f"urls={server.url}/index?n={PAGES}&delay={DELAY}",
             "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
             "-s", f"OUTPUT_DIR={tmp_path / 'output'}",
             "-s", f"STATE_PATH={tmp_path / 'state' / 'crawler.sqlite3'}"],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert server.article_hits() == PAGES
    assert server.peak <= 2, server.peak
