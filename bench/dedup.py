"""Benchmark of the dedup stage on synthetic Arabic articles with known duplicates.

    .venv/bin/python bench/dedup.py                  # N = 10,000 and 100,000, one process each
    .venv/bin/python bench/dedup.py --n 20000        # other sizes
    .venv/bin/python bench/dedup.py --tune           # threshold grid on the labelled set

Each N runs in a fresh subprocess, so the peak RSS printed is that of one N. The articles are
generated here from a made-up vocabulary: unique stories, exact copies under other URLs, wire
copies with edits (new headline, rewritten first sentence, word edits, a dropped paragraph, a
site's own closing line), template articles that differ only in figures and names (prices,
weather, rates, results, prayer times), unchanged re-crawls and updated articles. They go
through ``DedupPipeline`` with a real SQLite store; batches are made durable with the
``items_durable`` signal, as the exporter does.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Kinds of generated items and their shares of the stream.
ORIGINAL, EXACT, NEAR, TEMPLATE, RECRAWL, UPDATE = range(6)
KIND_NAMES = ("original", "exact copy", "wire copy", "template", "re-crawl", "update")
SHARES = (0.60, 0.08, 0.15, 0.10, 0.04, 0.03)
BATCH = 100
"""Items per durable batch: the exporter's default ``EXPORT_BATCH_SIZE``."""
BLOCK = 1000
"""Articles generated ahead and then pushed through the stage."""

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
PATTERNS = (
    "{0}ا{1}{2}",
    "م{0}{1}و{2}",
    "ت{0}{1}ي{2}",
    "است{0}{1}ا{2}",
    "{0}{1}ا{2}",
    "{0}{1}ي{2}",
    "م{0}{1}{2}",
    "{0}{1}{2}",
    "ي{0}{1}{2}",
    "ت{0}ا{1}{2}",
    "{0}{1}{2}ة",
    "م{0}ا{1}{2}",
)
PREFIXES = ("", "", "", "ال", "ال", "و", "وال", "ب", "بال", "لل")
SUFFIXES = ("", "", "", "ة", "ات", "ين", "ون", "ها", "هم")
# fmt: off
FUNCTION_WORDS = (
    "في", "من", "على", "إلى", "أن", "عن", "مع", "التي", "الذي", "هذا", "هذه", "كما", "بعد", "قبل",
    "خلال", "بين", "حيث", "وقد", "كان", "قال", "أكد", "أشار", "أوضح", "وأضاف", "اليوم", "أمس",
    "العام", "الحكومة", "وزير", "رئيس", "مصر", "القاهرة", "مجلس", "الوزراء", "البلاد",
    "المواطنين", "الجاري", "المقبل", "الماضي", "نحو", "أكثر", "أقل", "إطار", "بشأن", "وفق", "لدى",
    "منذ", "حتى", "ضمن", "عبر", "أيضا",
)
# fmt: on
SITE_TAIL = "تابعوا آخر الأخبار العاجلة والتقارير الخاصة على موقعنا وتطبيقنا للهاتف المحمول"
SITES = (
    "https://www.youm7.com/story/2024/5/{d}/{slug}/{n}",
    "https://www.vetogate.com/{n}",
    "https://www.masrawy.com/news/news_egypt/details/2024/5/{d}/{n}",
    "https://www.almasryalyoum.com/news/details/{n}",
    "https://www.elwatannews.example/news/details/{n}",
)


