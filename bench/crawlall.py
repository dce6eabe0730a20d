"""``scrapy crawlall`` over N copies of the offline sample (each served on its own port and
crawled by the ``news`` spider as a site of its own) side by side with N ``scrapy crawl`` runs one
after the other, as a crontab with a line per site would start them."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.sample import SampleServer, Snapshot  # noqa: E402


def scrapy(*args: str) -> float:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"scrapy {args[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return time.monotonic() - start


def records(output: Path) -> int:
    return sum(
        json.loads(p.read_text(encoding="utf-8"))["items_written"]
        for p in output.glob("*/*.report.json")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=3, help="sites (copies of the sample)")
    args = parser.parse_args()
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-crawlall-") as tmp:
        servers = [stack.enter_context(SampleServer(Snapshot.load())) for _ in range(args.n)]
        urls = [server.url + "/" for server in servers]
        common = ["-s", "NEWS_MAX_DEPTH=3", "-s", "LOG_LEVEL=WARNING"]
        one = Path(tmp, "one")
        together = scrapy(
            "crawlall",
            *(f"news:{u}" for u in urls),
            *common,
            "-s", f"OUTPUT_DIR={one / 'output'}",
            "-s", f"STATE_PATH={one / 'state.sqlite3'}",
        )  # fmt: skip
        apart = 0.0
        many = Path(tmp, "many")
        for url in urls:
            apart += scrapy(
                "crawl", "news", "-a", f"urls={url}",
                *common,
                "-s", f"OUTPUT_DIR={many / 'output'}",
                "-s", f"STATE_PATH={many / 'state.sqlite3'}",
            )  # fmt: skip
        print(f"{args.n} sites (the offline sample on {args.n} ports, news spider):")
        print(
            f"  scrapy crawlall, one process:     {together:5.1f} s, "
            f"{records(one / 'output')} records"
        )
        print(
            f"  scrapy crawl x {args.n}, one after another: {apart:5.1f} s, "
            f"{records(many / 'output')} records"
        )
        print(f"  ratio (crawlall / sequential):   {together / apart:.2f}")


if __name__ == "__main__":
    main()
