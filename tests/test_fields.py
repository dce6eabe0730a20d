"""Title, authors and dates of hand-built pages shaped like the classes real Arabic (and other)
templates show: site names around headlines, paired month names, place bylines, author noise."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import TESTS

from crawler.commands.extract import extract_record
from crawler.dates import _EGYPTIAN_MONTHS, _parser, _printed, parse_date
from crawler.extract import extract
from crawler.fields import authors as authors_module
from crawler.fields.authors import byline_names, place_byline, split_names
from crawler.fields.title import clean_title, site_page_title, strip_site_name
from crawler.page import Page, PageElements, _css

URL = "https://akhbar.example.org/news/2024/health-campaign-48213"
HEADLINE = "وزير الصحة يفتتح ثلاثة مستشفيات جديدة في محافظات الصعيد"
PARAS = [
    "افتتح وزير الصحة اليوم ثلاثة مستشفيات جديدة في محافظات الصعيد بتكلفة إجمالية كبيرة.",
    "وقال الوزير في كلمته إن المستشفيات الجديدة ستخدم أكثر من مليون مواطن في القرى المجاورة.",
    "وأضاف أن الوزارة تعمل على استكمال تجهيز باقي المستشفيات قبل نهاية العام الجاري بالكامل.",
]


def page(head: str = "", top: str = "", h1: str | None = HEADLINE, paras: list[str] = PARAS) -> str:
    heading = f"<h1>{h1}</h1>" if h1 else ""
    text = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8">{head}</head><body><main>'
        f"<article>{heading}{top}<div class='content'>{text}</div></article></main></body></html>"
    )


def ld(data: dict[str, Any]) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **data}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# --- titles -------------------------------------------------------------------------------------


def test_a_json_ld_headline_loses_the_site_name_og_site_name_gives() -> None:
    head = ld({"headline": f"{HEADLINE} - قناة صدى البلد"})
    head += '<meta property="og:site_name" content="صدى البلد">'
    assert extract(URL, page(head, h1=None)).title == HEADLINE


def test_a_headline_with_the_sites_name_appended_is_the_pages_heading() -> None:
    # No og:site_name: the heading shows which part is the headline.
    head = f'<meta property="og:title" content="{HEADLINE} | قناة صدى البلد | 24.04.2020">'
    assert extract(URL, page(head)).title == HEADLINE
    head = ld({"headline": f"{HEADLINE} :: أخبار اليوم"})
    assert extract(URL, page(head)).title == HEADLINE


def test_a_site_named_by_its_domain_is_stripped_before_or_after() -> None:
    url = "https://www.akhbarna.com/n/48213"
    head = f'<meta property="og:title" content="Akhbarna.com｜{HEADLINE}">'
    assert extract(url, page(head, h1=None)).title == HEADLINE
    # A headline that merely contains a colon keeps both halves.
    both = "عاجل: وزير الصحة يفتتح مستشفيات جديدة"
    assert strip_site_name(both, {"akhbarna"}, only_names=True) == both


def test_a_kicker_before_the_headline_is_not_part_of_it() -> None:
    kicked = f"انتخابات المحليات: {HEADLINE}"
    og = f'<meta property="og:title" content="{HEADLINE}">'
    # JSON-LD's headline and the printed heading carry the kicker; og:title is the bare headline.
    assert extract(URL, page(ld({"headline": kicked}) + og, h1=kicked)).title == HEADLINE
    # Two different kickers (og:title's and the heading's) before the same headline.
    og = f'<meta property="og:title" content="عاجل | {HEADLINE}">'
    assert extract(URL, page(og, h1=f"الصحة - {HEADLINE}")).title == HEADLINE
    # A separator inside a quotation ends no kicker, and a headline of its own stays whole.
    quoted = "«نعمل - المستشفيات ستفتح قبل العيد»"
    og = f'<meta property="og:title" content="{quoted}">'
    assert extract(URL, page(og, h1="«نعمل ليلا - المستشفيات ستفتح قبل العيد»")).title == quoted
    og = f'<meta property="og:title" content="{kicked}">'
    assert extract(URL, page(ld({"headline": kicked}) + og)).title == kicked


def test_a_masthead_set_in_an_h1_is_not_the_headline() -> None:
    # Old templates put the site's logo in the page's first <h1>; the headline is an <h2>.
    head = f"<title>{HEADLINE} - بوابة الخبر</title>"
    logo = '<h1 class="logo"><a href="/">بوابة الخبر</a></h1>'
    html = page(head, h1=None).replace("<main>", f"<header>{logo}</header><main>")
    html = html.replace("<article>", f"<article><h2>{HEADLINE}</h2>")
    assert extract(URL, html).title == HEADLINE


def test_a_heading_broken_over_lines_is_one_line() -> None:
    article = extract(URL, page(h1="وزير الصحة يفتتح<br>\n  ثلاثة مستشفيات جديدة"))
    assert article.title == "وزير الصحة يفتتح ثلاثة مستشفيات جديدة"


def test_title_rules_strip_a_leading_label_and_never_empty_a_title() -> None:
    assert clean_title(f"فيديو | {HEADLINE}") == (HEADLINE, "فيديو |")
    assert clean_title("عاجل: زلزال بقوة 5 درجات") == ("عاجل: زلزال بقوة 5 درجات", None)
    assert clean_title("صور") == ("صور", None)
    assert clean_title("صورة الوزير خلال الافتتاح") == ("صورة الوزير خلال الافتتاح", None)
    assert site_page_title("اتصل بنا - أخبار اليوم") and site_page_title("من نحن")
    assert not site_page_title("من نحن: صفحة جديدة للوزارة")


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "الجمعة 24 نيسان / أبريل 2020 09:22 مساءً",
        "الجمعة 24 نيسان (أبريل) 2020 09:22 مساءً",
        "24 أبريل/نيسان 2020 - 09:22 م",
    ],
)
def test_paired_levantine_and_egyptian_month_names_parse(raw: str) -> None:
    parsed = parse_date(raw, "Asia/Beirut")
    assert parsed is not None and parsed.iso == "2020-04-24T21:22:00+03:00"


def test_a_paired_month_date_printed_under_the_headline_dates_the_article() -> None:
    top = '<div class="meta">نشر في: الجمعة 24 نيسان / أبريل 2020 09:22 مساءً</div>'
    article = extract("https://akhbar.example.com.lb/n/48213", page(top=top))
    assert article.published_at == "2020-04-24T21:22:00+03:00"
    assert article.published_tz_assumed is True


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("الأحد 12 جمادى الأولى 1448 هـ الموافق 23 نوفمبر 2026", "2026-11-23T00:00:00+03:00"),
        ("الأحد 12 جمادى الأولى 1448هـ - 23 نوفمبر 2026م", "2026-11-23T00:00:00+03:00"),
        ("الاثنين 23 نوفمبر 2026م - 13 جمادى الأولى 1448هـ 10:30 ص", "2026-11-23T10:30:00+03:00"),
        ("السبت 5 ذو الحجة 1447 هـ الموافق 23 مايو 2026 م 08:41 م", "2026-05-23T20:41:00+03:00"),
        ("١٤٤٨/٠٥/١٢هـ الموافق ٢٠٢٦/١١/٢٣", "2026-11-23T00:00:00+03:00"),
        ("الخميس 1 رمضان 1447 هـ - 19 فبراير 2026 م", "2026-02-19T00:00:00+03:00"),
    ],
)
def test_a_hijri_date_beside_the_gregorian_one_leaves_the_gregorian_one(raw: str, iso: str) -> None:
    parsed = parse_date(raw, "Asia/Riyadh")
    assert parsed is not None and parsed.iso == iso


def test_a_relative_date_counts_back_from_the_fetch_in_the_sites_time() -> None:
    fetched = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 14:00 in Cairo
    cases = {
        "منذ 3 ساعات": "2026-11-23T11:00:00+02:00",
        "منذ ٣ ساعات": "2026-11-23T11:00:00+02:00",
        "قبل 5 دقائق": "2026-11-23T13:55:00+02:00",
        "أمس 10:30 م": "2026-11-22T22:30:00+02:00",
        "2 hours ago": "2026-11-23T12:00:00+02:00",
    }
    for raw, iso in cases.items():
        parsed = parse_date(raw, "Africa/Cairo", now=fetched)
        assert parsed is not None and parsed.iso == iso, raw
    top = '<div class="date">منذ 3 ساعات</div>'
    article = extract("https://akhbar.example.com.eg/n/48213", page(top=top), fetched_at=fetched)
    assert article.published_at == "2026-11-23T11:00:00+02:00"


def test_a_hijri_date_alone_is_no_date_rather_than_a_wrong_one() -> None:
    # Without the Hijri part only the weekday is left, which dateparser reads as last Sunday.
    assert parse_date("الأحد 12 جمادى الأولى 1448 هـ", "Asia/Riyadh") is None


def test_a_printed_hijri_and_gregorian_date_dates_the_article() -> None:
    top = '<div class="date">الأحد 12 جمادى الأولى 1448 هـ الموافق 23 نوفمبر 2026</div>'
    article = extract("https://akhbar.example.com.sa/n/48213", page(top=top))
    assert article.published_at == "2026-11-23T00:00:00+03:00"


def test_a_date_inside_another_storys_headline_does_not_date_the_article() -> None:
    teaser = '<h2>خبر آخر <span class="date">12/03/2019</span></h2>'
    top = "<ul><li><strong>التاريخ</strong> 16/01/2024 10:30</li></ul>"
    article = extract("https://akhbar.example.org/n/1", page(top=teaser + top))
    assert article.published_at == "2024-01-16T10:30:00+00:00"


def test_htmldate_reads_what_the_page_gives_last_but_no_copyright_year() -> None:
    head = '<meta property="og:updated_time" content="2024-01-16T10:00:00+02:00">'
    assert extract("https://akhbar.example.org/n/1", page(head)).published_at.startswith(
        "2024-01-16"
    )
    # A copyright line is no date: htmldate's year guess is left off.
    footer = page().replace("</main>", "</main><footer>© 2026 أخبار اليوم</footer>")
    assert extract("https://akhbar.example.org/n/1", footer).published_at is None


# --- authors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("بقلم / د. محمد عبد الله", ["محمد عبد الله"]),
        ("بقلم الدكتور محمد عبد الله", ["محمد عبد الله"]),
        ("كتب: محمد أحمد - تصوير: علي حسن", ["محمد أحمد"]),
        ("متابعة: رنا محمود | 23 نوفمبر 2026", ["رنا محمود"]),
        ("كتب – محمد أحمد في 23 نوفمبر 2026 الساعة 10:30 م", ["محمد أحمد"]),
        ("تقرير: محمد أحمد ـ القاهرة", ["محمد أحمد"]),
        ("حوار: أحمد سمير", ["أحمد سمير"]),
    ],
)
def test_a_labelled_byline_over_the_text_names_its_writers_and_leaves_the_text(
    line: str, names: list[str]
) -> None:
    record = extract_record(URL, page(top=f'<div class="meta">{line}</div>').encode())
    assert record["authors"] == names
    assert record["body"].split("\n\n") == PARAS


@pytest.mark.parametrize("credit", ["admin", "مدير الموقع", "محرر الموقع", "Editor", "أخبار"])
def test_a_cms_account_or_newsroom_credited_as_author_is_nobody(credit: str) -> None:
    # WordPress templates credit the account that posted («admin») or the desk.
    head = ld({"headline": HEADLINE, "author": {"@type": "Person", "name": credit}})
    assert extract_record(URL, page(head).encode())["authors"] == []
    head = f'<meta name="author" content="{credit}، سارة علي">'
    assert extract_record(URL, page(head).encode())["authors"] == ["سارة علي"]


def test_a_sentence_or_a_newsroom_credit_is_no_byline() -> None:
    assert byline_names("كتب الرئيس رسالة إلى الشعب المصري اليوم") is None
    assert byline_names("By the time we arrived, it was over") is None
    assert byline_names("كتب الوزير رسالة.") is None
    # «محرر الموقع» where the byline goes credits the newsroom: out of the text, no author.
    record = extract_record(URL, page(top='<div class="author">محرر الموقع</div>').encode())
    assert record["authors"] == [] and record["body"].split("\n\n") == PARAS


def test_a_place_byline_opening_the_text_is_its_author_not_its_text() -> None:
    article = extract(URL, page(paras=["الدمام: إيمان الخطاف", *PARAS]))
    assert article.authors == ["إيمان الخطاف"]
    assert article.body.split("\n\n") == PARAS
    # An agency line, or a dateline opening a sentence, is no writer's byline.
    assert place_byline("الرياض - واس") is None
    assert place_byline("دبي: وكالات") is None
    assert place_byline(f"القاهرة: {PARAS[0]}") is None


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Sarah Jones and Omar Hassan", ["Sarah Jones", "Omar Hassan"]),
        ("Von Anna Keller und Jan Roth", ["Anna Keller", "Jan Roth"]),
        ("بقلم: ليلى حسن، عمر فاروق", ["ليلى حسن", "عمر فاروق"]),
        ("محمد علي و سارة أحمد", ["محمد علي", "سارة أحمد"]),
        ("Elena Berger (obe)", ["Elena Berger"]),
        ("신현주 기자", ["신현주"]),
        ("المحرر محمود عبد الله", ["محمود عبد الله"]),
        ("news@akhbar.example.org", []),
        ("https://www.facebook.com/akhbar", []),
        ("105092", []),
        ("أستاذ العلوم السياسية في كلية الاقتصاد بجامعة القاهرة", []),
    ],
)
def test_author_names_are_cleaned_of_labels_roles_and_non_names(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


def test_json_ld_people_given_by_given_and_family_name() -> None:
    people = [
        {"@type": "Person", "givenName": "ليلى", "familyName": "حسن"},
        [{"@type": "Person", "name": "عمر فاروق"}],
    ]
    assert extract(URL, page(ld({"author": people}))).authors == ["ليلى حسن", "عمر فاروق"]


def test_the_writer_named_by_yoasts_label_pair_is_the_author() -> None:
    head = (
        '<meta name="twitter:label1" content="كُتب بواسطة">'
        '<meta name="twitter:data1" content="سارة أحمد">'
    )
    assert extract(URL, page(head.replace("كُتب", "كتب"))).authors == ["سارة أحمد"]


def test_a_byline_element_names_the_writers_and_not_the_site() -> None:
    top = (
        '<div class="article__byline"><span class="byline__name">بقلم سارة أحمد</span>'
        '<span class="byline__name">عمر فاروق</span></div>'
    )
    head = '<meta name="author" content="أخبار اليوم">'
    head += '<meta property="og:site_name" content="أخبار اليوم">'
    assert extract(URL, page(head, top=top)).authors == ["سارة أحمد", "عمر فاروق"]


def test_the_generic_byline_searches_find_what_their_xpath_and_css_definitions_find() -> None:
    """The byline searches for pages without an author selector read the page's marked and
    named elements (one walk each) instead of running their selector and XPath searches (a walk
    of the page each): the same elements, in the same order, on every golden page and on a
    page of the cases the definitions draw lines at."""
    cases = (
        # Microdata names inside an author (nested too), one outside; rel="author" in the head.
        '<div itemprop="author"><span itemprop="name">سارة أحمد</span>'
        '<div itemprop="author"><b itemprop="name">عمر</b></div></div>'
        '<span itemprop="name">اسم آخر</span><span itemprop="author name">ليس مؤلفا</span>'
        '<span itemprop="author">هدى سالم<!-- note --></span><p itemprop="author"><b>x</b></p>'
        '<a rel="author" href="/u/1">كاتب</a>'
        # Class tokens: split at tabs and line breaks, not at a no-break space; case kept.
        '<span class="x\tauthor-name">أ</span><span class="author-name\u00a0x">ب</span>'
        '<span class="AUTHOR-NAME">ج</span><em class="writer-name byline-name">د</em>'
        '<i id="author-name">ه</i>'
        # Byline classes in any ASCII case, not a dotless i; words in an id only.
        '<div class="Article__Author">و</div><div class="bylıne">ز</div>'
        '<div id="byline">ح</div><div class="post-writer">ط</div>'
        # Archive links (the strings in their case), labels without elements inside.
        '<a href="/author/sara">سارة</a><a href="/Author/omar">عمر</a><a href="/katib/3">ك</a>'
        "<dl><dt>الكاتب</dt><dd>ل</dd></dl><strong>كتب:<br>م</strong><label>ن<!-- c --></label>"
    )
    head = '<link rel="author" href="/about"><meta itemprop="name" content="x">'
    pages = [f"<html><head>{head}</head><body><article>{cases}</article></body></html>".encode()]
    pages += [path.read_bytes() for path in sorted((TESTS / "pages").glob("*/*.html"))]
    for html in pages:
        doc = Page.parse(URL, html).doc
        marked = doc.xpath(authors_module._MARKED)
        elements = PageElements(doc)
        assert authors_module._generic_bylines(marked, elements) == _css(
            doc, authors_module.GENERIC_AUTHOR
        )
        assert authors_module._leaf_authors(marked) == doc.xpath(authors_module._LEAF_AUTHOR)
        assert authors_module._archive_links(doc) == doc.xpath(authors_module._ARCHIVE_LINKS)
        assert list(authors_module._label_elements(doc)) == doc.xpath(
            authors_module._LABEL_ELEMENTS
        )
        assert [
            el
            for el in elements.having(authors_module._BYLINE_WORDS, case_blind=True)
            if authors_module._byline_named(el)
        ] == doc.xpath(authors_module._BYLINE_XPATH)
    # The crafted page has something on each side of every line.
    doc = Page.parse(URL, pages[0]).doc
    assert len(_css(doc, authors_module.GENERIC_AUTHOR)) == 6
    assert [el.text for el in doc.xpath(authors_module._LEAF_AUTHOR)] == ["هدى سالم"]
    assert len(doc.xpath(authors_module._ARCHIVE_LINKS)) == 2
    assert len(doc.xpath(authors_module._BYLINE_XPATH)) == 6


def test_the_common_printed_form_is_read_as_dateparser_reads_it() -> None:
    # «الجمعة 27 نوفمبر 2026 - 03:15 م» is read without dateparser: the same value it gives,
    # for every month, with or without weekday, seconds or AM/PM, in either date order; an
    # hour or a day out of range is left to it.
    times = ("", " 0:05", " 12:30 AM", " 12:30 PM", " 07:45:09 PM", " 23:59", " 13:10 PM")
    read = 0
    for month, weekday, day, time in itertools.product(
        _EGYPTIAN_MONTHS, ("", "الجمعة ", "الإثنين "), ("09", "31"), times
    ):
        text = f"{weekday}{day} {month} 2024{time}"
        value = _printed(text)
        if value is not None:
            read += 1
            for order in ("DMY", "MDY"):
                assert value == _parser(order).get_date_data(text).date_obj, (text, order)
    assert read >= 200  # every in-range combination (31 in a 30-day month is not)
    parsed = parse_date("الجمعة 27 نوفمبر 2026 - 03:15 م", "Africa/Cairo")
    assert parsed is not None and parsed.iso == "2026-11-27T15:15:00+02:00"
