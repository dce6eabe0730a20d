"""The seed article's hand-built Vetogate page through extraction and `scrapy extract`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, TESTS, validate_record

from crawler.text import body_blocks

SEED_URL = "https://www.vetogate.com/4302118"
SEED_PAGE = TESTS / "pages" / "vetogate" / "seed.html"
TITLE = "مباحثات هاتفية بين وزير الخارجية الأمريكي ونظيره القطري"


def run_extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "extract", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_scrapy_extract_gives_the_seed_record(seed_body: str) -> None:
    result = run_extract(str(SEED_PAGE), "--url", SEED_URL)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    validate_record(record)
    assert record["title"] == TITLE
    assert record["body"] == seed_body
    assert "أنتوني بلينكن" not in body_blocks(record["body"])
    assert {"url": "https://img.vetogate.com/Large/2021/04/08/blinken.jpg",
            "caption": "أنتوني بلينكن"} in record["images"]  # fmt: skip
    assert record["published_at"].endswith("+02:00")
    for noise in ("Advertisements", "رئيس التحرير", "عصام كامل", "الجريدة الرسمية"):
        assert noise not in record["body"]


def test_manifest_extracts_many_pages_in_one_process(tmp_path: Path) -> None:
    pages = sorted((TESTS / "pages").glob("*/*.json"))
    assert len(pages) >= 10
    lines = []
    for n, expected in enumerate(pages):
        url = json.loads(expected.read_text(encoding="utf-8"))["url"]
        lines.append({"id": f"page-{n}", "path": str(expected.with_suffix(".html")), "url": url})
    (tmp_path / "copy.html").write_bytes(SEED_PAGE.read_bytes())
    lines.append({"id": "relative", "path": "copy.html", "url": SEED_URL})
    lines.append({"id": "missing", "path": "nowhere.html", "url": SEED_URL})
    manifest = tmp_path / "pages.jsonl"
    manifest.write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\nnot json\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run_extract("--manifest", str(manifest), "-o", str(out))
    # Bad entries are reported line by line and make the exit status 1; the rest is written.
    assert result.returncode == 1
    assert f"{len(lines) - 1} records, 2 errors" in result.stderr
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["id"] for w in written] == [line["id"] for line in lines] + [None]
    by_id = {w["id"]: w for w in written}
    assert "error" in by_id["missing"] and "error" in by_id[None]
    for w in written[: len(lines) - 1]:
        record = {k: v for k, v in w.items() if k != "record_id"}
        record["id"] = w["record_id"]
        validate_record(record)
    assert by_id["relative"]["title"] == TITLE
    assert (
        by_id["relative"]["body"]
        == by_id[f"page-{pages.index(SEED_PAGE.with_suffix('.json'))}"]["body"]
    )
