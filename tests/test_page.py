"""One parsed page: the news spider decodes and parses a page once, and article detection, link
reading and extraction all read that one tree."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.extract import extract
from crawler.fields.overrides import FIELDS, OVERRIDES
from crawler.items import Article
from crawler.page import _GATHERED, Page, decode_html
from crawler.sites import SITES, Site
from crawler.spiders.news import NewsSpider
from crawler.text import content_hash

TEXT = [
    "قالت وزارة النقل إن أعمال توسعة الطريق الساحلي ستنتهي قبل نهاية العام وفق الجدول المعلن.",
    "وأضافت الوزارة أن المرحلة الثانية من المشروع تشمل إنشاء ثلاثة جسور جديدة عند مداخل المدن.",
    "ويتوقع خبراء أن يخفف المشروع من الازدحام المروري على الطرق الداخلية خلال أشهر الصيف المقبلة.",
]


def article_page() -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in TEXT)
    return (
        '<html lang="ar"><head><meta charset="utf-8"><meta property="og:type" content="article">'
        "<title>توسعة الطريق الساحلي</title></head><body><nav><a href='/'>الرئيسية</a>"
        "<a href='/section/local'>محليات</a></nav><article><h1>توسعة الطريق الساحلي</h1>"
        f"{paragraphs}</article></body></html>"
    )


def test_the_news_spider_parses_a_page_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[int] = []
    parse = lxml.html.document_fromstring

    def counting(*args: Any, **kwargs: Any) -> Any:
        # Our own parses (trafilatura's readability fallback parses its own serialization).
        if sys._getframe(1).f_globals["__name__"].startswith("crawler."):
            calls.append(1)
        return parse(*args, **kwargs)

    monkeypatch.setattr(lxml.html, "document_fromstring", counting)
    crawler = Crawler(NewsSpider, Settings({"STATE_PATH": str(tmp_path / "state.sqlite3")}))
    spider = NewsSpider.from_crawler(crawler, urls="http://127.0.0.1:9/")
    crawler.stats = MemoryStatsCollector(crawler)
    url = "http://127.0.0.1:9/news/2026/11/29/coastal-road"
    response = HtmlResponse(
        url, body=article_page().encode("utf-8"), encoding="utf-8", request=Request(url)
    )
    out = list(spider.parse_any(response))
    (article,) = [x for x in out if isinstance(x, Article)]
    assert article.body.split("\n\n") == TEXT
    assert any(getattr(x, "url", "").endswith("/section/local") for x in out)
    assert len(calls) == 1


def test_extraction_reads_a_given_page_without_changing_it() -> None:
    url = "https://akhbar.example.org/news/2026/11/29/coastal-road"
    page = Page.parse(url, article_page().encode("utf-8"))
    before = lxml.html.tostring(page.doc)
    assert extract(url, b"", page=page).body.split("\n\n") == TEXT
    assert lxml.html.tostring(page.doc) == before
    # The lazily computed parts are computed once and shared.
    assert page.generic_blocks is page.generic_blocks


def test_the_page_tree_is_the_tree_lxml_html_builds() -> None:
    """The page's own parser (element classes chosen without a Python call per element) builds
    the same tree, of lxml.html's element classes with their helpers."""
    html = article_page().replace("</body>", "<!-- ad slot --><form><input name='q'></form></body>")
    page = Page.parse("https://akhbar.example.org/news/1", html.encode("utf-8"))
    assert lxml.html.tostring(page.doc) == lxml.html.tostring(lxml.html.document_fromstring(html))
    elements = list(page.doc.iter(lxml.etree.Element))
    assert elements and all(isinstance(el, lxml.html.HtmlElement) for el in elements)
    (comment,) = page.doc.iter(lxml.etree.Comment)
    assert isinstance(comment, lxml.html.HtmlComment)
    assert page.doc.find(".//p").text_content() == TEXT[0]


