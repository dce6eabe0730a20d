"""Deduplication through the real pipeline, a real Scrapy signal manager and real SQLite files:
re-crawls, versions, exact and near duplicates, look-alike templates, and the durable seam."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import validate_record
from dedup_labelled import (
    EXAMS,
    RATES,
    SOLAR,
    TEMPLATES,
    WATER,
    WATER_FOLLOW_UP,
    WHEAT,
    WHEAT_FOLLOW_UP,
    Text,
    evaluate,
    pairs,
    wire_variants,
)
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawler.items import Article, article_id
from crawler.signals import items_durable
from crawler.sites import site_for_url
from crawler.state import ArticleRecord, SQLiteStateStore
from crawler.text import content_hash, normalize_for_matching
from crawler.urls import canonicalize_url
from pipelines.dedup import (
    DEFAULT_THRESHOLD,
    DedupPipeline,
    WordNormalizer,
    analyse_text,
    near_duplicate_score,
)

YOUM7 = "https://www.youm7.com/story/2024/5/12/{slug}/{n}"
VETO = "https://www.vetogate.com/{n}"


def article(url: str, text: Text, **fields: Any) -> Article:
    """A record as extraction and cleaning hand it over: canonical URL and content hash set."""
    site = site_for_url(url)
    return Article(
        url=url,
        canonical_url=canonicalize_url(url, site),
        site=site.name if site else None,
        title=text.title,
        body=text.body,
        content_hash=content_hash(text.title, text.body),
        **fields,
    )


class Run:
    """One crawl run: a crawler, its dedup pipeline and what the exporter would announce."""

    def __init__(self, state: Path, **settings: Any) -> None:
        self.crawler: Crawler = get_crawler(settings_dict={"STATE_PATH": str(state), **settings})
        self.pipeline = DedupPipeline.from_crawler(self.crawler)
        self.pipeline.open_spider()
        self.kept: list[Article] = []

    def process(self, item: Article) -> Article | None:
        try:
            out = self.pipeline.process_item(item)
        except DropItem:
            return None
        self.kept.append(out)
        return out

    def durable(self, **kwargs: Any) -> None:
        """The exporter's announcement: the records as they were written, JSON round-tripped."""
        records = [json.loads(json.dumps(a.to_dict(), ensure_ascii=False)) for a in self.kept]
        self.kept = []
        self.crawler.signals.send_catch_log(items_durable, items=records, spider=None, **kwargs)

    def close(self) -> None:
        self.crawler.signals.send_catch_log(signals.engine_stopped)

    def stat(self, key: str) -> int:
        assert self.crawler.stats is not None
        return self.crawler.stats.get_value(f"dedup/{key}", 0)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state" / "crawler.sqlite3"


def one_run(state: Path, items: list[Article], **settings: Any) -> tuple[Run, list[Any]]:
    run = Run(state, **settings)
    outs = [run.process(item) for item in items]
    run.durable()
    run.close()
    return run, outs


# -- one article, many URLs, many runs ---------------------------------------------------------


def test_url_variants_of_one_article_are_written_once(state: Path) -> None:
    slug = "وزير-المالية-يعلن-الموازنة"
    variants = [
        YOUM7.format(slug=slug, n=6543210),
        YOUM7.format(slug=slug, n=6543210) + "?utm_source=facebook&fbclid=IwAR0",
        YOUM7.format(slug=slug, n=6543210).replace("www.", "m.") + "#comments",
        YOUM7.format(slug=slug, n=6543210).replace("/story/", "/amp/story/"),
        YOUM7.format(slug="%D9%88%D8%B2%D9%8A%D8%B1-%D8%A7%D9%84%D9%85%D8%A7%D9%84%D9%8A%D8%A9"
                     "-%D9%8A%D8%B9%D9%84%D9%86-%D8%A7%D9%84%D9%85%D9%88%D8%A7%D8%B2%D9%86%D8%A9",
                     n=6543210),
    ]  # fmt: skip
    run, outs = one_run(state, [article(url, RATES) for url in variants])
    assert outs[0] is not None and all(out is None for out in outs[1:])
    assert run.stat("new") == 1 and run.stat("unchanged") == len(variants) - 1
    # The next run finds them all known as well.
    again, outs = one_run(state, [article(url, RATES) for url in variants])
    assert outs == [None] * len(variants) and again.stat("unchanged") == len(variants)


