"""Deduplication: one record per article version, and every exact or near duplicate of an earlier
article linked to the first one seen, across runs, sites and concurrent crawls."""

from __future__ import annotations

import itertools
import logging
import re
import sqlite3
import struct
import time
import zlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from datasketch import MinHash
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from crawler import sites
from crawler.items import article_id
from crawler.signals import items_durable
from crawler.state import DEFAULT_STATE_PATH, ArticleRecord, Candidate, SQLiteStateStore
from crawler.stores import open_state_store
from crawler.text import content_hash, normalize_for_matching
from crawler.urls import canonicalize_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.state import StateStore

logger = logging.getLogger(__name__)

SHINGLE_WORDS = 3
"""Word shingles of this length; digits stay tokens, so other figures make other shingles."""
NUM_PERM = 128
BANDS, ROWS = 42, 3
"""LSH layout over the first 126 values: a pair at Jaccard 0.3 shares a band with probability
0.68, at 0.4 with 0.94, at 0.5 with 0.996, an unrelated pair (0.05) with 0.005; candidates are
then verified on the whole signature, so the bands only have to find them."""
SEED = 1
MIN_WORDS = 20
"""Shorter bodies are matched only exactly: a few words make too few shingles to compare."""
MAX_NUMBERS = 128
CANDIDATE_LIMIT = 16
"""Most recent candidates verified per item: bounds the work on daily templates, whose every
instance shares bands with the others."""

DEFAULT_THRESHOLD = 0.3
"""Tuned on ``tests/dedup_labelled.py`` (``bench/dedup.py --tune``): with the second check, the
set's one look-alike above 0.25 (a follow-up story) goes, and 2 of its 210 duplicate pairs are
missed (heavily edited copies compared with each other, not with the original)."""
NUMBERS_TOLERANCE = 0.2
"""Share of the smaller set of number pairs that may differ before two texts are "the same
template with other figures" rather than one story."""
TERMS_SHARE = 0.7
"""Share of the earlier headline's terms the later body must use to be the same story."""
MIN_TERMS = 2

LAYOUT = (
    f"minhash-affine32/crc32-words{SHINGLE_WORDS}/perm{NUM_PERM}/seed{SEED}/"
    f"bands{BANDS}x{ROWS}/numbers-bigrams+headline-terms"
)
"""Stored in the state file: signatures of another layout are not comparable and are dropped."""

MODES = ("mark", "drop")

_DIGITS = re.compile(r"\d+")
_ASCII_NON_WORD = re.compile(r"[^0-9A-Za-z_]+")
_U64 = np.uint64
_MIX_A, _MIX_B = _U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53)
_SHINGLE_MULT = _U64(0x100000001B3)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + _U64(1)) * _U64(0x9E3779B97F4A7C15)


# Signatures are computed on one MinHash, cleared between texts: its permutations are
# generated once instead of for every article. Its inputs are already 32-bit shingle hashes.
_MINHASH = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme="affine32")


@dataclass(frozen=True, slots=True)
class Words:
    """A text in ``normalize_for_matching`` form, as words, their hashes and its figures."""

    words: list[str]
    hashes: list[int]
    """CRC-32 of each word, in text order."""
    numbers: list[str]
    """The digit runs of the normalized text, in text order."""


# Punctuation that normalization turns into spaces anyway: stripped from the ends of a token,
# it leaves one memo entry per word instead of one per word and punctuation mark.
_EDGE_PUNCTUATION = ".,،؛:;!؟?\"'()[]{}«»“”‘’-–—…/\\*"


