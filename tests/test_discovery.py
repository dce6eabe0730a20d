"""Parsing of sitemaps, Google News sitemaps, feeds and section listings, and the crawl window."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest

from crawler import discovery
from crawler.page import Page

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://www.vetogate.com/5712001</loc>
    <lastmod>2026-11-28T10:00:00+02:00</lastmod>
    <news:news>
      <news:publication><news:name>فيتو</news:name>
        <news:language>ar</news:language></news:publication>
      <news:publication_date>2026-11-28T09:30:00+02:00</news:publication_date>
      <news:title>عنوان الخبر</news:title>
    </news:news>
  </url>
</urlset>""".encode()

INDEX = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.com/news.xml</loc><lastmod>2026-11-28</lastmod></sitemap>
  <sitemap><loc>/archive-2025.xml</loc><lastmod>2025-01-31</lastmod></sitemap>
</sitemapindex>"""

RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>فيتو</title>
<item><title>خبر أول</title><link>https://www.vetogate.com/5712002?utm_source=rss</link>
<pubDate>Fri, 27 Nov 2026 14:05:00 +0200</pubDate></item>
<item><title>خبر ثان</title><guid>https://www.vetogate.com/5712003</guid></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>t</title><link rel="alternate" href="https://a.example/n/1"/>
<updated>2026-11-27T10:00:00Z</updated></entry></feed>"""


def test_news_sitemap_keeps_publication_date_and_title() -> None:
    (link,) = discovery.parse_xml_links(NEWS_SITEMAP, "https://www.vetogate.com/sitemaps/news.xml")
    assert link.url == "https://www.vetogate.com/5712001"
    assert link.published == "2026-11-28T09:30:00+02:00"
    assert link.title == "عنوان الخبر"
    assert discovery.document_kind(NEWS_SITEMAP) == "urlset"


def test_gzipped_sitemap_index_gives_child_sitemaps_with_lastmod() -> None:
    links = list(discovery.parse_xml_links(gzip.compress(INDEX), "https://example.com/sitemap.xml"))
    assert [(link.url, link.published, link.is_sitemap) for link in links] == [
        ("https://example.com/news.xml", "2026-11-28", True),
        ("https://example.com/archive-2025.xml", "2025-01-31", True),
    ]


def test_rss_and_atom_items() -> None:
    rss = list(discovery.parse_xml_links(RSS, "https://www.vetogate.com/rss.aspx"))
    assert [link.title for link in rss] == ["خبر أول", "خبر ثان"]
    assert rss[0].published == "Fri, 27 Nov 2026 14:05:00 +0200"
    assert rss[1].url == "https://www.vetogate.com/5712003"
    (atom,) = discovery.parse_xml_links(ATOM, "https://a.example/feed")
    assert (atom.url, atom.published) == ("https://a.example/n/1", "2026-11-27T10:00:00Z")


def test_not_xml_is_recognised() -> None:
    assert discovery.document_kind(b"<html><body>not a feed</body></html>") is None
    assert list(discovery.parse_xml_links(b"\x00garbage", "https://x.example/")) == []


def test_robots_sitemap_lines() -> None:
    text = "User-agent: *\nDisallow: /search\nSitemap: https://www.vetogate.com/sitemap.xml\n"
    assert discovery.robots_sitemaps(text) == ["https://www.vetogate.com/sitemap.xml"]


def test_listing_links_carry_the_time_printed_beside_them() -> None:
    html = """<div class="news-list">
      <div class="news-item"><a class="news-title" href="/5712010">أ</a>
        <time datetime="2026-11-28T09:10:00+02:00">اليوم</time></div>
      <div class="news-item"><a class="news-title" href="/5712011">ب</a></div>
    </div><a class="next" rel="next" href="?page=2">التالي</a>"""
    links, nxt = discovery.parse_listing(
        html, "https://www.vetogate.com/Section/1/x", ".news-list a.news-title", "a.next"
    )
    assert [(link.url, link.published) for link in links] == [
        ("https://www.vetogate.com/5712010", "2026-11-28T09:10:00+02:00"),
        ("https://www.vetogate.com/5712011", None),
    ]
    assert nxt == "https://www.vetogate.com/Section/1/x?page=2"


NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, NOW - timedelta(days=2)),
        ("7d", NOW - timedelta(days=7)),
        ("36h", NOW - timedelta(hours=36)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T08:00:00+02:00", datetime(2026, 11, 1, 6, 0, tzinfo=UTC)),
    ],
)
def test_since_window(value: str | None, expected: datetime) -> None:
    assert discovery.parse_since(value, NOW) == expected


