"""Distributed crawling on a real redis-server: three workers share one crawl, a worker killed
with SIGKILL loses nothing, copies decided at once on two workers are linked, and the Redis store
gives the records the SQLite store gives."""

from __future__ import annotations

import collections
import hashlib
import json
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
import redis
from conftest import ROOT
from jsonschema import Draft202012Validator
from redis_helpers import records, redis_server, start_worker, tripwire_proxy, worker_command
from scrapy import Request
from scrapy.settings import Settings
from wire_site import WireSite, build, serve

from crawler import settings as project_settings
from crawler.distributed import _REQUEUE, CanonicalDupeFilter
from crawler.state import ArticleRecord, SQLiteStateStore
from crawler.state_redis import _RECORD, RedisStateStore
from crawler.stores import RedisAddon, open_state_store
from pipelines.dedup import Fingerprint, analyse_text, near_duplicate_score

REPORT_VALIDATOR = Draft202012Validator(
    json.loads((ROOT / "schema" / "run-report.schema.json").read_text(encoding="utf-8"))
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(server: str) -> str:
    client = redis.Redis.from_url(server)
    client.flushall()
    client.close()
    return server


def _by_path(recs: list[dict[str, Any]]) -> collections.Counter[str]:
    return collections.Counter(urlsplit(r["url"]).path for r in recs)


def _assert_one_cluster_per_story(site: WireSite, recs: list[dict[str, Any]]) -> None:
    clusters: dict[int, set[str]] = collections.defaultdict(set)
    roots: collections.Counter[int] = collections.Counter()
    for rec in recs:
        story = site.story[urlsplit(rec["url"]).path]
        clusters[story].add(rec["cluster_id"])
        roots[story] += rec["duplicate_of"] is None
    split = {story: ids for story, ids in clusters.items() if len(ids) != 1}
    assert not split, f"stories split over clusters: {list(split.items())[:3]}"
    assert set(roots.values()) == {1}, "every story has exactly one first article"
    assert sum(1 for r in recs if r["duplicate_of"]) == site.copies


def _assert_run_over(url: str) -> None:
    client = redis.Redis.from_url(url)
    keys = client.keys("crawler:news-*")
    client.close()
    # Queue, processing sets, workers, heartbeats and dupefilter are gone with the last worker.
    assert keys == []


def test_three_workers_share_one_crawl(tmp_path: Path, redis_url: str) -> None:
    site = build(1000)
    with serve(site) as origin:
        procs = [
            start_worker(worker_command(origin, tmp_path, redis_url, f"w{i}"), tmp_path / f"w{i}")
            for i in range(3)
        ]
        for proc in procs:
            assert proc.wait(timeout=240) == 0
    recs = records(tmp_path)
    counts = _by_path(recs)
    assert set(counts) == set(site.articles)
    assert set(counts.values()) == {1}, "every article exactly once in the union"
    _assert_one_cluster_per_story(site, recs)
    files = (tmp_path / "output").glob("*/*.jsonl")
    assert sorted(p.name.rsplit("-", 1)[1] for p in files) == ["w0.jsonl", "w1.jsonl", "w2.jsonl"]
    reports = [json.loads(p.read_text()) for p in (tmp_path / "output").glob("*/*.report.json")]
    assert len(reports) == 3
    for report in reports:
        REPORT_VALIDATOR.validate(report)
        assert report["finish_reason"] == "finished" and report["items_written"] > 0
    assert sum(r["items_written"] for r in reports) == 1000
    _assert_run_over(redis_url)


def test_worker_killed_with_sigkill_and_restarted_loses_nothing(
    tmp_path: Path, redis_url: str
) -> None:
    site = build(1000)
    output = tmp_path / "output"
    with serve(site) as origin:
        cmds = [worker_command(origin, tmp_path, redis_url, f"w{i}") for i in range(3)]
        procs = [start_worker(cmd, tmp_path / f"w{i}") for i, cmd in enumerate(cmds)]
        deadline = time.monotonic() + 120
        # Killed once it has written records and holds requests in flight.
        while not any(p.stat().st_size for p in output.glob("*/*-w1.jsonl.part")):
            assert time.monotonic() < deadline and procs[1].poll() is None
            time.sleep(0.02)
        procs[1].kill()
        procs[1].wait()
        assert list(output.glob("*/*-w1.jsonl.part")), "the killed worker left its .part"
        procs[1] = start_worker(cmds[1], tmp_path / "w1")
        for proc in procs:
            assert proc.wait(timeout=240) == 0
    log = (tmp_path / "w1").read_text(encoding="utf-8")
    assert "requests of this worker's killed run back into the queue" in log
    assert "Recovered" in log
    recs = records(tmp_path)
    counts = _by_path(recs)
    assert set(counts) == set(site.articles)
    assert set(counts.values()) == {1}, [p for p, c in counts.items() if c > 1][:5]
    _assert_one_cluster_per_story(site, recs)
    _assert_run_over(redis_url)


def _crawl_two_editions(out: Path, redis_url: str) -> dict[str, list[dict[str, Any]]]:
    """One site crawled through the SQLite store and through the Redis store (side by side),
    then re-crawled whole (same stores, same output folders) after every 10th article changed."""
    site = build(200, seed=3)
    stores = {"sqlite": None, "redis": redis_url}
    with serve(site) as origin:
        for edition in range(2):
            if edition:
                site.update()
            more = {"INCREMENTAL": False} if edition else {}
            procs = [
                start_worker(
                    worker_command(origin, out / name, url, "solo", **more), out / f"{name}.log"
                )
                for name, url in stores.items()
            ]
            assert [p.wait(timeout=120) for p in procs] == [0, 0]
    return {name: records(out / name) for name in stores}


def _shape(recs: list[dict[str, Any]]) -> tuple[set[tuple[str, int]], set[frozenset[str]]]:
    """(id, version) of every record, and the clusters as sets of ids."""
    clusters: dict[str, set[str]] = collections.defaultdict(set)
    for rec in recs:
        clusters[rec["cluster_id"]].add(rec["id"])
    return {(r["id"], r["version"]) for r in recs}, {frozenset(c) for c in clusters.values()}


def test_sqlite_and_redis_stores_give_the_same_records(tmp_path: Path, redis_url: str) -> None:
    crawled = _crawl_two_editions(tmp_path, redis_url)
    versions, clusters = _shape(crawled["sqlite"])
    assert sum(1 for _, v in versions if v == 2) == 20, "the changed articles are new versions"
    assert len(versions) == 220 and len(clusters) == 180
    assert _shape(crawled["redis"]) == (versions, clusters)


def _store_records() -> list[ArticleRecord]:
    first = analyse_text("عنوان الخبر الأول", " ".join(f"كلمة{i} نص" for i in range(40)))
    assert first is not None
    fp = first.fingerprint
    return [
        ArticleRecord(
            "https://a.example/1", "ab" * 32, 1, "a", "2026-11-01", None,
            fp.signature_bytes(), fp.features_bytes(), fp.band_keys,
        ),
        ArticleRecord("https://a.example/2", "cd" * 32, 1, "a", None, "https://a.example/1"),
        ArticleRecord("https://a.example/1", "ef" * 32, 2, "a", "2026-11-02"),
        ArticleRecord("https://a.example/1", "00" * 32, 1, "a"),  # older version: ignored
    ]  # fmt: skip


def test_redis_store_answers_as_the_sqlite_store(tmp_path: Path, redis_url: str) -> None:
    stores = [SQLiteStateStore(tmp_path / "s.sqlite3"), RedisStateStore(redis_url)]
    answers = []
    for store in stores:
        assert store.record_articles(_store_records(), now=1000.0) == 2
        assert store.record_articles(_store_records()[:1], now=1001.0) == 0  # idempotent
        keys = _store_records()[0].band_keys
        cands = store.near_candidates(keys, since=0.0)
        store.set_meta("k", "v")
        store.record_checked("https://a.example/2", now=1500.0)
        store.record_checked("https://a.example/2", now=1200.0)  # never moves back
        store.record_checked("https://a.example/3", now=1500.0)  # unknown: nothing recorded
        answers.append(
            (
                store.lookup("https://a.example/1"),
                store.lookup("https://a.example/2"),
                store.lookup("https://a.example/3"),
                store.lookup_fingerprint("ab" * 32),
                store.lookup_fingerprint("cd" * 32),
                store.record_fingerprint("ef" * 32, "https://a.example/2"),
                [(c.canonical_url, c.duplicate_of, c.signature) for c in cands],
                store.near_candidates(keys, since=2000.0),
                store.get_meta("k"),
            )
        )
        assert store.prune(2000.0) == 1
        assert store.near_candidates(keys, since=0.0) == []
        store.close()
    assert answers[0] == answers[1]
    assert answers[0][0].version == 2 and answers[0][3].canonical_url == "https://a.example/1"
    assert answers[0][1].last_seen == 1500.0 and answers[0][2] is None
    redis_store = RedisStateStore(redis_url)
    redis_store.save_validators(
        {"https://a.example/f": ("e1", None), "https://a.example/x": ("e2", "m")}
    )
    redis_store.delete_validators(["https://a.example/x"])  # a feed whose articles failed
    assert redis_store.get_validators() == {"https://a.example/f": ("e1", None)}
    redis_store.close()


def test_copies_decided_at_once_on_two_workers_are_linked(redis_url: str) -> None:
    body = " ".join(f"جملة{i} من خبر الوكالة عن الاجتماع" for i in range(12))
    texts = {
        "https://a.example/wire": ("اجتماع الوزراء اليوم", body),
        "https://b.example/copy": ("الوزراء في اجتماع", body + " تابعونا على موقعنا"),
    }
    both_read = threading.Barrier(2, timeout=10)
    results: dict[str, tuple[str, str]] = {}
    calls: collections.Counter[str] = collections.Counter()

    def worker(url: str) -> None:
        store = RedisStateStore(redis_url)
        item = analyse_text(*texts[url])
        assert item is not None
        fp = item.fingerprint
        rec = ArticleRecord(
            url, ("aa" if "wire" in url else "bb") * 32, 1, None, None, None,
            fp.signature_bytes(), fp.features_bytes(), fp.band_keys,
        )  # fmt: skip

        def decide(cands: list[Any]) -> str | None:
            calls[url] += 1
            if calls[url] == 1:
                both_read.wait()  # both have read the bands before either claims
            for cand in cands:
                numbers, terms = Fingerprint.parse_features(cand.features)
                sig = np.frombuffer(cand.signature, dtype="<u4")
                if near_duplicate_score(item, sig, numbers, terms) is not None:
                    return cand.duplicate_of or cand.canonical_url
            return None

        results[url] = store.claim_first(url, rec.content_hash, rec, 0.0, decide)
        store.close()

    threads = [threading.Thread(target=worker, args=(url,)) for url in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kinds = sorted(kind for kind, _ in results.values())
    assert kinds == ["near", "new"], results
    first = next(url for url, (kind, _) in results.items() if kind == "new")
    assert all(root == first for _, root in results.values())
    assert sorted(calls.values()) == [1, 2], "the loser of the race decided again"


def test_dupefilter_fingerprints_canonical_urls(redis_url: str) -> None:
    df = CanonicalDupeFilter(redis.Redis.from_url(redis_url), key="t:dupefilter")
    assert not df.request_seen(Request("https://www.youm7.com/story/2024/5/1/x/1"))
    assert df.request_seen(Request("https://m.youm7.com/story/2024/5/1/x/1?utm_source=fb#top"))
    assert not df.request_seen(Request("https://www.youm7.com/story/2024/5/1/x/2"))


def test_without_redis_url_nothing_changes(tmp_path: Path, redis_url: str) -> None:
    assert "crawler.stores.RedisAddon" in project_settings.ADDONS
    plain = Settings({"STATE_PATH": str(tmp_path / "s.sqlite3")})
    RedisAddon().update_settings(plain)
    assert plain.get("SCHEDULER") == "scrapy.core.scheduler.Scheduler"
    assert isinstance(open_state_store(plain), SQLiteStateStore)
    shared = Settings({"REDIS_URL": redis_url})
    RedisAddon().update_settings(shared)
    assert shared.get("SCHEDULER") == "crawler.distributed.RedisScheduler"
    assert shared.get("DUPEFILTER_CLASS") == "crawler.distributed.CanonicalDupeFilter"
    assert isinstance(open_state_store(shared), RedisStateStore)


def test_requests_of_a_worker_without_heartbeat_go_back_to_the_queue(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    requeue = client.register_script(_REQUEUE)
    queue, workers = "t:requests", "t:workers"
    client.zadd(queue, {b"waiting": 0})
    for worker in ("dead", "alive"):
        client.hset(workers, worker, "idle")
        client.zadd(f"t:processing:{worker}", {f"{worker}-1".encode(): -1, f"{worker}-2": 0})
    client.set("t:alive:alive", b"1", px=60_000)

    def keys(worker: str) -> list[str]:
        return [queue, f"t:processing:{worker}", workers, f"t:alive:{worker}"]

    assert requeue(keys=keys("alive"), args=["alive", "dead"]) == -1  # its heartbeat is fresh
    assert requeue(keys=keys("dead"), args=["dead", "dead"]) == 2
    # Back in the queue with their priorities; the dead worker is no longer part of the run.
    assert client.zrange(queue, 0, -1, withscores=True) == [
        (b"dead-1", -1.0),
        (b"dead-2", 0.0),
        (b"waiting", 0.0),
    ]
    assert client.hkeys(workers) == [b"alive"]
    assert client.zcard("t:processing:alive") == 2
    client.close()


def test_worker_killed_between_marking_a_link_seen_and_queueing_it_loses_nothing(
    tmp_path: Path, redis_url: str
) -> None:
    # The worker dies at the first command that would put this article's request into Redis:
    # a link must be seen by the dupefilter only together with being queued, or its parent's
    # refetch after the restart finds it seen and never queues it again.
    site = build(60)
    target = site.articles[7]
    with serve(site) as origin:
        with tripwire_proxy(redis_url, target.encode()) as (proxied, tripped):
            proc = start_worker(worker_command(origin, tmp_path, proxied, "w1"), tmp_path / "w1")
            assert tripped.wait(timeout=60), "the worker never queued the article"
            proc.kill()
            proc.wait()
        client = redis.Redis.from_url(redis_url)
        [df_key] = client.keys("crawler:news-*:dupefilter")
        queue_key = df_key.replace(b":dupefilter", b":requests")
        fp = CanonicalDupeFilter(client, key="unused").request_fingerprint(Request(origin + target))
        queued = any(target.encode() in m for m in client.zrange(queue_key, 0, -1))
        assert queued or not client.sismember(df_key, fp), "seen by the dupefilter, not queued"
        client.close()
        proc = start_worker(worker_command(origin, tmp_path, redis_url, "w1"), tmp_path / "w1")
        assert proc.wait(timeout=120) == 0
    assert "requests of this worker's killed run back into the queue" in (
        tmp_path / "w1"
    ).read_text(encoding="utf-8")
    counts = _by_path(records(tmp_path))
    assert set(counts) == set(site.articles)
    assert set(counts.values()) == {1}
    _assert_run_over(redis_url)


def test_worker_killed_before_the_store_learns_of_a_batch_writes_it_once(
    tmp_path: Path, redis_url: str
) -> None:
    # w1 dies right after fsyncing its first batch, at the first command that would record the
    # batch in the store: the records are in its .part, their requests still in its processing
    # set. Its restart recovers the .part (the store learns of them) before putting the
    # requests back, so their refetch, on w0 or w1, is an unchanged re-crawl, not a second copy.
    site = build(300)
    record_sha = hashlib.sha1(_RECORD.encode()).hexdigest().encode()
    small = {"EXPORT_BATCH_SIZE": 20}
    with serve(site) as origin:
        w0 = start_worker(
            worker_command(origin, tmp_path, redis_url, "w0", **small), tmp_path / "w0"
        )
        with tripwire_proxy(redis_url, record_sha) as (proxied, tripped):
            w1 = start_worker(
                worker_command(origin, tmp_path, proxied, "w1", **small), tmp_path / "w1"
            )
            assert tripped.wait(timeout=60), "w1 never wrote a batch"
            w1.kill()
            w1.wait()
        parts = list((tmp_path / "output").glob("*/*-w1.jsonl.part"))
        assert parts and parts[0].stat().st_size, "the killed worker's batch is in its .part"
        w1 = start_worker(
            worker_command(origin, tmp_path, redis_url, "w1", **small), tmp_path / "w1"
        )
        assert w1.wait(timeout=120) == 0 and w0.wait(timeout=120) == 0
    log = (tmp_path / "w1").read_text(encoding="utf-8")
    recovered = log.index("Recovered ")
    assert recovered < log.index("requests of this worker's killed run back into the queue")
    counts = _by_path(records(tmp_path))
    assert set(counts) == set(site.articles)
    assert set(counts.values()) == {1}, [p for p, c in counts.items() if c > 1][:5]
    _assert_run_over(redis_url)


def test_worker_whose_file_cannot_be_written_leaves_its_requests_for_its_restart(
    tmp_path: Path, redis_url: str
) -> None:
    # A full disk stops the worker with records of requests it holds not written: it must not
    # acknowledge them on its way out (their URLs are in the dupefilter, nothing would queue
    # them again); its restart puts them back and writes every article once.
    site = build(60)
    with serve(site) as origin:
        cmd = worker_command(origin, tmp_path, redis_url, "w1", EXPORT_BATCH_SIZE=2)
        full = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, timeout=120, preexec_fn=_full_disk(6000)
        )
        assert full.returncode == 4, full.stderr[-3000:]
        client = redis.Redis.from_url(redis_url)
        held = client.keys("crawler:news-*:processing:w1")
        assert held and client.zcard(held[0]) > 0, "the requests it held were acknowledged"
        client.close()
        proc = start_worker(cmd, tmp_path / "w1")
        assert proc.wait(timeout=120) == 0
    counts = _by_path(records(tmp_path))
    assert set(counts) == set(site.articles)
    assert set(counts.values()) == {1}, [p for p, c in counts.items() if c > 1][:5]
    _assert_run_over(redis_url)


def _full_disk(limit: int) -> Callable[[], None]:
    def apply() -> None:
        # Writes past `limit` bytes fail with EFBIG, as they would with ENOSPC on a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_worker_writing_another_feed_acknowledges_everything_when_it_finishes(
    tmp_path: Path, redis_url: str
) -> None:
    # `-o items.json` sends no durable-batch signal: the worker's requests wait for its end.
    site = build(20)
    with serve(site) as origin:
        cmd = worker_command(origin, tmp_path, redis_url, "w1")
        done = subprocess.run(
            [*cmd, "-O", str(tmp_path / "items.json")], cwd=ROOT, capture_output=True, timeout=120
        )
    assert done.returncode == 0, done.stderr[-3000:]
    items = json.loads((tmp_path / "items.json").read_text(encoding="utf-8"))
    assert {urlsplit(item["url"]).path for item in items} == set(site.articles)
    _assert_run_over(redis_url)
