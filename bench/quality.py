"""Body extraction quality on the hand-built golden pages: block precision and recall of the
crawler (with its site entry, and as an unknown site) side by side with trafilatura."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.commands.extract import extract_record  # noqa: E402
from crawler.text import body_blocks, to_blocks  # noqa: E402


def golden() -> list[tuple[str, bytes, set[str]]]:
    pages = []
    for expected in sorted((ROOT / "tests" / "pages").glob("*/*.json")):
        record = json.loads(expected.read_text(encoding="utf-8"))
        html = expected.with_suffix(".html").read_bytes()
        pages.append((record["url"], html, set(body_blocks(record["body"]))))
    return pages


def unknown(url: str) -> str:
    return url.replace(urlsplit(url).hostname or "", "news.example.org", 1)


def trafilatura_blocks(url: str, html: bytes, **options: bool) -> list[str]:
    text = trafilatura.extract(html, url=url, include_comments=False, **options)
    return to_blocks(text or "")


SYSTEMS: dict[str, Callable[[str, bytes], list[str]]] = {
    "crawler (site entry)": lambda url, html: body_blocks(extract_record(url, html)["body"]),
    "crawler (unknown site)": lambda url, html: body_blocks(
        extract_record(unknown(url), html)["body"]
    ),
    "trafilatura (default)": lambda url, html: trafilatura_blocks(url, html),
    "trafilatura (precision)": lambda url, html: trafilatura_blocks(
        url, html, favor_precision=True
    ),
}


def main() -> None:
    pages = golden()
    print(f"golden pages: {len(pages)}")
    print(f"{'system':26} {'precision':>9} {'recall':>7} {'exact':>6}")
    for name, system in SYSTEMS.items():
        hit = got = want = exact = 0
        for url, html, truth in pages:
            blocks = set(system(url, html))
            hit += len(blocks & truth)
            got += len(blocks)
            want += len(truth)
            exact += blocks == truth
        print(f"{name:26} {hit / max(got, 1):9.3f} {hit / want:7.3f} {exact:3}/{len(pages)}")


if __name__ == "__main__":
    main()
