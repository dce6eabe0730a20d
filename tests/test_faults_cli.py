"""Faults a user meets at the command line: exit codes cron can trust, one clear line instead of
a traceback, recovery that loses no good record, and a checkout left as it was found.

Every test runs the real command in a child process against real files and, where it crawls, a
real HTTP server on 127.0.0.1."""

from __future__ import annotations

import fcntl
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import generic_site
import pytest
from conftest import ROOT, TESTS
from export_helpers import ArticleServer

from crawler import exitcodes
from crawler.commands.extract import NotAPage, check_page

SCRAPY = ROOT / ".venv" / "bin" / "scrapy"
RUN_NAME = "20250101T000000Z-0a1b2c3d"


def scrapy_cmd() -> list[str]:
    return [str(SCRAPY)] if SCRAPY.exists() else [sys.executable, "-m", "scrapy"]


def scrapy(
    *args: str, cwd: Path = ROOT, timeout: float = 120, **kw: Any
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    return subprocess.run(
        [*scrapy_cmd(), *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout, **kw,
    )  # fmt: skip


def state_args(tmp: Path) -> list[str]:
    return ["-s", f"OUTPUT_DIR={tmp / 'output'}", "-s", f"STATE_PATH={tmp / 'state' / 's.db'}"]


def site_dir(tmp: Path, origin: str) -> Path:
    return tmp / "output" / ("news-" + origin.split("://", 1)[1].replace(":", "_"))


def report(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.name + ".report.json").read_text(encoding="utf-8"))


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# --- recovery ------------------------------------------------------------------------------


def test_recovery_keeps_the_good_records_after_a_bad_line(tmp_path: Path) -> None:
    def record(n: int) -> bytes:
        url = f"https://example.org/news/{n}"
        rec = {"id": f"{n:032x}", "url": url, "canonical_url": url, "title": f"خبر {n}",
               "body": f"نص الخبر رقم {n} كما كتب قبل أن يتوقف التشغيل.", "version": 1}  # fmt: skip
        return (json.dumps(rec, ensure_ascii=False) + "\n").encode()

    with generic_site.serve() as (origin, _):
        folder = site_dir(tmp_path, origin)
        folder.mkdir(parents=True)
        part = folder / f"{folder.name}-{RUN_NAME}.jsonl.part"
        # A torn line in the middle (a garbled write), good records after it, a torn last line.
        part.write_bytes(record(1) + b'{"id": "broken", "ti\n' + record(2) + record(3) + b'{"id')
        proc = scrapy("crawl", "news", "-a", f"urls={origin}/", *state_args(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    recovered = folder / f"{folder.name}-{RUN_NAME}.jsonl"
    assert not part.exists()
    ids = [json.loads(line)["id"] for line in recovered.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"{n:032x}" for n in (1, 2, 3)]
    assert report(recovered)["recovered"]["bad_lines"] == 2
    assert report(recovered)["items_written"] == 3
    (own,) = (p for p in folder.glob("*.jsonl") if p != recovered)
    assert report(own)["stats"]["export/recovered_bad_lines"] == 2
    assert report(own)["stats"]["export/recovered_items"] == 3


# --- exit codes ----------------------------------------------------------------------------


def test_every_exit_code_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\d+)` \| ([^|]+?) \|", readme, flags=re.M))
    assert {int(code) for code in rows} == set(exitcodes.MEANING)
    for code, meaning in exitcodes.MEANING.items():
        assert rows[str(code)].lower().startswith(meaning.lower()), (code, rows[str(code)])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["nosuchsite"], "no spider named 'nosuchsite'"),
        (["vetogate", "-a", "since=garbage"], "since='garbage'"),
        (["vetogate", "-a", "max_pages=abc"], "max_pages='abc'"),
        (["vetogate", "-a", "since=2999-01-01"], "the window would be empty"),
        (["vetogate", "-a", "since="], "since is empty"),
        (["vetogate", "-a", "max_pages=-1"], "max_pages='-1'"),
        (["news"], "needs -a urls="),
        (["news", "-a", "urls=http://[::1/broken"], "is not an http(s) URL"),
    ],
    ids=["unknown-spider", "since-garbage", "max-pages-abc", "since-future", "since-empty",
         "max-pages-negative", "news-without-urls", "news-bad-url"],
)  # fmt: skip
def test_bad_command_lines_give_one_line_and_exit_2(
    tmp_path: Path, args: list[str], says: str
) -> None:
    proc = scrapy("crawl", *args, *state_args(tmp_path), timeout=60)
    assert proc.returncode == exitcodes.USAGE, proc.stderr[-3000:]
    assert lines_of(proc.stderr) == [lines_of(proc.stderr)[0]]
    assert says in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "output").exists()  # refused before anything started


def test_a_crawl_that_fetched_nothing_exits_3(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on: every request is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = scrapy("crawl", "news", "-a", f"urls=http://127.0.0.1:{port}/", *state_args(tmp_path))
    assert proc.returncode == exitcodes.FETCHED_NOTHING, proc.stderr[-3000:]
    last = lines_of(proc.stderr)[-1]
    assert "fetched nothing" in last and "ConnectionRefusedError" in last
    # The run still leaves its (empty) file and report; the code can be read back from it, and
    # blocked-site detection's verdict, when given, is the more precise one.
    (dump,) = (tmp_path / "output").glob("*/*.jsonl")
    assert exitcodes.crawl_exit_code(report(dump)) == exitcodes.FETCHED_NOTHING
    assert exitcodes.crawl_exit_code(report(dump), blocked=True) == exitcodes.BLOCKED
    assert exitcodes.crawl_exit_code(report(dump), alarm=True) == exitcodes.FETCHED_NOTHING
    # A distributed worker whose requests all failed fetched nothing too; one that asked for no
    # page (the others drained the shared queue before it started) did nothing wrong.
    stats = report(dump)["stats"]
    assert exitcodes.crawl_exit_code({**stats, "redis/worker": "w2"}) == exitcodes.FETCHED_NOTHING
    idle = {"finish_reason": "finished", "redis/worker": "w2", "robotstxt/request_count": 1}
    assert exitcodes.crawl_exit_code({**idle, "downloader/request_count": 1}) == exitcodes.OK
    assert exitcodes.crawl_exit_code({"finish_reason": "finished"}) == exitcodes.FETCHED_NOTHING


def test_cron_line_on_a_fresh_checkout_and_a_run_with_nothing_new_exit_0(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (cron,) = re.findall(r"^\*/30 .*$", readme, flags=re.M)
    match = re.fullmatch(
        r"\*/30 \* \* \* \* cd /path/to/crawler && \.venv/bin/scrapy crawl (\w+) "
        r"--logfile (logs/\w+\.log)",
        cron,
    )
    assert match, cron
    logfile = match[2].replace(match[1], "news")
    # The working folder stands for a fresh checkout: it has no logs/ folder.
    with generic_site.serve() as (origin, _):
        runs = [
            scrapy("crawl", "news", "-a", f"urls={origin}/", "--logfile", logfile,
                   *state_args(tmp_path), cwd=tmp_path)
            for _ in range(2)
        ]  # fmt: skip
    assert [run.returncode for run in runs] == [exitcodes.OK, exitcodes.OK], runs[-1].stderr
    assert (tmp_path / logfile).stat().st_size > 0
    assert all(run.stderr == "" for run in runs)  # cron mails nothing when all is well
    written = sorted(
        (report(p)["items_written"], p) for p in site_dir(tmp_path, origin).glob("*.jsonl")
    )
    assert [n for n, _ in written] == [0, 11]  # the second run found nothing new
    assert {exitcodes.crawl_exit_code(report(p)) for _, p in written} == {exitcodes.OK}
    assert exitcodes.crawl_exit_code(report(written[0][1]), alarm=True) == exitcodes.HEALTH_ALARM


def _full_disk(limit: int) -> Any:
    def apply() -> None:
        # Writes past `limit` bytes fail with EFBIG, as they would with ENOSPC on a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize(
    ("limit", "settings", "says"),
    [
        # The output fills the disk (the state store off): the .part stops at the limit.
        (3000, ["INCREMENTAL=False", "DEDUP_ENABLED=False"], "File too large"),
        # The records fit, the state store's journal does not.
        (60_000, [], "state store failed"),
        # Not even the state store can start.
        (3000, [], None),
    ],
    ids=["output", "state-store", "at-start"],
)
def test_a_full_disk_gives_one_error_line_and_exit_4(
    tmp_path: Path, limit: int, settings: list[str], says: str | None
) -> None:
    options = [arg for setting in settings for arg in ("-s", setting)]
    with generic_site.serve() as (origin, _):
        proc = scrapy(
            "crawl", "news", "-a", f"urls={origin}/", *state_args(tmp_path),
            "-s", "EXPORT_BATCH_SIZE=2", "-s", "EXPORT_FLUSH_SECONDS=0", *options,
            preexec_fn=_full_disk(limit),
        )  # fmt: skip
    assert proc.returncode == exitcodes.EXPORT_FAILED, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == (1 if says else 0), errors
    assert says is None or says in errors[0]
    assert "export failed" in lines_of(proc.stderr)[-1]
    if settings:
        # The complete lines written before the failure wait in the .part for the next run.
        (part,) = site_dir(tmp_path, origin).glob("*.jsonl.part")
        assert part.stat().st_size == limit


def test_sigterm_is_a_forced_stop_exit_5(tmp_path: Path) -> None:
    with ArticleServer() as server:
        # 100 pages that take 1 s each: the crawl is still busy when the signal comes.
        cmd = [*scrapy_cmd(), "crawl", "news", "-a", f"urls={server.url}/index?n=100&delay=1",
               *state_args(tmp_path)]  # fmt: skip
        with open(tmp_path / "log", "wb") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while not server.article_hits() and proc.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    stderr = (tmp_path / "log").read_text(encoding="utf-8")
    assert code == exitcodes.STOPPED, stderr[-3000:]
    assert "forced stop (shutdown)" in lines_of(stderr)[-1]
    (final,) = (tmp_path / "output").glob("*/*.jsonl")  # what it wrote is complete
    assert report(final)["finish_reason"] == "shutdown"


def test_a_run_refused_by_the_lock_says_so_in_one_line(tmp_path: Path) -> None:
    with generic_site.serve() as (origin, requested):
        folder = site_dir(tmp_path, origin)
        folder.mkdir(parents=True)
        fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            proc = scrapy("crawl", "news", "-a", f"urls={origin}/", *state_args(tmp_path))
        finally:
            os.close(fd)
    assert proc.returncode == exitcodes.LOCKED, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "never retrieved" not in proc.stderr
    assert "refusing to start" in lines_of(proc.stderr)[-1]
    assert requested == [] and sorted(p.name for p in folder.iterdir()) == [".lock"]


# --- scrapy extract and scrapy clean -------------------------------------------------------

PAGE = TESTS / "pages" / "vetogate" / "seed.html"
PAGE_URL = json.loads((TESTS / "pages" / "vetogate" / "seed.json").read_text("utf-8"))["url"]


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"", "empty file"), (b" \n\t\n", "empty file"), (bytes(range(256)) * 8, "binary file"),
     (b"\x89PNG\r\n\x1a\n" + b"<html>" * 50, "binary file")],
    ids=["empty", "blank", "binary", "png"],
)  # fmt: skip
def test_extract_refuses_an_empty_or_binary_file(tmp_path: Path, content: bytes, says: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    proc = scrapy("extract", str(page), "--url", PAGE_URL)
    assert proc.returncode == 1 and proc.stdout == ""
    (line,) = lines_of(proc.stderr)
    assert line.startswith(f"scrapy extract: {page}: {says}")
    assert says in proc.stderr and "Traceback" not in proc.stderr


def test_extract_manifest_counts_empty_and_binary_pages_as_errors(tmp_path: Path) -> None:
    shutil.copy(PAGE, tmp_path / "good.html")
    (tmp_path / "empty.html").write_bytes(b"")
    # Fixed noise: random bytes opening with a byte-order mark would read as a UTF-16 page.
    (tmp_path / "binary.html").write_bytes(random.Random(7).randbytes(4096))
    manifest = tmp_path / "pages.jsonl"
    manifest.write_text(
        "".join(
            json.dumps({"id": name, "path": f"{name}.html", "url": PAGE_URL}) + "\n"
            for name in ("empty", "good", "binary")
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    proc = scrapy("extract", "--manifest", str(manifest), "-o", str(out))
    assert proc.returncode == 1
    results = {r["id"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert "empty file" in results["empty"]["error"]
    assert "binary file" in results["binary"]["error"]
    assert "error" not in results["good"] and results["good"]["body"]
    assert "extract: 1 records, 2 errors" in proc.stderr


def test_random_bytes_are_always_binary_and_text_with_stray_control_bytes_is_not() -> None:
    rng = random.Random(11)
    for _ in range(300):  # the old limit of one control byte in ten let 1 in 40 through
        with pytest.raises(NotAPage, match="binary file"):
            check_page(b"<" + rng.randbytes(4095))
    page = PAGE.read_bytes()
    check_page(page[:2000] + b"\x00\x0b\x1b" * 5 + page[2000:])


def test_clean_passes_a_non_utf8_line_through_and_reports_it(tmp_path: Path) -> None:
    good = json.dumps({"url": PAGE_URL, "body": "إعلان\nنص الخبر كما هو."}, ensure_ascii=False)
    # A record written by an old tool in Windows-1256: valid JSON, but not UTF-8.
    legacy = json.dumps({"url": PAGE_URL, "body": "نص قديم"}, ensure_ascii=False).encode("cp1256")
    source = tmp_path / "dump.jsonl"
    source.write_bytes(good.encode() + b"\n" + legacy + b"\n" + good.encode() + b"\n")
    out = tmp_path / "clean.jsonl"
    proc = scrapy("clean", str(source), "-o", str(out))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "1 invalid lines passed through" in proc.stderr
    assert "line 2: not UTF-8" in proc.stderr
    cleaned = out.read_bytes().split(b"\n")
    assert cleaned[1] == legacy  # byte for byte
    assert json.loads(cleaned[0])["body"] == json.loads(cleaned[2])["body"] == "نص الخبر كما هو."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.jsonl", "dump.jsonl"]


def test_clean_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "dump.jsonl"
    source.write_text('{"body": "نص"}\n', encoding="utf-8")
    proc = scrapy("clean", str(source), "-o", str(tmp_path / "nowhere" / "clean.jsonl"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"the output folder {tmp_path / 'nowhere'} does not exist" in proc.stderr


# --- a checkout left as it was found ------------------------------------------------------


def test_scrapy_parse_creates_no_state_folder(tmp_path: Path) -> None:
    with generic_site.serve() as (origin, requested):
        proc = scrapy(
            "parse", "--spider", "news", "-a", f"urls={origin}/", f"{origin}/",
            "-s", f"OUTPUT_DIR={tmp_path / 'output'}", cwd=tmp_path,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "/" in requested
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@contextmanager
def held_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder/.lock`` as a running crawl would; remove what this created afterwards."""
    created = [p for p in (folder.parent, folder) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / ".lock"
    had_lock = lock.exists()
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)
        if not had_lock:
            lock.unlink()
        for path in reversed(created):
            path.rmdir()


def test_demo_writes_to_its_own_folder_beside_a_running_crawl() -> None:
    had_demo_output = (ROOT / "demo-output").exists()
    # A real crawl of vetogate holds output/vetogate/.lock all along.
    with held_lock(ROOT / "output" / "vetogate"):
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.demo"],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        assert sorted(p.name for p in (ROOT / "output" / "vetogate").iterdir()) == [".lock"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    path = Path(proc.stdout.strip().splitlines()[-1])
    try:
        assert path.parent == ROOT / "demo-output" / "vetogate"
        assert path.read_text(encoding="utf-8").strip()
    finally:
        # Leave the checkout as it was: only this run's file and report, and the folders if
        # this run made them.
        path.with_name(path.name + ".report.json").unlink()
        path.unlink()
        if not had_demo_output:
            shutil.rmtree(ROOT / "demo-output")


def test_make_says_which_python_it_needs(tmp_path: Path) -> None:
    for name in ("Makefile", "requirements.txt", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    cases = [
        (["PYTHON_MIN=3.99"], "needs Python 3.99 or newer; python3 is Python 3."),
        (["PYTHON=/no/python3"], "needs Python 3.11 or newer; /no/python3 is not found"),
    ]
    for args, says in cases:
        proc = subprocess.run(
            ["make", "install", *args],
            cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        assert proc.returncode != 0
        assert says in lines_of(proc.stderr)[0], proc.stderr
        assert not (tmp_path / ".venv").exists()
