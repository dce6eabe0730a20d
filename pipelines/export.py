"""Crash-safe JSON Lines export through FEEDS: run ids, fsynced batches, recovery, lock, reports."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.exporters import JsonLinesItemExporter
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object

from crawler.health import monitor as health_monitor
from crawler.retention import prune_site
from crawler.signals import items_durable
from crawler.stores import worker_id

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

REPORT_VERSION = 1
REPORT_SUFFIX = ".report.json"
PART_SUFFIX = ".part"
LOCK_NAME = ".lock"
# <site>-<UTC timestamp>-<run id>.jsonl, the name the default FEEDS entry gives every run file.
# A worker of a distributed crawl adds its name: <site>-<UTC timestamp>-<run id>-<worker>.jsonl.
RUN_FILE_RE = re.compile(
    r"^(?P<site>.+)-(?P<stamp>\d{8}T\d{6}Z)-(?P<run_id>[0-9a-f]+)(?:-(?P<worker>[\w.]+))?\.jsonl$"
)
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


class ExportLockError(RuntimeError):
    """Another run of the same site holds the site's output lock."""


# --- the run -------------------------------------------------------------------------------


@dataclass
class Output:
    """One file a crash-safe feed wrote in this run."""

    path: Path
    write_mode: str  # "part-rename" or "append"
    items_written: int = 0
    batches: int = 0
    bytes_cut: int = 0
    complete: bool = False


@dataclass
class RunContext:
    """What every export component of one crawl shares: the run id, its start and its outputs."""

    run_id: str
    started_at: datetime
    outputs: list[Output] = field(default_factory=list)
    lock_path: Path | None = None
    lock_waited: float = 0.0

    @property
    def stamp(self) -> str:
        return self.started_at.strftime(STAMP_FORMAT)


_RUNS: WeakKeyDictionary[Crawler, RunContext] = WeakKeyDictionary()


def new_run_id() -> str:
    """Eight random hex digits: short, and 2**-32 odds that two runs of a second collide."""
    return secrets.token_hex(4)


def run_context(crawler: Crawler) -> RunContext:
    """The crawl's run, created the first time any component asks for it."""
    ctx = _RUNS.get(crawler)
    if ctx is None:
        ctx = RunContext(run_id=new_run_id(), started_at=datetime.now(UTC))
        _RUNS[crawler] = ctx
    return ctx


def site_of(crawler: Crawler) -> str:
    """The site a crawl is for: the spider's ``output_name`` (the ``news`` spider names the hosts
    it crawls) or its name, made safe as one path component."""
    spider = crawler.spider
    name = getattr(spider, "output_name", None) or (spider or crawler.spidercls).name
    return re.sub(r"[^\w.-]", "_", str(name)) or "spider"


def uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """FEEDS ``uri_params`` hook: adds ``output_dir``, ``site``, ``run_time`` and ``run_id``."""
    crawler = spider.crawler
    ctx = run_context(crawler)
    params["output_dir"] = crawler.settings.get("OUTPUT_DIR", "output")
    params["site"] = site_of(crawler)
    params["run_time"] = ctx.stamp
    params["run_id"] = ctx.run_id
    worker = worker_id(crawler.settings)
    if worker:
        # Workers of one site write side by side into its folder, each its own file.
        params["run_id"] = f"{ctx.run_id}-{worker}"
    return params


class RunIdPipeline:
    """Puts the crawl's run id into every record's ``run_id`` (dicts and dataclasses alike)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunIdPipeline:
        return cls(run_context(crawler).run_id)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        # An item class that declares no run_id field cannot take one; it is exported as it is.
        if "run_id" in adapter.field_names() or isinstance(item, dict):
            adapter["run_id"] = self.run_id
        return item


class ExportAddon:
    """Makes ``-o``/``-O`` replace the project's run file feed instead of adding to it.

    Scrapy merges the command line's feeds with the project's ``FEEDS``; a feed whose options say
    ``"replaced_by_cli": True`` is dropped when the command line gave feeds of its own.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.getpriority("FEEDS") != SETTINGS_PRIORITIES["cmdline"]:
            return
        feeds = settings.getdict("FEEDS")
        kept = {uri: opts for uri, opts in feeds.items() if not opts.get("replaced_by_cli")}
        if kept and len(kept) < len(feeds):
            settings.set("FEEDS", kept, priority="cmdline")


