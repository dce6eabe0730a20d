"""Scrapy's page-viewing commands in this project: they look at a page and leave no run output."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import generic_site
import pytest
from conftest import ROOT


def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    "command",
    [
        ["fetch", "--nolog"],
        ["shell", "--nolog", "-c", "response.status"],
        ["parse", "--nolog", "--spider", "news", "-a", "urls={origin}/"],
    ],
    ids=["fetch", "shell", "parse"],
)
def test_viewing_a_page_writes_no_run_file_and_takes_no_lock(
    tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "output"
    with generic_site.serve() as (origin, requested):
        # A crawl of the same site holds the lock meanwhile: looking at a page must not need it.
        lock_dir = out / "default"
        lock_dir.mkdir(parents=True)
        fd = os.open(lock_dir / ".lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            args = [a.replace("{origin}", origin) for a in command]
            proc = scrapy(*args, "-s", f"OUTPUT_DIR={out}", f"{origin}/")
        finally:
            os.close(fd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "/" in requested
    assert sorted(p.name for p in out.rglob("*")) == ["." + "lock", "default"]