class WordNormalizer:
    """``normalize_for_matching`` applied word by word and memoized.

    Every step of that normalization maps characters on their own and never joins two
    whitespace-separated words, so the words of the normalized text are the normalized words
    of the text; news vocabulary repeats, so most words are looked up instead of normalized.
    Only tokens that give one word of letters are kept (figures rarely repeat); the memo is
    emptied when full (about 200 bytes an entry: 40 MB at most).
    """

    def __init__(self, max_size: int = 200_000) -> None:
        self.max_size = max_size
        self._memo: dict[str, tuple[str, int]] = {}

    def __call__(self, text: str) -> Words:
        tokens = text.split()
        entries: list[Any] = list(map(self._memo.get, tokens))
        numbers: list[str] = []
        irregular: list[int] = []
        if None in entries:
            for i, entry in enumerate(entries):
                if entry is None:
                    entries[i] = entry = self._normalize(tokens[i], numbers)
                    if isinstance(entry[0], tuple):
                        irregular.append(i)
        if not irregular:
            return Words([e[0] for e in entries], [e[1] for e in entries], numbers)
        # Tokens that give no word or several (figures like 12.5): spliced in between runs.
        words: list[str] = []
        hashes: list[int] = []
        start = 0
        for i in irregular:
            words += [e[0] for e in entries[start:i]]
            hashes += [e[1] for e in entries[start:i]]
            words += entries[i][0]
            hashes += entries[i][1]
            start = i + 1
        words += [e[0] for e in entries[start:]]
        hashes += [e[1] for e in entries[start:]]
        return Words(words, hashes, numbers)

    def _normalize(self, token: str, numbers: list[str]) -> tuple[Any, Any]:
        """``(word, hash)`` for a token that gives one word, else ``(words, hashes)``."""
        memo = self._memo
        key = token.strip(_EDGE_PUNCTUATION)
        entry = memo.get(key)
        if entry is None:
            if key.isascii():
                # What normalize_for_matching does to ASCII (mostly figures), without its
                # Unicode passes: lowercase, non-word characters to spaces.
                norm = _ASCII_NON_WORD.sub(" ", key.lower()).split()
            else:
                norm = normalize_for_matching(key).split()
            if len(norm) != 1 or not norm[0].isalpha():
                numbers.extend(_DIGITS.findall(" ".join(norm)))
                return tuple(norm), tuple(zlib.crc32(w.encode("utf-8")) for w in norm)
            entry = (norm[0], zlib.crc32(norm[0].encode("utf-8")))
        if len(memo) >= self.max_size:
            memo.clear()
        memo[key] = memo[token] = entry
        return entry

    def words(self, text: str) -> list[str]:
        """``normalize_for_matching(text).split()``."""
        return self(text).words


def _mix64(h: np.ndarray) -> np.ndarray:
    # The MurmurHash3 finalizer: spreads the weak arithmetic combinations below over 64 bits.
    h = h ^ (h >> _U64(33))
    h = h * _MIX_A
    h = h ^ (h >> _U64(33))
    h = h * _MIX_B
    return h ^ (h >> _U64(33))


def shingle_hashes(hashes: Sequence[int], size: int = SHINGLE_WORDS) -> np.ndarray:
    """32-bit hashes of the shingles of ``size`` consecutive words (one shingle for shorter
    texts), from the word hashes in text order.

    A polynomial over the words, folded to 32 bits: MinHash's own input mixing (the MurmurHash3
    finalizer of the affine32 scheme) spreads it, and repeated shingles change no minimum.
    """
    values = np.array(hashes, dtype=np.uint64)
    count = max(len(values) - size + 1, 1)
    size = min(size, len(values))
    h = values[:count].copy()
    for offset in range(1, size):
        h *= _SHINGLE_MULT
        h += values[offset : offset + count]
    return ((h >> _U64(32)) ^ h).astype(np.uint32)


def signature(shingles: np.ndarray) -> np.ndarray:
    """The MinHash signature (datasketch, affine32 scheme) of a set of shingle hashes."""
    _MINHASH.clear()
    _MINHASH.update_batch(shingles.tolist())
    return _MINHASH.hashvalues.copy()


