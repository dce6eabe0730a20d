"""The crawler's memory across runs: which articles were written, with which text, and the
fingerprints near-duplicate search needs, behind one small interface with an SQLite backend."""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DEFAULT_STATE_PATH = ".state/crawler.sqlite3"
SCHEMA_VERSION = "1"


@dataclass(frozen=True, slots=True)
class SeenArticle:
    """What the store remembers of one canonical URL whose record was durably written."""

    canonical_url: str
    content_hash: str
    """The ``content_hash`` of the latest version written."""
    version: int
    lastmod: str | None
    """``modified_at`` (else ``published_at``) of the latest version written."""
    duplicate_of: str | None
    """Canonical URL of the first article of its duplicate cluster, when it is a duplicate."""
    first_seen: float
    """Unix time the first version was recorded."""
    last_seen: float
    """Unix time the latest version was recorded, or a refetch found it unchanged."""

    @property
    def cluster_root(self) -> str:
        """The canonical URL a new duplicate of this article points to."""
        return self.duplicate_of or self.canonical_url


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One durably written record, as the store is told about it."""

    canonical_url: str
    content_hash: str
    version: int = 1
    site: str | None = None
    lastmod: str | None = None
    duplicate_of: str | None = None
    signature: bytes | None = None
    """The MinHash signature (opaque bytes); ``None`` keeps the article out of near-dup search."""
    features: bytes = b""
    """Opaque second-check features stored beside the signature."""
    band_keys: Sequence[int] = ()
    """LSH band keys (signed 64-bit) under which the article is found as a candidate."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article that shares LSH bands with a query, for the caller to verify."""

    canonical_url: str
    duplicate_of: str | None
    signature: bytes
    features: bytes

    @property
    def cluster_root(self) -> str:
        return self.duplicate_of or self.canonical_url


