"""The real vetogate spider crawling the offline sample through a real local server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import validate_record
from crawl_helpers import CrawlResult, crawl_sample

from crawler.sample import SampleServer, Snapshot, _route_key
from crawler.sites import get
from crawler.text import body_blocks


@pytest.fixture(scope="module")
def server() -> Iterator[SampleServer]:
    with SampleServer(Snapshot.load("vetogate")) as srv:
        yield srv


@pytest.fixture(scope="module")
def crawl(server: SampleServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    return crawl_sample(tmp_path_factory.mktemp("crawl"), server)


def _by_url(result: CrawlResult) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in result.records}


def test_records_are_valid_real_vetogate_articles(crawl: CrawlResult) -> None:
    assert crawl.records, crawl.log[-3000:]
    site = get("vetogate")
    for record in crawl.records:
        validate_record(record)
        assert record["url"].startswith("https://www.vetogate.com/"), record["url"]
        assert site.is_article(record["url"])
        assert record["site"] == "vetogate"


def test_every_in_window_article_is_written_once(crawl: CrawlResult, server: SampleServer) -> None:
    articles = server.snapshot.facts["articles"]
    expected = {a["url"] for a in articles if a.get("in_window")}
    canonical = [r["canonical_url"] for r in crawl.records]
    assert expected <= set(canonical), expected - set(canonical)
    assert len(canonical) == len(set(canonical))
    too_old = {a["url"] for a in articles if not a.get("in_window")}
    assert not too_old & set(canonical)


def test_seed_article_is_extracted_as_the_record_issue_requires(
    crawl: CrawlResult, seed_body: str
) -> None:
    (seed,) = [
        r
        for r in crawl.records
        if r["title"] == "مباحثات هاتفية بين وزير الخارجية الأمريكي ونظيره القطري"
    ]
    assert seed["body"] == seed_body
    assert any(img["caption"] == "أنتوني بلينكن" for img in seed["images"])
    assert seed["published_at"] and seed["published_at"][-6] in "+-"


def test_news_sitemap_fields_reach_the_records(crawl: CrawlResult, server: SampleServer) -> None:
    only_in_sitemap = [
        a for a in server.snapshot.facts["articles"] if "date_only_in_sitemap" in a["features"]
    ]
    assert only_in_sitemap
    records = _by_url(crawl)
    for article in only_in_sitemap:
        record = records[article["url"]]
        announced = datetime.fromisoformat(article["published_at"])
        assert datetime.fromisoformat(record["published_at"]) == announced
        assert record["published_raw"]


def test_pagination_stops_at_the_window(crawl: CrawlResult, server: SampleServer) -> None:
    requested = {_route_key(path) for path in crawl.requested}
    sections = [p for p in requested if p.startswith("/Section/")]
    assert any("?page=2" in p for p in sections)
    assert not any("?page=3" in p or "?page=4" in p for p in sections), sections
    assert crawl.stats.get("discovery/pagination_stopped", 0) >= 1


def test_old_child_sitemap_is_skipped(crawl: CrawlResult) -> None:
    requested = {_route_key(path) for path in crawl.requested}
    assert "/sitemaps/news.xml" in requested
    assert not any("archive" in p for p in requested)
    assert crawl.stats["discovery/sitemap_skipped_old"] >= 1


def test_nothing_outside_the_sample_is_requested(crawl: CrawlResult, server: SampleServer) -> None:
    routes = server.snapshot.routes
    assert [p for p in crawl.requested if _route_key(p) not in routes] == []
    stats = crawl.stats
    # Every request the downloader made reached the local server: none went anywhere else.
    assert stats["downloader/request_count"] == len(crawl.requested)
    assert "downloader/exception_count" not in stats
    assert stats.get("offsite/filtered", 0) >= 1 or stats.get("discovery/articles", 0) > 0


def test_tracking_parameters_do_not_fetch_an_article_twice(
    crawl: CrawlResult, server: SampleServer
) -> None:
    tracked = server.snapshot.facts["tracking_url"]
    target = tracked.split("?", 1)[0]
    assert sum(1 for r in crawl.records if r["canonical_url"] == target) == 1
    path = urlsplit(target).path
    assert sum(1 for p in crawl.requested if _route_key(p).split("?")[0] == path) == 1


def test_conditional_get_second_run_fetches_no_article(
    server: SampleServer, tmp_path: Path
) -> None:
    first = crawl_sample(tmp_path, server)
    assert first.records
    second = crawl_sample(tmp_path, server)
    assert second.stats.get("discovery/not_modified", 0) >= 2
    assert second.stats.get("discovery/articles", 0) == 0
    assert second.records == []


def test_backfill_window_reaches_older_articles(server: SampleServer, tmp_path: Path) -> None:
    now = datetime.fromisoformat(server.snapshot.facts["snapshot_time"])
    since = (now - timedelta(days=14)).isoformat()
    result = crawl_sample(tmp_path, server, args={"since": since})
    older = {a["url"] for a in server.snapshot.facts["articles"] if not a.get("in_window")}
    assert older & {r["canonical_url"] for r in result.records}


def test_news_spider_crawls_an_unregistered_site_from_its_home_page(
    server: SampleServer, tmp_path: Path
) -> None:
    # Served at its local address, the sample is a site the registry does not know.
    result = crawl_sample(
        tmp_path,
        server,
        site="news",
        settings={"MIRROR_HOSTS": {}, "NEWS_MAX_DEPTH": 3},
        args={"urls": server.url + "/"},
    )
    paths = {urlsplit(r["url"]).path for r in result.records}
    facts = server.snapshot.facts["articles"]
    linked = {urlsplit(a["url"]).path for a in facts if "home" in a.get("linked_from", [])}
    assert linked <= paths, linked - paths
    # Home, section and tag pages are followed but never written as articles.
    assert all(p.strip("/").isdigit() for p in paths), paths
    for record in result.records:
        validate_record(record)
        assert record["site"] is None
        assert record["body"]
    assert len(paths) == len(result.records)


def test_sample_noise_is_cleaned_and_counted_while_content_stays(
    crawl: CrawlResult, server: SampleServer
) -> None:
    removed = {
        key.rsplit("/", 1)[1]: count
        for key, count in crawl.stats.items()
        if key.startswith("clean/removed/") and count > 0
    }
    assert len(removed) >= 4, removed
    records = _by_url(crawl)
    checked = 0
    for article in server.snapshot.facts["articles"]:
        record = records.get(article["url"])
        if record is None:
            continue
        blocks = body_blocks(record["body"])
        for line in article["noise"] + article["text_noise"]:
            assert line not in blocks, (article["url"], line)
        for line in article["keep"]:
            assert line in blocks, (article["url"], line)
        checked += bool(article["text_noise"])
    noisy = [a for a in server.snapshot.facts["articles"] if a["text_noise"] and a["in_window"]]
    assert noisy and checked == len(noisy)


def test_known_articles_are_not_fetched_again_and_unchanged_refetches_are_dropped(
    server: SampleServer, tmp_path: Path
) -> None:
    no_304 = {"CONDITIONAL_GET_ENABLED": False}
    first = crawl_sample(tmp_path, server, settings=no_304)
    written = len(first.records)
    assert written > 0
    # Feeds and sitemaps come back whole, but every article they announce is known.
    second = crawl_sample(tmp_path, server, settings=no_304)
    assert second.records == []
    assert second.stats.get("incremental/skipped", 0) >= written - 1
    # Only the feed's old-style link is fetched again: the store knows the URL it redirects to.
    routes = server.snapshot.routes
    redirects = {path for path, route in routes.items() if route.redirect}
    redirected = {routes[path].redirect for path in redirects}
    fetched = {_route_key(p) for p in second.requested if _route_key(p).split("/")[1].isdigit()}
    assert fetched <= redirects | redirected, fetched
    # Without the incremental check the articles are fetched, and dedup drops them unchanged.
    third = crawl_sample(tmp_path, server, settings={**no_304, "INCREMENTAL": False})
    assert third.records == []
    assert third.stats.get("dedup/unchanged", 0) >= written - 1


def test_wire_story_on_two_urls_is_linked_and_look_alikes_are_not(
    crawl: CrawlResult, server: SampleServer
) -> None:
    facts = server.snapshot.facts
    records = _by_url(crawl)
    first, second = (records[url] for url in facts["wire_story"])
    copy, original = (second, first) if second["duplicate_of"] else (first, second)
    assert copy["duplicate_of"] == original["canonical_url"]
    assert copy["cluster_id"] == original["id"]
    assert original["duplicate_of"] is None
    for url in facts["look_alikes"]:
        assert records[url]["duplicate_of"] is None
    linked = [r for r in crawl.records if r["duplicate_of"]]
    assert linked == [copy]
    assert all(r["version"] == 1 for r in crawl.records)