def test_bad_since_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="since='yesterday'"):
        discovery.parse_since("yesterday", NOW)


def test_pagination_links_by_rel_words_and_pager_numbers() -> None:
    html = """<main><a href="/news/1">خبر</a><a href="/about">2</a></main>
      <div class="pagination"><a href="/list?page=2">2</a><a href="/list?page=3">3</a>
      <a href="/list?page=2">التالي</a></div><a rel="next" href="/p/2">x</a>
      <a class="older-link next" href="/older">أقدم</a>"""
    found = discovery.pagination_links(html, "https://akhbar.example.org/list")
    assert found == {
        "https://akhbar.example.org/list?page=2",
        "https://akhbar.example.org/list?page=3",
        "https://akhbar.example.org/p/2",
        "https://akhbar.example.org/older",
    }


# --- is this page of an unregistered site an article? ---------------------------------------

PARAGRAPH = (
    "قالت وزارة الري في بيان صدر مساء اليوم إن أعمال تطهير الترع في المحافظات الثلاث ستنتهي "
    "قبل موسم الزراعة الصيفي، وإن فرق الصيانة تعمل على مدار الساعة لتفادي أي أعطال."
)


def _page(main: str, head: str = "") -> str:
    return (
        f'<html lang="ar" dir="rtl"><head><title>موقع الأخبار</title>{head}</head>'
        f'<body><nav><a href="/">الرئيسية</a></nav><main>{main}</main>'
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    )


def _teasers(n: int, summary: bool) -> str:
    return "".join(
        f'<div class="item"><a href="/news/{1000 + i}">'
        f"<h3>عنوان الخبر رقم {i} في الصفحة الأولى</h3></a>"
        f"{'<p>' + PARAGRAPH + '</p>' if summary else ''}</div>"
        for i in range(n)
    )


OG_ARTICLE = '<meta property="og:type" content="article">'
LD_ARTICLE = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x"}</script>'
ARTICLE_BODY = "<article><h1>خبر</h1>" + f"<p>{PARAGRAPH}</p>" * 4 + "</article>"


@pytest.mark.parametrize(
    ("url", "html", "expected"),
    [
        # Declared articles.
        ("http://s.test/a", _page(ARTICLE_BODY, LD_ARTICLE), True),
        ("http://s.test/a", _page(ARTICLE_BODY, OG_ARTICLE), True),
        # Undeclared: the shape of the text decides.
        ("http://s.test/news/2026/11/28/bahr", _page(ARTICLE_BODY), True),
        ("http://s.test/about", _page("<p>من نحن: موقع إخباري.</p>"), False),
        ("http://s.test/section/economy", _page(_teasers(12, summary=True)), False),
        # A template that calls every page an article: teasers with summaries are a listing.
        ("http://s.test/", _page(_teasers(12, summary=True), OG_ARTICLE), False),
        ("http://s.test/", _page(_teasers(12, summary=False), OG_ARTICLE), False),
        # A template that puts a NewsArticle JSON-LD on every page: a grid of a few cards is
        # still a listing; an article written as <br> runs with a linked box stays one.
        ("http://s.test/writer/35", _page(_teasers(4, summary=True), LD_ARTICLE), False),
        (
            "http://s.test/news/284107",
            _page(f'<div class="body">{"<br><br>".join([PARAGRAPH] * 4)}'
                  '<div class="box"><a href="/news/1">عنوان خبر آخر في مربع اقرأ أيضا</a></div>'
                  "</div>", LD_ARTICLE),
            True,
        ),
        # An ASP.NET page wraps everything in one <form>.
        ("http://s.test/Details.aspx?NewsID=15230",
         _page('<form id="aspnetForm">' + ARTICLE_BODY + "</form>"), True),
        # ...while an article with a few linked headlines below it stays an article.
        (
            "http://s.test/a",
            _page(ARTICLE_BODY + '<div class="more">' + _teasers(3, summary=False) + "</div>",
                  OG_ARTICLE),
            True,
        ),
    ],
)  # fmt: skip
def test_looks_like_article(url: str, html: str, expected: bool) -> None:
    assert discovery.looks_like_article(url, html) is expected
    # The crawl's path: the parsed page shared with extraction says the same.
    assert discovery.looks_like_article(url, Page.parse(url, html)) is expected


