"""Shared test helpers: paths inside the repository and the record schema validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SCHEMA = json.loads((ROOT / "schema" / "article.schema.json").read_text(encoding="utf-8"))
_VALIDATOR = Draft202012Validator(SCHEMA)


def validate_record(record: dict[str, Any]) -> None:
    """Raise with every schema violation of one record."""
    errors = sorted(_VALIDATOR.iter_errors(record), key=lambda e: list(e.path))
    if errors:
        raise AssertionError("; ".join(f"{list(e.path)}: {e.message}" for e in errors))


@pytest.fixture
def seed_body() -> str:
    return (TESTS / "data" / "seed" / "expected-body.txt").read_text(encoding="utf-8").strip()
