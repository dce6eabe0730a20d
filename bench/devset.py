"""Extraction on a development set of saved real pages with known answers: body F1 (word 4-gram
shingles, micro), titles, dates and authors of the crawler's extraction beside trafilatura's,
and pages per second of each.

Usage: ``.venv/bin/python bench/devset.py PATH`` where PATH is a folder holding ``manifest.jsonl``
(``{id, path, url}`` per page, paths relative to it) and ``cases.jsonl`` (``{id, title, authors,
date, body}``). When a ``score.py`` sits in PATH's parent folder, it is run too on the same
predictions (``--no-scorer`` skips it); the figures printed here need nothing but this project.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.commands.extract import extract_record  # noqa: E402

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_FORMAT = {"Cf"}


def tokens(text: str | None) -> list[str]:
    """Runs of letters and digits, NFC, lowercased; format characters (RLM, ZWNJ) dropped."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = "".join(c for c in text if unicodedata.category(c) not in _FORMAT)
    return _TOKEN.findall(text)


def shingles(words: list[str], n: int = 4) -> Counter[tuple[str, ...]]:
    if not words:
        return Counter()
    if len(words) < n:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def _squash(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _names(values: Any) -> set[str]:
    if isinstance(values, str):
        values = [values]
    return {_squash(v).casefold() for v in values or [] if isinstance(v, str) and v.strip()}


class Figures:
    """Body shingle counts and field hits of one system over the cases."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.title = self.date = self.authors = 0
        self.title_n = self.date_n = self.authors_n = 0

    def add(self, case: dict[str, Any], pred: dict[str, Any]) -> None:
        truth, got = shingles(tokens(case.get("body"))), shingles(tokens(pred.get("body")))
        common = sum((truth & got).values())
        self.tp += common
        self.fp += sum(got.values()) - common
        self.fn += sum(truth.values()) - common
        if case.get("title"):
            self.title_n += 1
            self.title += _squash(case["title"]) == _squash(pred.get("title"))
        if case.get("date"):
            self.date_n += 1
            self.date += str(pred.get("published_at") or "")[:10] == str(case["date"])[:10]
        if case.get("authors"):
            self.authors_n += 1
            self.authors += _names(case["authors"]) == _names(pred.get("authors"))

    @property
    def f1(self) -> float:
        return 2 * self.tp / max(1, 2 * self.tp + self.fp + self.fn)

    def line(self, name: str, rate: float) -> str:
        return (
            f"{name:<13} body F1 {self.f1:.3f}  titles {self.title}/{self.title_n}  "
            f"dates {self.date}/{self.date_n}  authors {self.authors}/{self.authors_n}  "
            f"{rate:7.1f} pages/s"
        )


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def ours(url: str, data: bytes) -> dict[str, Any]:
    return extract_record(url, data)


def baseline(url: str, data: bytes) -> dict[str, Any]:
    doc = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    found = doc.as_dict() if doc is not None and not isinstance(doc, dict) else (doc or {})
    authors = [a.strip() for a in re.split(r";|,| and ", found.get("author") or "") if a.strip()]
    return {
        "body": found.get("text") or "",
        "title": found.get("title"),
        "published_at": found.get("date"),
        "authors": authors,
    }


def run(fn: Any, pages: list[tuple[dict[str, Any], bytes]]) -> tuple[list[dict[str, Any]], float]:
    out: list[dict[str, Any]] = []
    start = time.perf_counter()
    for entry, data in pages:
        out.append({**fn(entry["url"], data), "id": entry["id"]})
    return out, len(pages) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="folder with manifest.jsonl and cases.jsonl")
    parser.add_argument("--no-scorer", action="store_true", help="do not run PATH/../score.py")
    args = parser.parse_args()
    manifest = load(args.path / "manifest.jsonl")
    cases = {c["id"]: c for c in load(args.path / "cases.jsonl")}
    pages = [(e, (args.path / e["path"]).read_bytes()) for e in manifest]
    results = {"ours": run(ours, pages), "trafilatura": run(baseline, pages)}
    print(f"{len(pages)} pages, {len(cases)} cases from {args.path}")
    for name, (preds, rate) in results.items():
        figures = Figures()
        for pred in preds:
            if pred["id"] in cases:
                figures.add(cases[pred["id"]], pred)
        print(figures.line(name, rate))
    ours_rate, base_rate = results["ours"][1], results["trafilatura"][1]
    print(f"speed ratio (ours / trafilatura): {ours_rate / base_rate:.2f}")
    scorer = args.path.parent / "score.py"
    if scorer.is_file() and not args.no_scorer:
        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for name, (preds, _) in results.items():
                target = Path(tmp) / f"{name}.jsonl"
                target.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
                files.append(f"{name}={target}")
            proc = subprocess.run(
                [sys.executable, str(scorer), str(args.path / "cases.jsonl"), *files],
                capture_output=True,
                text=True,
                check=False,
            )
        print(f"{scorer}:")
        print("\n".join(proc.stdout.strip().splitlines()[-2:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