def test_an_og_type_written_as_a_name_declares_an_article_too() -> None:
    # One paragraph, no dated heading, an undated URL: only the declaration makes it one.
    html = _page(f"<div><p>{PARAGRAPH}</p></div>", '<meta name="og:type" content="article">')
    assert discovery.looks_like_article("http://s.test/x", Page.parse("http://s.test/x", html))
    assert not discovery.looks_like_article(
        "http://s.test/x", _page(f"<div><p>{PARAGRAPH}</p></div>")
    )


def test_page_links_leave_out_print_views_forms_replies_logins_and_searches() -> None:
    links = [
        "/PrintNews.aspx?NewsID=1", "/SendToFriend.aspx?NewsID=1", "/2024/05/12/x/?replytocom=5",
        "/?s=abc", "/wp-login.php", "/search?q=x", "/print/123",
        "/news/printing-press-opens", "/Details.aspx?NewsID=1", "/research-center/news-1",
    ]  # fmt: skip
    html = "".join(f'<a href="{href}">رابط</a>' for href in links)
    assert discovery.page_links(html, "http://h.test/") == [
        "http://h.test/news/printing-press-opens",
        "http://h.test/Details.aspx?NewsID=1",
        "http://h.test/research-center/news-1",
    ]


def test_an_old_table_layout_article_written_in_font_and_br_runs_is_an_article() -> None:
    # Old ASP templates write the story straight into <font> inside a table cell, with <br>
    # between paragraphs and no <p>: its running text must count, or no article is found.
    paragraphs = [
        "أعلنت وزارة الزراعة اليوم عن برنامج جديد لدعم صغار المزارعين في القرى الجنوبية "
        "بقروض ميسرة تبدأ مطلع الشهر المقبل بمشاركة البلديات",
        "وقال الوزير في مؤتمر صحفي إن الميزانية المرصودة تكفي لاستكمال المرحلة الأولى من الخطة "
        "وفق جدول زمني معلن يشمل المحافظات كلها",
    ]
    nav = "".join(f'<tr><td><a href="/section.asp?id={k}">قسم {k}</a></td></tr>' for k in range(4))
    html = (
        '<html><head><meta charset="utf-8"><title>جريدة الأيام</title></head><body>'
        f'<table><tr><td width="18%"><table>{nav}</table></td><td valign="top">'
        '<font size="4"><b>برنامج جديد لدعم المزارعين</b></font><br><font size="2">2026/11/12'
        f'</font><br><br><font size="3">{"<br>".join(paragraphs)}</font></td></tr></table>'
        "</body></html>"
    )
    assert discovery.looks_like_article("http://news.example/show.asp?id=7012", html)
    listing = html.replace("<br>".join(paragraphs), "")
    assert not discovery.looks_like_article("http://news.example/show.asp?id=7012", listing)


SHORT_HEADLINE = "وزارة الري تنهي تطهير الترع قبل الموسم"


@pytest.mark.parametrize(
    ("url", "main", "expected"),
    [
        # A short article: a printed headline and date above one or two unlinked paragraphs,
        # on URLs that do not look like an article's (a 4-digit number) or do (?id=).
        ("http://s.test/article/5012.html",
         f'<div class="headline">{SHORT_HEADLINE}</div><span class="date">12-11-2026 10:30</span>'
         f'<div class="text">{PARAGRAPH}<br><br>{PARAGRAPH[:90]}</div>', True),
        ("http://s.test/show.asp?id=7003",
         f'<font size="4"><b>{SHORT_HEADLINE}</b></font><br><font size="2">2026/11/12</font>'
         f'<br><br><font size="3">{PARAGRAPH}</font>', True),
        # The same shape without a date, or without a headline, is not enough.
        ("http://s.test/article/5012.html",
         f'<div class="headline">{SHORT_HEADLINE}</div><div class="text">{PARAGRAPH}</div>',
         False),
        ("http://s.test/article/5012.html",
         f'<span class="date">12-11-2026</span><div class="text">{PARAGRAPH}</div>', False),
        # A section page with a heading, today's date and an intro above its teasers.
        ("http://s.test/section/5",
         f'<h1>{SHORT_HEADLINE}</h1><span class="date">12-11-2026</span><p>{PARAGRAPH}</p>'
         + _teasers(6, summary=True), False),
    ],
)  # fmt: skip
def test_a_short_article_is_told_by_its_headline_and_date(
    url: str, main: str, expected: bool
) -> None:
    assert discovery.looks_like_article(url, _page(main)) is expected