# --- files ---------------------------------------------------------------------------------


def fsync_dir(path: Path) -> None:
    """Make a rename or a new name inside ``path`` survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def is_record(line: bytes) -> bool:
    """A complete record line: ends with a newline and holds one JSON object."""
    if not line.endswith(b"\n"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def complete_prefix(path: Path) -> tuple[int, int]:
    """(bytes, lines) of the longest run of complete record lines at the start of ``path``."""
    size = lines = 0
    with open(path, "rb") as f:
        for line in f:
            if not is_record(line):
                break
            size += len(line)
            lines += 1
    return size, lines


def _line_start(f: Any, end: int) -> int:
    """Offset just after the last newline before ``end`` (0 when there is none)."""
    pos = end
    while pos > 0:
        start = max(0, pos - 65536)
        f.seek(start)
        i = f.read(pos - start).rfind(b"\n")
        if i >= 0:
            return start + i + 1
        pos = start
    return 0


def complete_end(f: Any, size: int) -> int:
    """Where the complete record lines at the end of a file stop, read from the tail only."""
    end = _line_start(f, size)
    while end > 0:
        start = _line_start(f, end - 1)
        f.seek(start)
        if is_record(f.read(end - start)):
            return end
        end = start
    return 0


def trim_partial_tail(path: Path) -> int:
    """Cut whatever follows the last complete record of ``path``; returns the bytes cut."""
    if not path.exists():
        return 0
    with open(path, "r+b") as f:
        size = os.fstat(f.fileno()).st_size
        end = complete_end(f, size)
        if end < size:
            f.truncate(end)
            f.flush()
            os.fsync(f.fileno())
        return size - end


def iter_records(path: Path, limit: int, chunk: int) -> Iterator[list[dict[str, Any]]]:
    """The first ``limit`` bytes of a JSON Lines file as lists of at most ``chunk`` records."""
    batch: list[dict[str, Any]] = []
    read = 0
    with open(path, "rb") as f:
        for line in f:
            read += len(line)
            if read > limit:
                break
            batch.append(json.loads(line))
            if len(batch) >= chunk:
                yield batch
                batch = []
    if batch:
        yield batch


class DurableJsonLinesFile:
    """The file object the exporter writes to: whole lines, written in fsynced batches.

    Records wait in memory until ``batch_size`` lines are pending or ``commit`` is called (by the
    storage's timer and at close); a commit writes them, fsyncs the file and only then hands them
    to ``on_durable``, which counts and announces them.
    """

    def __init__(
        self,
        fd: int,
        batch_size: int,
        on_durable: Callable[[bytes, int], None],
        on_error: Callable[[OSError], None] = lambda exc: None,
    ) -> None:
        self._fd = fd
        self._batch_size = max(1, batch_size)
        self._on_durable = on_durable
        self._on_error = on_error
        self._pending = bytearray()
        self._pending_lines = 0
        self.closed = False
        self.failed: OSError | None = None
        self.lost_lines = 0

    def write(self, data: bytes) -> int:
        if self.failed is not None:
            # Reported once when it failed; a traceback per later record would bury that line.
            self.lost_lines += data.count(b"\n")
            return len(data)
        self._pending += data
        self._pending_lines += data.count(b"\n")
        if self._pending_lines >= self._batch_size:
            with contextlib.suppress(OSError):  # reported by on_error; the crawl is stopping
                self.commit()
        return len(data)

    def flush(self) -> None:
        """Durability comes from ``commit``; a plain flush must not cost an fsync per record."""

    def fileno(self) -> int:
        return self._fd

    def commit(self) -> int:
        """Write, fsync and announce every complete pending line; returns how many."""
        if not self._pending_lines:
            return 0
        cut = self._pending.rfind(b"\n") + 1
        chunk = bytes(self._pending[:cut])
        lines = self._pending_lines
        del self._pending[:cut]
        self._pending_lines = 0
        try:
            view = memoryview(chunk)
            while view:
                view = view[os.write(self._fd, view) :]
            os.fsync(self._fd)
        except OSError as exc:
            self.failed = exc
            self.lost_lines += lines
            self._on_error(exc)
            raise
        self._on_durable(chunk, lines)
        return lines

    def close(self) -> None:
        if not self.closed:
            os.fsync(self._fd)
            os.close(self._fd)
            self.closed = True


def writes_json_lines(crawler: Crawler, feed_format: str) -> bool:
    """Whether a feed format's exporter writes one JSON line per item (jsonlines, jsonl, jl)."""
    path = crawler.settings.getwithbase("FEED_EXPORTERS").get(feed_format)
    return path is not None and issubclass(load_object(path), JsonLinesItemExporter)


class CrashSafeFileFeedStorage(FileFeedStorage):
    """Local-file feed storage that never leaves a partial record under a final name.

    For JSON Lines feeds: with ``overwrite`` (the project's run file, ``-O``) the feed is written to
    ``<file>.part`` and renamed when complete; without it (``-o``) a partial last line of the
    existing file is cut and records are appended. Either way records go out in fsynced batches
    of ``EXPORT_BATCH_SIZE`` (or every ``EXPORT_FLUSH_SECONDS``), each announced with the
    ``items_durable`` signal. Other formats and post-processed feeds behave as in Scrapy.
    """

    def __init__(
        self,
        uri: str,
        *,
        feed_options: dict[str, Any] | None = None,
        crawler: Crawler | None = None,
        batch_size: int = 100,
        flush_seconds: float = 5.0,
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        options = feed_options or {}
        self.crawler = crawler
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.durable = (
            crawler is not None
            and writes_json_lines(crawler, str(options.get("format", "")))
            and not options.get("postprocessing")
        )
        self.overwrite = self.write_mode == "wb"
        self._file: DurableJsonLinesFile | None = None
        self._output: Output | None = None
        self._spider: Spider | None = None
        self._timer: Any = None

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> CrashSafeFileFeedStorage:
        return cls(
            uri,
            feed_options=feed_options,
            crawler=crawler,
            batch_size=crawler.settings.getint("EXPORT_BATCH_SIZE", 100),
            flush_seconds=crawler.settings.getfloat("EXPORT_FLUSH_SECONDS", 5.0),
        )

    @property
    def final_path(self) -> Path:
        return Path(self.path).absolute()

    def open(self, spider: Spider) -> Any:
        if not self.durable:
            return super().open(spider)
        assert self.crawler is not None
        final = self.final_path
        final.parent.mkdir(parents=True, exist_ok=True)
        if self.overwrite:
            output = Output(final, "part-rename")
            target = final.with_name(final.name + PART_SUFFIX)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
            if target.exists():
                self._recover_aside(target)
        else:
            output = Output(final, "append")
            output.bytes_cut = trim_partial_tail(final)
            if output.bytes_cut:
                logger.warning(
                    "Cut %d bytes of incomplete lines from the end of %s before appending",
                    output.bytes_cut,
                    final,
                )
                self.crawler.stats.inc_value("export/tail_bytes_cut", output.bytes_cut)
            target = final
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        fd = os.open(target, flags, 0o644)
        if self.overwrite:
            fsync_dir(final.parent)
        self._spider = spider
        self._output = output
        run_context(self.crawler).outputs.append(output)
        self._file = DurableJsonLinesFile(fd, self.batch_size, self._announce, self._failure)
        if self.flush_seconds > 0:
            self._timer = create_looping_call(self._tick)
            self._timer.start(self.flush_seconds, now=False)
        return self._file

    def _recover_aside(self, part: Path) -> None:
        """A killed ``-O`` run's ``.part``: its records were announced durable, so they are kept
        in a file of their own instead of being truncated away by this run."""
        assert self.crawler is not None
        recover_run_file(self.crawler, part, self.batch_size, aside=True)

    def _announce(self, chunk: bytes, lines: int) -> None:
        assert self.crawler is not None and self._output is not None
        self._output.items_written += lines
        self._output.batches += 1
        self.crawler.stats.inc_value("export/items_written", lines)
        self.crawler.stats.inc_value("export/batches")
        items = [json.loads(line) for line in chunk.splitlines()]
        self.crawler.signals.send_catch_log(items_durable, items=items, spider=self._spider)

    def _tick(self) -> None:
        if self._file is not None and self._file.failed is None:
            with contextlib.suppress(OSError):  # already logged by _failure
                self._file.commit()

    def _failure(self, exc: OSError) -> None:
        """A failing disk stops the crawl instead of losing records quietly."""
        assert self.crawler is not None
        logger.error("Writing %s failed (%s); closing the spider", self.final_path, exc)
        self.crawler.stats.inc_value("export/write_errors")
        if self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="export_failed"))

    def store(self, file: Any) -> Any:
        if not isinstance(file, DurableJsonLinesFile):
            return super().store(file)
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        assert self._output is not None
        if file.failed is None:
            with contextlib.suppress(OSError):
                file.commit()
        if file.failed is not None:
            assert self.crawler is not None
            self.crawler.stats.set_value("export/items_not_written", file.lost_lines)
            logger.warning(
                "Left %s unfinished after a write error (%d records not written); the next run "
                "of the site recovers its complete lines",
                self.final_path.name + PART_SUFFIX
                if self._output.write_mode == "part-rename"
                else self.final_path.name,
                file.lost_lines,
            )
            return None
        file.close()
        final = self._output.path
        if self._output.write_mode == "part-rename":
            os.replace(final.with_name(final.name + PART_SUFFIX), final)
            fsync_dir(final.parent)
        self._output.complete = True
        return None


