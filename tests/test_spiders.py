"""Spiders generated from the registry, and how they set themselves up from their arguments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import generic_site
import pytest
from conftest import ROOT, validate_record
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.sample import Pages, serve_pages
from crawler.sites import SITES
from crawler.spiders.news import NewsSpider


def test_every_registered_site_has_a_generated_spider() -> None:
    loader = SpiderLoader.from_settings(get_project_settings())
    assert set(loader.list()) == {s.name for s in SITES} | {"news"}
    for site in SITES:
        spider_cls = loader.load(site.name)
        assert issubclass(spider_cls, NewsSpider)
        assert spider_cls.site is site


def _spider(name: str, settings: dict[str, object], **kwargs: str) -> tuple[NewsSpider, Crawler]:
    loader = SpiderLoader.from_settings(get_project_settings())
    # No state store: these spiders are only set up, and must leave no .state/ in the checkout.
    base = {"DOWNLOAD_DELAY": 0.25, "CLOSESPIDER_PAGECOUNT": 2000, "INCREMENTAL": False}
    crawler = Crawler(loader.load(name), Settings({**base, **settings}))
    return crawler.spidercls.from_crawler(crawler, **kwargs), crawler


def test_a_local_site_is_crawled_without_politeness_delay() -> None:
    spider, crawler = _spider("news", {}, urls="http://127.0.0.1:8000/")
    assert spider.allowed_domains == ["127.0.0.1"]
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 16
    assert crawler.settings.getint("CLOSESPIDER_PAGECOUNT") == 100_000
    # Settings given on the command line (-s) still win.
    settings = Settings({"CLOSESPIDER_PAGECOUNT": 2000, "INCREMENTAL": False})
    settings.set("CLOSESPIDER_PAGECOUNT", 3, priority="cmdline")
    crawler = Crawler(NewsSpider, settings)
    crawler.spidercls.from_crawler(crawler, urls="http://127.0.0.1:8000/")
    assert crawler.settings.getint("CLOSESPIDER_PAGECOUNT") == 3


def test_a_remote_site_keeps_the_politeness_delay() -> None:
    # A documentation address: never resolved to this machine, never contacted.
    _, crawler = _spider("news", {}, urls="http://192.0.2.10/")
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0.25
    assert crawler.settings.getint("CLOSESPIDER_PAGECOUNT") == 2000
    _, crawler = _spider("vetogate", {})
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0.25
    _, crawler = _spider("vetogate", {"MIRROR_HOSTS": {"www.vetogate.com": "http://127.0.0.1:1"}})
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0


def test_the_news_spider_needs_urls_and_a_bad_window_is_refused() -> None:
    with pytest.raises(ValueError, match="urls"):
        _spider("news", {})
    with pytest.raises(ValueError, match="since="):
        _spider("vetogate", {}, since="last week")


def test_window_defaults() -> None:
    spider, _ = _spider("vetogate", {}, now="2026-11-28T12:00:00+02:00")
    assert spider.since.isoformat() == "2026-11-26T12:00:00+02:00"
    assert spider.windowed
    spider, _ = _spider("news", {}, urls="http://127.0.0.1:8000/")
    assert not spider.windowed


def test_news_spider_on_a_blog_shaped_site_finds_every_article_and_only_articles(
    tmp_path: Path,
) -> None:
    with generic_site.serve() as (origin, requested):
        out = tmp_path / "out.jsonl"
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/",
             "-O", str(out), "-s", f"OUTPUT_DIR={tmp_path / 'output'}",
             "-s", f"STATE_PATH={tmp_path / 'state' / 'crawler.sqlite3'}"],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=180,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ids = sorted(urlsplit(r["url"]).query for r in records)
    # Ten articles linked from the home page and the paginated category, one only in the
    # root sitemap; no home, category, pagination or "about" page.
    assert ids == sorted(f"p={generic_site.article_id(n)}" for n in range(11))
    assert "/category/economy/page/3/" in requested
    for record in records:
        validate_record(record)
        assert "تعليق قارئ" not in record["body"]
        assert "خبر ذو صلة" not in record["body"]
        assert record["title"].startswith("إجراءات جديدة في ملف")
        assert not record["title"].endswith("مدونة الأخبار")


def test_news_crawls_of_different_sites_write_and_lock_apart(tmp_path: Path) -> None:
    with generic_site.serve() as (first, _), generic_site.serve() as (second, _):
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "scrapy",
                    "crawl",
                    "news",
                    "-a",
                    f"urls={origin}/",
                    "-s",
                    f"OUTPUT_DIR={tmp_path / 'output'}",
                    "-s",
                    "LOG_LEVEL=WARNING",
                    "-s",
                    f"STATE_PATH={tmp_path / f'state-{n}' / 'crawler.sqlite3'}",
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n, origin in enumerate((first, second))
        ]
        results = [(p.communicate(timeout=180)[1], p.returncode) for p in procs]
    assert [code for _, code in results] == [0, 0], results
    for origin in (first, second):
        folder = tmp_path / "output" / ("news-" + origin.split("://")[1].replace(":", "_"))
        (dump,) = folder.glob("*.jsonl")
        assert len(dump.read_text(encoding="utf-8").splitlines()) == 11


def test_the_page_budget_ends_a_crawl_early(tmp_path: Path) -> None:
    with generic_site.serve() as (origin, _):
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/",
             "-s", "CLOSESPIDER_PAGECOUNT=4", "-s", "CONCURRENT_REQUESTS=1",
             "-s", f"OUTPUT_DIR={tmp_path / 'output'}",
             "-s", f"STATE_PATH={tmp_path / 'state' / 'crawler.sqlite3'}"],
            cwd=ROOT, capture_output=True, text=True, check=False, timeout=180,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    (report_file,) = (tmp_path / "output").glob("*/*.report.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["finish_reason"] == "closespider_pagecount"
    # The whole site is 11 articles plus listings; the budget stops well before that.
    assert report["pages_fetched"] < 10
    assert report["items_written"] < 11


def _crawl_news(origin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/",
         "-s", f"OUTPUT_DIR={tmp_path / 'output'}",
         "-s", f"STATE_PATH={tmp_path / 'state' / 'crawler.sqlite3'}"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=180,
    )  # fmt: skip


def test_a_second_news_crawl_does_not_fetch_the_articles_it_wrote(tmp_path: Path) -> None:
    def build(origin: str) -> Pages:
        # No sitemap: the articles are known only through the pages that link to them.
        html = generic_site.pages(origin)
        del html["/sitemap.xml"]
        return {path: ("text/html", text) for path, text in html.items()}

    with serve_pages(build) as (origin, requested):
        first = _crawl_news(origin, tmp_path)
        assert first.returncode == 0, first.stderr[-3000:]
        assert sum(p.startswith("/?p=") for p in requested) == 10
        del requested[:]
        second = _crawl_news(origin, tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    # Listings are read again for what is new; the articles they link to are known.
    assert "/" in requested and "/category/economy/" in requested
    assert [p for p in requested if p.startswith("/?p=")] == []


def test_a_load_more_pager_that_never_ends_is_not_walked_forever(tmp_path: Path) -> None:
    def build(origin: str) -> Pages:
        html = {"/": generic_site.listing("الرئيسية", [0, 1, 2], "/more?offset=1")}
        for n in range(1, 400):
            # Every "load more" page offers the same stories and one more "load more".
            html[f"/more?offset={n}"] = generic_site.listing(
                "الرئيسية", [0, 1, 2], f"/more?offset={n + 1}"
            )
        for n in range(3):
            html[f"/?p={generic_site.article_id(n)}"] = generic_site.article(n)
        return {path: ("text/html", text) for path, text in html.items()}

    with serve_pages(build) as (origin, requested):
        proc = _crawl_news(origin, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sum(p.startswith("/more") for p in requested) <= 2
    (dump,) = (tmp_path / "output").glob("*/*.jsonl")
    assert len(dump.read_text(encoding="utf-8").splitlines()) == 3
