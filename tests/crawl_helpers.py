"""Running a real crawl of the offline sample in a child process, for tests."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.sample import SampleServer, Snapshot

ROOT = Path(__file__).resolve().parent.parent

RUNNER = """
import json, sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
settings = get_project_settings()
settings.setdict(json.loads(sys.argv[1]), priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler(sys.argv[2])
process.crawl(crawler, **json.loads(sys.argv[3]))
process.start()
with open(sys.argv[4], "w") as out:
    json.dump(crawler.stats.get_stats(), out, default=str)
"""


@dataclass
class CrawlResult:
    records: list[dict[str, Any]]
    stats: dict[str, Any]
    requested: list[str]
    log: str


def crawl_sample(
    tmp: Path,
    server: SampleServer,
    site: str = "vetogate",
    settings: dict[str, Any] | None = None,
    args: dict[str, str] | None = None,
) -> CrawlResult:
    """Crawl the served snapshot with the site's real spider; records come from a plain feed."""
    snapshot: Snapshot = server.snapshot
    host = snapshot.origin.split("://", 1)[1]
    feed = tmp / "items.jsonl"
    overrides = {
        "MIRROR_HOSTS": {host: server.url, host.removeprefix("www."): server.url},
        "STATE_PATH": str(tmp / "state" / "crawler.sqlite3"),
        "OUTPUT_DIR": str(tmp / "output"),
        "FEEDS": {str(feed): {"format": "jsonlines", "encoding": "utf-8", "overwrite": True}},
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "LOG_LEVEL": "INFO",
        **(settings or {}),
    }
    spider_args = {"now": snapshot.facts["snapshot_time"], **(args or {})}
    stats_file = tmp / "stats.json"
    start = len(server.requests)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            RUNNER,
            json.dumps(overrides),
            site,
            json.dumps(spider_args),
            str(stats_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    records = []
    if feed.exists():
        records = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    return CrawlResult(records, stats, server.requests[start:], proc.stderr)


def crawl_news(origin: str, tmp: Path, *settings: str) -> tuple[Path, dict[str, dict[str, Any]]]:
    """Run ``scrapy crawl news`` on a served site (``settings``: ``NAME=VALUE``); the run's dump
    and its records by the last part of their URL."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/",
           "-s", f"OUTPUT_DIR={tmp / 'output'}",
           "-s", f"STATE_PATH={tmp / 'state' / 'crawler.sqlite3'}"]  # fmt: skip
    for setting in settings:
        cmd.extend(("-s", setting))
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (dump,) = (tmp / "output").glob("*/*.jsonl")
    records = {
        r["url"].rsplit("/", 1)[1]: r
        for r in map(json.loads, dump.read_text(encoding="utf-8").splitlines())
    }
    return dump, records