def test_unchanged_recrawl_dropped_changed_one_versioned(state: Path) -> None:
    url = VETO.format(n=4302118)
    first, (v1,) = one_run(state, [article(url, WHEAT)])
    assert v1 is not None and v1.version == 1 and v1.previous_content_hash is None
    assert first.stat("recorded") == 1

    _, (same,) = one_run(state, [article(url, WHEAT)])
    assert same is None

    updated = Text(WHEAT.title, (*WHEAT.paragraphs, "وأعلنت الوزارة مساء اليوم زيادة الكميات."))
    run, (v2,) = one_run(state, [article(url, updated)])
    assert v2 is not None and run.stat("new_version") == 1
    assert (v2.version, v2.id, v2.previous_content_hash) == (2, v1.id, v1.content_hash)
    assert v2.duplicate_of is None
    validate_record(v2.to_dict())

    _, (again,) = one_run(state, [article(url, updated)])
    assert again is None
    _, (v3,) = one_run(state, [article(url, WHEAT)])  # back to the first text: still a change
    assert v3 is not None and (v3.version, v3.previous_content_hash) == (3, v2.content_hash)


def test_versions_within_one_run(state: Path) -> None:
    run = Run(state)
    url = VETO.format(n=4300001)
    a = run.process(article(url, EXAMS))
    b = run.process(article(url, Text(EXAMS.title, EXAMS.paragraphs[:-1])))
    c = run.process(article(url, Text(EXAMS.title, EXAMS.paragraphs[:-1])))
    assert a is not None and b is not None and c is None
    assert (a.version, b.version, b.previous_content_hash) == (1, 2, a.content_hash)
    run.durable()
    run.close()
    seen = SQLiteStateStore(state).lookup(a.canonical_url)
    assert seen is not None and (seen.version, seen.content_hash) == (2, b.content_hash)


# -- duplicates of another article -------------------------------------------------------------


def test_wire_copy_is_linked_to_the_first_one_seen(state: Path) -> None:
    original = article(YOUM7.format(slug="الطاقة-الشمسية", n=6500001), SOLAR)
    _, (first,) = one_run(state, [original])
    assert first is not None and first.duplicate_of is None
    # The first article heads the cluster its copies join.
    assert first.cluster_id == first.id

    copies = [
        article(VETO.format(n=4300100 + i), variant)
        for i, variant in enumerate(wire_variants(SOLAR).values())
    ]
    run, outs = one_run(state, copies)
    assert run.stat("near_duplicate") == len(copies)
    for out in outs:
        assert out is not None and out.version == 1
        assert out.duplicate_of == original.canonical_url
        assert out.cluster_id == article_id(original.canonical_url) == original.id
        validate_record(out.to_dict())


def test_wire_copies_within_one_run_before_anything_is_durable(state: Path) -> None:
    run = Run(state)
    variants = wire_variants(WATER)
    a = run.process(article(YOUM7.format(slug="مياه", n=6500002), WATER))
    b = run.process(article(VETO.format(n=4300200), variants["first_sentence"]))
    c = run.process(article(VETO.format(n=4300201), variants["all_edits"]))
    assert a is not None and b is not None and c is not None
    assert b.duplicate_of == c.duplicate_of == a.canonical_url
    assert run.stat("near_duplicate") == 2 and run.stat("recorded") == 0


def test_exact_copy_under_another_url(state: Path) -> None:
    first = article(YOUM7.format(slug="الفائدة", n=6500003), RATES)
    copy = article("https://www.masrawy.com/news/news_economy/details/2024/5/12/2590001", RATES)
    run, (a, b) = one_run(state, [first, copy])
    assert a is not None and b is not None
    assert (b.duplicate_of, b.cluster_id) == (first.canonical_url, first.id)
    assert run.stat("exact_duplicate") == 1
    # A third copy in a later run joins the same cluster.
    later, (c,) = one_run(
        state, [article("https://www.almasryalyoum.com/news/details/3100001", RATES)]
    )
    assert c is not None and c.duplicate_of == first.canonical_url
    assert later.stat("exact_duplicate") == 1


