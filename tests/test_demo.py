"""`make demo`'s program, run as a new user would: its last line is a valid JSONL dump."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, validate_record

from crawler.sites import get
from crawler.text import body_blocks

SEED_TITLE = "مباحثات هاتفية بين وزير الخارجية الأمريكي ونظيره القطري"


def run_demo(*args: str) -> tuple[Path, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.demo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    return Path(last), proc.stdout


def test_demo_ends_with_the_path_of_a_clean_valid_dump(tmp_path: Path, seed_body: str) -> None:
    path, stdout = run_demo("--output", str(tmp_path / "out"))
    assert path.is_file() and path.suffix == ".jsonl"
    assert "pages fetched:" in stdout and "items written:" in stdout
    raw = path.read_text(encoding="utf-8")
    assert "\\u06" not in raw and "ال" in raw
    records = [json.loads(line) for line in raw.splitlines()]
    assert records
    site = get("vetogate")
    for record in records:
        validate_record(record)
        assert record["url"].startswith("https://www.vetogate.com/") and site.is_article(
            record["url"]
        )
        for block in body_blocks(record["body"]):
            assert block not in ("Advertisements", "رئيس التحرير", "عصام كامل", "الجريدة الرسمية")
    seed = [r for r in records if r["title"] == SEED_TITLE]
    assert len(seed) == 1 and seed[0]["body"] == seed_body


def test_demo_with_kept_state_writes_nothing_the_second_time(tmp_path: Path) -> None:
    state = tmp_path / "state"
    first, _ = run_demo("--output", str(tmp_path / "out"), "--state", str(state))
    assert first.read_text(encoding="utf-8").strip()
    second, _ = run_demo("--output", str(tmp_path / "out"), "--state", str(state))
    assert second != first
    assert second.read_text(encoding="utf-8") == ""


def test_demo_without_state_starts_fresh_each_run(tmp_path: Path) -> None:
    first, _ = run_demo("--output", str(tmp_path / "out"))
    second, _ = run_demo("--output", str(tmp_path / "out"))
    assert len(second.read_text(encoding="utf-8").splitlines()) == len(
        first.read_text(encoding="utf-8").splitlines()
    )
