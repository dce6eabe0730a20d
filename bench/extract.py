"""Extraction speed: pages per second of the crawler's extraction and cleaning, side by side
with trafilatura alone, over the bundled sample and golden pages, and over the saved pages of a
manifest (``--manifest saved/manifest.jsonl``) when one is given."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.commands.extract import extract_record  # noqa: E402
from crawler.sample import Snapshot  # noqa: E402


def bundled_pages() -> list[tuple[str, bytes]]:
    pages: list[tuple[str, bytes]] = []
    snapshot = Snapshot.load("vetogate")
    for article in snapshot.facts["articles"]:
        path = article["url"].split("vetogate.com", 1)[1]
        route = snapshot.routes[path]
        assert route.file is not None
        pages.append((article["url"], route.file.read_bytes()))
    for expected in sorted((ROOT / "tests" / "pages").glob("*/*.json")):
        url = json.loads(expected.read_text(encoding="utf-8"))["url"]
        pages.append((url, expected.with_suffix(".html").read_bytes()))
    return pages


def manifest_pages(manifest: Path) -> list[tuple[str, bytes]]:
    pages = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            path = Path(entry["path"])
            pages.append((entry["url"], (manifest.parent / path).read_bytes()))
    return pages


def rate(fn: object, pages: list[tuple[str, bytes]], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for url, data in pages:
            fn(url, data)  # type: ignore[operator]
    return rounds * len(pages) / (time.perf_counter() - start)


def report(label: str, pages: list[tuple[str, bytes]], rounds: int) -> None:
    ours = rate(lambda url, data: extract_record(url, data), pages, rounds)
    alone = rate(
        lambda url, data: trafilatura.extract(data, url=url, favor_precision=True),
        pages,
        rounds,
    )
    print(f"{label}: {len(pages)} pages x {rounds} rounds")
    print(f"  crawler extraction + cleaning: {ours:8.1f} pages/s")
    print(f"  trafilatura.extract alone:     {alone:8.1f} pages/s")
    print(f"  ratio (ours / trafilatura):    {ours / alone:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--manifest", type=Path, help="JSONL of {id, path, url} saved pages, measured as well"
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    report("bundled sample and golden pages", bundled_pages(), args.rounds)
    if args.manifest:
        report(str(args.manifest), manifest_pages(args.manifest), max(1, args.rounds // 5))


if __name__ == "__main__":
    main()