def band_keys(sig: np.ndarray) -> tuple[int, ...]:
    """One signed 64-bit key per LSH band (the band's number is mixed in, so all bands share
    one table)."""
    rows = sig[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
    h = _BAND_SALT.copy()
    for column in range(ROWS):
        h = (h ^ rows[:, column]) * _SHINGLE_MULT
    return tuple(_mix64(h).view(np.int64).tolist())


def number_features(numbers: Sequence[str]) -> frozenset[int]:
    """Hashes of consecutive pairs of the figures of a text (the figure alone if only one).

    Two days of one price or weather template share their words and differ in these pairs;
    two copies of one story share them.
    """
    numbers = numbers[: MAX_NUMBERS + 1]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(numbers)] or numbers
    return frozenset(map(zlib.crc32, map(str.encode, pairs)))


def headline_terms(title_words: Sequence[str], body_hashes: Collection[int]) -> frozenset[int]:
    """Hashes of the headline's words (three letters or more, not figures) that the body uses
    too: mostly the names and places the story is about."""
    terms = {w for w in title_words if len(w) >= 3 and not w.isdigit()}
    return frozenset(h for h in map(zlib.crc32, map(str.encode, terms)) if h in body_hashes)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What near-duplicate matching keeps of an article: MinHash signature and band keys, and
    the features of the second check (figure pairs, headline terms)."""

    signature: np.ndarray
    """``NUM_PERM`` uint32 values."""
    numbers: frozenset[int]
    terms: frozenset[int]
    band_keys: tuple[int, ...]

    def signature_bytes(self) -> bytes:
        return self.signature.astype("<u4").tobytes()

    def features_bytes(self) -> bytes:
        numbers, terms = sorted(self.numbers), sorted(self.terms)
        return struct.pack(
            f"<HH{len(numbers)}I{len(terms)}I", len(numbers), len(terms), *numbers, *terms
        )

    @staticmethod
    def parse_features(data: bytes) -> tuple[frozenset[int], frozenset[int]]:
        """``(numbers, terms)`` back from :meth:`features_bytes`."""
        n_numbers, n_terms = struct.unpack_from("<HH", data)
        values = struct.unpack_from(f"<{n_numbers + n_terms}I", data, 4)
        return frozenset(values[:n_numbers]), frozenset(values[n_numbers:])


@dataclass(frozen=True, slots=True)
class Analysis:
    """The fingerprint of the item being decided, and its body's word hashes for the check."""

    fingerprint: Fingerprint
    words: frozenset[int]


def analyse(title: Words, body: Words) -> Analysis | None:
    """Fingerprint of an article from its normalized title and body; ``None`` when the body is
    too short to compare."""
    if len(body.words) < MIN_WORDS:
        return None
    sig = signature(shingle_hashes(body.hashes))
    words = frozenset(body.hashes)
    fp = Fingerprint(
        sig, number_features(body.numbers), headline_terms(title.words, words), band_keys(sig)
    )
    return Analysis(fp, words)


def analyse_text(title: str, body: str) -> Analysis | None:
    """:func:`analyse` of raw title and body text (without a shared memo)."""
    normalizer = WordNormalizer()
    return analyse(normalizer(title), normalizer(body))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def numbers_agree(
    a: frozenset[int], b: frozenset[int], tolerance: float = NUMBERS_TOLERANCE
) -> bool:
    """False when both texts have figures and too many of them differ."""
    smaller = min(len(a), len(b))
    if smaller == 0:
        return True
    return smaller - len(a & b) <= max(1, int(tolerance * smaller))


def terms_agree(earlier_terms: frozenset[int], later_words: frozenset[int]) -> bool:
    """False when the later body lacks too many of the earlier headline's terms: the same
    template about other people or places."""
    if len(earlier_terms) < MIN_TERMS:
        return True
    # Half a term of slack, so that one of two or three headline terms may be missing.
    return len(earlier_terms & later_words) >= TERMS_SHARE * len(earlier_terms) - 0.5


def second_check(item: Analysis, numbers: frozenset[int], terms: frozenset[int]) -> bool:
    """Whether a candidate above the threshold is the same story, not the same template."""
    return numbers_agree(item.fingerprint.numbers, numbers) and terms_agree(terms, item.words)


