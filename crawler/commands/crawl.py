"""``scrapy crawl``, as Scrapy's own, with honest exit codes (``crawler.exitcodes``) and one clear
line instead of a traceback for an unknown spider, a bad spider argument or a refused lock."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import sqlite3
import sys
from pathlib import Path
from typing import NoReturn

from scrapy.commands.crawl import Command as Base
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler import exitcodes
from pipelines.export import ExportLockError

logger = logging.getLogger(__name__)


class Command(Base):
    def long_desc(self) -> str:
        return (
            "Run a spider of the project. Exit status: 0 finished (even with nothing new), "
            "1 unexpected error, 2 usage error, 3 fetched nothing, 4 export failed, 5 forced "
            "stop, 6 site blocked, 7 health alarm, 8 another run holds the site's lock "
            "(README, 'Exit codes')."
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        logfile = self.settings.get("LOG_FILE")
        if logfile:
            # The cron line names logs/<site>.log: a fresh checkout has no logs/ folder yet.
            try:
                Path(logfile).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                msg = f"cannot create the folder of --logfile {logfile}: {exc}"
                raise UsageError(msg) from None
        if len(args) == 1:
            # Checked before Scrapy starts logging, so a typo in a cron line gives one line.
            self._check_spider(args[0], opts.spargs)

    def _check_spider(self, name: str, spargs: dict[str, str]) -> None:
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        names = loader.list()
        if name not in names:
            self._exit(
                name,
                exitcodes.USAGE,
                f"no spider named {name!r}; the spiders are: {', '.join(sorted(names))}",
            )
        check = getattr(loader.load(name), "check_arguments", None)
        if check is not None:
            try:
                check(**spargs)
            except (TypeError, ValueError) as exc:
                self._exit(name, exitcodes.USAGE, f"bad spider argument: {exc}")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        name = args[0]
        process = self.crawler_process
        assert process is not None
        crawler = self._create_crawler(name)
        failures: list[BaseException] = []
        outcome = process.crawl(crawler, **opts.spargs)
        if isinstance(outcome, asyncio.Future):
            outcome.add_done_callback(
                lambda task: (
                    failures.append(task.exception())
                    if not task.cancelled() and task.exception() is not None
                    else None
                )
            )
        else:  # a Twisted Deferred (FORCE_CRAWLER_PROCESS)
            outcome.addErrback(lambda failure: failures.append(failure.value))
        process.start()
        try:
            stats = crawler.stats.get_stats()
        except RuntimeError:  # the crawl failed before Scrapy made its stats
            stats = {}
        if failures:
            exc = failures[0]
            code = failure_exit_code(exc)
            if code == exitcodes.LOCKED:
                # Logged as one line where it was raised; a traceback would add nothing.
                self._fail(name, code, str(exc))
            elif code == exitcodes.EXPORT_FAILED:
                # A full or read-only disk before the crawl began (the state store, the lock).
                meaning = exitcodes.MEANING[code]
                self._fail(name, code, f"{meaning}: cannot write ({exc})")
            else:
                logger.error("The crawl failed", exc_info=exc)
                self._fail(name, code, f"unexpected error: {type(exc).__name__}: {exc}")
            return
        if process.bootstrap_failed:
            self._fail(name, exitcodes.ERROR, "the crawl did not start (see the log)")
            return
        alarms_fail = self.settings.getbool("HEALTH_ALARMS_FAIL")
        code = exitcodes.crawl_exit_code(stats, **exitcodes.verdicts(stats, alarms_fail))
        if code != exitcodes.OK:
            self._fail(name, code, exitcodes.explain(code, stats))

    def _exit(self, name: str, code: int, message: str) -> NoReturn:
        self._fail(name, code, message)
        sys.exit(code)

    def _fail(self, name: str, code: int, message: str) -> None:
        self.exitcode = code
        sys.stderr.write(f"scrapy crawl {name}: {message} (exit status {code})\n")
        sys.stderr.flush()


STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS})
SQLITE_STORAGE_ERRORS = ("disk I/O error", "database or disk is full", "readonly database")


def failure_exit_code(exc: BaseException) -> int:
    """The exit code of a crawl that failed with ``exc`` instead of finishing."""
    if isinstance(exc, ExportLockError):
        return exitcodes.LOCKED
    return exitcodes.EXPORT_FAILED if storage_failure(exc) else exitcodes.ERROR


def storage_failure(exc: BaseException) -> bool:
    """Whether an error says the disk is full or read-only (OSError, or SQLite's words for it)."""
    if isinstance(exc, OSError):
        return exc.errno in STORAGE_ERRNOS
    return isinstance(exc, sqlite3.Error) and any(m in str(exc) for m in SQLITE_STORAGE_ERRORS)
