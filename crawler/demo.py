"""``make demo``: serve the bundled offline sample on 127.0.0.1 and run the real spider on it."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.sample import SampleServer, Snapshot

ROOT = Path(__file__).resolve().parent.parent


def crawl_command(
    site: str, server_url: str, snapshot: Snapshot, state: Path, output: Path, *extra: str
) -> list[str]:
    """The ``scrapy crawl`` command line that runs a site's spider against a local mirror."""
    host = urlsplit(snapshot.origin).hostname or ""
    bare = host.removeprefix("www.")
    mirror = {host: server_url, bare: server_url}
    return [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        site,
        "-a",
        f"now={snapshot.facts['snapshot_time']}",
        "-s",
        f"MIRROR_HOSTS={json.dumps(mirror)}",
        "-s",
        f"STATE_PATH={state / 'crawler.sqlite3'}",
        "-s",
        f"OUTPUT_DIR={output}",
        # One local host: no politeness delay, more requests in flight.
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        # The summary below says what a newcomer needs; the full stats are in the run report.
        "-s",
        "STATS_DUMP=False",
        *extra,
    ]


def latest_output(output: Path, site: str) -> Path | None:
    files = sorted((output / site).glob(f"{site}-*.jsonl"), key=lambda p: p.stat().st_mtime)
    return files[-1] if files else None


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The demo's closing summary, from the run report written beside the output file."""
    stats = report.get("stats") or {}
    dropped = report.get("items_dropped") or {}
    lines = [
        f"pages fetched:  {report.get('pages_fetched', 0)}",
        f"items written:  {report.get('items_written', 0)}",
        f"items dropped:  {dropped.get('total', 0)}",
    ]
    lines += [f"  {why}: {n}" for why, n in sorted((dropped.get("by_reason") or {}).items())]
    for label, prefix in (("noise removed:  ", "clean/removed/"), ("dedup:          ", "dedup/")):
        counts = {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}
        if counts:
            lines.append(label + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", default="vetogate")
    parser.add_argument("--state", help="keep crawl state in this directory across runs")
    # Its own folder (and so its own site lock): a demo never mixes its sample records into
    # the analysts' output/<site>/ nor waits for, or blocks, a real crawl of the site.
    parser.add_argument("--output", default=str(ROOT / "demo-output"), help="output directory")
    args = parser.parse_args(argv)

    snapshot = Snapshot.load(args.site)
    output = Path(args.output).resolve()
    state = Path(args.state).resolve() if args.state else Path(tempfile.mkdtemp(prefix="demo-"))
    state.mkdir(parents=True, exist_ok=True)
    try:
        with SampleServer(snapshot) as server:
            print(f"serving the offline sample of {snapshot.origin} at {server.url}", flush=True)
            cmd = crawl_command(args.site, server.url, snapshot, state, output)
            status = subprocess.run(cmd, cwd=ROOT, check=False).returncode
    finally:
        if not args.state:
            shutil.rmtree(state, ignore_errors=True)
    path = latest_output(output, args.site)
    if status != 0 or path is None:
        print(f"the crawl failed (exit status {status})", file=sys.stderr)
        return status or 1
    report_path = path.with_name(path.name + ".report.json")
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
    print()
    for line in summary_lines(report):
        print(line)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
