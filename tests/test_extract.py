"""Unit tests of extraction on small inline pages: JSON-LD shapes, body choice, the generic path,
dates and time zones, legacy encodings, canonical URLs, authors and tags."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest

from crawler.dates import parse_date
from crawler.extract import (
    Candidate,
    _reader_comments,
    article_json_ld,
    choose_body,
    densest_container,
    extract,
    html_blocks,
    parse_json_ld,
)
from crawler.items import Article, Image
from crawler.page import Page
from crawler.sites import Selectors, Site
from crawler.text import join_blocks

# An unregistered domain with a generic TLD: no selectors, UTC for naive times.
OTHER_URL = "https://akhbar.example.org/news/2024/07/14/story-1187"
VETO_URL = "https://www.vetogate.com/5571234"

TITLE = "ارتفاع نسبة المشاركة في الانتخابات المحلية"
PARAGRAPHS = [
    "قالت دراسة صادرة عن مركز مستقل إن نسبة المشاركة في الانتخابات المحلية ارتفعت بشكل ملحوظ مقارنة بالدورة السابقة في معظم المدن الكبرى.",  # noqa: E501
    "وأضاف الباحثون أن الشباب شكلوا أكثر من ثلث الناخبين للمرة الأولى، وهو ما يعكس اهتماما متزايدا بالشأن العام بين الفئات الأصغر سنا.",  # noqa: E501
    "ويرى مراقبون أن حملات التوعية عبر وسائل التواصل الاجتماعي لعبت دورا في هذه الزيادة، خاصة في الأحياء الجديدة على أطراف المدن.",  # noqa: E501
]  # fmt: skip
BODY = join_blocks(PARAGRAPHS)


def page(head: str = "", body: str = "", lang: str = "ar") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="rtl"><head>{head}</head>'
        f"<body>{body}</body></html>"
    )


def ld_script(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def article_html(paragraphs: list[str] = PARAGRAPHS, h1: str | None = TITLE) -> str:
    heading = f"<h1>{h1}</h1>" if h1 else ""
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<header><div class="logo">موقع الأخبار</div><nav><a href="/">الرئيسية</a> '
        '<a href="/economy">اقتصاد</a> <a href="/sport">رياضة</a></nav></header>'
        f"<main><article>{heading}{text}</article></main>"
        "<footer><p>جميع الحقوق محفوظة لموقع الأخبار</p></footer>"
    )


def run(html: str | bytes, url: str = OTHER_URL, **kwargs: Any) -> Article:
    data = html.encode("utf-8") if isinstance(html, str) else html
    return extract(url, data, **kwargs)


NEWS_ARTICLE = {
    "@type": "NewsArticle",
    "headline": "عنوان من البيانات المنظمة",
    "datePublished": "2024-07-14T10:30:00+03:00",
    "author": {"@type": "Person", "name": "ليلى حسن"},
}


# ------------------------------------------------------------------------------------------------
# JSON-LD shapes


@pytest.mark.parametrize(
    "data",
    [
        {"@context": "https://schema.org", "@graph": [
            {"@type": "WebSite", "name": "موقع الأخبار"},
            {"@type": "BreadcrumbList", "itemListElement": []},
            NEWS_ARTICLE,
        ]},
        [{"@context": "https://schema.org", "@type": "Organization", "name": "موقع الأخبار"},
         NEWS_ARTICLE],
        {"@context": "https://schema.org", "@type": "ItemPage", "mainEntity": NEWS_ARTICLE},
    ],
    ids=["graph", "top-level-list", "main-entity"],
)  # fmt: skip
def test_news_article_is_found_in_every_json_ld_shape(data: Any) -> None:
    article = run(page(ld_script(data), article_html(h1="عنوان الصفحة المرئي")))
    assert article.title == "عنوان من البيانات المنظمة"
    assert article.published_at == "2024-07-14T10:30:00+03:00"
    assert article.published_tz_assumed is False
    assert article.authors == ["ليلى حسن"]


def test_broken_json_ld_script_does_not_hide_a_valid_one() -> None:
    broken = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "مكسور"</script>'
    )
    article = run(page(broken + ld_script(NEWS_ARTICLE), article_html()))
    assert article.title == "عنوان من البيانات المنظمة"
    assert article.authors == ["ليلى حسن"]


def test_only_broken_json_ld_falls_back_to_meta_tags() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "عنوان "مكسور"",'
        ' "datePublished": "2020-01-01T00:00:00Z"}</script>'
        f'<meta property="og:title" content="{TITLE}">'
        '<meta property="article:published_time" content="2024-07-14T08:00:00+02:00">'
        '<meta name="author" content="سامي نور">'
    )
    article = run(page(head, article_html(h1=None)))
    assert article.title == TITLE
    assert article.published_at == "2024-07-14T08:00:00+02:00"
    assert article.authors == ["سامي نور"]
    assert article.body == BODY


def test_trailing_commas_in_json_ld_are_tolerated() -> None:
    script = (
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "عنوان بفاصلة زائدة", "keywords": ["الانتخابات", "الشباب",],'
        ' "author": [{"@type": "Person", "name": "ليلى حسن",},],}</script>'
    )
    article = run(page(script, article_html()))
    assert article.title == "عنوان بفاصلة زائدة"
    assert article.tags == ["الانتخابات", "الشباب"]
    assert article.authors == ["ليلى حسن"]


def test_json_ld_headline_cut_short_gives_way_to_the_whole_h1() -> None:
    data = {**NEWS_ARTICLE, "headline": TITLE[:20] + "..."}
    article = run(page(ld_script(data), article_html()))
    assert article.title == TITLE
    assert article.body == BODY


def test_json_ld_objects_come_out_of_graphs_lists_and_main_entity() -> None:
    doc = lxml.html.document_fromstring(
        page(ld_script([{"@graph": [{"@type": "WebPage", "mainEntity": NEWS_ARTICLE}]}]))
    )
    objects = parse_json_ld(doc)
    assert NEWS_ARTICLE in objects
    assert article_json_ld(objects) == NEWS_ARTICLE


# ------------------------------------------------------------------------------------------------
# Choosing the body


def test_truncated_json_ld_body_loses_to_the_html_body() -> None:
    cut = PARAGRAPHS[0] + " " + PARAGRAPHS[1][:50] + "..."
    data = {**NEWS_ARTICLE, "articleBody": cut}
    article = run(page(ld_script(data), article_html()))
    assert article.body == BODY
    assert article.body_source != "json-ld"


def test_html_that_extends_a_cut_json_ld_body_wins_even_on_a_lower_score() -> None:
    cut = Candidate("json-ld", [" ".join(PARAGRAPHS[:2]) + " " + PARAGRAPHS[2][:30] + "..."])
    linked = Candidate("selectors", PARAGRAPHS, link_density=0.35)
    assert cut.score > linked.score
    assert choose_body([cut, linked]) is linked


def test_complete_json_ld_body_is_used_when_the_page_has_no_text() -> None:
    data = {**NEWS_ARTICLE, "articleBody": "\n".join(PARAGRAPHS)}
    html = page(
        ld_script(data),
        '<nav><a href="/">الرئيسية</a> <a href="/video">فيديو</a></nav>'
        '<main><h1>عنوان من البيانات المنظمة</h1><div class="player"><video src="/v.mp4"></video>'
        "</div><p>شاهد الفيديو</p></main>",
    )
    article = run(html)
    assert article.body_source == "json-ld"
    assert article.body == BODY


def test_json_ld_body_written_as_html_keeps_its_paragraphs() -> None:
    data = {**NEWS_ARTICLE, "articleBody": "".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
    article = run(page(ld_script(data), "<main><p>شاهد الفيديو</p></main>"))
    assert article.body == BODY


def test_selector_alternatives_are_tried_in_the_order_written() -> None:
    site = Site(
        name="testsite",
        domains=("example.org",),
        article_url=r"^/news/",
        home="https://akhbar.example.org/",
        selectors=Selectors(body="div.article-body #text, div.article-body"),
    )
    html = page(
        "",
        f"<h1>{TITLE}</h1><div class='article-body'><div class='dateline'>القاهرة - خاص</div>"
        f"<div id='text'>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</div>"
        "<div class='topics'>انتخابات شباب مدن</div></div>",
    )
    article = run(html, site=site)
    assert article.body_source == "selectors"
    assert article.body == BODY


# ------------------------------------------------------------------------------------------------
# The generic path: no JSON-LD, no registered site


GENERIC_PAGE = page(
    f"<title>{TITLE} - موقع الأخبار</title>"
    f'<meta property="og:title" content="{TITLE} | موقع الأخبار">',
    '<header><div class="logo">موقع الأخبار</div><nav><a href="/">الرئيسية</a>'
    ' <a href="/x">اقتصاد</a> <a href="/y">رياضة</a></nav></header>'
    f"<main><article><h1>{TITLE}</h1>"
    '<time datetime="2024-07-14T09:45:00">14 يوليو 2024</time>'
    '<figure><img src="/img/2024/07/vote.jpg" alt=""><figcaption>ناخبون أمام أحد مراكز الاقتراع'
    "</figcaption></figure>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article>"
    '<aside><h3>الأكثر قراءة</h3><ul><li><a href="/1">'
    "خبر آخر عن أسعار الذهب في السوق المحلية اليوم</a></li></ul></aside></main>"
    "<footer><p>جميع الحقوق محفوظة لموقع الأخبار</p></footer>",
)


def test_generic_page_of_an_unregistered_site() -> None:
    article = run(GENERIC_PAGE)
    assert article.site is None
    assert article.title == TITLE
    assert article.body == BODY
    assert article.body_source == "generic"
    assert "ناخبون أمام أحد مراكز الاقتراع" not in article.body
    assert article.images == [
        Image("https://akhbar.example.org/img/2024/07/vote.jpg", "ناخبون أمام أحد مراكز الاقتراع")
    ]
    # The article's own <time datetime> dates it; a .org domain gives no zone but UTC.
    assert article.published_at == "2024-07-14T09:45:00+00:00"
    assert article.published_tz_assumed is True
    assert article.language == "ar"


def test_an_embedded_tweet_keeps_its_words_but_not_its_picture_link() -> None:
    tweet = (
        '<blockquote class="twitter-tweet"><p lang="ar">المشاركة تجاوزت التوقعات في كل المدن '
        '<a href="https://t.co/Ab12Cd">pic.twitter.com/Ab12Cd</a></p></blockquote>'
    )
    html = page(
        "",
        article_html([*PARAGRAPHS[:2], tweet, *PARAGRAPHS[2:]]).replace(f"<p>{tweet}</p>", tweet),
    )
    body = run(html).body
    assert "المشاركة تجاوزت التوقعات في كل المدن" in body.split("\n\n")
    assert "pic.twitter.com" not in body and "t.co" not in body
    assert PARAGRAPHS[2] in body


def test_generic_title_from_h1_when_there_is_no_og_title() -> None:
    html = page(f"<title>{TITLE} - موقع الأخبار</title>", article_html(h1="عنوان مختلف في الصفحة"))
    assert run(html).title == "عنوان مختلف في الصفحة"


def test_generic_title_drops_the_site_name_from_og_title() -> None:
    html = page(
        f'<meta property="og:title" content="{TITLE} | موقع الأخبار">', article_html(h1=None)
    )
    assert run(html).title == TITLE


def test_a_time_outside_the_article_does_not_date_it() -> None:
    html = page(
        "", '<aside><time datetime="2023-01-01T00:00:00Z">أمس</time></aside>' + article_html()
    )
    assert run(html, url="https://akhbar.example.org/news/story-1187").published_at is None


def test_a_dated_url_dates_an_article_that_prints_no_date() -> None:
    article = run(page("", article_html()), url="https://akhbar.example.org/news/2024/07/14/s-1")
    assert article.published_at == "2024-07-14T00:00:00+00:00"
    assert article.published_raw == "2024-07-14"
    assert article.published_tz_assumed is True


def test_a_printed_date_in_a_date_element_is_found_without_selectors() -> None:
    html = page(
        "",
        '<main><h1>عنوان</h1><div class="post-date">الثلاثاء، 16 يناير 2024 11:40 ص</div>'
        + article_html()
        + "</main>",
    )
    article = run(html, url="https://akhbar.example.com.eg/news/story-9")
    assert article.published_at == "2024-01-16T11:40:00+02:00"
    assert article.published_tz_assumed is True


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ('<div class="post-meta"><span>نشر في: 2024/01/16 11:40</span></div>',
         "2024-01-16T11:40:00+02:00"),
        ('<p class="meta">بقلم: أحمد علي | 16-01-2024</p>', "2024-01-16T00:00:00+02:00"),
        ('<div class="info"><i class="icon"></i> ١٦ كانون الثاني ٢٠٢٤</div>',
         "2024-01-16T00:00:00+02:00"),
        ('<small class="text-muted">2024-01-16 09:15:00</small>', "2024-01-16T09:15:00+02:00"),
        # An update time dates the article only when nothing else does, and loses to the rest.
        ('<span>آخر تحديث: 17/01/2024 - 14:05</span><span>16 يناير 2024</span>',
         "2024-01-16T00:00:00+02:00"),
    ],
)  # fmt: skip
def test_a_date_printed_under_the_headline_in_any_element(printed: str, expected: str) -> None:
    html = page("", f'<div class="story"><h1>{TITLE}</h1>{printed}' + article_html(h1=None))
    article = run(html, url="https://akhbar.example.com.eg/news/story-9")
    assert article.published_at == expected


def test_a_date_in_the_articles_own_header_is_read() -> None:
    header = (
        f'<header class="entry-header"><h1>{TITLE}</h1>'
        '<span class="posted-on">الثلاثاء 16 يناير 2024</span></header>'
    )
    html = page(
        "",
        '<header class="site-header"><span class="date">الأحد 28 يناير 2024</span></header>'
        + article_html(h1=None).replace("<article>", "<article>" + header),
    )
    article = run(html, url="https://akhbar.example.com.eg/news/story-9")
    assert article.published_at == "2024-01-16T00:00:00+02:00"


def test_dates_in_the_site_header_or_the_text_do_not_date_an_article() -> None:
    today = '<div class="top-bar">الأحد 28 يناير 2024</div>'
    text = ["أعلنت الوزارة أن المشروع الذي بدأ في 3 مارس 2019 سيكتمل قبل نهاية العام بتكلفة كبيرة."]
    html = page(
        "", f'{today}<div class="story"><h1>{TITLE}</h1>' + article_html(text + PARAGRAPHS, h1=None)
    )
    assert run(html, url="https://akhbar.example.com.eg/news/story-9").published_at is None


def test_a_name_date_line_over_the_text_is_a_byline() -> None:
    html = page(
        "",
        f'<div class="col"><h1>{TITLE}</h1><div>رامي حداد | 16-01-2024 | 18:40</div>'
        + "".join(f"<div>{p}</div>" for p in PARAGRAPHS)
        + "</div>",
    )
    article = run(html)
    assert article.body == BODY
    assert article.authors == ["رامي حداد"]


def test_an_author_box_closing_the_text_is_not_text() -> None:
    card = (
        '<div class="writer-card"><h4>هدى منصور</h4><p>صحفية وكاتبة مهتمة بالشأن الثقافي، تكتب في '
        "عدد من المجلات العربية وتعد برنامجا إذاعيا عن الكتب.</p></div>"
    )
    html = page(
        '<meta name="author" content="هدى منصور">',
        article_html().replace("</article>", card + "</article>"),
    )
    assert run(html).body == BODY


def test_a_teaser_before_the_headline_is_not_the_start_of_the_text() -> None:
    teaser = "أقر مجلس الوزراء في جلسته الأسبوعية حزمة من القرارات الاقتصادية الجديدة لدعم الصناعة."
    html = page(
        "",
        f'<main><div class="field-body"><p>{teaser}</p></div><h1>{TITLE}</h1>'
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</main>",
    )
    assert run(html).body == BODY


def test_gallery_captions_in_paragraphs_go_to_images() -> None:
    caption = "وزير الثقافة خلال جولته في أجنحة المعرض صباح اليوم"
    gallery = (
        f'<div class="gallery-item"><img src="/img/g1.jpg" alt="{TITLE}">'
        f'<p class="photo-desc">{caption}</p></div>'
    )
    html = page(
        "", article_html().replace(f"<p>{PARAGRAPHS[1]}</p>", gallery + f"<p>{PARAGRAPHS[1]}</p>")
    )
    article = run(html)
    assert article.body == BODY
    assert Image("https://akhbar.example.org/img/g1.jpg", caption) in article.images


COMMENTS = [
    "هذه الانتخابات كانت الأفضل تنظيما منذ سنوات، وأتمنى أن تستمر المشاركة بهذا الشكل في المستقبل.",
    "المشكلة ليست في نسبة المشاركة بل في البرامج الانتخابية التي لم تتغير منذ الدورة الماضية.",
]


def test_readers_comments_under_their_heading_are_found() -> None:
    section = '<div class="opinions"><h3>آراء القراء (2)</h3>' + "".join(
        f'<div class="entry"><div class="head"><span>قارئ</span> <span>16/01/2024</span></div>'
        f"<div><p>{c}</p></div></div>"
        for c in COMMENTS
    )
    html = page(
        "",
        f'<div class="page"><div class="story"><h1>{TITLE}</h1>'
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + f"</div>{section}</div></div>",
    )
    found = _reader_comments(lxml.html.document_fromstring(html))
    assert set(COMMENTS) <= found
    assert not found & set(PARAGRAPHS)
    body = run(html).body
    assert not any(c in body for c in COMMENTS)


def test_an_article_container_named_after_its_comments_keeps_its_text() -> None:
    html = page("", article_html().replace("<article>", '<article class="post has-comments">'))
    assert run(html).body == BODY


def test_text_after_a_linked_box_inside_br_runs_is_restored() -> None:
    box = (
        '<div class="read-more-box"><h4>اقرأ أيضا</h4><ul>'
        + "".join(
            f'<li><a href="/news/{i}">عنوان خبر آخر رقم {i} في مربع الأخبار المرتبطة</a></li>'
            for i in range(3)
        )
        + "</ul></div>"
    )
    text = [
        "أعلنت وزارة الري أن أعمال تطهير الترع في المحافظات الثلاث ستنتهي قبل موسم الزراعة الصيفي بمشاركة 40 معدة.",  # noqa: E501
        "وخلال الاجتماع، عرض فريق العمل نتائج دراسة ميدانية شملت 610 مزارعين في القرى المجاورة. وأكدت الوزارة أن النتائج ستعلن على موقعها خلال 6 أسابيع.",  # noqa: E501
        "وتستهدف الخطة خفض الفاقد من المياه إلى 20 في المائة خلال عامين. وكانت تقارير سابقة قد أشارت إلى تأخر بعض المراحل بسبب التمويل.",  # noqa: E501
        "أرقام لافتة",
        "وأشار البيان إلى أن نسبة الإنجاز في العام الماضي بلغت 88 في المائة.",
    ]
    body = (
        f'<div class="article-body">{text[0]}<br><br>{text[1]}<br><br>{box}{text[2]}<br><br>'
        f"<strong>{text[3]}</strong><br>{text[4]}<br><br></div>"
    )
    html = page('<meta property="og:type" content="article">', f"<div><h1>{TITLE}</h1>{body}</div>")
    # The box's label is cleaning's to remove; its headline links are never restored.
    assert run(html).body.split("\n\n") == [*text[:2], "اقرأ أيضا", *text[2:]]


def test_list_items_come_without_a_dash() -> None:
    items = ["توزيع الكتب المدرسية على الطلاب في الأسبوع الأول", "تشغيل حافلات إضافية للمدارس"]
    text = [*PARAGRAPHS[:2], "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"]
    html = page("", article_html(text + PARAGRAPHS[2:]).replace(f"<p>{text[2]}</p>", text[2]))
    blocks = run(html).body.split("\n\n")
    assert blocks == [*PARAGRAPHS[:2], *items, PARAGRAPHS[2]]


@pytest.mark.parametrize(
    "marked",
    [
        '<abbr itemprop="datePublished" title="2024-01-16T11:40:00+02:00">الثلاثاء</abbr>',
        '<meta itemprop="datePublished" content="2024-01-16T11:40:00+02:00">',
    ],
)
def test_microdata_dates_in_title_and_content_attributes(marked: str) -> None:
    html = page("", f"<main><h1>{TITLE}</h1>{marked}" + article_html(h1=None) + "</main>")
    assert run(html).published_at == "2024-01-16T11:40:00+02:00"


def test_a_date_element_inside_a_page_wide_form_is_read() -> None:
    html = page(
        "",
        '<form id="aspnetForm"><h1>عنوان</h1><span class="NewsDate">١٦/٠١/٢٠٢٤ ١١:٤٠</span>'
        + article_html(h1=None)
        + "</form>",
    )
    article = run(html, url="https://akhbar.example.com.eg/news/story-9")
    assert article.published_at == "2024-01-16T11:40:00+02:00"


def test_the_site_name_before_a_double_colon_is_cut_from_the_page_title() -> None:
    html = page(f"<title>جريدة الوادي :: {TITLE}</title>", article_html(h1=None))
    assert run(html).title == TITLE


def test_todays_date_in_the_site_header_does_not_date_an_article() -> None:
    header = (
        '<div class="Header"><img src="/logo.gif">'
        '<span class="HeaderDate">الأحد 28 يناير 2024</span></div>'
    )
    story = (
        '<div class="story"><span class="NewsTitle">عنوان</span>'
        '<span class="NewsDate">الثلاثاء 16 يناير 2024 - 11:40 ص</span>'
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</div>"
    )
    article = run(
        page("", header + story), url="https://akhbar.example.com.eg/Details.aspx?NewsID=9"
    )
    assert article.published_at == "2024-01-16T11:40:00+02:00"


def test_og_title_with_the_site_name_gives_way_to_the_headline() -> None:
    html = page(
        '<meta property="og:title" content="ارتفاع أسعار الخضر في الأسواق | الأخبار اليوم">',
        "<main><p>نص</p></main>",
    )
    assert run(html, url="https://akhbar.example.org/n/1").title == "ارتفاع أسعار الخضر في الأسواق"


def testdensest_container_sees_through_a_page_wide_form() -> None:
    # ASP.NET pages put everything in one <form>; the article must still be found inside it.
    html = page(
        "",
        '<form id="aspnetForm" method="post"><div class="menu"><a href="/">الرئيسية</a></div>'
        f'<div id="story">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div></form>',
    )
    dense = densest_container(lxml.html.document_fromstring(html))
    assert dense is not None and dense.get("id") == "story"


# ------------------------------------------------------------------------------------------------
# Dates and time zones


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("14 يوليو 2024 10:30", "2024-07-14T10:30:00+03:00"),
        ("14 تموز 2024 10:30", "2024-07-14T10:30:00+03:00"),
        ("الأحد ١٤ يوليو ٢٠٢٤ - ١٠:٣٠ م", "2024-07-14T22:30:00+03:00"),
        ("14 كانون الثاني 2024 09:15 ص", "2024-01-14T09:15:00+02:00"),
        ("14 أيلول 2023 08:00", "2023-09-14T08:00:00+03:00"),
        ("الأحد 14 يوليو 2024م", "2024-07-14T00:00:00+03:00"),
        ("14-7-2024 | 20:15", "2024-07-14T20:15:00+03:00"),
        # Maghrebi month names.
        ("الأحد 19 ماي 2024 - 22:00", "2024-05-19T22:00:00+03:00"),
        ("12 جوان 2024", "2024-06-12T00:00:00+03:00"),
        ("3 شتنبر 2023 10:15", "2023-09-03T10:15:00+03:00"),
    ],
)
def test_arabic_dates_parse_in_cairo_time(raw: str, iso: str) -> None:
    parsed = parse_date(raw, "Africa/Cairo")
    assert parsed is not None
    assert (parsed.iso, parsed.assumed, parsed.raw) == (iso, True, raw)


def test_month_first_numeric_dates_follow_the_site_order() -> None:
    parsed = parse_date("10/3/2024 9:40:00 PM", "Africa/Cairo", "MDY")
    assert parsed is not None and parsed.iso == "2024-10-03T21:40:00+03:00"


@pytest.mark.parametrize(
    ("published", "iso", "assumed"),
    [
        ("2024-07-14T10:30:00", "2024-07-14T10:30:00+03:00", True),
        ("2024-01-14T10:30:00", "2024-01-14T10:30:00+02:00", True),
        ("2024-07-14T10:30:00+04:00", "2024-07-14T10:30:00+04:00", False),
        ("2024-07-14T07:30:00Z", "2024-07-14T07:30:00+00:00", False),
    ],
    ids=["naive-summer", "naive-winter", "offset-kept", "utc-kept"],
)
def test_site_time_zone_is_assumed_only_without_offset(
    published: str, iso: str, assumed: bool
) -> None:
    data = {**NEWS_ARTICLE, "datePublished": published, "dateModified": published}
    article = run(page(ld_script(data), article_html()), url=VETO_URL)
    assert article.site == "vetogate"
    assert (article.published_at, article.published_tz_assumed) == (iso, assumed)
    assert (article.modified_at, article.modified_tz_assumed) == (iso, assumed)
    assert article.published_raw == published


def test_unregistered_country_domain_gets_its_country_zone() -> None:
    data = {**NEWS_ARTICLE, "datePublished": "2024-07-14T10:30:00"}
    article = run(
        page(ld_script(data), article_html()), url="https://www.akhbar-example.com.sa/n/1"
    )
    assert (article.published_at, article.published_tz_assumed) == (
        "2024-07-14T10:30:00+03:00",
        True,
    )


# ------------------------------------------------------------------------------------------------
# Encodings

LEGACY_TITLE = "افتتاح محطة لتحلية المياه في مرسى مطروح"
LEGACY_PARAGRAPHS = [
    "افتتحت المحافظة اليوم محطة جديدة لتحلية مياه البحر بطاقة تبلغ 25 ألف متر مكعب يوميا، لتغطية احتياجات المدينة خلال الصيف.",  # noqa: E501
    "وقال رئيس شركة المياه إن المحطة تعمل بتقنية التناضح العكسي، وإنها ستخفف الضغط عن الخط القادم من الإسكندرية.",  # noqa: E501
    "وأشار إلى أن المرحلة الثانية تتضمن مد شبكة توزيع جديدة إلى القرى الواقعة غرب المدينة خلال عام.",  # noqa: E501
]  # fmt: skip


def legacy_page(meta: str = "") -> str:
    return page(
        f"{meta}<title>{LEGACY_TITLE}</title>", article_html(LEGACY_PARAGRAPHS, LEGACY_TITLE)
    )


@pytest.mark.parametrize("codec", ["windows-1256", "iso-8859-6"])
def test_legacy_arabic_encodings_without_charset(codec: str) -> None:
    data = legacy_page().encode(codec)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    article = run(data)
    assert article.title == LEGACY_TITLE
    assert article.body == join_blocks(LEGACY_PARAGRAPHS)


def test_declared_meta_charset_is_honoured() -> None:
    data = legacy_page('<meta charset="iso-8859-6">').encode("iso-8859-6")
    article = run(data)
    assert article.title == LEGACY_TITLE
    assert article.body == join_blocks(LEGACY_PARAGRAPHS)


def test_http_charset_wins_over_a_wrong_meta_charset() -> None:
    data = legacy_page('<meta charset="iso-8859-6">').encode("windows-1256")
    article = run(data, content_type="text/html; charset=windows-1256")
    assert article.title == LEGACY_TITLE
    assert article.body == join_blocks(LEGACY_PARAGRAPHS)


def test_arabic_bytes_labelled_latin_1_read_as_windows_1256() -> None:
    data = legacy_page('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
    article = run(data.encode("windows-1256"))
    assert article.title == LEGACY_TITLE


def test_latin_text_labelled_latin_1_stays_latin() -> None:
    title = "Élections locales: la participation progresse à Alexandrie"
    text = "La participation a nettement progressé cette année, selon une étude indépendante."
    html = page(
        f'<meta charset="iso-8859-1"><title>{title}</title>',
        f"<main><article><h1>{title}</h1><p>{text}</p><p>{text}</p></article></main>",
        lang="fr",
    )
    article = run(html.encode("latin-1"))
    assert article.title == title
    assert article.language == "fr"


# ------------------------------------------------------------------------------------------------
# Canonical URL


def canonical_head(href: str) -> str:
    return f'<link rel="canonical" href="{href}">'


def test_canonical_link_on_the_same_site_is_used() -> None:
    html = page(canonical_head("https://www.vetogate.com/4302118"), article_html())
    article = run(
        html, url="https://m.vetogate.com/4302118/%D9%85%D8%A8%D8%A7%D8%AD%D8%AB%D8%A7%D8%AA"
    )
    assert article.canonical_url == "https://www.vetogate.com/4302118"


def test_canonical_link_to_another_domain_is_ignored() -> None:
    html = page(canonical_head("https://www.partner-news.example.com/story/99"), article_html())
    article = run(html, url="https://www.vetogate.com/4302118?utm_source=telegram")
    assert article.canonical_url == "https://www.vetogate.com/4302118"


def test_canonical_link_of_an_unregistered_site_on_its_own_domain() -> None:
    html = page(canonical_head("/news/2024/07/14/story-1187?utm_medium=rss"), article_html())
    article = run(html, url="https://m.example.org/news/2024/07/14/story-1187")
    assert article.canonical_url == "https://m.example.org/news/2024/07/14/story-1187"
    html = page(canonical_head("https://other.example.net/copy/1"), article_html())
    assert run(html).canonical_url == OTHER_URL


def test_sites_sharing_a_country_suffix_are_not_one_site() -> None:
    html = page(canonical_head("https://www.other-paper.com.eg/news/55"), article_html())
    article = run(html, url="https://www.akhbar-example.com.eg/news/1")
    assert article.canonical_url == "https://www.akhbar-example.com.eg/news/1"
    html = page(canonical_head("https://akhbar-example.com.eg/news/1"), article_html())
    article = run(html, url="https://m.akhbar-example.com.eg/news/1?ref=home")
    assert article.canonical_url == "https://akhbar-example.com.eg/news/1"


def test_tracking_parameters_go_and_the_article_id_stays() -> None:
    article_id = "cdate=14072024&id=8b1f0c2e-5d3a-4e7b-9c61-2f4a8d9e0b13"
    url = f"https://shorouknews.com/news/view.aspx?{article_id}&utm_source=facebook&fbclid=IwAR0"
    article = run(page("", article_html()), url=url)
    assert article.site == "shorouknews"
    assert article.url == url
    assert article.canonical_url == f"https://www.shorouknews.com/news/view.aspx?{article_id}"


# ------------------------------------------------------------------------------------------------
# Authors and tags


def test_authors_are_people_not_organizations() -> None:
    data = {
        **NEWS_ARTICLE,
        "author": [
            {"@type": "Person", "name": "ليلى حسن"},
            {"@type": "NewsMediaOrganization", "name": "موقع الأخبار"},
            {"@type": "Person", "name": "كتب: عمر فاروق"},
        ],
    }
    assert run(page(ld_script(data), article_html())).authors == ["ليلى حسن", "عمر فاروق"]


def test_the_site_credited_as_author_stands_only_when_nobody_else_is_named() -> None:
    site = {"@type": "Organization", "name": "موقع الأخبار"}
    data = {**NEWS_ARTICLE, "author": site, "publisher": site}
    # A staff piece: the page credits the site itself, and says so.
    assert run(page(ld_script(data), article_html())).authors == ["موقع الأخبار"]
    del data["publisher"]
    head = ld_script(data) + '<meta property="og:site_name" content="موقع الأخبار">'
    assert run(page(head, article_html())).authors == ["موقع الأخبار"]
    # The same credit in the author meta tag.
    head = (
        '<meta property="og:site_name" content="موقع الأخبار">'
        '<meta name="author" content="موقع الأخبار">'
    )
    assert run(page(head, article_html())).authors == ["موقع الأخبار"]
    # Beside a named writer the site is no author.
    data["author"] = [{"@type": "Person", "name": "ليلى حسن"}, site]
    assert run(
        page(head.replace('name="author"', 'name="x"') + ld_script(data), article_html())
    ).authors == ["ليلى حسن"]
    # The site's name in its own publisher object, never declared as author: no author.
    data = {**NEWS_ARTICLE, "publisher": site}
    data.pop("author", None)
    assert run(page(ld_script(data), article_html())).authors == []


def test_what_follows_the_site_in_one_author_credit_is_a_place_not_writers() -> None:
    head = (
        '<meta property="og:site_name" content="موقع الأخبار">'
        '<meta name="author" content="موقع الأخبار، القاهرة، مصر">'
    )
    assert run(page(head, article_html())).authors == ["موقع الأخبار"]


def article_with(extra: str) -> str:
    return article_html().replace("<main><article>", f"<main><article>{extra}")


def test_a_bare_microdata_author_and_a_yoast_written_by_tag_are_read() -> None:
    html = page("", article_with('<p class="meta"><span itemprop="author">سارة عادل</span></p>'))
    assert run(html).authors == ["سارة عادل"]
    head = '<meta name="twitter:misc:Written by" content="محمود سامي">'
    assert run(page(head, article_html())).authors == ["محمود سامي"]


def test_a_byline_linking_to_the_writers_archive_names_the_writer() -> None:
    byline = '<p class="meta">بقلم <a href="/author/sara-adel/">سارة عادل</a></p>'
    assert run(page("", article_with(byline))).authors == ["سارة عادل"]
    # A sidebar of columnists links to many writers: a list, not the byline.
    sidebar = "".join(
        f'<li><a href="/writers/{n}">كاتب رقم {w}</a></li>'
        for n, w in enumerate(["أول", "ثان", "ثالث", "رابع"])
    )
    assert run(page("", article_with(f"<ul>{sidebar}</ul>"))).authors == []


def test_an_agency_credited_as_author_stands_when_no_person_is_named() -> None:
    agency = {"@type": "Organization", "name": "وكالة الأنباء السعودية"}
    data = {**NEWS_ARTICLE, "author": agency}
    assert run(page(ld_script(data), article_html())).authors == ["وكالة الأنباء السعودية"]
    # Beside a writer, the agency is credited with them.
    data["author"] = [{"@type": "Person", "name": "ليلى حسن"}, agency]
    authors = run(page(ld_script(data), article_html())).authors
    assert authors == ["ليلى حسن", "وكالة الأنباء السعودية"]


def test_tags_from_keywords_split_on_the_arabic_comma() -> None:
    data = {**NEWS_ARTICLE, "keywords": "الانتخابات المحلية، الشباب،المدن , التوعية، الشباب"}
    article = run(page(ld_script(data), article_html()))
    assert article.tags == ["الانتخابات المحلية", "الشباب", "المدن", "التوعية"]


def test_tags_from_news_keywords_meta_without_json_ld() -> None:
    html = page('<meta name="news_keywords" content="الانتخابات، الشباب">', article_html())
    assert run(html).tags == ["الانتخابات", "الشباب"]


def test_a_line_break_in_the_page_source_does_not_split_a_paragraph() -> None:
    blocks, _ = html_blocks(
        lxml.html.fragment_fromstring("<div><p>السطر الأول\n  والسطر الثاني</p><p>فقرة</p></div>")
    )
    assert blocks == ["السطر الأول والسطر الثاني", "فقرة"]


def test_html_escaped_json_ld_strings_are_unescaped() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "الوزير: &quot;لا زيادة في الأسعار&quot;",
        "articleBody": "&lt;p&gt;الفقرة الأولى من الخبر.&lt;/p&gt;"
        "&lt;p&gt;الفقرة الثانية.&lt;/p&gt;",
    }
    article = run(page(ld_script(data), "<main></main>"), url="https://akhbar.example.org/n/2")
    assert article.title == 'الوزير: "لا زيادة في الأسعار"'
    assert article.body == "الفقرة الأولى من الخبر.\n\nالفقرة الثانية."
    assert article.body_source == "json-ld"


def test_an_unregistered_site_s_locale_gives_the_zone_of_naive_times() -> None:
    html = page(
        '<meta property="og:locale" content="ar_EG">'
        '<meta property="article:published_time" content="2024-07-14T09:45:00">',
        article_html(),
    )
    article = run(html, url="https://akhbar.example.com/news/story-77")
    assert article.published_at == "2024-07-14T09:45:00+03:00"
    assert article.published_tz_assumed is True
    plain = page('<meta property="article:published_time" content="2024-07-14T09:45:00">')
    assert run(plain, url="https://akhbar.example.com/n/1").published_at.endswith("+00:00")


def test_a_paragraph_repeating_an_image_alt_text_is_not_body() -> None:
    alt = "وزير النقل خلال جولته في محطة القطار الجديدة"
    paragraphs = [*PARAGRAPHS[:1], alt, *PARAGRAPHS[1:]]
    html = page("", f'<img src="/i.jpg" alt="{alt}">' + article_html(paragraphs))
    assert alt not in run(html).body
    assert run(html).body == join_blocks(PARAGRAPHS)


def test_a_byline_opening_the_text_becomes_the_author() -> None:
    html = page("", article_html(["كتب - محمود عبد الله", *PARAGRAPHS]))
    article = run(html)
    assert article.body == join_blocks(PARAGRAPHS)
    assert article.authors == ["محمود عبد الله"]
    # A sentence that merely starts with the same verb is text.
    sentence = "كتب الشاعر قصيدته الأخيرة في المستشفى قبل أيام من رحيله، ونشرتها أسرته أمس."
    assert run(page("", article_html([sentence, *PARAGRAPHS]))).body.startswith(sentence)


def test_language_follows_the_text_when_the_template_declares_english() -> None:
    assert run(page("", article_html(), lang="en")).language == "ar"
    assert run(page("", article_html(), lang="fa")).language == "fa"
    english = ["The ministry announced new measures for the rail network on Sunday evening."] * 3
    assert run(page("", article_html(english, h1="Rail"), lang="en")).language == "en"


def test_pictures_of_related_articles_are_not_the_article_s_images() -> None:
    side = (
        '<aside class="most-read"><figure><img src="/other.jpg"><figcaption>خبر آخر تماما'
        '</figcaption></figure></aside><div class="related-news"><figure><img src="/r.jpg">'
        "<figcaption>خبر ذو صلة</figcaption></figure></div>"
    )
    own = '<figure><img src="/own.jpg"><figcaption>صورة الخبر نفسه</figcaption></figure>'
    article = run(page("", own + article_html() + side))
    assert [(i.url.rsplit("/", 1)[1], i.caption) for i in article.images] == [
        ("own.jpg", "صورة الخبر نفسه")
    ]


def test_pictures_printed_in_the_text_are_the_article_s_images_icons_and_ads_are_not() -> None:
    own = '<figure><img src="/own.jpg"><figcaption>صورة الخبر نفسه</figcaption></figure>'
    inline = (
        '<p><img src="data:image/gif;base64,R0lGOD" data-src="/uploads/inline.jpg" alt="لجنة"></p>'
        '<p><img src="/static/icon-print.png"><img src="/s.gif" width="1" height="1">'
        '<img src="/ads/box.jpg"><img src="/u/avatar-12.jpg"></p>'
    )
    text = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    body = (
        f"<main><article><h1>{TITLE}</h1>{own}<p>{PARAGRAPHS[0]}</p>{inline}{text}</article>"
        '<aside><img src="/sidebar.jpg"></aside></main>'
    )
    article = run(page("", body))
    assert [(i.url.rsplit("/", 1)[1], i.caption) for i in article.images] == [
        ("own.jpg", "صورة الخبر نفسه"),
        ("inline.jpg", None),
    ]


def test_a_stale_selector_matching_another_box_loses_to_the_main_content() -> None:
    site = Site(
        name="stale",
        domains=("stale.example.org",),
        article_url=r"^/n/\d+",
        home="https://stale.example.org/",
        selectors=Selectors(body="div.article-body"),
    )
    promo = (
        '<aside><div class="article-body"><p>'
        + "نص ترويجي طويل عن عروض الاشتراك في الخدمة الجديدة للموقع وما تقدمه للقراء. " * 4
        + "</p></div></aside>"
    )
    html = page("", article_html() + promo)
    article = run(html, url="https://stale.example.org/n/1", site=site)
    assert article.body == join_blocks(PARAGRAPHS)
    assert article.body_source == "generic"


SELECTOR_SITE = Site(
    name="selected",
    domains=("selected.example.org",),
    article_url=r"^/n/\d+",
    home="https://selected.example.org/",
    selectors=Selectors(title="h1", body="div.article-body"),
)
SELECTED_URL = "https://selected.example.org/n/1"
# The page's own summary, written apart from the text but in its words.
SUMMARY = (
    "دراسة من مركز مستقل: نسبة المشاركة في الانتخابات المحلية ارتفعت، والشباب أكثر من ثلث "
    "الناخبين للمرة الأولى"
)


def _extract_page(html: str, url: str = SELECTED_URL) -> tuple[Article, Page]:
    page_ = Page.parse(url, html.encode("utf-8"))
    return extract(url, html.encode("utf-8"), SELECTOR_SITE, page=page_), page_


UNRELATED_BOX = "".join(
    f"<p>{line}</p>"
    for line in [
        "اشترك الآن في النشرة البريدية للموقع لتصلك أهم الأخبار والتحليلات كل صباح على بريدك.",
        "يقدم الاشتراك المدفوع تجربة قراءة بلا إعلانات مع أرشيف كامل للأعداد السابقة كلها.",
        "يمكن إلغاء الاشتراك في أي وقت من صفحة الحساب دون أي رسوم إضافية أو التزامات أخرى.",
        "للاستفسارات يرجى التواصل مع خدمة العملاء على مدار الساعة طوال أيام الأسبوع كاملة.",
    ]
)
MOST_READ = (
    "<ul>"
    + "".join(
        f'<li><a href="/n/{i}">خبر آخر رقم {i} عن أسعار الذهب والعملات في السوق المحلية</a></li>'
        for i in range(2, 8)
    )
    + "</ul>"
)


@pytest.mark.parametrize("box", [UNRELATED_BOX, MOST_READ], ids=["long-box", "most-read"])
def test_a_stale_selector_matching_another_long_box_still_meets_the_generic_text(box: str) -> None:
    """The selector now matches a box after the article: long and paragraphed, but holding
    none of the summary's words and not starting under the headline, so trafilatura runs and
    its text wins."""
    html = page(
        f'<meta property="og:description" content="{SUMMARY}">',
        article_html() + f'<aside><div class="article-body">{box}</div></aside>',
    )
    article, page_ = _extract_page(html)
    assert article.body == BODY
    assert article.body_source == "generic"
    assert "generic_blocks" in page_.__dict__


def test_a_selector_matching_nothing_falls_back_to_the_generic_text() -> None:
    article, page_ = _extract_page(page("", article_html()))
    assert (article.body, article.body_source) == (BODY, "generic")
    assert "generic_blocks" in page_.__dict__


MORE_TEXT = (
    "وأشار التقرير إلى أن النتائج النهائية ستعلن خلال أيام بعد انتهاء عمليات الفرز في كل اللجان."
)


@pytest.mark.parametrize(
    ("head", "top"),
    [
        # The summary's words are in the text (no headline to go by).
        (f'<meta name="description" content="{SUMMARY}">', ""),
        # The text starts under the headline, past a byline and a date line.
        (
            "",
            f"<header><h1>{TITLE}</h1><div>كتب: سامر خليل</div><time>14 يوليو 2024</time></header>",
        ),
    ],
    ids=["summary", "headline"],
)
def test_a_confident_selector_body_skips_generic_extraction(head: str, top: str) -> None:
    text = "".join(f"<p>{p}</p>" for p in [*PARAGRAPHS, MORE_TEXT])
    html = page(
        head,
        '<nav><a href="/">الرئيسية</a> <a href="/economy">اقتصاد</a></nav>'
        f'<article>{top}<div class="article-body">{text}</div></article>'
        f'<aside><div class="box">{UNRELATED_BOX}</div></aside>',
    )
    article, page_ = _extract_page(html)
    assert article.body == join_blocks([*PARAGRAPHS, MORE_TEXT])
    assert article.body_source == "selectors"
    assert "generic_blocks" not in page_.__dict__


def test_a_selector_body_with_no_evidence_of_being_the_article_is_checked() -> None:
    """Confident by its shape alone, but no summary and no headline over it: trafilatura runs
    (and agrees)."""
    text = "".join(f"<p>{p}</p>" for p in [*PARAGRAPHS, MORE_TEXT])
    article, page_ = _extract_page(page("", f'<div class="article-body">{text}</div>'))
    assert article.body_source == "selectors"
    assert "generic_blocks" in page_.__dict__


# ------------------------------------------------------------------------------------------------
# A headline printed in bold when <title> is only the site's name


def _table_page(title: str, heading: str, section: str = "أخبار محلية") -> str:
    text = "<br>".join(PARAGRAPHS)
    return page(
        f"<title>{title}</title>",
        '<table><tr><td><a href="/">جريدة الأيام</a><br><a href="/s?id=1">اقتصاد</a></td>'
        f'<td><b>{section}</b><br><font size="4"><b>{heading}</b></font><br>'
        f'<font size="2">2024/07/14</font><br><br><font size="3">{text}</font></td></tr></table>',
    )


@pytest.mark.parametrize("site_title", ["جريدة الأيام", "الأيام"])
def test_a_bold_headline_replaces_a_title_that_is_only_the_site_name(site_title: str) -> None:
    # The short bold section label above it and the home link's text are no headline.
    assert run(_table_page(site_title, TITLE)).title == TITLE


def test_a_title_holding_the_headline_is_kept_over_bold_text() -> None:
    html = _table_page(f"{TITLE} - جريدة الأيام", "نص عريض آخر في أعلى الصفحة هنا")
    assert run(html).title == TITLE


def test_no_heading_like_text_keeps_the_site_name_title() -> None:
    html = page("<title>جريدة الأيام</title>", "<div>" + "<br>".join(PARAGRAPHS) + "</div>")
    assert run(html).title == "جريدة الأيام"


def test_a_labelled_byline_outside_the_text_names_the_writer() -> None:
    meta = '<ul class="info"><li><strong>الكاتب:</strong> <a href="/p/9">منى فاروق</a></li></ul>'
    assert run(page("", article_with(meta))).authors == ["منى فاروق"]
    # The same label in the page's footer is the site's staff line, not this article's byline.
    footer = "<footer><p><span>تحرير:</span> فريق الموقع الإخباري</p></footer>"
    html = page("", article_html().replace("<footer>", footer + "<footer>"))
    assert run(html).authors == []
