"""Extraction faults met on hostile and real pages: labelled titles, GMT dates, untrusted
canonical links, JSON-LD nested beyond the stack, NUL bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, validate_record
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.extract import extract, parse_json_ld
from crawler.fields.canonical import registrable
from crawler.items import Article
from crawler.sample import Pages, serve_pages
from crawler.sites import get
from pipelines.clean import CleanPipeline

PARAS = [
    "أعلنت وزارة الصحة اليوم عن بدء حملة تطعيم جديدة تشمل المحافظات الحدودية كافة خلال الشهر.",
    "وأوضح المتحدث باسم الوزارة أن الفرق الطبية ستواصل عملها حتى نهاية الحملة في موعدها المحدد.",
    "ومن المنتظر أن تعلن الوزارة نتائج المرحلة الأولى في مؤتمر صحفي مطلع الشهر القادم بالقاهرة.",
]
BODY = "\n\n".join(PARAS)
URL = "https://akhbar.example.org/news/2024/01/16/health-campaign-48213"
VETO = get("vetogate")


def page(head: str = "", body: str = "", title: str = "حملة تطعيم جديدة في المحافظات") -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    return (
        f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:type" content="article">{head}</head><body><main><article>'
        f"<h1>{title}</h1>{body}<div class='content'>{paras}</div></article></main></body></html>"
    )


# --- a labelled title ---------------------------------------------------------------------------


def _pipeline() -> tuple[CleanPipeline, dict[str, float]]:
    crawler = get_crawler()
    return CleanPipeline.from_crawler(crawler), crawler.stats.get_stats()


@pytest.mark.parametrize("label", ["فيديو:", "صور:", "شاهد:", "ذات صلة:", "بالفيديو..", "صور |"])
def test_a_labelled_title_loses_its_label_not_the_article(label: str) -> None:
    pipeline, stats = _pipeline()
    headline = "لحظة انهيار عقار قديم في حي السيدة زينب"
    # Undated on purpose: the title alone must never get an article dropped.
    article = Article(url=URL, canonical_url=URL, site=None, title=f"{label} {headline}", body=BODY)
    assert pipeline.process_item(article) is article
    assert article.title == headline
    assert stats["clean/removed/title_label"] == 1
    assert "clean/dropped_site_page" not in stats
    validate_record(article.to_dict())


def test_a_title_made_only_of_a_label_is_kept_whole() -> None:
    pipeline, _ = _pipeline()
    record = {"url": URL, "title": "شاهد", "body": BODY}
    assert pipeline.process_item(record)["title"] == "شاهد"


def test_only_undated_short_pages_titled_like_site_pages_are_dropped() -> None:
    pipeline, stats = _pipeline()
    about = {"url": "https://akhbar.example.org/about/", "title": "اتصل بنا - أخبار", "body": BODY}
    with pytest.raises(DropItem, match="a site page"):
        pipeline.process_item(about)
    # The same title on a dated page, or over a long text, is an article.
    dated = {**about, "published_at": "2024-01-16T10:00:00+02:00"}
    assert pipeline.process_item(dated) is dated
    long = {**about, "body": "\n\n".join(PARAS * 30)}
    assert pipeline.process_item(long) is long
    assert stats["clean/dropped_site_page"] == 1


# --- GMT dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Tue, 16 Jan 2024 10:00:00 GMT", "2024-01-16T10:00:00+00:00"),
        ("2024-01-16 10:00 GMT", "2024-01-16T10:00:00+00:00"),
        ("16 Jan 2024 10:00 GMT+3", "2024-01-16T10:00:00+03:00"),
        ("الثلاثاء 16 يناير 2024 10:00 ص بتوقيت غرينتش", "2024-01-16T10:00:00+00:00"),
    ],
)
def test_gmt_is_an_offset_not_site_local_time(raw: str, iso: str) -> None:
    head = f'<meta property="article:published_time" content="{raw}">'
    article = extract("https://www.vetogate.com/4302118", page(head), VETO)
    assert VETO.timezone == "Africa/Cairo"
    assert article.published_at == iso
    assert article.published_tz_assumed is False


# --- canonical links ----------------------------------------------------------------------------


def _canonical(href: str, url: str = URL) -> Article:
    return extract(url, page(f'<link rel="canonical" href="{href}">'))


@pytest.mark.parametrize(
    "href",
    [
        "https://akhbar.example.org/",
        "/",
        "https://akhbar.example.org/index.php",
        "https://akhbar.example.org/news/",
        "https://akhbar.example.org/news/2024/01/15/flood-warning-48177",
        "https://akhbar.example.org/?p=48177",
        "https://other-akhbar.example.net/news/2024/01/16/health-campaign-48213",
    ],
)
def test_an_untrusted_canonical_keeps_the_pages_own_url(href: str) -> None:
    article = _canonical(href)
    assert article.canonical_url == URL
    assert article.canonical_rejected is not None
    assert article.canonical_rejected.startswith("https://")
    validate_record(article.to_dict())


@pytest.mark.parametrize(
    ("url", "href"),
    [
        (URL + "?utm_source=rss", URL),
        (URL.replace("akhbar.", "m.akhbar."), URL),
        (URL + "/amp", URL),
        ("https://akhbar.example.org/?p=48213", URL),
        ("https://akhbar.example.org/48213", URL),
        (
            "https://akhbar.example.org/?p=95",
            "https://akhbar.example.org/2024/01/16/%D8%AD%D9%85%D9%84%D8%A9-%D8%AA%D8%B7%D8%B9%D9%8A%D9%85",
        ),
    ],
)
def test_a_canonical_naming_the_same_article_is_trusted(url: str, href: str) -> None:
    article = _canonical(href, url)
    assert article.canonical_url == href
    assert article.canonical_rejected is None


def test_a_registered_sites_canonical_must_be_one_of_its_article_urls() -> None:
    url = "https://www.vetogate.com/4302118"
    html = page('<link rel="canonical" href="https://www.vetogate.com/section/4302118">')
    article = extract(url, html, VETO)
    assert article.canonical_url == url
    assert article.canonical_rejected == "https://www.vetogate.com/section/4302118"


def test_registrable_domains_come_from_the_public_suffix_list() -> None:
    assert registrable("news.akhbar.com.eg") == registrable("www.akhbar.com.eg") == "akhbar.com.eg"
    assert registrable("a.akhbar.gov.sa") == "akhbar.gov.sa"
    assert registrable("one.blogspot.com") != registrable("two.blogspot.com")
    assert registrable("127.0.0.1") == "127.0.0.1"


def test_a_crawl_keeps_articles_apart_whatever_their_canonical_says(tmp_path: Path) -> None:
    paths = [f"/news/2024/01/16/story-{n}-4821{n}" for n in range(4)]

    def build(origin: str) -> Pages:
        links = "".join(
            f'<h2><a href="{path}">خبر رقم {n} عن حملة التطعيم</a></h2>'
            for n, path in enumerate(paths)
        )
        site: Pages = {
            "/": ("text/html", f"<html><body><h1>الرئيسية</h1>{links}</body></html>"),
            "/robots.txt": ("text/plain", "User-agent: *\nAllow: /\n"),
        }
        # The first names itself; the second names the first, the last two the home page.
        targets = [paths[0], paths[0], "/", "/"]
        for n, (path, target) in enumerate(zip(paths, targets, strict=True)):
            head = (
                f'<link rel="canonical" href="{origin}{target}">'
                '<meta property="article:published_time" content="2024-01-16T10:00:00+02:00">'
            )
            site[path] = (
                "text/html",
                page(head, title=f"خبر رقم {n} عن حملة التطعيم في المحافظات"),
            )
        return site

    with serve_pages(build) as (origin, _):
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/",
             "-a", "since=2024-01-01",
             "-s", f"OUTPUT_DIR={tmp_path / 'output'}",
             "-s", f"STATE_PATH={tmp_path / 'state' / 'crawler.sqlite3'}"],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=180,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    (dump,) = (tmp_path / "output").glob("*/*.jsonl")
    records = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["url"].removeprefix(origin) for r in records) == paths
    assert len({r["id"] for r in records}) == 4
    assert {r["version"] for r in records} == {1}
    assert all(r["canonical_url"] == r["url"] for r in records)
    assert sum(r["canonical_rejected"] is not None for r in records) == 3
    (report,) = (tmp_path / "output").glob("*/*.report.json")
    stats = json.loads(report.read_text(encoding="utf-8"))["stats"]
    assert stats["extract/canonical_rejected"] == 3


# --- JSON-LD ------------------------------------------------------------------------------------

GOOD_LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "عنوان من البيانات",'
    ' "datePublished": "2024-01-16T10:00:00+02:00"}</script>'
)


@pytest.mark.parametrize(
    "deep",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        # Parsable, but nested far deeper than any article description.
        '{"@type": "WebPage", "mainEntity": ' * 400 + "{}" + "}" * 400,
    ],
)
def test_deep_json_ld_skips_that_script_only(deep: str) -> None:
    head = f'<script type="application/ld+json">{deep}</script>{GOOD_LD}'
    article = extract(URL, page(head))
    assert article.title == "عنوان من البيانات"
    assert article.published_at == "2024-01-16T10:00:00+02:00"
    assert article.body.split("\n\n") == PARAS


def test_json_ld_reading_never_raises_on_a_broken_script() -> None:
    import lxml.html

    html = page('<script type="application/ld+json">' + "[" * 100_000 + "</script>" + GOOD_LD)
    objects = parse_json_ld(lxml.html.document_fromstring(html))
    assert [o.get("headline") for o in objects] == ["عنوان من البيانات"]


# --- NUL bytes ----------------------------------------------------------------------------------


def test_nul_bytes_are_dropped_at_decoding() -> None:
    html = page(title="حملة\x00 تطعيم\x00 جديدة").replace("أعلنت", "أعل\x00نت").encode("utf-8")
    article = extract(URL, html)
    for text in (article.title or "", article.body):
        assert "\ufffd" not in text and "\x00" not in text
    assert article.title == "حملة تطعيم جديدة"
    assert article.body.startswith("أعلنت وزارة الصحة")