class Vocabulary:
    """Made-up Arabic-looking word forms with Zipf-like frequencies, and names."""

    def __init__(self, seed: int = 7, roots: int = 4000) -> None:
        rng = random.Random(seed)
        forms: set[str] = set()
        for _ in range(roots):
            root = [rng.choice(LETTERS) for _ in range(3)]
            for _ in range(12):
                stem = rng.choice(PATTERNS).format(*root)
                forms.add(rng.choice(PREFIXES) + stem + rng.choice(SUFFIXES))
        self.words = sorted(forms)
        rng.shuffle(self.words)
        total = 0.0
        self.cum: list[float] = []
        for rank in range(len(self.words)):
            total += 1.0 / (rank + 10) ** 1.05
            self.cum.append(total)
        self.total = total
        self.names = [self._name(rng) for _ in range(3000)]
        self.places = [self._name(rng, 1) for _ in range(400)]

    @staticmethod
    def _name(rng: random.Random, parts: int = 2) -> str:
        return " ".join(
            rng.choice(("", "عبد ")) * (i == 1)
            + rng.choice(PATTERNS[:6]).format(*(rng.choice(LETTERS) for _ in range(3)))
            for i in range(parts)
        )

    def word(self, rng: random.Random) -> str:
        if rng.random() < 0.3:
            return rng.choice(FUNCTION_WORDS)
        return self.words[bisect.bisect(self.cum, rng.random() * self.total)]

    def sentence(self, rng: random.Random, numbers: float = 0.3) -> list[str]:
        words = [self.word(rng) for _ in range(rng.randint(12, 22))]
        if rng.random() < numbers:
            words.insert(rng.randrange(len(words)), number(rng))
        return words


