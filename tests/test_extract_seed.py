"""The seed article's hand-built Vetogate page through extraction and `scrapy extract`."""

from __future__ import annotations

import json
import subprocess
import sys

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