def near_duplicate_score(
    item: Analysis,
    sig: np.ndarray,
    numbers: frozenset[int],
    terms: frozenset[int],
    threshold: float = DEFAULT_THRESHOLD,
) -> float | None:
    """The similarity of a new article to an earlier one when it is a near duplicate of it,
    else ``None``: the MinHash estimate at or above ``threshold``, then the second check."""
    score = similarity(item.fingerprint.signature, sig)
    return score if score >= threshold and second_check(item, numbers, terms) else None


@dataclass(slots=True, eq=False)
class _Pending:
    """An item annotated in this run whose record is not yet durable."""

    url: str
    content_hash: str
    version: int
    site: str | None
    lastmod: str | None
    duplicate_of: str | None
    fp: Fingerprint | None = None
    slot: int = -1
    """Row in the run's band table, when it has a fingerprint."""
    claimed: bool = False
    """Already in the shared store's near-duplicate search (claimed when it was decided)."""

    @property
    def cluster_root(self) -> str:
        return self.duplicate_of or self.url

    def record(self) -> ArticleRecord:
        fp = self.fp
        return ArticleRecord(
            canonical_url=self.url,
            content_hash=self.content_hash,
            version=self.version,
            site=self.site,
            lastmod=self.lastmod,
            duplicate_of=self.duplicate_of,
            signature=fp.signature_bytes() if fp is not None and not self.claimed else None,
            features=fp.features_bytes() if fp is not None else b"",
            band_keys=fp.band_keys if fp is not None else (),
        )


class _RunBands:
    """The band keys of this run's not yet durable items, one row per item: a query compares
    the rows at once instead of keeping a dict entry per key."""

    def __init__(self) -> None:
        self.rows = np.empty((64, BANDS), dtype=np.int64)
        self.owners: list[_Pending | None] = []
        self.live = 0

    def add(self, pending: _Pending) -> None:
        assert pending.fp is not None
        if len(self.owners) == len(self.rows):
            if self.live < len(self.owners) // 2:
                self._compact()
            else:
                self.rows = np.concatenate((self.rows, np.empty_like(self.rows)))
        pending.slot = len(self.owners)
        self.rows[pending.slot] = pending.fp.band_keys
        self.owners.append(pending)
        self.live += 1

    def remove(self, pending: _Pending) -> None:
        if 0 <= pending.slot < len(self.owners) and self.owners[pending.slot] is pending:
            self.owners[pending.slot] = None
            self.live -= 1
            if not self.live:
                self.owners.clear()

    def _compact(self) -> None:
        keep = [i for i, owner in enumerate(self.owners) if owner is not None]
        self.rows[: len(keep)] = self.rows[keep]
        self.owners = [self.owners[i] for i in keep]
        for slot, owner in enumerate(self.owners):
            assert owner is not None
            owner.slot = slot

    def query(self, keys: Sequence[int]) -> list[_Pending]:
        if not self.live:
            return []
        rows = self.rows[: len(self.owners)]
        hits = np.flatnonzero((rows == np.asarray(keys, dtype=np.int64)).any(axis=1))
        return [owner for i in hits.tolist() if (owner := self.owners[i]) is not None]

    def clear(self) -> None:
        self.owners.clear()
        self.live = 0


