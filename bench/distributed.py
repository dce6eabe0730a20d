"""Distributed crawling on Redis: pages/s of 1, 2 and 3 workers crawling one generated local site
against one local redis-server, and the Redis memory the state store takes per 100,000 articles.

    .venv/bin/python bench/distributed.py                 # 1,000 articles; 100,000 for the memory
    .venv/bin/python bench/distributed.py -n 2000 --fill 20000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import redis  # noqa: E402

from crawler.state import ArticleRecord  # noqa: E402
from crawler.state_redis import RedisStateStore  # noqa: E402
from pipelines.dedup import BANDS, NUM_PERM  # noqa: E402
from tests.redis_helpers import records, redis_server, start_worker, worker_command  # noqa: E402
from tests.wire_site import build, serve  # noqa: E402


def crawl(
    n_workers: int, n_articles: int, work: Path, url: str, plain: bool = False
) -> dict[str, Any]:
    """One run of ``n_workers`` workers over a fresh site and an empty Redis (``plain``: one
    process without Redis, on the SQLite store)."""
    client = redis.Redis.from_url(url)
    client.flushall()
    site = build(n_articles)
    redis_cpu = _redis_cpu(client)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with serve(site) as origin:
        start = time.perf_counter()
        procs = [
            start_worker(
                worker_command(origin, work, None if plain else url, f"w{i}", LOG_LEVEL="WARNING"),
                work / f"w{i}.log",
            )
            for i in range(n_workers)
        ]
        for proc in procs:
            if proc.wait(timeout=600) != 0:
                raise SystemExit(f"a worker failed: see {work}")
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    redis_cpu = _redis_cpu(client) - redis_cpu
    client.close()
    reports = [json.loads(p.read_text()) for p in work.glob("output/*/*.report.json")]
    pages = sum(r["pages_fetched"] for r in reports)
    first = min(datetime.fromisoformat(r["started_at"]) for r in reports)
    last = max(datetime.fromisoformat(r["finished_at"]) for r in reports)
    recs = records(work)
    if len({r["url"] for r in recs}) != n_articles or len(recs) != n_articles:
        raise SystemExit(f"{len(recs)} records for {n_articles} articles: see {work}")
    return {
        "pages": pages,
        "wall": wall,
        "crawl": (last - first).total_seconds(),
        "split": sorted((r["items_written"] for r in reports), reverse=True),
        "cpu": cpu,
        "redis_cpu": redis_cpu,
    }


def _redis_cpu(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def fill(url: str, n: int, batch: int = 100) -> dict[str, float]:
    """Record ``n`` articles (URL, hashes, version, a signature and 42 band keys each, as a
    crawl records first versions) and read ``INFO memory`` before and after."""
    client = redis.Redis.from_url(url)
    client.flushall()
    before = int(client.info("memory")["used_memory"])
    store = RedisStateStore(url)
    rng = np.random.default_rng(1)
    pick = random.Random(1)
    sections = ("politics", "economy", "sports", "culture", "world")
    start = time.perf_counter()
    for base in range(0, n, batch):
        recs = []
        for i in range(base, min(n, base + batch)):
            sig = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32).astype("<u4").tobytes()
            keys = tuple(rng.integers(-(2**63), 2**63 - 1, BANDS, dtype=np.int64).tolist())
            url = (
                f"https://www.example-news.com/{pick.choice(sections)}/2026/11/"
                f"{1 + i % 28}/{4_000_000 + i}/%D8%AE%D8%A8%D8%B1-{i}"
            )
            recs.append(
                ArticleRecord(
                    url, rng.bytes(32).hex(), 1, "example", "2026-11-28T10:00:00+02:00",
                    None, sig, rng.bytes(4 + 4 * 12), keys,
                )
            )  # fmt: skip
        store.record_articles(recs)
    seconds = time.perf_counter() - start
    after = int(client.info("memory")["used_memory"])
    keys = int(client.dbsize())
    store.close()
    client.close()
    return {"bytes": after - before, "seconds": seconds, "keys": keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument("--fill", type=int, default=100_000, help="articles for the memory figure")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument(
        "--baseline", type=int, default=1, help="1: also one crawl without Redis (default)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp) / "redis") as url:
        results = {}
        runs = [(0, "no Redis (SQLite store), 1 process")] * args.baseline
        runs += [(n, f"{n} worker(s)") for n in args.workers]
        for n, label in runs:
            work = Path(tmp) / f"crawl{n}"
            results[n] = r = crawl(max(n, 1), args.articles, work, url, plain=not n)
            print(
                f"{label}: {r['pages']:.0f} pages in {r['wall']:.1f} s = "
                f"{r['pages'] / r['wall']:.0f} pages/s with process start "
                f"({r['pages'] / r['crawl']:.0f} pages/s between first start and last finish "
                f"in the run reports); records per worker {r['split']}; workers' CPU "
                f"{r['cpu']:.1f} s = {r['pages'] / r['cpu']:.0f} pages per CPU second, "
                f"redis-server CPU {r['redis_cpu']:.2f} s; load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        if 1 in results and len(results) > 1:
            one = results[1]["pages"] / results[1]["wall"]
            ratios = ", ".join(
                f"{n}: {results[n]['pages'] / results[n]['wall'] / one:.2f}x"
                for n in results
                if n > 1
            )
            print(f"speed-up over 1 worker (with process start): {ratios}")
        if args.fill:
            m = fill(url, args.fill)
            per = m["bytes"] / args.fill * 100_000
            print(
                f"state store: {args.fill:,} articles recorded in {m['seconds']:.0f} s, "
                f"{m['keys']:,} keys, used_memory +{m['bytes'] / 2**20:.1f} MB "
                f"= {per / 2**20:.0f} MB per 100,000 articles (INFO memory)"
            )


if __name__ == "__main__":
    main()
