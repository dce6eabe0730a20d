"""The state store on real SQLite files: what it remembers, concurrent writers, and a writer
killed in the middle of its work."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from crawler.state import ArticleRecord, BandIndex, SQLiteStateStore

ROOT = Path(__file__).resolve().parent.parent


def chash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def record(n: int, **kw: object) -> ArticleRecord:
    fields: dict[str, object] = {
        "canonical_url": f"https://www.vetogate.com/{4000000 + n}",
        "content_hash": chash(f"text {n}"),
    }
    fields.update(kw)
    return ArticleRecord(**fields)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStateStore:
    s = SQLiteStateStore(tmp_path / "state" / "crawler.sqlite3")
    yield s
    s.close()


def test_file_is_created_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "state.sqlite3"
    SQLiteStateStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_lookup_after_record(store: SQLiteStateStore) -> None:
    assert store.lookup(record(1).canonical_url) is None
    assert (
        store.record_articles([record(1, lastmod="2024-05-01T10:00:00+03:00", site="vetogate")])
        == 1
    )
    seen = store.lookup(record(1).canonical_url)
    assert seen is not None
    assert (seen.content_hash, seen.version, seen.lastmod) == (
        chash("text 1"),
        1,
        "2024-05-01T10:00:00+03:00",
    )
    assert seen.cluster_root == record(1).canonical_url


def test_a_newer_version_replaces_an_older_one_never_the_reverse(store: SQLiteStateStore) -> None:
    url = record(1).canonical_url
    store.record_articles([record(1)])
    assert store.record_articles([record(1, content_hash=chash("v2"), version=2)]) == 0
    store.record_articles([record(1, content_hash=chash("stale"), version=2)])
    store.record_articles([record(1, content_hash=chash("old"), version=1)])
    seen = store.lookup(url)
    assert seen is not None
    assert (seen.version, seen.content_hash) == (2, chash("v2"))
    # Both texts the article ever had point back to it.
    for text in ("text 1", "v2"):
        found = store.lookup_fingerprint(chash(text))
        assert found is not None and found.canonical_url == url


def test_a_fingerprint_belongs_to_the_first_article(store: SQLiteStateStore) -> None:
    same = chash("one wire story")
    store.record_articles([record(1, content_hash=same)])
    store.record_articles([record(2, content_hash=same, duplicate_of=record(1).canonical_url)])
    first = store.lookup_fingerprint(same)
    assert first is not None and first.canonical_url == record(1).canonical_url
    second = store.lookup(record(2).canonical_url)
    assert second is not None and second.cluster_root == record(1).canonical_url
    assert (
        store.record_fingerprint(chash("retold"), record(2).canonical_url)
        == record(2).canonical_url
    )
    assert (
        store.record_fingerprint(chash("retold"), record(1).canonical_url)
        == record(2).canonical_url
    )
    with pytest.raises(KeyError):
        store.record_fingerprint(chash("x"), "https://www.vetogate.com/never-recorded")


def test_near_candidates_by_shared_bands_within_the_window(store: SQLiteStateStore) -> None:
    now = time.time()
    sig = bytes(range(16))
    old = record(1, signature=sig, features=b"old", band_keys=[11, 12, 13])
    store.record_articles([old], now=now - 40 * 86400)
    store.record_articles(
        [
            record(2, signature=sig, features=b"two", band_keys=[11, 22, 23]),
            record(3, signature=sig, features=b"three", band_keys=[11, 12, 33]),
            record(4, band_keys=[11, 12, 13]),  # no signature: never a candidate
        ],
        now=now,
    )
    found = store.near_candidates([11, 12, 13], since=now - 30 * 86400)
    assert [c.features for c in found] == [b"three", b"two"]  # two bands shared, then one
    assert found[0].signature == sig
    everything = store.near_candidates([11, 12, 13], since=0)
    assert [c.features for c in everything] == [b"old", b"three", b"two"]
    assert [c.features for c in store.near_candidates([11, 12, 13], 0, limit=1)] == [b"old"]
    assert store.near_candidates([99], since=0) == []


def test_prune_forgets_old_fingerprints_but_not_urls(store: SQLiteStateStore) -> None:
    now = time.time()
    store.record_articles([record(1, signature=b"s", band_keys=[5])], now=now - 40 * 86400)
    store.record_articles([record(2, signature=b"s", band_keys=[5])], now=now)
    assert len(store.near_candidates([5], since=0)) == 2
    assert store.prune(now - 30 * 86400) == 1
    assert [c.canonical_url for c in store.near_candidates([5], since=0)] == [
        record(2).canonical_url
    ]
    assert store.lookup(record(1).canonical_url) is not None


def test_a_second_connection_sees_new_rows_in_its_index(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    reader, writer = SQLiteStateStore(path), SQLiteStateStore(path)
    try:
        assert reader.near_candidates([7], since=0) == []
        writer.record_articles([record(1, signature=b"s", band_keys=[7])])
        assert [c.canonical_url for c in reader.near_candidates([7], since=0)] == [
            record(1).canonical_url
        ]
    finally:
        reader.close()
        writer.close()


def test_band_index_matches_a_plain_dict() -> None:
    rng = np.random.default_rng(3)
    index = BandIndex()
    # Keyed by folded key, the index's own notion of equal keys; one raw key to ask with.
    truth: dict[int, set[int]] = {}
    raw: dict[int, int] = {}
    hot = -5
    for article in range(1, 3001):
        keys = rng.integers(-(2**63), 2**63 - 1, size=6, dtype=np.int64)
        keys[0] = rng.integers(-50, 50) if article % 3 else hot  # shared and crowded keys
        for key, folded in zip(keys.tolist(), BandIndex.fold(keys).tolist(), strict=True):
            truth.setdefault(folded, set()).add(article)
            raw[folded] = key
        index.add(article, keys)
        if article % 700 == 0:
            index.query([0], 1)  # merges what was added so far
    hot_folded = int(BandIndex.fold([hot])[0])
    for folded, articles in truth.items():
        if folded != hot_folded:
            assert set(index.query([raw[folded]], 10_000)) == articles
    newest = index.query([hot], 5)
    assert newest == sorted(truth[hot_folded], reverse=True)[:5]
    # Sharing two keys ranks above sharing one, whatever the age; a crowded key is read from
    # its newest end only, at most ``limit`` of it.
    old = min(truth[hot_folded])
    own = next(raw[k] for k, v in truth.items() if v == {old} and k != hot_folded)
    assert index.query([hot, own], 2000)[0] == old
    assert old not in index.query([hot, own], 3)


WRITER = """
import sys, hashlib, time
from crawler.state import ArticleRecord, SQLiteStateStore
name, count, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = SQLiteStateStore(sys.argv[4])
while time.time() < float(sys.argv[5]):  # both writers start together
    time.sleep(0.005)