# --- recovery ------------------------------------------------------------------------------


@dataclass
class Recovered:
    part: Path
    final: Path
    items: int
    bytes_cut: int
    bad_lines: int = 0


def recover_part_file(
    part: Path,
    announce: Callable[[list[dict[str, Any]]], None],
    chunk: int = 500,
    *,
    aside: bool = False,
) -> Recovered:
    """Keep every complete line of a killed run's ``.part`` file and give it its final name, or
    with ``aside`` a ``<name>.recovered-<n>.jsonl`` beside it (the final name belongs to a run
    about to replace it).

    A line that is not a complete JSON object (a torn last line, or garbage in the middle) is
    skipped and counted; the good lines after it are kept, since earlier announcements may
    already have marked them seen. The kept lines go to ``<final>.tmp`` first, so a crash during
    recovery leaves the ``.part`` untouched for the next try. They are announced
    (``items_durable``) before the rename, so a crash in between only repeats the
    announcement, which state stores must take idempotently.
    """
    final = base = part.with_name(part.name.removesuffix(PART_SUFFIX))
    n = 1
    if aside:
        final = base.with_name(f"{base.stem}.recovered-{n}{base.suffix}")
    while final.exists():  # only if two runs drew the same id in the same second
        final = base.with_name(f"{base.stem}.recovered-{n}{base.suffix}")
        n += 1
    tmp = final.with_name(final.name + ".tmp")
    lines = bad = kept = size = 0
    with open(part, "rb") as src, open(tmp, "wb") as dst:
        for line in src:
            size += len(line)
            if is_record(line):
                dst.write(line)
                kept += len(line)
                lines += 1
            elif line.strip():
                bad += 1
        dst.flush()
        os.fsync(dst.fileno())
    for records in iter_records(tmp, kept, chunk):
        announce(records)
    os.replace(tmp, final)
    part.unlink()
    fsync_dir(final.parent)
    return Recovered(part, final, lines, size - kept, bad)


