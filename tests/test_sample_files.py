"""The bundled offline sample's files: routes, discovery files and pages agree with its facts."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.etree
import lxml.html
import pytest
from conftest import ROOT

from crawler.extract import article_json_ld, decode_html, extract, html_blocks, parse_json_ld
from crawler.sites import get
from crawler.text import body_blocks

SAMPLE = ROOT / "sample" / "vetogate"
SITE_DIR = SAMPLE / "site"
ROUTES: dict[str, Any] = json.loads((SAMPLE / "routes.json").read_text(encoding="utf-8"))
SNAPSHOT: dict[str, Any] = json.loads((SAMPLE / "snapshot.json").read_text(encoding="utf-8"))
ORIGIN = SNAPSHOT["origin"]
ARTICLES: dict[str, dict[str, Any]] = {a["url"]: a for a in SNAPSHOT["articles"]}
VETOGATE = get("vetogate")
SNAPSHOT_TIME = datetime.fromisoformat(SNAPSHOT["snapshot_time"])
WINDOW_START = datetime.fromisoformat(SNAPSHOT["window_start"])
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
DEFAULT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
SERVED_TYPES = {"text/html", "application/xml", "application/rss+xml", "text/plain"}
# The shapes the sample exists to show; an edit of the sample that loses one fails here.
REQUIRED_FEATURES = {
    "seed", "json_ld", "json_ld_graph", "json_ld_truncated_body", "no_json_ld", "caption",
    "doubled_caption", "read_also_in_text", "read_also_block", "ad_label_in_text", "ad_word_trap",
    "follow_us_prompt", "telegram_prompt", "font_size_line", "video_embed", "br_paragraphs",
    "windows_1256_no_charset", "date_text_no_offset", "date_only_in_sitemap", "wire_story",
    "look_alike", "only_via_pagination", "older_than_window", "redirected_link", "tracking_link",
}  # fmt: skip


def route_key(url: str) -> str:
    parts = urlsplit(urljoin(ORIGIN + "/", url))
    assert f"{parts.scheme}://{parts.netloc}" == ORIGIN, url
    return parts.path + ("?" + parts.query if parts.query else "")


def served(key: str) -> tuple[Path, str]:
    """The file and content type the sample server gives for a route (no redirects)."""
    route = ROUTES[key]
    if isinstance(route, str):
        route = {"file": route}
    path = SITE_DIR / route["file"]
    return path, route.get("content_type") or DEFAULT_TYPES[path.suffix]


def article_url(link: str) -> str | None:
    """The article a link leads to once trackers are dropped and redirects followed."""
    parts = urlsplit(urljoin(ORIGIN + "/", link))
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_") and k != "fbclid"]
    )
    key = parts.path + ("?" + query if query else "")
    route = ROUTES.get(key)
    if isinstance(route, dict) and "redirect" in route:
        key = route["redirect"]
    url = ORIGIN + key
    return url if VETOGATE.is_article(url) else None


def html_doc(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_bytes().decode("utf-8"))


def xml_doc(key: str) -> lxml.etree._Element:
    return lxml.etree.fromstring(served(key)[0].read_bytes())


def in_window(iso: str) -> bool:
    return WINDOW_START <= datetime.fromisoformat(iso) <= SNAPSHOT_TIME


def section_pages(section: str) -> list[tuple[str, lxml.html.HtmlElement]]:
    """A section's listing pages in the order its "next" links give."""
    pages = []
    key: str | None = section
    while key is not None:
        assert key not in (k for k, _ in pages), f"pagination loops at {key}"
        doc = html_doc(served(key)[0])
        pages.append((key, doc))
        nexts = doc.cssselect(VETOGATE.selectors.next_page or "")
        key = route_key(nexts[0].get("href")) if nexts else None
    return pages