for start in range(0, count, batch):
    records = [
        ArticleRecord(
            f"https://{name}.example/{n}",
            hashlib.sha256(f"{name} {n}".encode()).hexdigest(),
            signature=b"sig", features=b"", band_keys=[n, -n],
        )
        for n in range(start, min(count, start + batch))
    ]
    store.record_articles(records)
    assert store.lookup(records[-1].canonical_url) is not None
    store.near_candidates([start], since=0)
    print(min(count, start + batch), flush=True)
store.close()
"""


def writer(
    name: str, count: int, batch: int, path: Path, start: float = 0.0
) -> subprocess.Popen[str]:
    args = [name, str(count), str(batch), str(path), str(start)]
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_write_one_store_at_once(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    start = time.time() + 1.0
    procs = [writer(name, 1000, 2, path, start) for name in ("youm7", "masrawy")]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "locked" not in err and out.split()[-1] == "1000"
    store = SQLiteStateStore(path)
    try:
        assert store.count_articles() == 2000
        for name in ("youm7", "masrawy"):
            for n in (0, 499, 999):
                assert store.lookup(f"https://{name}.example/{n}") is not None
    finally:
        store.close()


def test_store_survives_a_writer_killed_mid_write(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    # Large transactions, so that the kill most likely lands inside one.
    proc = writer("killed", 10**9, 500, path)
    assert proc.stdout is not None
    committed = 0
    while committed < 3000:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        committed = int(line)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = SQLiteStateStore(path)
    try:
        # Every batch reported as committed is there, and no batch is there in part.
        total = store.count_articles()
        assert total >= committed and total % 500 == 0
        for n in (0, committed // 2, committed - 1):
            assert store.lookup(f"https://killed.example/{n}") is not None
        store.record_articles([record(1)])
        assert store.lookup(record(1).canonical_url) is not None
    finally:
        store.close()
