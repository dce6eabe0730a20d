"""Retention of the output folder: empty run files and old runs do not pile up for months."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPORT_SUFFIX = ".report.json"
# <site>-<UTC timestamp>-<run id>[-<worker>].jsonl: the project's run files, as
# pipelines.export.RUN_FILE_RE names them (a distributed crawl's workers add their name).
RUN_FILE_RE = re.compile(
    r"^(?P<site>.+)-(?P<stamp>\d{8}T\d{6}Z)-(?P<run_id>[0-9a-f]+)(?:-(?P<worker>[\w.]+))?\.jsonl$"
)
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def _started(path: Path) -> datetime | None:
    m = RUN_FILE_RE.match(path.name)
    return datetime.strptime(m["stamp"], STAMP_FORMAT).replace(tzinfo=UTC) if m else None


def _remove(path: Path) -> list[Path]:
    """The run file first, then its report: a crash in between leaves a harmless lone report,
    never a file without one (which the next run would take for a killed run's)."""
    gone = []
    for p in (path, path.with_name(path.name + REPORT_SUFFIX)):
        if p.exists():
            p.unlink()
            gone.append(p)
    return gone


def prune_site(
    site_dir: Path,
    keep_empty: int,
    retention_days: int,
    now: datetime | None = None,
    keep: Iterable[Path] = (),
) -> list[Path]:
    """Remove a site's empty run files beyond its newest ``keep_empty`` ones, and with
    ``retention_days`` > 0 every run file older than that; files in ``keep`` stay. Returns the
    paths removed (run files and their reports)."""
    now = now or datetime.now(UTC)
    kept = {p.resolve() for p in keep}
    runs = sorted(
        ((started, p) for p in site_dir.glob("*.jsonl") if (started := _started(p))),
        reverse=True,
    )
    removed: list[Path] = []
    empty_seen = 0
    cutoff = now - timedelta(days=retention_days) if retention_days > 0 else None
    for started, path in runs:
        if path.resolve() in kept:
            continue
        if cutoff is not None and started < cutoff:
            removed += _remove(path)
            continue
        if path.stat().st_size == 0:
            empty_seen += 1
            if empty_seen > keep_empty:
                removed += _remove(path)
    return removed


def prune_summaries(folder: Path, retention_days: int, now: datetime | None = None) -> list[Path]:
    """Remove ``crawlall`` summaries older than ``retention_days`` (0 keeps them)."""
    if retention_days <= 0 or not folder.is_dir():
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    removed = []
    for path in folder.glob("crawlall-*.summary.json"):
        m = re.match(r"crawlall-(\d{8}T\d{6}Z)", path.name)
        if m and datetime.strptime(m[1], STAMP_FORMAT).replace(tzinfo=UTC) < cutoff:
            path.unlink()
            removed.append(path)
    return removed