def test_every_route_serves_a_sample_file() -> None:
    routed: set[Path] = set()
    for key, route in ROUTES.items():
        assert key.startswith("/") and "%" not in key, key
        assert not any(
            k.startswith("utm_") or k == "fbclid" for k, _ in parse_qsl(urlsplit(key).query)
        )
        if isinstance(route, dict) and "redirect" in route:
            target = ROUTES[route["redirect"]]
            assert not (isinstance(target, dict) and "redirect" in target), key
            continue
        path, content_type = served(key)
        assert path.is_file(), f"{key} -> {path}"
        assert path.resolve().is_relative_to(SITE_DIR.resolve())
        assert content_type.split(";")[0] in SERVED_TYPES, key
        routed.add(path.resolve())
    on_disk = {p.resolve() for p in SITE_DIR.rglob("*") if p.is_file()}
    assert on_disk == routed, "files nothing serves: " + ", ".join(map(str, on_disk - routed))


def test_every_article_of_the_snapshot_has_a_page() -> None:
    assert len(ARTICLES) >= 14
    assert SNAPSHOT["seed_url"] in ARTICLES
    for url, article in ARTICLES.items():
        assert VETOGATE.is_article(url), url
        path, _ = served(route_key(url))
        assert path == SITE_DIR / article["file"]
        assert article["in_window"] == in_window(article["published_at"]), url
    features = {f for a in ARTICLES.values() for f in a["features"]}
    assert features >= REQUIRED_FEATURES, REQUIRED_FEATURES - features


def test_robots_names_the_sitemap_index() -> None:
    robots = RobotFileParser()
    robots.parse(served("/robots.txt")[0].read_text(encoding="utf-8").splitlines())
    assert robots.site_maps() == [SNAPSHOT["sitemap_index"]]
    assert robots.can_fetch("*", SNAPSHOT["seed_url"])


def test_sitemap_index_has_a_recent_news_sitemap_and_an_old_archive() -> None:
    root = xml_doc(route_key(SNAPSHOT["sitemap_index"]))
    assert root.tag == f"{SM}sitemapindex"
    lastmods = {
        s.findtext(f"{SM}loc"): s.findtext(f"{SM}lastmod") for s in root.iter(f"{SM}sitemap")
    }
    assert set(lastmods) == {SNAPSHOT["news_sitemap"], SNAPSHOT["skipped_sitemap"]}
    assert in_window(lastmods[SNAPSHOT["news_sitemap"]])
    assert lastmods[SNAPSHOT["skipped_sitemap"]] < SNAPSHOT["window_start"][:10]
    archive = xml_doc(route_key(SNAPSHOT["skipped_sitemap"]))
    old = [u.findtext(f"{SM}loc") for u in archive.iter(f"{SM}url")]
    assert old == SNAPSHOT["unrouted_urls"] and len(old) == 2
    for url in old:
        assert VETOGATE.is_article(url) and route_key(url) not in ROUTES


def test_news_sitemap_entries_carry_the_articles_dates_and_titles() -> None:
    root = xml_doc(route_key(SNAPSHOT["news_sitemap"]))
    assert root.tag == f"{SM}urlset" and root.nsmap["news"] == NEWS.strip("{}")
    seen = []
    for entry in root.iter(f"{SM}url"):
        url = entry.findtext(f"{SM}loc")
        news = entry.find(f"{NEWS}news")
        assert entry.findtext(f"{SM}lastmod") and news is not None, url
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == "فيتو"
        assert news.findtext(f"{NEWS}publication/{NEWS}language") == "ar"
        article = ARTICLES[url]
        assert news.findtext(f"{NEWS}publication_date") == article["published_at"]
        assert news.findtext(f"{NEWS}title") == article["title"]
        assert article["in_window"], url
        seen.append(url)
    assert len(seen) == len(set(seen))
    only_there = [u for u, a in ARTICLES.items() if "date_only_in_sitemap" in a["features"]]
    assert only_there and set(only_there) <= set(seen)