def recover_run_file(
    crawler: Crawler, part: Path, batch_size: int, *, aside: bool = False
) -> Recovered:
    """Recover a killed run's ``.part`` (:func:`recover_part_file`), announcing its records as
    recovered, and count, log and report it."""

    def announce(records: list[dict[str, Any]]) -> None:
        crawler.signals.send_catch_log(
            items_durable, items=records, spider=crawler.spider, recovered=True
        )

    rec = recover_part_file(part, announce, batch_size, aside=aside)
    crawler.stats.inc_value("export/recovered_files")
    crawler.stats.inc_value("export/recovered_items", rec.items)
    crawler.stats.inc_value("export/recovered_bytes_cut", rec.bytes_cut)
    crawler.stats.inc_value("export/recovered_bad_lines", rec.bad_lines)
    logger.warning(
        "Recovered %d complete records of a killed run (cut %d bytes, %d bad lines): %s -> %s",
        rec.items,
        rec.bytes_cut,
        rec.bad_lines,
        rec.part.name,
        rec.final.name,
    )
    report = recovery_report(rec, site_of(crawler), run_context(crawler).run_id)
    write_atomic(report_path(rec.final), dump_report(report))
    return rec


# --- the run extension: lock, recovery, reports -------------------------------------------


class ExportRun:
    """Takes the site's lock, recovers killed runs' files, and writes a report beside each output.

    The lock (``fcntl.flock`` on ``<OUTPUT_DIR>/<site>/.lock``, released by the kernel even on
    SIGKILL) is taken while the crawler is built, before any output opens; a run that cannot
    get it within ``EXPORT_LOCK_WAIT`` seconds refuses to start, and ``scrapy crawl`` exits 8.
    """

    def __init__(
        self, crawler: Crawler, output_dir: Path, lock_wait: float, batch_size: int
    ) -> None:
        self.crawler = crawler
        self.site = site_of(crawler)
        self.site_dir = output_dir / self.site
        self.lock_wait = lock_wait
        self.batch_size = max(1, batch_size)
        self.ctx = run_context(crawler)
        self._lock_fd: int | None = None
        # A worker of a distributed crawl locks and recovers only its own files.
        self.worker = worker_id(crawler.settings)
        self.lock_name = f"{LOCK_NAME}-{self.worker}" if self.worker else LOCK_NAME

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportRun:
        if not crawler.settings.getdict("FEEDS"):
            raise NotConfigured("no FEEDS")
        ext = cls(
            crawler,
            Path(crawler.settings.get("OUTPUT_DIR", "output")),
            crawler.settings.getfloat("EXPORT_LOCK_WAIT", 0.0),
            crawler.settings.getint("EXPORT_BATCH_SIZE", 100),
        )
        ext.acquire_lock()
        ext.health = health_monitor(crawler)
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def acquire_lock(self) -> None:
        self.site_dir.mkdir(parents=True, exist_ok=True)
        path = self.site_dir / self.lock_name
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - start >= self.lock_wait:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    os.close(fd)
                    msg = (
                        f"Another run of site {self.site!r} is writing to {self.site_dir} "
                        f"(lock {path} held by: {holder or 'unknown'}); refusing to start. "
                        f"Wait for it to finish, or set EXPORT_LOCK_WAIT to wait for it."
                    )
                    logger.error(msg)
                    self.crawler.stats.set_value("export/lock_refused", 1)
                    raise ExportLockError(msg) from None
                time.sleep(0.2)
        self.ctx.lock_waited = time.monotonic() - start
        self.ctx.lock_path = path.absolute()
        os.ftruncate(fd, 0)
        holder = f"pid {os.getpid()}, run {self.ctx.run_id}, started {self.ctx.started_at:%FT%TZ}"
        os.pwrite(fd, (holder + "\n").encode(), 0)
        self._lock_fd = fd

    def release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor drops the flock
            self._lock_fd = None

    def engine_started(self) -> None:
        self.recover()

    def recover(self) -> list[Recovered]:
        """Finish what killed runs of this site left: their ``.part`` files and missing reports."""
        stats = self.crawler.stats
        for tmp in self.site_dir.glob("*.tmp"):
            if self._mine(tmp.name.removesuffix(".tmp").removesuffix(REPORT_SUFFIX)):
                tmp.unlink()
        done = []
        for part in sorted(self.site_dir.glob("*" + PART_SUFFIX)):
            if not self._mine(part.name.removesuffix(PART_SUFFIX)):
                continue
            done.append(recover_run_file(self.crawler, part, self.batch_size))
        for final in sorted(self.site_dir.glob("*.jsonl")):
            if report_path(final).exists() or not self._mine(final.name):
                continue
            # A run killed between renaming its file and writing the report: the file is
            # complete and its records were announced before the rename; only the report is due.
            _, lines = complete_prefix(final)
            rec = Recovered(final, final, lines, 0)
            done.append(rec)
            stats.inc_value("export/recovered_reports")
            logger.warning("Wrote the missing report of a killed run's file: %s", final.name)
            write_atomic(
                report_path(final), dump_report(recovery_report(rec, self.site, self.ctx.run_id))
            )
        return done

    def _mine(self, name: str) -> bool:
        m = RUN_FILE_RE.match(name)
        return (m["worker"] if m else None) == self.worker

    def engine_stopped(self) -> None:
        try:
            stats = self.crawler.stats.get_stats()
            outputs = [o for o in self.ctx.outputs if o.complete]
            # Health, blocked verdict and alarms (crawler.health) join the report; they set stats.
            extra = self.health.finish(self.site, self.ctx.run_id, error_counts(stats)["by_kind"])
            stats = self.crawler.stats.get_stats()
            for out in outputs:
                report = run_report(self.ctx, self.site, out, stats)
                report.update(extra)
                try:
                    write_atomic(report_path(out.path), dump_report(report))
                except OSError as exc:
                    self.crawler.stats.inc_value("export/report_errors")
                    logger.error("Writing the run report of %s failed (%s)", out.path, exc)
            logger.info(summary_line(self.ctx, self.site, outputs, stats))
            self.prune([o.path for o in outputs])
        finally:
            self.release_lock()

    def prune(self, current: list[Path]) -> None:
        """Retention (``OUTPUT_KEEP_EMPTY_RUNS``, ``OUTPUT_RETENTION_DAYS``), under the lock."""
        settings = self.crawler.settings
        removed = prune_site(
            self.site_dir,
            settings.getint("OUTPUT_KEEP_EMPTY_RUNS", 48),
            settings.getint("OUTPUT_RETENTION_DAYS", 0),
            keep=current,
        )
        if removed:
            self.crawler.stats.inc_value("retention/removed_files", len(removed))
            logger.info("Retention removed %d old files from %s", len(removed), self.site_dir)