def test_a_copy_of_a_copy_points_to_the_first_article(state: Path) -> None:
    variants = wire_variants(EXAMS)
    first = article(YOUM7.format(slug="امتحانات", n=6500004), EXAMS)
    one_run(state, [first, article(VETO.format(n=4300300), variants["headline"])])
    # Identical to the copy, not to the original: still the original's cluster.
    _, (c,) = one_run(state, [article(VETO.format(n=4300301), variants["headline"])])
    assert c is not None and c.duplicate_of == first.canonical_url


def test_drop_mode_drops_duplicates_and_keeps_the_rest(state: Path) -> None:
    original = article(YOUM7.format(slug="قمح", n=6500005), WHEAT)
    items = [
        original,
        article(VETO.format(n=4300400), wire_variants(WHEAT)["all_edits"]),
        article("https://www.masrawy.com/news/news_egypt/details/2024/5/12/2590002", WHEAT),
        article(VETO.format(n=4300401), WHEAT_FOLLOW_UP),
    ]
    run, outs = one_run(state, items, DEDUP_MODE="drop")
    assert [out is not None for out in outs] == [True, False, False, True]
    assert (run.stat("dropped"), run.stat("near_duplicate"), run.stat("exact_duplicate")) == (
        2,
        1,
        1,
    )
    assert run.stat("new") == 2 and run.stat("recorded") == 2


# -- look-alikes that are not duplicates -------------------------------------------------------


@pytest.mark.parametrize("family", ["gold", "weather", "currency", "match", "prayer"])
def test_template_articles_stay_apart(state: Path, family: str) -> None:
    texts = TEMPLATES[family]
    first, *rest = texts
    # Across runs (the first one durable) and within a run (the others still pending).
    one_run(state, [article(VETO.format(n=4310000), first)])
    run, outs = one_run(state, [article(VETO.format(n=4310001 + i), t) for i, t in enumerate(rest)])
    assert all(out is not None and out.duplicate_of is None for out in outs)
    assert run.stat("new") == len(rest) and run.stat("near_duplicate") == 0


def test_follow_up_stories_stay_apart(state: Path) -> None:
    _, outs = one_run(
        state,
        [
            article(VETO.format(n=4320001), WHEAT),
            article(VETO.format(n=4320002), WHEAT_FOLLOW_UP),
            article(VETO.format(n=4320003), WATER),
            article(VETO.format(n=4320004), WATER_FOLLOW_UP),
        ],
    )
    assert all(out is not None and out.duplicate_of is None for out in outs)


def test_labelled_set_at_the_default_threshold() -> None:
    def matcher(earlier: Text, later: Text) -> bool:
        a, b = analyse_text(earlier.title, earlier.body), analyse_text(later.title, later.body)
        assert a is not None and b is not None
        fp = a.fingerprint
        return (
            near_duplicate_score(b, fp.signature, fp.numbers, fp.terms, DEFAULT_THRESHOLD)
            is not None
        )

    wrong = evaluate(matcher)
    assert wrong["false_positive"] == []
    duplicates = sum(1 for p in pairs() if p.duplicate)
    assert len(wrong["false_negative"]) <= 0.05 * duplicates, wrong["false_negative"]
    # Every copy is found from its original; the misses are copies compared with each other.
    assert all("+" in kind for kind in wrong["false_negative"])


# -- the durable seam --------------------------------------------------------------------------


def test_nothing_is_seen_before_it_is_durable(state: Path) -> None:
    item = article(VETO.format(n=4330001), SOLAR)
    crashed = Run(state)
    assert crashed.process(item) is not None
    crashed.close()  # stopped before the exporter made the batch durable
    assert crashed.stat("not_durable") == 1 and crashed.stat("recorded") == 0
    assert SQLiteStateStore(state).lookup(item.canonical_url) is None

    run, (again,) = one_run(state, [article(VETO.format(n=4330001), SOLAR)])
    assert again is not None and again.version == 1 and run.stat("new") == 1


