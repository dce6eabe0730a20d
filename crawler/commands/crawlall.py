"""``scrapy crawlall``: every registered site (or a list) crawled at once in one process, each to
its own file, lock and report, with one summary report and an exit code that names failures."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from crawler import exitcodes
from crawler.commands.crawl import failure_exit_code
from crawler.retention import prune_summaries
from crawler.sites import BY_NAME, SITES
from pipelines.export import (
    REPORT_SUFFIX,
    STAMP_FORMAT,
    dump_report,
    new_run_id,
    run_context,
    site_of,
    write_atomic,
)

SUMMARY_VERSION = 1

# A run that fails in several ways has the first code crawl_exit_code finds; the command's own
# code is the first of these among its sites.
PRECEDENCE = (
    exitcodes.ERROR,
    exitcodes.LOCKED,
    exitcodes.EXPORT_FAILED,
    exitcodes.STOPPED,
    exitcodes.BLOCKED,
    exitcodes.FETCHED_NOTHING,
    exitcodes.HEALTH_ALARM,
)
LABELS = {
    exitcodes.OK: "ok",
    exitcodes.ERROR: "error",
    exitcodes.FETCHED_NOTHING: "fetched nothing",
    exitcodes.EXPORT_FAILED: "export failed",
    exitcodes.STOPPED: "stopped",
    exitcodes.BLOCKED: "blocked",
    exitcodes.HEALTH_ALARM: "alarm",
    exitcodes.LOCKED: "locked",
}


def site_exit_code(stats: dict[str, Any], failure: BaseException | None, alarms_fail: bool) -> int:
    """The exit code of one site's run, as ``scrapy crawl`` gives it (``crawler.exitcodes``)."""
    if failure is not None:
        return failure_exit_code(failure)
    return exitcodes.crawl_exit_code(stats, **exitcodes.verdicts(stats, alarms_fail))


@dataclass
class Target:
    """One crawl of the command: a registered site, or the ``news`` spider over URLs."""

    label: str
    spider: str
    args: dict[str, str] = field(default_factory=dict)


def parse_targets(args: list[str]) -> list[Target]:
    if not args:
        return [Target(s.name, s.name) for s in SITES]
    targets = []
    for arg in args:
        if arg.startswith("news:"):
            urls = arg.removeprefix("news:")
            if not urls:
                raise UsageError("news: needs URLs, e.g. news:https://example.com/")
            targets.append(Target(arg, "news", {"urls": urls}))
        elif arg in BY_NAME:
            targets.append(Target(arg, arg))
        else:
            known = ", ".join(sorted(BY_NAME))
            raise UsageError(f"unknown site {arg!r}; registered sites: {known}")
    return targets


