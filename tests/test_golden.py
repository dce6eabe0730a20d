"""Golden pages: every registered site has hand-built pages shaped like its real ones, and each
page's record (extraction and cleaning, as ``scrapy extract`` runs them) matches the expected
record saved beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import TESTS, validate_record

from crawler.commands.extract import extract_record
from crawler.sites import SITES

PAGES = TESTS / "pages"
# The keys a golden record pins; the rest (ids, hashes, fetch time) follow from these.
COMPARED = (
    "url", "canonical_url", "site", "title", "body", "authors", "section", "tags", "images",
    "published_at", "published_tz_assumed", "modified_at", "language", "body_source",
)  # fmt: skip


def golden_pages() -> list[Path]:
    return sorted(p for p in PAGES.glob("*/*.html") if p.with_suffix(".json").is_file())


def _diff(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    lines = []
    for key in COMPARED:
        if expected[key] != actual[key]:
            lines.append(f"{key}:\n  expected {expected[key]!r}\n  actual   {actual[key]!r}")
    return "\n".join(lines)


@pytest.mark.parametrize("page", golden_pages(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_page_gives_its_expected_record(page: Path) -> None:
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert sorted(expected) == sorted(COMPARED), f"{page.name}: pin exactly {COMPARED}"
    # The page's folder names its site: a page filed under the wrong site is a broken fixture.
    assert expected["site"] == page.parent.name
    record = extract_record(expected["url"], page.read_bytes())
    validate_record(record)
    actual = {key: record[key] for key in COMPARED}
    assert actual == expected, f"{page.parent.name}/{page.name}\n{_diff(expected, actual)}"


def test_every_registered_site_has_a_golden_page() -> None:
    covered = {p.parent.name for p in golden_pages()}
    missing = [site.name for site in SITES if site.name not in covered]
    assert not missing, f"registered sites without a golden page in tests/pages/: {missing}"


def test_golden_folders_are_registered_sites() -> None:
    registered = {site.name for site in SITES}
    strays = sorted({p.parent.name for p in golden_pages()} - registered)
    assert not strays, f"golden pages for sites that are not in the registry: {strays}"