def test_rss_feed_items_link_to_in_window_articles() -> None:
    root = xml_doc(route_key(SNAPSHOT["feed"]))
    assert root.tag == "rss" and root.get("version") == "2.0"
    links = []
    for item in root.iter("item"):
        link = item.findtext("link")
        url = article_url(link)
        assert url in ARTICLES, link
        assert item.findtext("title") == ARTICLES[url]["title"]
        published = parsedate_to_datetime(item.findtext("pubDate"))
        assert published == datetime.fromisoformat(ARTICLES[url]["published_at"])
        assert published.utcoffset() is not None and published.utcoffset().seconds == 7200
        assert ARTICLES[url]["in_window"]
        links.append(link)
    assert SNAPSHOT["tracking_url"] in links
    assert {r["from"] for r in SNAPSHOT["redirects"]} <= set(links)


def test_windows_1256_page_declares_no_charset() -> None:
    legacy = [a for a in ARTICLES.values() if "windows_1256_no_charset" in a["features"]]
    assert legacy
    for article in legacy:
        path, content_type = served(route_key(article["url"]))
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert b"charset" not in data.lower() and "charset" not in content_type
        assert article["title"] in data.decode("cp1256")


@pytest.mark.parametrize("url", sorted(ARTICLES))
def test_article_page_extracts_to_its_facts(url: str) -> None:
    article = ARTICLES[url]
    path, content_type = served(route_key(url))
    record = extract(url, path.read_bytes(), VETOGATE, content_type=content_type)
    assert record.title == article["title"]
    assert body_blocks(record.body), url
    assert record.section == article["section"]
    assert record.authors == [article["author"]]
    if "date_only_in_sitemap" in article["features"]:
        assert record.published_at is None
    else:
        assert record.published_at == article["published_at"]
        assert record.published_tz_assumed == article["published_tz_assumed"]


def test_seed_page_gives_the_seed_body(seed_body: str) -> None:
    path, content_type = served(route_key(SNAPSHOT["seed_url"]))
    record = extract(SNAPSHOT["seed_url"], path.read_bytes(), VETOGATE, content_type=content_type)
    assert record.body == seed_body
    assert "أنتوني بلينكن" in {img.caption for img in record.images}


@pytest.mark.parametrize("url", sorted(ARTICLES))
def test_page_has_the_shape_its_features_claim(url: str) -> None:
    features = set(ARTICLES[url]["features"])
    path, content_type = served(route_key(url))
    doc = lxml.html.document_fromstring(decode_html(path.read_bytes(), content_type))
    scripts = doc.xpath('//script[@type="application/ld+json"]')
    ld = article_json_ld(parse_json_ld(doc))
    assert ("json_ld" in features) != ("no_json_ld" in features), url
    assert bool(ld) == bool(scripts) == ("json_ld" in features), url
    if "json_ld_graph" in features:
        assert all("@graph" in json.loads(s.text) for s in scripts)
    if "json_ld_truncated_body" in features:
        assert ld["articleBody"].endswith("...")
    machine_dates = doc.xpath('//*[@datetime] | //meta[@property="article:published_time"]')
    undated = {"date_only_in_sitemap", "date_text_no_offset"} & features
    assert bool(machine_dates or ld) != bool(undated), url
    if "date_only_in_sitemap" in features:
        assert not doc.cssselect(".date"), url
    if "br_paragraphs" in features:
        body = doc.cssselect(VETOGATE.selectors.body or "")[0]
        assert not body.cssselect("p") and len(body.cssselect("br")) >= 2


def test_text_noise_sits_inside_the_article_text() -> None:
    """The cleaner's traps are really in the text the body selector yields, and so is what it
    must keep."""
    for url, article in ARTICLES.items():
        path, content_type = served(route_key(url))
        doc = lxml.html.document_fromstring(decode_html(path.read_bytes(), content_type))
        container = doc.cssselect(VETOGATE.selectors.body or "")[0]
        blocks, _ = html_blocks(container, VETOGATE.selectors.remove)
        for line in article["text_noise"] + article["keep"]:
            assert line in blocks, (url, line)
        if "read_also_block" in article["features"]:
            assert container.cssselect(".read-also"), url
        if "video_embed" in article["features"]:
            assert "youtube.com" in urlsplit(container.cssselect("iframe")[0].get("src")).netloc