def test_records_announced_after_close_or_recovered_are_remembered(state: Path) -> None:
    late = Run(state)
    late.process(article(VETO.format(n=4340001), RATES))
    late.close()
    late.durable()  # announced after the engine stopped: still remembered
    assert late.stat("recorded") == 1

    # A killed run's file recovered by the next run: records this pipeline never saw.
    recovered = Run(state)
    recovered.kept = [article(VETO.format(n=4340002), EXAMS)]
    recovered.durable(recovered=True)
    recovered.close()

    run, outs = one_run(
        state, [article(VETO.format(n=4340001), RATES), article(VETO.format(n=4340002), EXAMS)]
    )
    assert outs == [None, None] and run.stat("unchanged") == 2


@pytest.mark.parametrize(("window", "linked"), [(60, True), (30, False), (0, True)])
def test_near_duplicate_search_is_limited_to_the_window(
    state: Path, window: int, linked: bool
) -> None:
    original = article(YOUM7.format(slug="قديم", n=6500006), SOLAR)
    analysis = analyse_text(original.title, original.body)
    assert analysis is not None and original.content_hash is not None
    fp = analysis.fingerprint
    store = SQLiteStateStore(state)
    store.record_articles(
        [
            ArticleRecord(
                original.canonical_url,
                original.content_hash,
                signature=fp.signature_bytes(),
                features=fp.features_bytes(),
                band_keys=fp.band_keys,
            )
        ],
        now=time.time() - 45 * 86400,  # first seen 45 days ago
    )
    store.close()
    copy = article(VETO.format(n=4350001), wire_variants(SOLAR)["word_edits"])
    _, (out,) = one_run(state, [copy], DEDUP_WINDOW_DAYS=window)
    assert out is not None
    assert out.duplicate_of == (original.canonical_url if linked else None)


def test_missing_content_hash_and_canonical_url_are_filled(state: Path) -> None:
    url = "https://m.vetogate.com/4360001?utm_source=rss#top"
    item = article(url, SOLAR)
    item.content_hash, item.canonical_url, item.id = None, "", ""
    out = Run(state).process(item)
    assert out is not None and out.content_hash == content_hash(SOLAR.title, SOLAR.body)
    assert out.canonical_url == "https://www.vetogate.com/4360001"
    assert out.id == article_id(out.canonical_url)


def test_switches_and_bad_settings(state: Path) -> None:
    with pytest.raises(NotConfigured):
        DedupPipeline.from_crawler(get_crawler(settings_dict={"DEDUP_ENABLED": False}))
    with pytest.raises(ValueError, match="DEDUP_MODE"):
        DedupPipeline.from_crawler(get_crawler(settings_dict={"DEDUP_MODE": "delete"}))


def test_project_settings_run_dedup_after_cleaning() -> None:
    from crawler import settings

    order = sorted(settings.ITEM_PIPELINES, key=settings.ITEM_PIPELINES.__getitem__)
    assert order.index("pipelines.dedup.DedupPipeline") > order.index(
        "pipelines.clean.CleanPipeline"
    )
    assert settings.DEDUP_MODE == "mark" and settings.DEDUP_THRESHOLD == DEFAULT_THRESHOLD


# -- the pure helpers --------------------------------------------------------------------------


def test_word_normalizer_equals_normalize_for_matching() -> None:
    normalizer = WordNormalizer(max_size=50)  # small, so that it empties itself on the way
    texts = [t for p in pairs() for t in (p.a.title, p.a.body, p.b.title, p.b.body)]
    texts += [
        "«إنّ الـــمشروع» ٢٠٢٤م (12.5%) — A/B test_x ﷺ \u200bكلمة،الثانية ﻻ ١٢٫٥ Hello-World!",
        "", "...", "٣٤ و٤٥ ۱۲", "ALL-CAPS_and_snake 3,5 1.2.3 — 12.5 —", "إِنَّ الأَمْرَ آتٍ ى ة",
    ]  # fmt: skip
    for text in texts * 2:
        assert normalizer.words(text) == normalize_for_matching(text).split(), text