class DedupPipeline:
    """Drops unchanged re-crawls, versions changed articles and links duplicates.

    Decisions are made in ``process_item`` against the state store plus the items of this run
    that are not durable yet; the store learns about an item only when the exporter sends
    ``items_durable`` for it, so a crash never turns an unwritten article into a duplicate.
    """

    def __init__(
        self,
        store_path: str,
        stats: StatsCollector,
        mode: str = "mark",
        threshold: float = DEFAULT_THRESHOLD,
        window_days: float = 30.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"DEDUP_MODE must be one of {MODES}, not {mode!r}")
        self.store_path = store_path
        self.stats = stats
        self.mode = mode
        self.threshold = threshold
        self.window = window_days * 86400.0
        self.normalizer = WordNormalizer()
        self._store: StateStore | None = None
        self.open_store: Callable[[], StateStore] = lambda: SQLiteStateStore(self.store_path)
        self._by_key: dict[tuple[str, str], _Pending] = {}
        self._by_url: dict[str, _Pending] = {}
        self._by_hash: dict[str, _Pending] = {}
        self._bands = _RunBands()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        settings = crawler.settings
        if not settings.getbool("DEDUP_ENABLED", True):
            raise NotConfigured("DEDUP_ENABLED is off")
        assert crawler.stats is not None
        pipeline = cls(
            store_path=settings.get("STATE_PATH") or DEFAULT_STATE_PATH,
            stats=crawler.stats,
            mode=settings.get("DEDUP_MODE", "mark"),
            threshold=settings.getfloat("DEDUP_THRESHOLD", DEFAULT_THRESHOLD),
            window_days=settings.getfloat("DEDUP_WINDOW_DAYS", 30.0),
        )
        # Plain values, not the settings object: the store is opened at the first item.
        where = {
            name: settings.get(name) for name in ("REDIS_URL", "REDIS_KEY_PREFIX", "STATE_PATH")
        }
        pipeline.open_store = lambda: open_state_store(where)
        crawler.signals.connect(pipeline.on_durable, signal=items_durable)
        # Not spider_closed: the exporter announces its last batch while that signal is handled.
        crawler.signals.connect(pipeline.engine_stopped, signal=signals.engine_stopped)
        return pipeline

    # -- store -------------------------------------------------------------------------------

    @property
    def store(self) -> StateStore:
        if self._store is None:
            self._store = self.open_store()
            layout = self._store.get_meta("fingerprint_layout")
            if layout != LAYOUT:
                if layout is not None:
                    logger.warning("fingerprints of layout %s dropped: not comparable", layout)
                    self._store.clear_fingerprint_index()
                self._store.set_meta("fingerprint_layout", LAYOUT)
        return self._store

    def open_spider(self) -> None:
        store = self.store
        now = time.time()
        last = store.get_meta("pruned_at")
        if self.window > 0 and (last is None or now - float(last) > 86400):
            pruned = store.prune(now - self.window)
            store.set_meta("pruned_at", repr(now))
            if pruned:
                self.stats.inc_value("dedup/pruned", pruned)

    def engine_stopped(self) -> None:
        """End of the run: what was never announced durable is forgotten, not committed."""
        if self._by_key:
            # The next run sees these as new: nothing says their records were written.
            self.stats.set_value("dedup/not_durable", len(self._by_key))
        self._by_key.clear()
        self._by_url.clear()
        self._by_hash.clear()
        self._bands.clear()
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- decisions ---------------------------------------------------------------------------

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = self._canonical(adapter)
        title, body = adapter.get("title") or "", adapter.get("body") or ""
        # Extraction and cleaning keep the hash current; computing it is the fallback.
        chash = adapter.get("content_hash") or content_hash(title, body)
        adapter["content_hash"] = chash
        lastmod = adapter.get("modified_at") or adapter.get("published_at")
        site = adapter.get("site")

        known = self._known_url(url)
        if known is not None:
            known_hash, known_version, known_dup = known
            if known_hash == chash:
                self.stats.inc_value("dedup/unchanged")
                if url not in self._by_url:
                    # Refetched (a sitemap lastmod moved) and unchanged: remembered, so the
                    # same lastmod does not bring it back on every run.
                    self.store.record_checked(url)
                raise DropItem(f"unchanged since last written: {url}", log_level="DEBUG")
            version = known_version + 1
            adapter["version"] = version
            adapter["previous_content_hash"] = known_hash
            adapter["duplicate_of"] = known_dup
            adapter["cluster_id"] = article_id(known_dup or url)
            self.stats.inc_value("dedup/new_version")
            self._add(_Pending(url, chash, version, site, lastmod, known_dup))
            return item

        adapter["version"] = 1
        adapter["previous_content_hash"] = None
        claim = getattr(self.store, "claim_first", None)
        if claim is not None:
            return self._claim(item, adapter, url, chash, (title, body), site, lastmod, claim)
        twin = self._by_hash.get(chash)
        root = twin.cluster_root if twin is not None else None
        if root is None:
            seen = self.store.lookup_fingerprint(chash)
            root = seen.cluster_root if seen is not None else None
        if root is not None and root != url:
            return self._duplicate(item, adapter, "exact_duplicate", root, chash, site, lastmod)

        analysis = analyse(self.normalizer(title), self.normalizer(body))
        fp = analysis.fingerprint if analysis is not None else None
        if analysis is not None:
            root = self._near_root(analysis)
            if root is not None and root != url:
                return self._duplicate(
                    item, adapter, "near_duplicate", root, chash, site, lastmod, fp
                )
        adapter["duplicate_of"] = None
        # A story's first article heads its cluster: grouping by cluster_id needs no coalesce.
        adapter["cluster_id"] = article_id(url)
        self.stats.inc_value("dedup/new")
        self._add(_Pending(url, chash, 1, site, lastmod, None, fp))
        return item

    def _claim(
        self,
        item: Any,
        adapter: ItemAdapter,
        url: str,
        chash: str,
        text: tuple[str, str],
        site: str | None,
        lastmod: str | None,
        claim: Callable[..., tuple[str, str]],
    ) -> Any:
        """A new article against a store other workers share (Redis): the content hash and the
        bands are claimed in one atomic step with the decision, so two workers deciding copies
        of one story at once still link them."""
        analysis = analyse(self.normalizer(text[0]), self.normalizer(text[1]))
        fp = analysis.fingerprint if analysis is not None else None
        record = _Pending(url, chash, 1, site, lastmod, None, fp).record()
        since = time.time() - self.window if self.window > 0 else float("-inf")

        def decide(stored: list[Candidate]) -> str | None:
            return self._near_root(analysis, stored) if analysis is not None else None

        kind, root = claim(url, chash, record, since, decide, limit=CANDIDATE_LIMIT)
        if kind != "new":
            return self._duplicate(
                item, adapter, f"{kind}_duplicate", root, chash, site, lastmod, fp, claimed=True
            )
        adapter["duplicate_of"] = None
        adapter["cluster_id"] = article_id(url)
        self.stats.inc_value("dedup/new")
        self._add(_Pending(url, chash, 1, site, lastmod, None, fp, claimed=True))
        return item

    def _canonical(self, adapter: ItemAdapter) -> str:
        # Extraction writes every record's canonical_url with crawler.urls.canonicalize_url;
        # a record without one gets it here, with the id that goes with it.
        url = adapter.get("canonical_url")
        if url:
            return url
        raw = adapter.get("url")
        name = adapter.get("site")
        url = canonicalize_url(raw, sites.BY_NAME.get(name) if name else sites.site_for_url(raw))
        adapter["canonical_url"] = url
        adapter["id"] = article_id(url)
        return url

    def _known_url(self, url: str) -> tuple[str, int, str | None] | None:
        pending = self._by_url.get(url)
        if pending is not None:
            return pending.content_hash, pending.version, pending.duplicate_of
        seen = self.store.lookup(url)
        if seen is not None:
            return seen.content_hash, seen.version, seen.duplicate_of
        return None

    def _near_root(self, item: Analysis, stored: list[Candidate] | None = None) -> str | None:
        keys = item.fingerprint.band_keys
        in_run = self._bands.query(keys)
        if stored is None:
            since = time.time() - self.window if self.window > 0 else float("-inf")
            stored = self.store.near_candidates(keys, since, CANDIDATE_LIMIT)
        if not in_run and not stored:
            return None
        roots: list[str] = []
        sigs: list[np.ndarray] = []
        features: list[tuple[frozenset[int], frozenset[int]] | bytes] = []
        for pending in in_run:
            assert pending.fp is not None
            roots.append(pending.cluster_root)
            sigs.append(pending.fp.signature)
            features.append((pending.fp.numbers, pending.fp.terms))
        for cand in stored:
            roots.append(cand.cluster_root)
            sigs.append(np.frombuffer(cand.signature, dtype="<u4"))
            features.append(cand.features)
        scores = np.count_nonzero(np.vstack(sigs) == item.fingerprint.signature, axis=1)
        minimum = self.threshold * NUM_PERM
        for i in np.argsort(-scores, kind="stable").tolist():
            if scores[i] < minimum:
                break
            feat = features[i]
            numbers, terms = Fingerprint.parse_features(feat) if isinstance(feat, bytes) else feat
            if second_check(item, numbers, terms):
                return roots[i]
        return None

    def _duplicate(
        self,
        item: Any,
        adapter: ItemAdapter,
        kind: str,
        root: str,
        chash: str,
        site: str | None,
        lastmod: str | None,
        fp: Fingerprint | None = None,
        claimed: bool = False,
    ) -> Any:
        self.stats.inc_value(f"dedup/{kind}")
        if self.mode == "drop":
            self.stats.inc_value("dedup/dropped")
            raise DropItem(f"{kind.replace('_', ' ')} of {root}", log_level="INFO")
        adapter["duplicate_of"] = root
        adapter["cluster_id"] = article_id(root)
        self._add(
            _Pending(adapter["canonical_url"], chash, 1, site, lastmod, root, fp, claimed=claimed)
        )
        return item

    # -- pending items and the durable signal ------------------------------------------------

    def _add(self, pending: _Pending) -> None:
        self._by_key[(pending.url, pending.content_hash)] = pending
        self._by_url[pending.url] = pending
        self._by_hash.setdefault(pending.content_hash, pending)
        if pending.fp is not None:
            self._bands.add(pending)

    def _forget(self, pending: _Pending) -> None:
        self._by_key.pop((pending.url, pending.content_hash), None)
        if self._by_url.get(pending.url) is pending:
            del self._by_url[pending.url]
        if self._by_hash.get(pending.content_hash) is pending:
            del self._by_hash[pending.content_hash]
        if pending.fp is not None:
            self._bands.remove(pending)

    def on_durable(self, items: Iterable[Any], **kwargs: Any) -> None:
        """Handler of ``items_durable``: the store learns about records now on disk."""
        batch: list[_Pending] = []
        for item in items:
            adapter = ItemAdapter(item)
            pending = self._by_key.get((adapter.get("canonical_url"), adapter.get("content_hash")))
            batch.append(pending if pending is not None else self._from_record(adapter))
        if not batch:
            return
        try:
            self.store.record_articles([p.record() for p in batch])
        except (sqlite3.Error, OSError) as exc:
            # A full disk: the records are written, only the store misses them, so the next run
            # sees them as new (never lost). One line, not a traceback per batch.
            if not self.stats.get_value("dedup/record_errors"):
                logger.error("Recording written articles in the state store failed (%s)", exc)
            self.stats.inc_value("dedup/record_errors", len(batch))
        else:
            self.stats.inc_value("dedup/recorded", len(batch))
        for pending in batch:
            self._forget(pending)

    def _from_record(self, adapter: ItemAdapter) -> _Pending:
        # A record this pipeline did not decide in this run (recovered from a killed run's
        # file, or announced after the end): everything needed is in the record itself.
        url = self._canonical(adapter)
        title, body = adapter.get("title") or "", adapter.get("body") or ""
        version = adapter.get("version") or 1
        analysis = None
        if version == 1:
            analysis = analyse(self.normalizer(title), self.normalizer(body))
        return _Pending(
            url,
            adapter.get("content_hash") or content_hash(title, body),
            version,
            adapter.get("site"),
            adapter.get("modified_at") or adapter.get("published_at"),
            adapter.get("duplicate_of"),
            analysis.fingerprint if analysis is not None else None,
        )
