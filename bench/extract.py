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


def report(label: str, pages: list[tuple[str, bytes]], rounds: int) -> None:
    def ours(url: str, data: bytes) -> object:
        return extract_record(url, data)

    def alone(url: str, data: bytes) -> object:
        return trafilatura.extract(data, url=url, favor_precision=True)

    # One pass of each first, untimed: one-time costs (dateparser loading its locales, regex
    # compilation) are paid once by a crawler's process, not once per page.
    for url, data in pages:
        ours(url, data)
        alone(url, data)
    # Rounds alternate between the two, and each is timed in CPU seconds of this process: other
    # processes sharing the machine slow neither side's figure.
    spent = {ours: 0.0, alone: 0.0}
    for _ in range(rounds):
        for fn in spent:
            start = time.process_time()
            for url, data in pages:
                fn(url, data)
            spent[fn] += time.process_time() - start
    ours_rate, alone_rate = (rounds * len(pages) / spent[fn] for fn in (ours, alone))
    print(f"{label}: {len(pages)} pages x {rounds} rounds (CPU time, after one untimed pass)")
    print(f"  crawler extraction + cleaning: {ours_rate:8.1f} pages/s")
    print(f"  trafilatura.extract alone:     {alone_rate:8.1f} pages/s")
    print(f"  ratio (ours / trafilatura):    {ours_rate / alone_rate:8.2f}")


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