def test_sections_paginate_across_the_window() -> None:
    listed: set[str] = set()
    for section, facts in SNAPSHOT["sections"].items():
        pages = section_pages(section)
        assert [k for k, _ in pages] == [section] + [
            f"{section}?page={n}" for n in range(2, facts["pages"] + 1)
        ]
        windows = []
        for _, doc in pages:
            items = doc.cssselect(".news-list .news-item")
            links = doc.cssselect(VETOGATE.selectors.listing or "")
            assert items and len(items) == len(links)
            flags = []
            for item in items:
                url = article_url(item.cssselect("a.news-title")[0].get("href"))
                assert url in ARTICLES
                assert item.cssselect("time")[0].get("datetime") == ARTICLES[url]["published_at"]
                flags.append(ARTICLES[url]["in_window"])
                listed.add(url)
            windows.append(flags)
        assert all(windows[0]), section
        assert any(windows[1]) and not all(windows[1]), section
        assert not any(f for flags in windows[2:] for f in flags), section
    older = {u for u, a in ARTICLES.items() if not a["in_window"]}
    assert older and older <= listed


def test_snapshot_says_where_each_article_is_linked_from() -> None:
    found: dict[str, set[str]] = {url: set() for url in ARTICLES}
    for entry in xml_doc(route_key(SNAPSHOT["news_sitemap"])).iter(f"{SM}loc"):
        found[entry.text or ""].add("news_sitemap")
    for link in xml_doc(route_key(SNAPSHOT["feed"])).iter("link"):
        url = article_url(link.text or "")
        if url:
            found[url].add("rss")
    for a in html_doc(served("/")[0]).iter("a"):
        url = article_url(a.get("href") or "")
        if url:
            found[url].add("home")
    for section in SNAPSHOT["sections"]:
        for key, doc in section_pages(section):
            for a in doc.cssselect(VETOGATE.selectors.listing or ""):
                found[article_url(a.get("href")) or ""].add(key)
    for url, article in ARTICLES.items():
        assert found[url] == set(article["linked_from"]), url
        if not article["in_window"] or "only_via_pagination" in article["features"]:
            assert all(w.startswith("/Section/") and "?page=" in w for w in found[url]), url
    home_links = {a.get("href") for a in html_doc(served("/")[0]).iter("a")}
    home_tracked = [t for t in SNAPSHOT["tracking_urls"] if t["linked_from"] == "home"]
    assert home_tracked and route_key(home_tracked[0]["url"]) in home_links


def test_near_duplicates_and_look_alikes() -> None:
    def record(url: str) -> tuple[str, list[str]]:
        path, content_type = served(route_key(url))
        r = extract(url, path.read_bytes(), VETOGATE, content_type=content_type)
        return r.title or "", body_blocks(r.body)

    (title_a, wire_a), (title_b, wire_b) = map(record, SNAPSHOT["wire_story"])
    assert title_a != title_b and wire_a[0] != wire_b[0] and wire_a[1:] == wire_b[1:]
    (_, gold_a), (_, gold_b) = map(record, SNAPSHOT["look_alikes"])
    assert len(gold_a) == len(gold_b)
    assert sum(a != b for a, b in zip(gold_a, gold_b, strict=True)) >= 4


def test_pages_link_outside_the_sample() -> None:
    hosts: set[str] = set()
    for path in SITE_DIR.rglob("*.html"):
        doc = lxml.html.document_fromstring(path.read_bytes())
        for el in doc.xpath("//a[@href] | //iframe[@src] | //img[@src]"):
            host = urlsplit(el.get("href") or el.get("src")).netloc
            if host and f"https://{host}" != ORIGIN:
                hosts.add(host)
    assert set(SNAPSHOT["external_hosts"]) <= hosts


def test_sample_is_small() -> None:
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file()) < 1_000_000