@dataclass
class SiteResult:
    site: str
    spider: str
    exit_code: int
    outcome: str
    records: int | None
    pages: int | None
    finish_reason: str | None
    output_file: str | None
    report_file: str | None
    alarms: list[str]
    blocked_reasons: list[str]
    error: str | None


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = True
    default_settings: ClassVar[dict[str, Any]] = {}

    def syntax(self) -> str:
        return "[SITE ...] [news:URL[,URL...] ...] [-a NAME=VALUE] [--quiet]"

    def short_desc(self) -> str:
        return "Crawl every registered site (or the ones named) at once, with one summary"

    def long_desc(self) -> str:
        return (
            "Runs the named sites (all registered sites without names; news:URL,... for the news "
            "spider) concurrently in one process, each to its own file, lock and report, then "
            "writes <OUTPUT_DIR>/crawlall/crawlall-<UTC start>-<id>.summary.json and prints one "
            "line per site. Each site gets the exit code scrapy crawl would give it; the command "
            "exits 0 when every site's is 0, else with the first of 1 error, 8 locked, 4 export "
            "failed, 5 stopped, 6 blocked, 3 fetched nothing, 7 health alarm (with "
            "HEALTH_ALARMS_FAIL). --quiet prints nothing on success."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
            help="spider argument for every site (e.g. since=7d)",
        )  # fmt: skip
        parser.add_argument(
            "--quiet", action="store_true",
            help="print nothing when every site succeeds (for cron); without --logfile the "
            "crawl log is not written anywhere",
        )  # fmt: skip

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("invalid -a value, use -a NAME=VALUE", print_help=False) from None
        if opts.quiet and not self.settings.get("LOG_FILE"):
            self.settings.set("LOG_ENABLED", False, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        targets = parse_targets(args)
        process = self.crawler_process
        assert process is not None
        started = datetime.now(UTC)
        runs: list[tuple[Target, Crawler, Any]] = []
        failures: dict[int, BaseException] = {}
        for target in targets:
            crawler = process.create_crawler(target.spider)
            task = process.crawl(crawler, **{**opts.spargs, **target.args})
            if hasattr(task, "addErrback"):  # a Deferred (CrawlerProcess)

                def failed(failure: Any, key: int = id(crawler)) -> None:
                    failures[key] = failure.value

                task.addErrback(failed)
            runs.append((target, crawler, task))
        process.start()
        for _, crawler, task in runs:
            # Retrieved here, so asyncio does not log it again as never retrieved.
            done = isinstance(task, asyncio.Future) and task.done() and not task.cancelled()
            if done and (exc := task.exception()) is not None:
                failures[id(crawler)] = exc
        alarms_fail = self.settings.getbool("HEALTH_ALARMS_FAIL")
        results = [
            self._result(target, crawler, failures.get(id(crawler)), alarms_fail)
            for target, crawler, _ in runs
        ]
        code = next((c for c in PRECEDENCE if any(r.exit_code == c for r in results)), 0)
        summary = self._summary(results, started, code, alarms_fail)
        path = self._write(summary, started)
        self.exitcode = code
        if code != exitcodes.OK or not opts.quiet:
            out = sys.stdout
            for r in results:
                out.write(_line(r) + "\n")
            failed = [r.site for r in results if r.exit_code != exitcodes.OK]
            verdict = f"failed: {', '.join(failed)}" if failed else "all ok"
            out.write(f"crawlall: {len(results)} sites, {verdict}; exit {code} -> {path}\n")

    def _result(
        self, target: Target, crawler: Crawler, failure: BaseException | None, alarms_fail: bool
    ) -> SiteResult:
        try:
            stats = crawler.stats.get_stats()
        except AttributeError:  # the crawler never got as far as its stats
            stats = {}
        site = site_of(crawler) if getattr(crawler, "spider", None) else target.label
        outputs = [o for o in run_context(crawler).outputs if o.complete]
        report = None
        report_file = None
        if outputs:
            report_file = outputs[0].path.with_name(outputs[0].path.name + REPORT_SUFFIX)
            if report_file.exists():
                report = json.loads(report_file.read_text(encoding="utf-8"))
        code = site_exit_code(stats, failure, alarms_fail)
        outcome = (report or {}).get("outcome") or ("error" if failure else "unknown")
        return SiteResult(
            site=site,
            spider=target.spider,
            exit_code=code,
            outcome=outcome,
            records=report.get("items_written") if report else None,
            pages=stats.get("response_received_count", 0) if stats else None,
            finish_reason=stats.get("finish_reason"),
            output_file=str(outputs[0].path) if outputs else None,
            report_file=str(report_file) if report_file and report_file.exists() else None,
            alarms=[a["name"] for a in (report or {}).get("alarms", [])],
            blocked_reasons=(report or {}).get("blocked_reasons", []),
            error=f"{type(failure).__name__}: {failure}" if failure else None,
        )

    def _summary(
        self, results: list[SiteResult], started: datetime, code: int, alarms_fail: bool
    ) -> dict[str, Any]:
        finished = datetime.now(UTC)
        return {
            "summary_version": SUMMARY_VERSION,
            "started_at": started.isoformat(),
            "finished_at": finished.isoformat(),
            "elapsed_seconds": round((finished - started).total_seconds(), 3),
            "exit_code": code,
            "alarms_fail": alarms_fail,
            "failed_sites": [r.site for r in results if r.exit_code != exitcodes.OK],
            "sites": [asdict(r) for r in results],
        }

    def _write(self, summary: dict[str, Any], started: datetime) -> Path:
        folder = Path(self.settings.get("OUTPUT_DIR", "output")).absolute() / "crawlall"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crawlall-{started.strftime(STAMP_FORMAT)}-{new_run_id()}.summary.json"
        write_atomic(path, dump_report(summary))
        prune_summaries(folder, self.settings.getint("OUTPUT_RETENTION_DAYS", 0))
        return path


def _line(r: SiteResult) -> str:
    label = LABELS.get(r.exit_code, str(r.exit_code))
    records = "-" if r.records is None else r.records
    pages = "-" if r.pages is None else r.pages
    detail = "; ".join(
        [*r.blocked_reasons, *(f"alarm {a}" for a in r.alarms), *([r.error] if r.error else [])]
    )
    return (
        f"{r.site:<24} {label:<15} exit {r.exit_code}  {records:>5} records  {pages:>5} pages"
        + (f"  ({detail})" if detail else "")
    )