class StateStore(Protocol):
    """What dedup and incremental crawling need to remember; SQLite now, Redis later.

    Every method is a point lookup or a batch write, so a key-value backend maps onto it:
    articles as hashes keyed by URL, fingerprints as set-if-absent keys, band keys as sets
    that expire after the window.
    """

    def lookup(self, canonical_url: str) -> SeenArticle | None:
        """The article recorded under this canonical URL, if any."""
        ...

    def lookup_fingerprint(self, content_hash: str) -> SeenArticle | None:
        """The first article recorded with exactly this content hash, if any."""
        ...

    def record_fingerprint(self, content_hash: str, canonical_url: str) -> str:
        """Claim a content hash for an article already recorded, unless another article holds
        it; returns the canonical URL that holds it."""
        ...

    def near_candidates(
        self, band_keys: Sequence[int], since: float, limit: int = 64
    ) -> list[Candidate]:
        """Articles first recorded at or after ``since`` that share band keys with the query,
        most shared bands first, at most ``limit``."""
        ...

    def record_articles(self, records: Iterable[ArticleRecord], now: float | None = None) -> int:
        """Record a batch of durably written records atomically; returns how many were new
        URLs. A record whose version is not above the stored one changes nothing."""
        ...

    def record_checked(self, canonical_url: str, now: float | None = None) -> None:
        """An article refetched and found unchanged: ``last_seen`` moves to now, so an announced
        ``lastmod`` older than this check does not bring it back again."""
        ...

    def prune(self, before: float) -> int:
        """Forget the near-duplicate fingerprints of articles first recorded before ``before``
        (URLs and content hashes stay); returns how many went."""
        ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def clear_fingerprint_index(self) -> None:
        """Drop every signature (after a change of the fingerprint layout)."""
        ...

    def record_health(
        self, site: str, run_id: str, at: float, outcome: str, figures: dict[str, Any]
    ) -> None:
        """Remember one run's health figures (``crawler.health``); a site keeps its latest
        ``HEALTH_KEEP_RUNS`` runs."""
        ...

    def health_history(self, site: str, limit: int) -> list[dict[str, Any]]:
        """The site's latest recorded runs, newest first: each run's figures with ``run_id``,
        ``at`` (Unix time) and ``outcome``."""
        ...

    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles (
    n INTEGER PRIMARY KEY,
    ukey BLOB NOT NULL UNIQUE,
    url TEXT NOT NULL,
    site TEXT,
    content_hash BLOB NOT NULL,
    version INTEGER NOT NULL,
    lastmod TEXT,
    duplicate_of TEXT,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
    hkey BLOB PRIMARY KEY,
    article INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signatures (
    article INTEGER PRIMARY KEY,
    first_seen REAL NOT NULL,
    signature BLOB NOT NULL,
    features BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS signatures_first_seen ON signatures (first_seen);
CREATE TABLE IF NOT EXISTS bands (article INTEGER PRIMARY KEY, keys BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS health_runs (
    n INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    run_id TEXT NOT NULL,
    at REAL NOT NULL,
    outcome TEXT NOT NULL,
    figures TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS health_runs_site ON health_runs (site, at);
"""
HEALTH_KEEP_RUNS = 500

_ARTICLE_COLUMNS = (
    "a.url, a.content_hash, a.version, a.lastmod, a.duplicate_of, a.first_seen, a.last_seen"
)


def _url_key(canonical_url: str) -> bytes:
    # 128 bits of SHA-256, the same digest as the record's `id`: a fixed-size index key
    # instead of indexing URLs that run to hundreds of characters once percent-encoded.
    return hashlib.sha256(canonical_url.encode("utf-8")).digest()[:16]


def _seen(row: tuple[Any, ...]) -> SeenArticle:
    url, chash, version, lastmod, dup, first, last = row
    return SeenArticle(url, bytes(chash).hex(), version, lastmod, dup, first, last)


class BandIndex:
    """Band key -> article number for the articles of the window, in memory, rebuilt from the
    store at the first query and topped up with the store's newer rows before every query.

    Band keys are random, so a B-tree of them in the file has every insert and every probe
    touch another page: at 100,000 articles that measured 0.4-0.6 ms per article. Here the
    file only appends, and the index is two sorted arrays of 8 bytes per key (the key folded
    to 32 bits, whose rare collisions only add a candidate that fails verification, and the
    article number): a large one with a bucket table on the keys' top bits, so a probe reads
    one bucket instead of a binary search over millions of keys, and a small one the newest
    rows are merged into first. Within one key the newest articles come first.
    """

    WINDOW = 12
    """Keys read per probe; a bucket holds 4 on average, longer ones are searched."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.int32)
        self.articles = np.empty(0, dtype=np.uint32)
        self._bits = 1
        self._fence = np.zeros(3, dtype=np.int64)
        self._main_count = 0
        self._mid_keys, self._mid_articles = self.keys, self.articles
        self._mid_count = 0
        self._new_keys: list[np.ndarray] = []
        self._new_articles: list[np.ndarray] = []
        self.watermark = 0
        """Highest article number indexed."""

    def __len__(self) -> int:
        return len(self.keys) + len(self._mid_keys) + sum(len(k) for k in self._new_keys)

    @staticmethod
    def fold(keys: Sequence[int] | np.ndarray) -> np.ndarray:
        """The 32-bit form of 64-bit band keys the index holds (both halves xored)."""
        wide = np.asarray(keys, dtype=np.int64)
        return (wide ^ (wide >> 32)).astype(np.int32)

    def add(self, article: int, keys: np.ndarray) -> None:
        """Index a newer article (numbers must grow from call to call)."""
        self._new_keys.append(self.fold(keys))
        self._new_articles.append(np.full(len(keys), article, dtype=np.uint32))
        self.watermark = max(self.watermark, article)

    def load(self, rows: Iterable[tuple[int, bytes]], total: int, chunk: int = 2000) -> None:
        """Build the index from ``(article, keys blob)`` rows holding ``total`` keys in all."""
        packed = np.empty(total, dtype=np.int64)
        filled = count = 0
        it = iter(rows)
        for part in iter(lambda: list(itertools.islice(it, chunk)), []):
            numbers = [article for article, _ in part]
            blobs = [blob for _, blob in part]
            keys = self.fold(np.frombuffer(b"".join(blobs), dtype="<i8"))
            articles = np.repeat(np.array(numbers, dtype=np.uint32), [len(b) // 8 for b in blobs])
            packed[filled : filled + len(keys)] = self._pack(keys, articles)
            filled += len(keys)
            count += len(numbers)
            self.watermark = max(self.watermark, max(numbers))
        if filled:
            self._mid_keys, self._mid_articles = self._unpack(packed[:filled])
            del packed
            self._mid_count = count
            self._merge()

    @staticmethod
    def _pack(keys: np.ndarray, articles: np.ndarray) -> np.ndarray:
        # Key in the high half, the article's complement in the low half: one in-place sort
        # orders by key, newest article first, without an index array as large as the data.
        return (keys.astype(np.int64) << 32) | (0xFFFFFFFF - articles.astype(np.int64))

    @staticmethod
    def _unpack(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        packed.sort()
        if sys.byteorder == "little":
            halves = packed.view(np.uint32).reshape(-1, 2)
            return halves[:, 1].view(np.int32).copy(), np.invert(halves[:, 0])
        keys = (packed >> 32).astype(np.int32)
        return keys, (0xFFFFFFFF - (packed & 0xFFFFFFFF)).astype(np.uint32)

    def _flush(self) -> None:
        if not self._new_keys:
            return
        packed = self._pack(np.concatenate(self._new_keys), np.concatenate(self._new_articles))
        keys, articles = self._unpack(packed)
        # Inserted before the older entries of the same key: the newest stays first.
        at = np.searchsorted(self._mid_keys, keys, side="left")
        self._mid_keys = np.insert(self._mid_keys, at, keys)
        self._mid_articles = np.insert(self._mid_articles, at, articles)
        self._mid_count += len(self._new_keys)
        self._new_keys, self._new_articles = [], []
        if self._mid_count >= max(4000, self._main_count // 8):
            self._merge()

    def _merge(self) -> None:
        if len(self.keys):
            at = np.searchsorted(self.keys, self._mid_keys, side="left")
            self.keys = np.insert(self.keys, at, self._mid_keys)
            self.articles = np.insert(self.articles, at, self._mid_articles)
        else:
            self.keys, self.articles = self._mid_keys, self._mid_articles
        self._main_count += self._mid_count
        self._mid_keys, self._mid_articles = self._mid_keys[:0], self._mid_articles[:0]
        self._mid_count = 0
        self._bits = min(30, max(1, int(np.log2(max(len(self.keys), 8) / 4))))
        counts = np.bincount(self._bucket(self.keys), minlength=1 << self._bits)
        self._fence = np.concatenate(([0], np.cumsum(counts), [len(self.keys)]))

    def _bucket(self, keys: np.ndarray) -> np.ndarray:
        # The top bits of the signed keys, shifted to 0 .. 2**bits - 1: ascending with the keys.
        buckets = np.right_shift(keys, 32 - self._bits)
        buckets += 1 << (self._bits - 1)
        return buckets

    def query(self, band_keys: Sequence[int], limit: int) -> list[int]:
        """Article numbers sharing the most band keys with the query (ties: newest first), at
        most ``limit`` of them and at most ``limit`` per key."""
        self._flush()
        query = self.fold(band_keys)
        chunks: list[np.ndarray] = []
        if len(self.keys):
            buckets = self._bucket(query)
            lo, hi = self._fence[buckets], self._fence[buckets + 1]
            at = lo[:, None] + np.arange(self.WINDOW)
            np.minimum(at, len(self.keys) - 1, out=at)
            long = hi - lo > self.WINDOW
            hit = (self.keys[at] == query[:, None]) & (at < hi[:, None]) & ~long[:, None]
            chunks.append(self.articles[at[hit]])
            if long.any():
                # A bucket longer than the window: searched, capped at the newest ``limit``.
                for i in np.flatnonzero(long).tolist():
                    run = self._run(self.keys, self.articles, query[i], lo[i], hi[i], limit)
                    chunks.append(run)
        if len(self._mid_keys):
            lo = np.searchsorted(self._mid_keys, query, side="left")
            hi = np.searchsorted(self._mid_keys, query, side="right")
            for i in np.flatnonzero(hi > lo).tolist():
                chunks.append(self._mid_articles[lo[i] : min(hi[i], lo[i] + limit)])
        chunks = [c for c in chunks if len(c)]
        if not chunks:
            return []
        found, counts = np.unique(np.concatenate(chunks), return_counts=True)
        best = np.lexsort((-found.astype(np.int64), -counts))[:limit]
        return found[best].tolist()

    @staticmethod
    def _run(
        keys: np.ndarray, articles: np.ndarray, key: np.int32, lo: int, hi: int, limit: int
    ) -> np.ndarray:
        start = lo + int(np.searchsorted(keys[lo:hi], key, side="left"))
        end = lo + int(np.searchsorted(keys[lo:hi], key, side="right"))
        return articles[start : min(end, start + limit)]


class SQLiteStateStore:
    """The state store in one SQLite file, shared by concurrent crawl processes.

    WAL lets readers run beside the one writer; every write is one short ``BEGIN IMMEDIATE``
    transaction, so a writer waits for the lock (``busy_timeout``) instead of failing when it
    upgrades a read. ``synchronous=NORMAL`` in WAL keeps every committed transaction through a
    killed process; a power cut may lose the last ones, which only makes those articles new
    again on the next run, never marks an unwritten article as seen.
    """

    def __init__(self, path: str | Path, busy_timeout: float = 60.0, cache_mb: int = 16) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(path), timeout=busy_timeout, isolation_level=None, cached_statements=64
        )
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        self._retry_locked(lambda: self._db.execute("PRAGMA journal_mode = WAL").fetchone())
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute(f"PRAGMA cache_size = {-1024 * cache_mb}")
        with self._write():
            # One statement at a time: executescript() would commit the open transaction.
            for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                self._db.execute(statement)
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (SCHEMA_VERSION,),
            )
        self._bands: BandIndex | None = None
        self._bands_since = float("-inf")

    def _retry_locked(self, action: Any, attempts: int = 20) -> Any:
        # Switching a brand-new file to WAL needs a moment of exclusive access: two processes
        # creating the store at once may find it locked, and simply try again.
        for attempt in range(attempts):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        return None

    def _write(self) -> _WriteTransaction:
        return _WriteTransaction(self._db)

    # -- reads -------------------------------------------------------------------------------

    def lookup(self, canonical_url: str) -> SeenArticle | None:
        row = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.ukey = ?",
            (_url_key(canonical_url),),
        ).fetchone()
        return _seen(row) if row else None

    def lookup_fingerprint(self, content_hash: str) -> SeenArticle | None:
        chash = bytes.fromhex(content_hash)
        row = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM fingerprints f JOIN articles a ON a.n = f.article "
            "WHERE f.hkey = ?",
            (chash[:16],),
        ).fetchone()
        return _seen(row) if row else None

    def near_candidates(
        self, band_keys: Sequence[int], since: float, limit: int = 64
    ) -> list[Candidate]:
        if not band_keys:
            return []
        index = self._band_index(since)
        found = index.query(band_keys, limit)
        if not found:
            return []
        marks = ",".join("?" * len(found))
        rows = self._db.execute(
            "SELECT s.article, a.url, a.duplicate_of, s.signature, s.features FROM signatures s "
            f"JOIN articles a ON a.n = s.article WHERE s.article IN ({marks}) "
            "AND s.first_seen >= ?",
            (*found, since),
        ).fetchall()
        rank = {article: i for i, article in enumerate(found)}
        rows.sort(key=lambda row: rank[row[0]])
        return [Candidate(url, dup, bytes(sig), bytes(feat)) for _, url, dup, sig, feat in rows]

    def _band_index(self, since: float) -> BandIndex:
        index = self._bands
        if index is None or not self._bands_since <= since <= self._bands_since + 86400:
            # First query, a wider window, or one that moved a day: (re)build from its rows.
            first = self._db.execute(
                "SELECT min(article) FROM signatures WHERE first_seen >= ?", (since,)
            ).fetchone()[0]
            index = BandIndex()
            if first is not None:
                # Sized first, then read up to the same last article: rows another process
                # commits in between are picked up by the next top-up.
                total, last = self._db.execute(
                    "SELECT coalesce(sum(length(keys)), 0) / 8, max(article) FROM bands "
                    "WHERE article >= ?",
                    (first,),
                ).fetchone()
                rows = self._db.execute(
                    "SELECT article, keys FROM bands WHERE article BETWEEN ? AND ?", (first, last)
                )
                index.load(rows, total)
            self._bands, self._bands_since = index, since
        else:
            rows = self._db.execute(
                "SELECT article, keys FROM bands WHERE article > ? ORDER BY article",
                (index.watermark,),
            )
            for article, blob in rows:
                index.add(article, np.frombuffer(blob, dtype="<i8"))
        return index

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def count_articles(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    # -- writes ------------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        with self._write():
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def record_fingerprint(self, content_hash: str, canonical_url: str) -> str:
        with self._write():
            found = self._db.execute(
                "SELECT n FROM articles WHERE ukey = ?", (_url_key(canonical_url),)
            ).fetchone()
            if found is None:
                raise KeyError(f"no recorded article {canonical_url}")
            hkey = bytes.fromhex(content_hash)[:16]
            self._db.execute(
                "INSERT OR IGNORE INTO fingerprints (hkey, article) VALUES (?, ?)",
                (hkey, found[0]),
            )
            return self._db.execute(
                "SELECT a.url FROM fingerprints f JOIN articles a ON a.n = f.article "
                "WHERE f.hkey = ?",
                (hkey,),
            ).fetchone()[0]

    def record_articles(self, records: Iterable[ArticleRecord], now: float | None = None) -> int:
        now = time.time() if now is None else now
        db = self._db
        new = 0
        with self._write():
            for rec in records:
                ukey = _url_key(rec.canonical_url)
                chash = bytes.fromhex(rec.content_hash)
                found = db.execute(
                    "SELECT n, version FROM articles WHERE ukey = ?", (ukey,)
                ).fetchone()
                if found is not None:
                    n, version = found
                    if rec.version <= version:
                        continue
                    db.execute(
                        "UPDATE articles SET content_hash = ?, version = ?, lastmod = ?, "
                        "last_seen = ? WHERE n = ?",
                        (chash, rec.version, rec.lastmod, now, n),
                    )
                else:
                    n = db.execute(
                        "INSERT INTO articles (ukey, url, site, content_hash, version, lastmod, "
                        "duplicate_of, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (ukey, rec.canonical_url, rec.site, chash, rec.version, rec.lastmod,
                         rec.duplicate_of, now, now),
                    ).lastrowid  # fmt: skip
                    new += 1
                    # Only a first sighting enters near-dup search: later versions of one
                    # article are edits of the text already indexed.
                    if rec.signature is not None:
                        db.execute(
                            "INSERT INTO signatures (article, first_seen, signature, features) "
                            "VALUES (?, ?, ?, ?)",
                            (n, now, rec.signature, rec.features),
                        )
                        db.execute(
                            "INSERT INTO bands (article, keys) VALUES (?, ?)",
                            (n, np.asarray(rec.band_keys, dtype="<i8").tobytes()),
                        )
                db.execute(
                    "INSERT OR IGNORE INTO fingerprints (hkey, article) VALUES (?, ?)",
                    (chash[:16], n),
                )
        return new

    def record_checked(self, canonical_url: str, now: float | None = None) -> None:
        with self._write():
            self._db.execute(
                "UPDATE articles SET last_seen = max(last_seen, ?) WHERE ukey = ?",
                (time.time() if now is None else now, _url_key(canonical_url)),
            )

    def prune(self, before: float) -> int:
        with self._write():
            first = self._db.execute(
                "SELECT min(article) FROM signatures WHERE first_seen >= ?", (before,)
            ).fetchone()[0]
            # Article numbers grow with first sighting: everything below the first one kept.
            last = (1 << 63) - 1 if first is None else first
            gone = self._db.execute("DELETE FROM signatures WHERE article < ?", (last,))
            self._db.execute("DELETE FROM bands WHERE article < ?", (last,))
            count = gone.rowcount
        self._bands = None
        return count

    def clear_fingerprint_index(self) -> None:
        with self._write():
            self._db.execute("DELETE FROM signatures")
            self._db.execute("DELETE FROM bands")
        self._bands = None

    def record_health(
        self, site: str, run_id: str, at: float, outcome: str, figures: dict[str, Any]
    ) -> None:
        with self._write():
            self._db.execute(
                "INSERT INTO health_runs (site, run_id, at, outcome, figures) "
                "VALUES (?, ?, ?, ?, ?)",
                (site, run_id, at, outcome, json.dumps(figures, ensure_ascii=False)),
            )
            # Months of runs every 30 minutes: the alarms need ten; a few hundred stay to look back.
            self._db.execute(
                "DELETE FROM health_runs WHERE site = ? AND n NOT IN (SELECT n FROM health_runs "
                "WHERE site = ? ORDER BY at DESC, n DESC LIMIT ?)",
                (site, site, HEALTH_KEEP_RUNS),
            )

    def health_history(self, site: str, limit: int) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT run_id, at, outcome, figures FROM health_runs WHERE site = ? "
            "ORDER BY at DESC, n DESC LIMIT ?",
            (site, limit),
        ).fetchall()
        return [
            {**json.loads(figures), "run_id": run_id, "at": at, "outcome": outcome}
            for run_id, at, outcome, figures in rows
        ]

    def close(self) -> None:
        self._db.close()
        self._bands = None


class _WriteTransaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")


def open_store(path: str | Path | None = None) -> SQLiteStateStore:
    """The store at ``path`` (the ``STATE_PATH`` setting), or the default file."""
    return SQLiteStateStore(path or DEFAULT_STATE_PATH)