def test_a_page_is_parsed_from_utf_8_bytes_into_the_tree_its_text_gives() -> None:
    """The decoded text is parsed as UTF-8 bytes (the page's own bytes when they are that text):
    the tree lxml builds from the text itself, whatever the page's charset, BOM or NUL bytes
    (XHTML's XML declaration: the next test)."""
    arabic = article_page()
    cases: list[bytes | str] = [
        path.read_bytes() for path in sorted((Path(__file__).parent / "pages").glob("*/*.html"))
    ]
    cases += [
        arabic.encode("utf-8"),
        b"\xef\xbb\xbf" + arabic.encode("utf-8"),
        arabic.replace("utf-8", "windows-1256").encode("cp1256"),
        arabic.replace("<p>", "<p>\x00", 1).encode("utf-8"),
        arabic.replace("<p>", "<p>\ud800", 1),
    ]
    for html in cases:
        text = decode_html(html)
        try:
            expected = lxml.html.document_fromstring(text)
        except (lxml.etree.ParserError, ValueError):
            expected = lxml.html.document_fromstring("<html><body></body></html>")
        page = Page.parse("https://akhbar.example.org/news/1", html)
        assert page.text == text
        assert lxml.html.tostring(page.doc) == lxml.html.tostring(expected)


def test_an_xhtml_page_declaring_its_encoding_is_read_not_taken_for_empty() -> None:
    # lxml refuses a string that declares its encoding; the page came out empty and was lost.
    body = article_page()
    for declared in ("utf-8", "windows-1256"):
        xhtml = f'<?xml version="1.0" encoding="{declared}"?>\n' + body
        codec = "cp1256" if declared == "windows-1256" else "utf-8"
        for html in (xhtml, xhtml.encode(codec), xhtml + "\ud800"):
            page = Page.parse("https://akhbar.example.org/news/1", html)
            assert page.doc.find(".//p").text_content() == TEXT[0]


def test_the_pages_one_walk_gathers_what_a_search_of_each_kind_finds() -> None:
    """Extraction reads the page's pictures, links, paragraphs, headings and named elements from
    one walk of its tree: the elements each search of the tree would find, in the same order."""
    root = Path(__file__).resolve().parent / "pages"
    pages = [article_page().replace("<p>", "<p class='lead' id='p1'>", 1).encode("utf-8")]
    pages += [path.read_bytes() for path in sorted(root.glob("*/*.html"))]
    for html in pages:
        page = Page.parse("https://akhbar.example.org/news/1", html)
        gathered = page.elements
        for tag, kind in _GATHERED.items():
            if tag == kind:
                assert gathered.of(kind) == list(page.doc.iter(tag)), tag
        assert gathered.of("h2-h5") == list(page.doc.iter("h2", "h3", "h4", "h5"))
        named = [
            el
            for el in page.doc.iter(lxml.etree.Element)
            if el.get("class") is not None or el.get("id") is not None
        ]
        assert gathered.named == named
        # The lazily computed walk is made once and shared.
        assert page.elements is gathered


def test_a_site_overrides_a_field_with_a_named_function() -> None:
    html = article_page().replace(
        "<title>توسعة الطريق الساحلي</title>",
        '<meta property="og:title" content="عاجل | أخبار النقل"><title>أخبار</title>',
    )
    url = "https://override.example/news/4411"
    generic = Site(name="plain", domains=("override.example",), article_url=r"/news/\d+", home="")
    site = replace(generic, name="with-h1", field_overrides=(("title", "title_from_h1"),))
    assert extract(url, html, generic).title != "توسعة الطريق الساحلي"
    article = extract(url, html, site)
    assert article.title == "توسعة الطريق الساحلي"
    assert article.content_hash == content_hash(article.title, article.body)


def test_registered_overrides_name_known_functions_and_fields() -> None:
    for site in SITES:
        for field_name, fn_name in site.field_overrides:
            assert field_name in FIELDS, (site.name, field_name)
            assert fn_name in OVERRIDES, (site.name, fn_name)