def number(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.3:
        return str(rng.randint(2, 99))
    if shape < 0.6:
        return str(rng.randint(100, 99999))
    if shape < 0.8:
        return f"{rng.randint(1, 99)}.{rng.randint(1, 9)}"
    return str(rng.choice((2023, 2024, 2025)))


@dataclass
class Story:
    title: list[str]
    paragraphs: list[list[list[str]]]
    """Paragraphs of sentences of words."""

    def text(self) -> tuple[str, str]:
        body = "\n\n".join(
            "، ".join(" ".join(s) for s in para[:-1]) + (". " if len(para) > 1 else "")
            + " ".join(para[-1]) + "."
            for para in self.paragraphs
        )  # fmt: skip
        return " ".join(self.title), body


def story(vocab: Vocabulary, j: int) -> Story:
    rng = random.Random(j * 7919 + 17)
    paragraphs = [
        [vocab.sentence(rng) for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(5, 9))
    ]
    lede = [w for w in paragraphs[0][0] if w not in FUNCTION_WORDS]
    title = rng.sample(lede, min(len(lede), rng.randint(5, 8)))
    return Story(title, paragraphs)


def wire_copy(vocab: Vocabulary, base: Story, v: int) -> Story:
    """Another site's copy of a story: at least two of the usual desk edits."""
    rng = random.Random(v * 104729 + 3)
    edits = rng.sample(("headline", "lede", "words", "drop", "tail"), rng.randint(2, 5))
    paragraphs = [[list(s) for s in para] for para in base.paragraphs]
    title = list(base.title)
    if "headline" in edits:
        pool = [w for p in paragraphs for s in p for w in s if w not in FUNCTION_WORDS]
        title = rng.sample(pool, min(len(pool), rng.randint(5, 9)))
    if "lede" in edits:
        # A rewritten first sentence keeps the story's names and figures, in other words.
        first = paragraphs[0][0]
        kept = [w for w in first if w in base.title or any(c.isdigit() for c in w)]
        new = vocab.sentence(rng, numbers=0.0)
        for w in kept:
            new.insert(rng.randrange(len(new) + 1), w)
        paragraphs[0][0] = new
    if "words" in edits:
        # Synonyms for ordinary words; names (the headline's words) and figures stay.
        for _ in range(rng.randint(2, 6)):
            para = rng.choice(paragraphs)
            sent = rng.choice(para)
            i = rng.randrange(len(sent))
            if sent[i] not in base.title and not any(c.isdigit() for c in sent[i]):
                sent[i] = vocab.word(rng)
    if "drop" in edits and len(paragraphs) > 3:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    if "tail" in edits or (title, paragraphs) == (base.title, base.paragraphs):
        paragraphs.append([SITE_TAIL.split()])
    return Story(title, paragraphs)


class Templates:
    """Five daily templates (prices, weather, rates, results, prayer times): fixed wording,
    other figures and names each day."""

    def __init__(self, vocab: Vocabulary, seed: int = 11) -> None:
        rng = random.Random(seed)
        self.families = []
        for _ in range(5):
            slots = [vocab.sentence(rng, numbers=0.0) for _ in range(3)]
            for sent in slots:
                for _ in range(rng.randint(3, 6)):
                    sent.insert(rng.randrange(len(sent) + 1), rng.choice(("{N}", "{N}", "{P}")))
            fixed = [
                [vocab.sentence(rng, numbers=0.0) for _ in range(2)]
                for _ in range(rng.randint(2, 4))
            ]
            title = [*vocab.sentence(rng, numbers=0.0)[:5], "{P}", "{N}", "{N}"]
            self.families.append((title, slots, fixed))
        self.vocab = vocab

    def instance(self, d: int) -> Story:
        rng = random.Random(d * 15485863 + 5)
        title, slots, fixed = self.families[d % len(self.families)]

        def fill(words: list[str]) -> list[str]:
            out: list[str] = []
            for w in words:
                if w == "{N}":
                    out.append(number(rng))
                elif w == "{P}":
                    out.extend(rng.choice(self.vocab.names + self.vocab.places).split())
                else:
                    out.append(w)
            return out

        paragraphs = [[fill(s) for s in slots[:2]], [fill(slots[2])], *fixed]
        return Story(fill(title), paragraphs)


def url_for(j: int, tracking: bool = False) -> str:
    url = SITES[j % len(SITES)].format(d=1 + j % 28, slug=f"خبر-{j}", n=4_000_000 + j)
    return url + ("?utm_source=rss&utm_medium=feed" if tracking else "")


def run(n: int) -> dict[str, float | int]:
    import numpy as np
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    from crawler.items import Article
    from crawler.signals import items_durable
    from crawler.sites import site_for_url
    from crawler.text import content_hash
    from crawler.urls import canonicalize_url
    from pipelines.dedup import DedupPipeline

    vocab = Vocabulary()
    templates = Templates(vocab)
    workdir = Path(tempfile.mkdtemp(prefix="dedup-bench-"))
    state = workdir / "state.sqlite3"
    crawler = get_crawler(settings_dict={"STATE_PATH": str(state), "LOG_LEVEL": "WARNING"})
    pipeline = DedupPipeline.from_crawler(crawler)
    stats = crawler.stats
    assert stats is not None
    pipeline.open_spider()

    rng = random.Random(1234)
    originals = array("l")
    kinds = array("b")
    cum_shares = list(itertools.accumulate(SHARES))
    counts = dict.fromkeys(("near_tp", "near_fp", "near_fn", "exact_tp", "exact_fp", "exact_fn",
                            "template_merged", "unchanged_ok", "versions_ok"), 0)  # fmt: skip
    updated: set[int] = set()
    batch: list[Article] = []
    spent = 0.0
    started = time.perf_counter()

    def near_count() -> int:
        return stats.get_value("dedup/near_duplicate", 0)

    def exact_count() -> int:
        return stats.get_value("dedup/exact_duplicate", 0)

    def generate(start: int, stop: int) -> list[tuple[int, int, Article]]:
        block = []
        for i in range(start, stop):
            kind = bisect.bisect(cum_shares, rng.random() * cum_shares[-1])
            if kind != ORIGINAL and (
                len(originals) < 20 or (kind == UPDATE and len(originals) < 50)
            ):
                kind = ORIGINAL
            j = -1
            if kind == ORIGINAL:
                j = i
                originals.append(i)
                title, body = story(vocab, i).text()
                url = url_for(i)
            elif kind == TEMPLATE:
                title, body = templates.instance(i).text()
                url = url_for(i)
            else:
                # Copies and re-crawls mostly follow their original within a few hundred articles.
                j = originals[max(0, len(originals) - 1 - int(rng.expovariate(1 / 300)))]
                base = story(vocab, j)
                if kind == EXACT:
                    title, body = base.text()
                    url = url_for(i)
                elif kind == NEAR:
                    title, body = wire_copy(vocab, base, i).text()
                    url = url_for(i)
                else:
                    # An update is the story plus one paragraph; a re-crawl finds the latest text.
                    if kind == UPDATE and j in updated:
                        kind = RECRAWL
                    title, body = base.text()
                    if kind == UPDATE or j in updated:
                        body += "\n\n" + " ".join(vocab.sentence(random.Random(-j))) + "."
                        updated.add(j)
                    url = url_for(j, tracking=True)
            chash = content_hash(title, body)
            # As extraction writes it: canonical URL, site name and content hash set.
            site = site_for_url(url)
            item = Article(
                url=url,
                canonical_url=canonicalize_url(url, site),
                site=site.name if site else None,
                title=title,
                body=body,
                content_hash=chash,
            )
            kinds.append(kind)
            block.append((kind, j, item))
        return block

    for start in range(0, n, BLOCK):
        # Articles arrive in blocks, as a crawl delivers them; generating them is not timed.
        block = generate(start, min(n, start + BLOCK))
        outcomes = []
        t0 = time.perf_counter()
        for _, _, item in block:
            near_before, exact_before = near_count(), exact_count()
            try:
                out = pipeline.process_item(item)
            except DropItem:
                out = None
            outcomes.append((out, near_count() > near_before, exact_count() > exact_before))
            if out is not None:
                batch.append(out)
                if len(batch) >= BATCH:
                    crawler.signals.send_catch_log(items_durable, items=batch, spider=None)
                    batch = []
        spent += time.perf_counter() - t0

        for (kind, j, _), (out, near_flag, exact_flag) in zip(block, outcomes, strict=True):
            root = canonicalize_url(url_for(j), site_for_url(url_for(j))) if j >= 0 else None
            dup_of = out.duplicate_of if out is not None else None
            if kind == NEAR:
                # Two copies with the same edits are exact duplicates of each other: found too.
                if (near_flag or exact_flag) and dup_of == root:
                    counts["near_tp"] += 1
                else:
                    counts["near_fn"] += 1
                    counts["near_fp"] += near_flag
            elif near_flag:
                counts["near_fp"] += 1
            if kind == EXACT:
                counts["exact_tp" if exact_flag and dup_of == root else "exact_fn"] += 1
            elif exact_flag and kind != NEAR:
                counts["exact_fp"] += 1
            if kind == TEMPLATE and (near_flag or exact_flag):
                counts["template_merged"] += 1
            if kind == RECRAWL and out is None:
                counts["unchanged_ok"] += 1
            if kind == UPDATE and out is not None and (out.version or 0) >= 2:
                counts["versions_ok"] += 1

    t0 = time.perf_counter()
    if batch:
        crawler.signals.send_catch_log(items_durable, items=batch, spider=None)
    pipeline.engine_stopped()
    spent += time.perf_counter() - t0
    wall = time.perf_counter() - started

    store_bytes = sum(p.stat().st_size for p in workdir.iterdir())
    # What the next crawl process pays at its first near-duplicate query: loading the window.
    load = subprocess.run(
        [sys.executable, __file__, "--load", str(state)], check=True, capture_output=True, text=True
    )
    load_s, load_rss = json.loads(load.stdout)
    tally = np.bincount(np.frombuffer(kinds, dtype=np.int8), minlength=6)
    near_p = counts["near_tp"] / max(1, counts["near_tp"] + counts["near_fp"])
    exact_p = counts["exact_tp"] / max(1, counts["exact_tp"] + counts["exact_fp"])
    result: dict[str, float | int] = {
        "n": n,
        "items_per_s": n / spent,
        "wall_s": wall,
        "near_precision": near_p,
        "near_recall": counts["near_tp"] / max(1, int(tally[NEAR])),
        "exact_precision": exact_p,
        "exact_recall": counts["exact_tp"] / max(1, int(tally[EXACT])),
        "peak_rss_mb": peak_rss_mb(),
        "store_mb": store_bytes / 2**20,
        "index_load_s": load_s,
        "index_load_rss_mb": load_rss,
        **counts,
        **{f"count_{name}": int(tally[k]) for k, name in enumerate(KIND_NAMES)},
    }
    for p in workdir.iterdir():
        p.unlink()
    workdir.rmdir()
    return result


def report(r: dict[str, float | int]) -> None:
    print(
        f"N={r['n']:,}: {r['items_per_s']:,.0f} items/s in the dedup stage "
        f"(wall {r['wall_s']:.0f} s with generation)\n"
        f"  near duplicates: precision {r['near_precision']:.4f}, recall {r['near_recall']:.4f} "
        f"({r['near_tp']} found, {r['near_fp']} false, {r['near_fn']} missed of "
        f"{r['count_wire copy']} wire copies)\n"
        f"  exact duplicates: precision {r['exact_precision']:.4f}, recall "
        f"{r['exact_recall']:.4f} (of {r['count_exact copy']})\n"
        f"  hard negatives merged: {r['template_merged']} of {r['count_template']} template "
        f"articles\n"
        f"  unchanged re-crawls dropped: {r['unchanged_ok']} of {r['count_re-crawl']}; updates "
        f"written as a new version: {r['versions_ok']} of {r['count_update']}\n"
        f"  peak RSS {r['peak_rss_mb']:.0f} MB, store {r['store_mb']:.1f} MB; a new process "
        f"loads the window's band index in {r['index_load_s']:.1f} s "
        f"(its peak RSS {r['index_load_rss_mb']:.0f} MB)",
        flush=True,
    )


def tune() -> None:
    """Errors on the labelled set for a grid of thresholds (both orders of every pair)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from dedup_labelled import pairs

    from pipelines.dedup import DEFAULT_THRESHOLD, analyse_text, near_duplicate_score

    scored = []
    for pair in pairs():
        a, b = (analyse_text(t.title, t.body) for t in (pair.a, pair.b))
        assert a is not None and b is not None
        for earlier, later in ((a, b), (b, a)):
            fp = earlier.fingerprint
            score = near_duplicate_score(later, fp.signature, fp.numbers, fp.terms, 0.0)
            scored.append((score, pair.duplicate, pair.kind))
    positives = sum(1 for _, dup, _ in scored if dup)
    print(f"labelled set: {len(scored)} ordered pairs, {positives} duplicates")
    print("threshold  false merges  missed duplicates")
    for step in range(15, 56, 5):
        t = step / 100
        fp = sum(1 for s, dup, _ in scored if not dup and s is not None and s >= t)
        fn = sum(1 for s, dup, _ in scored if dup and (s is None or s < t))
        print(f"{t:9.2f}  {fp:12d}  {fn:17d}" + ("   <- default" if t == DEFAULT_THRESHOLD else ""))
    worst = max((s for s, dup, _ in scored if not dup and s is not None), default=0.0)
    lowest = min((s for s, dup, _ in scored if dup and s is not None), default=1.0)
    print(f"highest look-alike similarity {worst:.3f}, lowest duplicate similarity {lowest:.3f}")


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM; ru_maxrss would count the parent's at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_index(path: str) -> None:
    """Open a store and make its first near-duplicate query; print seconds and peak RSS."""
    from crawler.state import SQLiteStateStore
    from pipelines.dedup import BANDS

    t0 = time.perf_counter()
    store = SQLiteStateStore(path)
    store.near_candidates([0] * BANDS, since=time.time() - 30 * 86400)
    seconds = time.perf_counter() - t0
    store.close()
    print(json.dumps([seconds, peak_rss_mb()]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, action="append", help="number of articles (repeatable)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tune", action="store_true", help="threshold grid on the labelled set")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load_index(args.load)
        return
    if args.tune:
        tune()
        return
    sizes = args.n or [10_000, 100_000]
    if args.child:
        print(json.dumps(run(sizes[0])))
        return
    results = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--n", str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        report(results[-1])
    if len(results) > 1:
        grow = results[-1]["peak_rss_mb"] - results[0]["peak_rss_mb"]
        print(f"peak RSS growth from N={sizes[0]:,} to N={sizes[-1]:,}: {grow:.0f} MB")


if __name__ == "__main__":
    main()
