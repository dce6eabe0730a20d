"""Crash-safe export: kills, graceful stops, locking, run reports and -o/-O, with real crawls."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, validate_record
from export_helpers import (
    SITE,
    ArticleServer,
    crawl_command,
    read_lines,
    read_side_log,
    run,
    start,
    wait_for,
)
from jsonschema import Draft202012Validator

from pipelines.export import RUN_FILE_RE, recover_part_file, trim_partial_tail

REPORT_VALIDATOR = Draft202012Validator(
    json.loads((ROOT / "schema" / "run-report.schema.json").read_text(encoding="utf-8"))
)


@pytest.fixture(scope="module")
def server() -> Iterator[ArticleServer]:
    with ArticleServer() as srv:
        yield srv


def finals(out: Path) -> list[Path]:
    return sorted((out / SITE).glob("*.jsonl"))


def report_of(path: Path) -> dict[str, Any]:
    report = json.loads(path.with_name(path.name + ".report.json").read_text(encoding="utf-8"))
    errors = [e.message for e in REPORT_VALIDATOR.iter_errors(report)]
    assert not errors, errors
    return report


# --- recovery and tail trimming on crafted files -------------------------------------------

GOOD = [b'{"id": "a", "title": "\xd8\xae\xd8\xa8\xd8\xb1"}\n', b'{"id": "b"}\n']


def test_recovery_keeps_every_complete_line_and_renames(tmp_path: Path) -> None:
    part = tmp_path / "s-20250101T000000Z-0a1b2c3d.jsonl.part"
    # A newline-terminated line that is not JSON is skipped; the good line after it is kept.
    part.write_bytes(b"".join(GOOD) + b'{"id": "c", "ti\n{"id": "d"}\n{"id": "e", "bo')
    announced: list[list[dict[str, Any]]] = []
    rec = recover_part_file(part, announced.append, chunk=1)
    final = tmp_path / "s-20250101T000000Z-0a1b2c3d.jsonl"
    assert rec.final == final and not part.exists()
    assert final.read_bytes() == b"".join(GOOD) + b'{"id": "d"}\n'
    assert rec.items == 3 and rec.bad_lines == 2
    assert rec.bytes_cut == len(b'{"id": "c", "ti\n{"id": "e", "bo')
    assert [[r["id"] for r in batch] for batch in announced] == [["a"], ["b"], ["d"]]


def test_trim_partial_tail_cuts_back_to_the_last_record(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"".join(GOOD) + b"not json\n" + b'{"id": "x", "bo')
    assert trim_partial_tail(path) == len(b"not json\n" + b'{"id": "x", "bo')
    assert path.read_bytes() == b"".join(GOOD)
    assert trim_partial_tail(path) == 0
    assert trim_partial_tail(tmp_path / "missing.jsonl") == 0


def test_next_start_recovers_and_announces_a_killed_runs_part(
    tmp_path: Path, server: ArticleServer
) -> None:
    out, side, log = tmp_path / "out", tmp_path / "durable.log", tmp_path / "crawl.log"
    (out / SITE).mkdir(parents=True)
    killed = out / SITE / f"{SITE}-20250101T000000Z-0badc0de.jsonl.part"
    records = [{"run_id": "0badc0de", "id": f"r{i}", "title": "خبر"} for i in range(2)]
    torn = b'{"run_id": "0badc0de", "id": "r2", "ti'
    killed.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records) + torn)
    empty = out / SITE / f"{SITE}-20250101T000001Z-0badc0df.jsonl.part"
    empty.touch()
    # Killed after renaming its file but before writing its report.
    unreported = out / SITE / f"{SITE}-20250101T000002Z-0badc0e0.jsonl"
    unreported.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records))

    assert run(crawl_command(server, out, durable_log=side, pages=2), log) == 0
    assert not killed.exists() and not empty.exists()
    recovered = out / SITE / f"{SITE}-20250101T000000Z-0badc0de.jsonl"
    assert read_lines(recovered) == records
    report = report_of(recovered)
    assert report["status"] == "recovered" and report["run_id"] == "0badc0de"
    assert report["items_written"] == 2 and report["bytes_cut"] == len(torn)
    recovered_empty = out / SITE / f"{SITE}-20250101T000001Z-0badc0df.jsonl"
    assert recovered_empty.read_bytes() == b""
    assert report_of(recovered_empty)["items_written"] == 0
    late = report_of(unreported)
    assert late["status"] == "recovered" and late["run_id"] == "0badc0e0"
    assert late["items_written"] == 2 and late["bytes_cut"] == 0
    assert read_lines(unreported) == records
    [new] = [p for p in finals(out) if p not in (recovered, recovered_empty, unreported)]
    assert report["recovered"]["by_run_id"] == RUN_FILE_RE.match(new.name)["run_id"]
    announced = [(e["run_id"], e["id"]) for e in read_side_log(side) if e["recovered"]]
    # The unreported file's records were announced by its own run, before its rename.
    assert announced == [("0badc0de", "r0"), ("0badc0de", "r1")]
    assert "Recovered 2 complete records of a killed run" in log.read_text(encoding="utf-8")


# --- done when 1: SIGKILL at random moments ------------------------------------------------

KILLS = 20


def opened_new_part(out: Path, before: set[Path], proc: subprocess.Popen[bytes]) -> bool:
    return bool(set((out / SITE).glob("*.part")) - before) or proc.poll() is not None


def test_sigkill_at_random_moments_loses_and_repeats_nothing(
    tmp_path: Path, server: ArticleServer
) -> None:
    seed = time.time_ns()
    rng = random.Random(seed)
    out, side, log = tmp_path / "out", tmp_path / "durable.log", tmp_path / "crawl.log"
    cmd = crawl_command(
        server,
        out,
        durable_log=side,
        pages=30,
        delay=0.04,
        settings={
            "EXPORT_BATCH_SIZE": 3,
            "EXPORT_FLUSH_SECONDS": 0.2,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        },
    )
    for _ in range(KILLS):
        parts_before = set((out / SITE).glob("*.part"))
        proc = start(cmd, log)
        if rng.random() < 0.75:
            # Mid-crawl: once this run has opened its own .part, after some of its batches.
            wait_for(partial(opened_new_part, out, parts_before, proc))
            time.sleep(rng.uniform(0, 0.7))
        else:
            # Anywhere from start-up and recovery to the first records.
            time.sleep(rng.uniform(0.2, 1.5))
        proc.kill()
        proc.wait()
        for path in finals(out):
            read_lines(path)  # fails on a partial line under a final name
    assert run(cmd, log) == 0, f"seed {seed}"  # this start recovers the last killed run

    assert not list((out / SITE).glob("*.part")), f"seed {seed}"
    written: list[tuple[str, str]] = []
    recovered_with_records = 0
    for path in finals(out):
        run_id = RUN_FILE_RE.match(path.name)["run_id"]
        records = read_lines(path)
        assert {r["run_id"] for r in records} <= {run_id}
        written += [(r["run_id"], r["id"]) for r in records]
        report = report_of(path)
        assert report["items_written"] == len(records)
        recovered_with_records += report["status"] == "recovered" and len(records) > 0
    assert len(written) == len(set(written)), f"a record is in the output twice (seed {seed})"
    announced = {(e["run_id"], e["id"]) for e in read_side_log(side)}
    # Every record announced durable is in a final file, and nothing else is.
    assert announced == set(written), f"seed {seed}"
    # The kills really landed mid-crawl, with records to recover.
    assert recovered_with_records >= 5, f"seed {seed}"


# --- done when 2: SIGTERM and SIGINT finish the batch and rename ---------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_stop_writes_the_pending_batch_and_renames(
    tmp_path: Path, server: ArticleServer, sig: signal.Signals
) -> None:
    out, side, log = tmp_path / "out", tmp_path / "durable.log", tmp_path / "crawl.log"
    # One batch for the whole run and no timer: only the stop can write the records.
    cmd = crawl_command(
        server,
        out,
        durable_log=side,
        pages=40,
        delay=0.1,
        settings={
            "EXPORT_BATCH_SIZE": 1000,
            "EXPORT_FLUSH_SECONDS": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        },
    )
    hits = server.article_hits()
    proc = start(cmd, log)
    assert wait_for(lambda: server.article_hits() - hits >= 6)
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == 0
    [path] = finals(out)
    assert not list((out / SITE).glob("*.part"))
    records = read_lines(path)
    report = report_of(path)
    assert report["finish_reason"] == "shutdown"
    assert 0 < len(records) < 40
    assert report["items_written"] == report["items_scraped"] == len(records)
    assert report["batches"] == 1
    assert sorted(e["id"] for e in read_side_log(side)) == sorted(r["id"] for r in records)


# --- done when 3: runs in the same second, and the lock ------------------------------------


def test_second_concurrent_run_of_a_site_refuses(tmp_path: Path, server: ArticleServer) -> None:
    out = tmp_path / "out"
    slow = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1}  # about 9 s: it is stopped once checked
    first = start(
        crawl_command(server, out, pages=30, delay=0.3, settings=slow), tmp_path / "first.log"
    )
    assert wait_for(lambda: bool(list((out / SITE).glob("*.part"))))
    second_log = tmp_path / "second.log"
    assert run(crawl_command(server, out, pages=2), second_log) != 0
    assert first.poll() is None  # the first run was still writing all along
    assert "refusing to start" in second_log.read_text(encoding="utf-8")
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=30) == 0
    [path] = finals(out)  # the refused run wrote nothing
    assert report_of(path)["items_written"] == len(read_lines(path)) > 0


def test_runs_started_in_the_same_second_write_two_files(
    tmp_path: Path, server: ArticleServer
) -> None:
    same_second = False
    for attempt in range(3):
        out = tmp_path / f"out{attempt}"
        cmd = crawl_command(server, out, pages=3, settings={"EXPORT_LOCK_WAIT": 30})
        procs = [start(cmd, tmp_path / f"run{attempt}-{i}.log") for i in range(2)]
        assert [p.wait(timeout=60) for p in procs] == [0, 0]
        paths = finals(out)
        assert len(paths) == 2
        reports = sorted((report_of(p) for p in paths), key=lambda r: r["finished_at"])
        assert reports[0]["run_id"] != reports[1]["run_id"]
        # The second waited for the lock and wrote only after the first had finished.
        acquired = datetime.fromisoformat(reports[1]["started_at"]).timestamp()
        acquired += reports[1]["lock"]["waited_seconds"]
        assert acquired >= datetime.fromisoformat(reports[0]["finished_at"]).timestamp()
        for path, report in zip(paths, (report_of(p) for p in paths), strict=True):
            assert {r["run_id"] for r in read_lines(path)} == {report["run_id"]}
        stamps = {RUN_FILE_RE.match(p.name)["stamp"] for p in paths}
        if len(stamps) == 1:
            same_second = True
            break
    assert same_second, "the two runs never started within one second"


# --- done when 4: the run report -----------------------------------------------------------


def test_run_report_validates_and_matches_the_file(tmp_path: Path, server: ArticleServer) -> None:
    out, side, log = tmp_path / "out", tmp_path / "durable.log", tmp_path / "crawl.log"
    cmd = crawl_command(
        server,
        out,
        durable_log=side,
        pages=12,
        settings={"EXPORT_BATCH_SIZE": 3},
        args={"missing": "3", "boom": "5", "drop": "7,8"},
    )
    assert run(cmd, log) == 0
    [path] = finals(out)
    m = RUN_FILE_RE.match(path.name)
    assert m and m["site"] == SITE
    data = path.read_bytes()
    assert "مكتبة".encode() in data and b"\\u06" not in data  # Arabic as characters
    records = read_lines(path)
    for record in records:
        validate_record(record)
    report = report_of(path)

    assert report["status"] == "finished" and report["finish_reason"] == "finished"
    assert report["run_id"] == m["run_id"] == records[0]["run_id"]
    assert {r["run_id"] for r in records} == {m["run_id"]}
    assert report["site"] == SITE
    assert report["output_file"] == str(path)
    assert report["write_mode"] == "part-rename"
    # 12 links: one 404, one spider error, two dropped, eight written.
    assert len(records) == report["items_written"] == report["items_scraped"] == 8
    assert report["batches"] == 3
    assert report["stats"]["export/items_written"] == 8
    assert report["pages_fetched"] == report["stats"]["response_received_count"] == 13
    assert report["items_dropped"] == {
        "total": 2,
        "by_reason": {"testdrop/dropped": 2},
        "by_exception": {"DropItem": 2},
    }
    assert report["errors"]["by_kind"] == {"spider/ValueError": 1, "http/404": 1}
    assert report["errors"]["log_errors"] >= 1
    assert report["started_at"] < report["finished_at"]
    # items_durable announced exactly the records of the file.
    assert sorted(e["id"] for e in read_side_log(side)) == sorted(r["id"] for r in records)
    summary = [line for line in log.read_text(encoding="utf-8").splitlines() if "Run " in line]
    assert any(f"Run {m['run_id']} of {SITE} finished" in line for line in summary)
    assert any("8 items written in 3 batches" in line for line in summary)


# --- -o and -O -----------------------------------------------------------------------------


def test_dash_o_appends_complete_lines_after_cutting_a_partial_one(
    tmp_path: Path, server: ArticleServer
) -> None:
    out, target = tmp_path / "out", tmp_path / "mine.jsonl"
    partial = '{"id": "torn", "title": "خبر'.encode()
    target.write_bytes(b"".join(GOOD) + partial)
    assert (
        run(crawl_command(server, out, pages=3, extra=["-o", str(target)]), tmp_path / "a.log") == 0
    )
    data = target.read_bytes()
    assert data.startswith(b"".join(GOOD))
    records = read_lines(target)
    assert len(records) == 2 + 3
    assert [r["id"] for r in records[:2]] == ["a", "b"]
    report = report_of(target)
    assert report["write_mode"] == "append"
    assert report["bytes_cut"] == len(partial)
    assert report["items_written"] == 3
    assert {r["run_id"] for r in records[2:]} == {report["run_id"]}
    # -o replaces the project's run file: nothing was written under OUTPUT_DIR.
    assert finals(out) == []


def test_dash_big_o_replaces_the_file_whole(tmp_path: Path, server: ArticleServer) -> None:
    out, target = tmp_path / "out", tmp_path / "mine.jsonl"
    target.write_bytes(b"".join(GOOD))
    assert (
        run(crawl_command(server, out, pages=3, extra=["-O", str(target)]), tmp_path / "a.log") == 0
    )
    records = read_lines(target)
    assert len(records) == 3 and "a" not in {r["id"] for r in records}
    assert not target.with_name(target.name + ".part").exists()
    assert report_of(target)["write_mode"] == "part-rename"
    assert finals(out) == []


def test_dash_big_o_keeps_a_killed_runs_part_in_a_file_of_its_own(
    tmp_path: Path, server: ArticleServer
) -> None:
    out, target, side = tmp_path / "out", tmp_path / "mine.jsonl", tmp_path / "durable.log"
    target.write_bytes(b"".join(GOOD))
    killed = [{"run_id": "0badc0de", "id": f"k{i}", "title": "خبر"} for i in range(2)]
    target.with_name(target.name + ".part").write_bytes(
        b"".join(json.dumps(r).encode() + b"\n" for r in killed) + b'{"id": "k2", "ti'
    )
    cmd = crawl_command(server, out, durable_log=side, pages=3, extra=["-O", str(target)])
    assert run(cmd, tmp_path / "a.log") == 0
    assert len(read_lines(target)) == 3
    kept = tmp_path / "mine.recovered-1.jsonl"
    # The killed run's records were announced durable: they are kept, not truncated away.
    assert read_lines(kept) == killed
    assert report_of(kept)["status"] == "recovered"
    announced = [e["id"] for e in read_side_log(side) if e["recovered"]]
    assert announced == ["k0", "k1"]
    assert not target.with_name(target.name + ".part").exists()
