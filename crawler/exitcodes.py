"""The exit codes of ``scrapy crawl`` that cron reads, and the one function that computes a
finished crawl's code from its stats (or its run report)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OK = 0
"""The crawl finished (the page budget counts as finished), even with zero new records."""
ERROR = 1
"""An unexpected error: Scrapy's own code for a crawl that crashed while starting or running."""
USAGE = 2
"""A bad command line or spider argument (Scrapy's ``UsageError`` code): nothing was crawled."""
FETCHED_NOTHING = 3
"""No page answered: every request failed (no network, DNS, site down, HTTP errors only)."""
EXPORT_FAILED = 4
"""Records, the run report or the state store could not be written (disk full, unwritable
output)."""
STOPPED = 5
"""Forced stop: SIGTERM or SIGINT (Ctrl-C) shut the crawl down before it was done."""
BLOCKED = 6
"""The site blocked the crawler: challenge pages, a 403/429 storm, feeds suddenly empty
(``crawler.health`` sets the stat ``blocked/site``)."""
HEALTH_ALARM = 7
"""A health alarm fired (stat ``health/outcome`` ``alarm``) and ``HEALTH_ALARMS_FAIL`` is on."""
LOCKED = 8
"""Refused to start: another run of the same site holds its lock (nothing was crawled)."""

MEANING = {
    OK: "finished",
    ERROR: "unexpected error",
    USAGE: "usage error",
    FETCHED_NOTHING: "fetched nothing",
    EXPORT_FAILED: "export failed",
    STOPPED: "forced stop",
    BLOCKED: "site blocked",
    HEALTH_ALARM: "health alarm",
    LOCKED: "another run holds the site's lock",
}

# Scrapy finish reasons of a crawl cut short from outside: the signal handlers close the spider
# with "shutdown", the memory-usage extension with "memusage_exceeded".
STOP_REASONS = frozenset({"shutdown", "memusage_exceeded"})
# The state store shares the disk: records it failed to remember come back as new next run.
EXPORT_ERROR_STATS = ("export/write_errors", "export/report_errors", "dedup/record_errors")
LOCK_STAT = "export/lock_refused"


def _counts(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {
        key[len(prefix) :]: int(value)
        for key, value in stats.items()
        if key.startswith(prefix) and isinstance(value, int | float)
    }


def pages_answered(stats: Mapping[str, Any]) -> int:
    """Responses under 400 (a 304 counts: the page answered, nothing was new), robots.txt aside:
    a site whose robots.txt answers but whose pages all fail fetched nothing."""

    def ok(counts: dict[str, int]) -> int:
        return sum(n for status, n in counts.items() if status.isdigit() and int(status) < 400)

    answered = ok(_counts(stats, "downloader/response_status_count/"))
    return max(0, answered - ok(_counts(stats, "robotstxt/response_status_count/")))


def verdicts(stats: Mapping[str, Any], alarms_fail: bool) -> dict[str, bool]:
    """The ``blocked`` and ``alarm`` arguments of :func:`crawl_exit_code` from a run's stats (or
    report), as the run's health check (``crawler.health``) left them."""
    if "report_version" in stats and isinstance(stats.get("stats"), Mapping):
        stats = stats["stats"]
    return {
        "blocked": bool(stats.get("blocked/site")),
        "alarm": alarms_fail and stats.get("health/outcome") == "alarm",
    }


def crawl_exit_code(stats: Mapping[str, Any], *, blocked: bool = False, alarm: bool = False) -> int:
    """The exit code of a crawl that ran, from Scrapy's final stats or a run report (its
    ``stats``). ``blocked`` and ``alarm`` are the verdicts of blocked-site detection and of the
    health alarms (with the alarm setting on), which the caller computes.

    The first that applies wins: lock refused, export failed, forced stop, blocked, fetched
    nothing, health alarm, finished.
    """
    if "report_version" in stats and isinstance(stats.get("stats"), Mapping):
        stats = stats["stats"]
    if stats.get(LOCK_STAT):
        return LOCKED
    reason = stats.get("finish_reason")
    if reason == "export_failed" or any(stats.get(key) for key in EXPORT_ERROR_STATS):
        return EXPORT_FAILED
    if reason is None or reason in STOP_REASONS:
        return STOPPED
    if blocked:
        return BLOCKED
    if pages_answered(stats) == 0:
        return FETCHED_NOTHING
    if alarm:
        return HEALTH_ALARM
    return OK


def explain(code: int, stats: Mapping[str, Any]) -> str:
    """One line for a non-zero code: what happened, with the figures that show it."""
    meaning = MEANING.get(code, "failed")
    if code == FETCHED_NOTHING:
        requests = int(stats.get("downloader/request_count", 0))
        kinds = {
            k.rsplit(".", 1)[-1]: v
            for k, v in _counts(stats, "downloader/exception_type_count/").items()
        }
        kinds |= {
            f"HTTP {status}": n
            for status, n in _counts(stats, "downloader/response_status_count/").items()
            if status.isdigit() and int(status) >= 400
        }
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
        return f"{meaning}: no page answered {requests} requests" + (
            f" ({detail})" if detail else ""
        )
    if code == EXPORT_FAILED:
        return (
            f"{meaning}: records could not be written (see the log's ERROR line); the "
            "records written before the failure are kept and the next run recovers them"
        )
    if code == STOPPED:
        reason = stats.get("finish_reason")
        if reason is None:
            return (
                f"{meaning} (a second signal forced an unclean stop): the next run of the site "
                "recovers the complete lines of the .part it left"
            )
        return f"{meaning} ({reason}): the run was cut short; the file it wrote is complete"
    if code == BLOCKED:
        kinds = _counts(stats, "blocked/")
        counts = ", ".join(f"{k}: {v}" for k, v in kinds.items() if k != "site")
        return f"{meaning} ({counts}; the run report's blocked_reasons say why)"
    if code == HEALTH_ALARM:
        names = ", ".join(_counts(stats, "health/alarm/"))
        return f"{meaning}: {names} fell sharply against the site's recent runs (see the log)"
    return meaning