# --- reports -------------------------------------------------------------------------------


def report_path(output: Path) -> Path:
    return output.with_name(output.name + REPORT_SUFFIX)


def dump_report(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def dropped_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """Dropped items: the total, our ``<area>/dropped...`` stats and Scrapy's per exception."""
    by_reason = {
        k: v
        for k, v in stats.items()
        if re.fullmatch(r"[^/]+/dropped(/.+)?", k) and isinstance(v, int)
    }
    prefix = "item_dropped_reasons_count/"
    by_exception = {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}
    return {
        "total": int(stats.get("item_dropped_count", 0)),
        "by_reason": by_reason,
        "by_exception": by_exception,
    }


def error_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """Errors by kind (download and spider exceptions, HTTP error statuses, broken redirect
    chains, refused private addresses); ERROR log lines."""
    by_kind: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("downloader/exception_type_count/"):
            by_kind["download/" + key.rsplit("/", 1)[1].rsplit(".", 1)[-1]] = value
        elif key.startswith("spider_exceptions/") and key != "spider_exceptions/count":
            by_kind["spider/" + key.split("/", 1)[1]] = value
        elif key.startswith("downloader/response_status_count/"):
            status = key.rsplit("/", 1)[1]
            if status.isdigit() and int(status) >= 400:
                by_kind["http/" + status] = value
        elif key in ("redirect/loop", "redirect/max_reached", "security/refused_private"):
            by_kind[key] = value
    return {"log_errors": int(stats.get("log_count/ERROR", 0)), "by_kind": by_kind}


def run_report(ctx: RunContext, site: str, out: Output, stats: dict[str, Any]) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "status": "finished",
        "run_id": ctx.run_id,
        "site": site,
        "started_at": ctx.started_at.isoformat(),
        "finished_at": _iso(stats.get("finish_time")) or datetime.now(UTC).isoformat(),
        "elapsed_seconds": float(stats.get("elapsed_time_seconds", 0.0)),
        "finish_reason": stats.get("finish_reason"),
        "output_file": str(out.path),
        "write_mode": out.write_mode,
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "items_scraped": int(stats.get("item_scraped_count", 0)),
        "items_written": out.items_written,
        "batches": out.batches,
        "bytes_cut": out.bytes_cut,
        "items_dropped": dropped_counts(stats),
        "errors": error_counts(stats),
        "lock": {
            "path": str(ctx.lock_path) if ctx.lock_path else None,
            "waited_seconds": round(ctx.lock_waited, 3),
        },
        "recovered": None,
        "stats": {k: _jsonable(v) for k, v in sorted(stats.items())},
    }


