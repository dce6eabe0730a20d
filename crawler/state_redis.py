"""The state store in Redis, for crawl processes on several machines: the SQLite store's interface
plus an atomic first-claim of content hashes and near-duplicate bands for concurrent workers."""

from __future__ import annotations

import json
import struct
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import redis

from crawler.state import HEALTH_KEEP_RUNS, ArticleRecord, Candidate, SeenArticle, _url_key

DEFAULT_PREFIX = "crawler"
BUCKET_BITS = 18
"""Band keys are kept in 2**18 hashes (field: the 8-byte band key, value: packed article
numbers): one Redis key per band key would cost some 60 bytes of key overhead each, 42 per
article; small hashes are packed by Redis into listpacks."""
SIGNATURE_BYTES = 512
"""128 MinHash values of 4 bytes (``pipelines.dedup.NUM_PERM``)."""
PER_BAND = 64
"""Newest article numbers kept per band key: daily templates share bands by the thousand, and
near-duplicate search verifies at most a few of them anyway."""

# Append an article number to the value of one field per band (KEYS: bucket hashes; ARGV[1]: the
# packed number, ARGV[2..]: the fields), keeping the newest PER_BAND.
_APPEND = f"""
for i, key in ipairs(KEYS) do
  local field = ARGV[i + 1]
  local value = (redis.call('HGET', key, field) or '') .. ARGV[1]
  if #value > {4 * PER_BAND} then value = string.sub(value, -{4 * PER_BAND}) end
  redis.call('HSET', key, field, value)
end
return #KEYS
"""

# One durable record (KEYS: article hash, fingerprint key; ARGV: url, content hash, version,
# lastmod, duplicate_of, now, site, holder of the hash): 1 when the URL is new, else 0. The URL
# itself is not stored: whoever looks an article up knows it.
_RECORD = """
local version = tonumber(ARGV[3])
local known = redis.call('HGET', KEYS[1], 'v')
local new = 0
if known then
  if version <= tonumber(known) then return 0 end
  redis.call('HSET', KEYS[1], 'h', ARGV[2], 'v', ARGV[3], 'm', ARGV[4], 'l', ARGV[6])
else
  redis.call('HSET', KEYS[1], 'h', ARGV[2], 'v', ARGV[3], 'm', ARGV[4],
             'd', ARGV[5], 'f', ARGV[6], 'l', ARGV[6], 's', ARGV[7])
  new = 1
end
redis.call('SET', KEYS[2], ARGV[8], 'NX')
return new
"""

# Drop article numbers below ARGV[1] from every field of one bucket hash (KEYS[1]).
_PRUNE_BUCKET = """
local cutoff = tonumber(ARGV[1])
local flat = redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do
  local value, kept = flat[i + 1], {}
  for j = 1, #value, 4 do
    local n = struct.unpack('<I4', string.sub(value, j, j + 3))
    if n >= cutoff then kept[#kept + 1] = string.sub(value, j, j + 3) end
  end
  if #kept == 0 then redis.call('HDEL', KEYS[1], flat[i])
  else redis.call('HSET', KEYS[1], flat[i], table.concat(kept)) end
end
return 1
"""

Decide = Callable[[list[Candidate]], str | None]
"""Given the near-duplicate candidates of an item, the cluster root it joins (None: none)."""


def _holder(url: str, root: str) -> str:
    """The value of a content-hash key: the article, and its cluster root when it is another."""
    return url if root == url else f"{url}\t{root}"


def _parse_holder(value: bytes) -> tuple[str, str]:
    url, _, root = value.decode("utf-8").partition("\t")
    return url, root or url


def _text(value: bytes | None) -> str | None:
    return value.decode("utf-8") if value else None


