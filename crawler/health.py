"""Health of a site's run: figures from the records as written, the run's verdict (ok, blocked,
alarm) against the site's own recent history, kept in the state store for the next runs."""

from __future__ import annotations

import logging
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from crawler.signals import items_durable
from crawler.stores import open_state_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

HEALTH_VERSION = 1
COVERAGE_FIELDS = ("title", "body", "date", "authors", "images")
BODY_SOURCES = ("selectors", "json-ld", "generic", "script")


@dataclass
class RecordTally:
    """Running counts over the records of one run: what coverage and body figures need."""

    records: int = 0
    present: Counter[str] = field(default_factory=Counter)
    body_lengths: list[int] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)

    def add(self, record: dict[str, Any]) -> None:
        self.records += 1
        body = record.get("body") or ""
        has = {
            "title": bool(record.get("title")),
            "body": bool(body.strip()),
            "date": bool(record.get("published_at")),
            "authors": bool(record.get("authors")),
            "images": bool(record.get("images")),
        }
        self.present.update(k for k, v in has.items() if v)
        self.body_lengths.append(len(body))
        # An article page kept without text (body_missing) is told from a record of no source.
        source = record.get("body_source") or ("missing" if record.get("body_missing") else "none")
        self.sources[source] += 1

    def figures(self) -> dict[str, Any]:
        n = self.records
        lengths = sorted(self.body_lengths)
        return {
            "records": n,
            "coverage": {f: round(self.present[f] / n, 4) if n else None for f in COVERAGE_FIELDS},
            "body_length": {
                "median": int(statistics.median(lengths)) if lengths else None,
                "p10": _percentile(lengths, 0.10),
            },
            "body_sources": {k: round(v / n, 4) for k, v in sorted(self.sources.items())},
        }


def _percentile(sorted_values: list[int], q: float) -> int | None:
    """Nearest-rank percentile: a value that occurs, so a figure always names a real record."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 1))
    return sorted_values[int(rank) - 1]


def figures_from_records(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Coverage and body figures of a dump (for reports written before health existed)."""
    tally = RecordTally()
    for record in records:
        tally.add(record)
    return tally.figures()