def recovery_report(rec: Recovered, site: str, by_run_id: str) -> dict[str, Any]:
    m = RUN_FILE_RE.match(rec.final.name)
    started = (
        datetime.strptime(m["stamp"], STAMP_FORMAT).replace(tzinfo=UTC).isoformat() if m else None
    )
    return {
        "report_version": REPORT_VERSION,
        "status": "recovered",
        "run_id": m["run_id"] if m else None,
        "site": site,
        "started_at": started,
        "finished_at": None,
        "elapsed_seconds": None,
        "finish_reason": None,
        "output_file": str(rec.final.absolute()),
        "write_mode": "part-rename",
        "pages_fetched": None,
        "items_scraped": None,
        "items_written": rec.items,
        "batches": None,
        "bytes_cut": rec.bytes_cut,
        "items_dropped": None,
        "errors": None,
        "lock": None,
        "recovered": {
            "at": datetime.now(UTC).isoformat(),
            "by_run_id": by_run_id,
            "bad_lines": rec.bad_lines,
        },
        "stats": {},
    }


def summary_line(ctx: RunContext, site: str, outputs: list[Output], stats: dict[str, Any]) -> str:
    dropped = dropped_counts(stats)
    errors = error_counts(stats)

    def detail(counts: dict[str, Any]) -> str:
        return " (" + ", ".join(f"{k}: {v}" for k, v in counts.items()) + ")" if counts else ""

    files = ", ".join(str(o.path) for o in outputs) or "no file"
    return (
        f"Run {ctx.run_id} of {site} {stats.get('finish_reason', 'ended')} after "
        f"{float(stats.get('elapsed_time_seconds', 0.0)):.1f}s: "
        f"{stats.get('response_received_count', 0)} pages, "
        f"{sum(o.items_written for o in outputs)} items written in "
        f"{sum(o.batches for o in outputs)} batches, "
        f"{dropped['total']} dropped{detail(dropped['by_exception'])}, "
        f"{errors['log_errors']} errors{detail(errors['by_kind'])} -> {files}"
    )