class RedisStateStore:
    """The crawler's memory across runs in Redis, shared by every worker of every machine.

    Keys (``<p>`` is ``REDIS_KEY_PREFIX``): ``<p>:a:<url key>`` one hash per article (content
    hash, version, lastmod, duplicate_of, first and last seen, site); ``<p>:h:<hash key>`` the
    article (and its cluster root) that first claimed a content hash; ``<p>:s:<n>`` first
    sighting, second-check features, signature, URL and cluster root of article number ``n``,
    packed in one string; ``<p>:t`` numbers by first sighting (the near-duplicate window);
    ``<p>:b:<bucket>`` band key -> packed article numbers; ``<p>:n`` the last number; ``<p>:v``
    conditional-GET validators; ``<p>:meta``.
    """

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX) -> None:
        self.url = url
        self.prefix = prefix
        self.r = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        self._append = self.r.register_script(_APPEND)
        self._record = self.r.register_script(_RECORD)
        self._prune_bucket = self.r.register_script(_PRUNE_BUCKET)

    # -- keys ----------------------------------------------------------------------------------

    def _a(self, canonical_url: str) -> str:
        # Hex, not the raw digest: keys stay printable for redis-cli --scan | xargs.
        return f"{self.prefix}:a:{_url_key(canonical_url).hex()}"

    def _h(self, content_hash: str) -> str:
        return f"{self.prefix}:h:{content_hash[:32]}"

    def _s(self, number: int) -> str:
        return f"{self.prefix}:s:{number}"

    def _bands(self, band_keys: Sequence[int]) -> tuple[list[str], list[bytes]]:
        """(bucket hash, field) of each band key."""
        keys, fields = [], []
        for key in band_keys:
            keys.append(f"{self.prefix}:b:{(key >> (64 - BUCKET_BITS)) & ((1 << BUCKET_BITS) - 1)}")
            # The low 32 bits within a bucket of the top bits: a rare collision only adds a
            # candidate that fails verification.
            fields.append(struct.pack("<I", key & 0xFFFFFFFF))
        return keys, fields

    # -- reads ---------------------------------------------------------------------------------

    def lookup(self, canonical_url: str) -> SeenArticle | None:
        row = self.r.hgetall(self._a(canonical_url))
        if not row:
            return None
        return SeenArticle(
            canonical_url=canonical_url,
            content_hash=row[b"h"].hex(),
            version=int(row[b"v"]),
            lastmod=_text(row.get(b"m")),
            duplicate_of=_text(row.get(b"d")),
            first_seen=float(row[b"f"]),
            last_seen=float(row[b"l"]),
        )

    def lookup_fingerprint(self, content_hash: str) -> SeenArticle | None:
        held = self.r.get(self._h(content_hash))
        if held is None:
            return None
        url, root = _parse_holder(held)
        seen = self.lookup(url)
        if seen is not None:
            return seen
        # Claimed by a worker whose record is not durable yet: the claim is all there is.
        return SeenArticle(url, content_hash, 1, None, None if root == url else root, 0.0, 0.0)

    def near_candidates(
        self, band_keys: Sequence[int], since: float, limit: int = 64
    ) -> list[Candidate]:
        if not band_keys:
            return []
        keys, fields = self._bands(band_keys)
        pipe = self.r.pipeline(transaction=False)
        for key, field in zip(keys, fields, strict=True):
            pipe.hget(key, field)
        shared: Counter[int] = Counter()
        for value in pipe.execute():
            if value:
                # A number once per band, however often a band key repeats in its value.
                shared.update(set(struct.unpack(f"<{len(value) // 4}I", value)))
        if not shared:
            return []
        best = sorted(shared, key=lambda n: (-shared[n], -n))[:limit]
        pipe = self.r.pipeline(transaction=False)
        for n in best:
            pipe.get(self._s(n))
        found = []
        for value in pipe.execute():
            if value is None:
                continue  # pruned
            first, n_feat = struct.unpack_from("<dH", value)
            if first < since:
                continue
            feat = value[10 : 10 + n_feat]
            sig = value[10 + n_feat : 10 + n_feat + SIGNATURE_BYTES]
            url, _, dup = value[10 + n_feat + SIGNATURE_BYTES :].decode("utf-8").partition("\t")
            found.append(Candidate(url, dup or None, sig, feat))
        return found

    def get_meta(self, key: str) -> str | None:
        return _text(self.r.hget(f"{self.prefix}:meta", key))

    def count_articles(self) -> int:
        return sum(1 for _ in self.r.scan_iter(match=f"{self.prefix}:a:*", count=1000))

    def get_validators(self) -> dict[str, tuple[str | None, str | None]]:
        """Conditional-GET validators of the last finished runs: URL -> (ETag, Last-Modified)."""
        out = {}
        for url, value in self.r.hgetall(f"{self.prefix}:v").items():
            etag, modified = value.decode("latin-1").split("\t", 1)
            out[url.decode("utf-8")] = (etag or None, modified or None)
        return out

    # -- writes --------------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        self.r.hset(f"{self.prefix}:meta", key, value)

    def save_validators(self, validators: dict[str, tuple[str | None, str | None]]) -> None:
        if validators:
            mapping = {url: f"{e or ''}\t{m or ''}" for url, (e, m) in validators.items()}
            self.r.hset(f"{self.prefix}:v", mapping=mapping)

    def delete_validators(self, urls: Iterable[str]) -> None:
        urls = list(urls)
        if urls:
            self.r.hdel(f"{self.prefix}:v", *urls)

    def record_checked(self, canonical_url: str, now: float | None = None) -> None:
        key = self._a(canonical_url)
        # Only an article already recorded moves; a later last_seen is never moved back.
        last = self.r.hget(key, "l")
        if last is not None:
            self.r.hset(key, "l", repr(max(float(last), time.time() if now is None else now)))

    def record_fingerprint(self, content_hash: str, canonical_url: str) -> str:
        seen = self.lookup(canonical_url)
        if seen is None:
            raise KeyError(f"no recorded article {canonical_url}")
        self.r.set(self._h(content_hash), _holder(canonical_url, seen.cluster_root), nx=True)
        held = self.r.get(self._h(content_hash))
        assert held is not None
        return _parse_holder(held)[0]

    def record_articles(self, records: Iterable[ArticleRecord], now: float | None = None) -> int:
        now = time.time() if now is None else now
        records = list(records)
        pipe = self.r.pipeline(transaction=True)
        for rec in records:
            root = rec.duplicate_of or rec.canonical_url
            self._record(
                keys=[self._a(rec.canonical_url), self._h(rec.content_hash)],
                args=[rec.canonical_url, bytes.fromhex(rec.content_hash), rec.version,
                      rec.lastmod or "", rec.duplicate_of or "", repr(now), rec.site or "",
                      _holder(rec.canonical_url, root)],
                client=pipe,
            )  # fmt: skip
        flags = pipe.execute()
        # Records not claimed when they were decided (recovered from a killed run's file) enter
        # near-duplicate search here; a first version only, as in the SQLite store.
        indexed = [
            rec
            for rec, new in zip(records, flags, strict=True)
            if new and rec.signature is not None
        ]
        for rec in indexed:
            self._index(self.r.pipeline(transaction=True), rec, now).execute()
        return sum(flags)

    def _index(self, pipe: Any, rec: ArticleRecord, now: float) -> Any:
        """Queue on ``pipe`` the writes that put an article into near-duplicate search."""
        number = int(self.r.incr(f"{self.prefix}:n"))
        # One string, not a hash: Redis packs small hashes only when every value is short, and
        # a signature is 512 bytes.
        url = rec.canonical_url + (f"\t{rec.duplicate_of}" if rec.duplicate_of else "")
        pipe.set(
            self._s(number),
            struct.pack("<dH", now, len(rec.features))
            + rec.features
            + (rec.signature or b"")
            + url.encode("utf-8"),
        )
        pipe.zadd(f"{self.prefix}:t", {str(number): now})
        keys, fields = self._bands(rec.band_keys)
        self._append(keys=keys, args=[struct.pack("<I", number), *fields], client=pipe)
        return pipe

    def claim_first(
        self,
        canonical_url: str,
        content_hash: str,
        record: ArticleRecord,
        since: float,
        decide: Decide,
        now: float | None = None,
        limit: int = 16,
    ) -> tuple[str, str]:
        """Decide a new article against every worker at once: ``("exact", root)`` when another
        article already claimed its content hash, else ``decide(candidates)`` picks a cluster
        root among the near-duplicate candidates (``("near", root)``, or ``("new", url)``), and
        the hash and the bands are claimed for this article.

        WATCH on the hash key and the band buckets, read, decide, then MULTI/EXEC: two workers
        deciding copies of one story at once cannot both see no candidate; the one whose EXEC
        fails decides again and finds the other's claim.
        """
        now = time.time() if now is None else now
        hkey = self._h(content_hash)
        buckets = sorted(set(self._bands(record.band_keys)[0])) if record.signature else []
        with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(hkey, *buckets)
                    held = self.r.get(hkey)
                    if held is not None:
                        url, root = _parse_holder(held)
                        if url != canonical_url:
                            pipe.unwatch()
                            return "exact", root
                    found = self.near_candidates(record.band_keys, since, limit) if buckets else []
                    root = decide(found) or canonical_url
                    pipe.multi()
                    pipe.set(hkey, _holder(canonical_url, root))
                    if buckets:
                        dup = None if root == canonical_url else root
                        claimed = ArticleRecord(
                            canonical_url, content_hash, 1, record.site, record.lastmod, dup,
                            record.signature, record.features, record.band_keys,
                        )  # fmt: skip
                        self._index(pipe, claimed, now)
                    pipe.execute()
                    return ("new" if root == canonical_url else "near"), root
                except redis.WatchError:
                    continue

    def prune(self, before: float) -> int:
        times = f"{self.prefix}:t"
        old = [int(n) for n in self.r.zrangebyscore(times, "-inf", f"({before!r}")]
        if not old:
            return 0
        for start in range(0, len(old), 1000):
            self.r.unlink(*(self._s(n) for n in old[start : start + 1000]))
        self.r.zremrangebyscore(times, "-inf", f"({before!r}")
        cutoff = max(old) + 1
        pipe = self.r.pipeline(transaction=False)
        for i, key in enumerate(self.r.scan_iter(match=f"{self.prefix}:b:*", count=1000)):
            self._prune_bucket(keys=[key], args=[cutoff], client=pipe)
            if i % 1000 == 999:
                pipe.execute()
        pipe.execute()
        return len(old)

    def clear_fingerprint_index(self) -> None:
        for pattern in ("s", "b"):
            batch = []
            for key in self.r.scan_iter(match=f"{self.prefix}:{pattern}:*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    self.r.unlink(*batch)
                    batch = []
            if batch:
                self.r.unlink(*batch)
        self.r.unlink(f"{self.prefix}:t")

    def record_health(
        self, site: str, run_id: str, at: float, outcome: str, figures: dict[str, Any]
    ) -> None:
        key = f"{self.prefix}:health:{site}"
        entry = {**figures, "run_id": run_id, "at": at, "outcome": outcome}
        pipe = self.r.pipeline()
        pipe.lpush(key, json.dumps(entry, ensure_ascii=False))
        pipe.ltrim(key, 0, HEALTH_KEEP_RUNS - 1)
        pipe.execute()

    def health_history(self, site: str, limit: int) -> list[dict[str, Any]]:
        return [json.loads(v) for v in self.r.lrange(f"{self.prefix}:health:{site}", 0, limit - 1)]

    def close(self) -> None:
        self.r.close()