def _prefixed(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {
        k[len(prefix) :]: int(v)
        for k, v in sorted(stats.items())
        if k.startswith(prefix) and isinstance(v, int | float) and not isinstance(v, bool)
    }


def run_figures(
    tally: RecordTally, stats: dict[str, Any], errors: dict[str, int]
) -> dict[str, Any]:
    """Every health figure of one run: the records' figures plus what the stats count."""
    figures = tally.figures()
    pages = int(stats.get("response_received_count", 0))
    figures.update(
        {
            "health_version": HEALTH_VERSION,
            "pages": pages,
            "pages_per_record": round(pages / tally.records, 2) if tally.records else None,
            "noise_removed": _prefixed(stats, "clean/removed/"),
            "dedup": _prefixed(stats, "dedup/"),
            "errors": dict(sorted(errors.items())),
            "blocked": _prefixed(stats, "blocked/"),
        }
    )
    return figures


# --- blocked, not empty --------------------------------------------------------------------


@dataclass(frozen=True)
class BlockedRules:
    min_share: float = 0.5
    """Share of responses that were challenges, 403 or 429 for a storm."""
    min_responses: int = 3
    """A storm needs at least this many such responses."""


def blocked_reasons(
    figures: dict[str, Any], history: list[dict[str, Any]], rules: BlockedRules
) -> list[str]:
    """Why a run counts as blocked (empty when it does not)."""
    blocked = figures.get("blocked") or {}
    records, pages = figures["records"], figures["pages"]
    challenges = blocked.get("challenge", 0)
    refused = challenges + blocked.get("http_403", 0) + blocked.get("http_429", 0)
    reasons = []
    if challenges and not records:
        reasons.append(f"challenge pages ({challenges}) and no record")
    # Challenge pages never reach the spider, so they are not among the pages received.
    answers = pages + challenges
    if refused >= rules.min_responses and refused / answers >= rules.min_share:
        reasons.append(f"{refused} of {answers} responses were challenges, 403 or 429")
    earlier = [h["records"] for h in history if h.get("outcome") != "blocked"]
    if blocked.get("empty_feed") and not records and earlier and max(earlier) > 0:
        reasons.append(
            f"{blocked['empty_feed']} feeds or sitemaps came back empty where earlier runs "
            "had records"
        )
    return reasons


# --- alarms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlarmRules:
    history_runs: int = 10
    """The baseline is the median of this many of the site's latest runs."""
    min_history: int = 5
    """No alarm before the site has this many earlier runs to compare with."""
    min_records: int = 5
    """Coverage and body figures are compared only for runs with at least this many records."""
    coverage_drop: float = 0.5
    """A coverage falls sharply when it ends below this share of its baseline."""
    body_drop: float = 0.5
    """The median body length falls sharply below this share of its baseline."""
    generic_rise: float = 0.4
    """The generic-fallback share rises sharply by this much (and ends above one half)."""


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def alarms(
    figures: dict[str, Any], history: list[dict[str, Any]], rules: AlarmRules
) -> list[dict[str, Any]]:
    """The figures of this run that fell sharply against the site's own recent history.

    ``history`` holds the figures of earlier runs, newest first; blocked runs are left out of the
    baseline, and coverage baselines only count runs with enough records to mean something.
    """
    usable = [h for h in history if h.get("outcome") != "blocked"][: rules.history_runs]
    if len(usable) < rules.min_history:
        return []
    found: list[dict[str, Any]] = []

    def alarm(name: str, value: Any, baseline: Any, message: str) -> None:
        found.append({"name": name, "value": value, "baseline": baseline, "message": message})

    if figures["records"] == 0 and min(h["records"] for h in usable) > 0:
        alarm(
            "records_zero",
            0,
            _median([h["records"] for h in usable]),
            f"no record, where each of the last {len(usable)} runs wrote some",
        )
    full = [h for h in usable if h["records"] >= rules.min_records]
    if figures["records"] < rules.min_records or len(full) < rules.min_history:
        return found
    for name in COVERAGE_FIELDS:
        now = figures["coverage"].get(name)
        base = _median([h["coverage"][name] for h in full if h["coverage"].get(name) is not None])
        if now is not None and base and base >= 0.2 and now < base * rules.coverage_drop:
            alarm(
                f"{name}_coverage",
                now,
                round(base, 4),
                f"records with {name}: {now:.0%}, usually {base:.0%}",
            )
    now_median = figures["body_length"]["median"]
    base_median = _median([h["body_length"]["median"] for h in full if h["body_length"]["median"]])
    if now_median is not None and base_median and now_median < base_median * rules.body_drop:
        alarm(
            "body_median",
            now_median,
            round(base_median),
            f"median body {now_median} characters, usually {base_median:.0f}",
        )
    generic = figures["body_sources"].get("generic", 0.0)
    base_generic = _median([h["body_sources"].get("generic", 0.0) for h in full]) or 0.0
    if generic >= 0.5 and generic - base_generic >= rules.generic_rise:
        alarm(
            "generic_share",
            generic,
            round(base_generic, 4),
            f"bodies from the generic fallback: {generic:.0%}, usually {base_generic:.0%} "
            "(the site's body selector no longer matches)",
        )
    return found


# --- the run -------------------------------------------------------------------------------


class HealthMonitor:
    """Counts the records of a crawl as they become durable; the export's run end asks it for
    the run's health, verdict and alarms (``finish``), which also go into the state store."""

    def __init__(
        self,
        crawler: Crawler,
        alarm_rules: AlarmRules,
        blocked_rules: BlockedRules,
        alarms_fail: bool,
        store: dict[str, Any] | None,
    ) -> None:
        self.crawler = crawler
        self.alarm_rules = alarm_rules
        self.blocked_rules = blocked_rules
        self.alarms_fail = alarms_fail
        self.store = store
        """The settings that name the state store (``crawler.stores``); ``None``: no history."""
        self.tally = RecordTally()
        crawler.signals.connect(self.on_durable, signal=items_durable)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthMonitor:
        s = crawler.settings
        alarm_rules = AlarmRules(
            history_runs=s.getint("HEALTH_HISTORY_RUNS", 10),
            min_history=s.getint("HEALTH_MIN_HISTORY", 5),
            min_records=s.getint("HEALTH_MIN_RECORDS", 5),
        )
        blocked_rules = BlockedRules(
            min_share=s.getfloat("BLOCKED_MIN_SHARE", 0.5),
            min_responses=s.getint("BLOCKED_MIN_RESPONSES", 3),
        )
        store = None
        if s.getbool("HEALTH_HISTORY_ENABLED", True):
            store = {k: s.get(k) for k in ("STATE_PATH", "REDIS_URL", "REDIS_KEY_PREFIX")}
        return cls(crawler, alarm_rules, blocked_rules, s.getbool("HEALTH_ALARMS_FAIL"), store)

    def on_durable(self, items: list[dict[str, Any]], recovered: bool = False, **_: Any) -> None:
        if recovered:  # a killed earlier run's records: not this run's health
            return
        for item in items:
            self.tally.add(item)

    def finish(self, site: str, run_id: str, errors: dict[str, int]) -> dict[str, Any]:
        """The run's health section for its report; sets the ``health/*`` and ``blocked/site``
        stats, logs the alarms and records the run in the site's history."""
        stats = self.crawler.stats
        figures = run_figures(self.tally, stats.get_stats(), errors)
        history = self._history(site)
        reasons = blocked_reasons(figures, history, self.blocked_rules)
        raised = [] if reasons else alarms(figures, history, self.alarm_rules)
        outcome = "blocked" if reasons else "alarm" if raised else "ok"
        self._record(site, run_id, outcome, figures)
        if reasons:
            stats.set_value("blocked/site", 1)
            logger.error("Site %s is blocked: %s", site, "; ".join(reasons))
        for a in raised:
            stats.inc_value(f"health/alarm/{a['name']}")
            logger.warning("Health alarm for %s: %s: %s", site, a["name"], a["message"])
        stats.set_value("health/alarms", len(raised))
        stats.set_value("health/outcome", outcome)
        return {
            "outcome": outcome,
            "blocked_reasons": reasons,
            "alarms": raised,
            "alarms_fail": self.alarms_fail,
            "health": figures,
        }

    # The history is an aid: a store that cannot be read or written costs the alarms of this
    # run (a warning: on a full disk the export's ERROR line is the one that matters), never its
    # report.

    def _history(self, site: str) -> list[dict[str, Any]]:
        if self.store is None:
            return []
        try:
            store = open_state_store(self.store)
            try:
                return store.health_history(site, self.alarm_rules.history_runs * 3)
            finally:
                store.close()
        except Exception as exc:  # noqa: BLE001 - SQLite, Redis or the disk: never the report
            logger.warning("Health history of %s unavailable, no alarms this run: %s", site, exc)
            self.crawler.stats.inc_value("health/history_errors")
            return []

    def _record(self, site: str, run_id: str, outcome: str, figures: dict[str, Any]) -> None:
        if self.store is None:
            return
        try:
            store = open_state_store(self.store)
            try:
                store.record_health(site, run_id, datetime.now(UTC).timestamp(), outcome, figures)
            finally:
                store.close()
        except Exception as exc:  # noqa: BLE001 - SQLite, Redis or the disk: never the report
            logger.warning("Could not record the health of %s's run: %s", site, exc)
            self.crawler.stats.inc_value("health/history_errors")


_MONITORS: WeakKeyDictionary[Crawler, HealthMonitor] = WeakKeyDictionary()


def monitor(crawler: Crawler) -> HealthMonitor:
    """The crawl's health monitor, created with the export's run extension."""
    found = _MONITORS.get(crawler)
    if found is None:
        found = _MONITORS[crawler] = HealthMonitor.from_crawler(crawler)
    return found
