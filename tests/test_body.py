"""Article pages are never lost: text in old table layouts is found, and an article page without
text is kept with an empty body and the ``body_missing`` flag, through the pipelines too."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
import trafilatura
from conftest import ROOT, validate_record
from crawl_helpers import crawl_news
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.commands.extract import extract_record
from crawler.discovery import looks_like_article
from crawler.extract import extract
from crawler.fields import body as body_module
from crawler.fields.body import _Precise, named_boxes
from crawler.items import Article
from crawler.page import Page
from crawler.sample import Pages, serve_pages
from pipelines.clean import CleanPipeline

LINES = [
    "أعلنت وزارة الزراعة اليوم بدء موسم حصاد القمح في المحافظات الجنوبية وسط توقعات بإنتاج وفير.",
    "وقال المتحدث باسم الوزارة إن الإنتاج المتوقع يفوق إنتاج العام الماضي بنسبة ملحوظة.",
]
NAV = "".join(f'<tr><td><a href="/section/{i}">أخبار القسم {i}</a></td></tr>' for i in range(10))


def table_page(cell: str, head: str = "") -> str:
    """An old table-layout template: navigation cells either side, the article in a cell."""
    return (
        f'<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title>{head}</head>'
        f'<body><table width="100%"><tr><td width="20%"><table>{NAV}</table></td>'
        f'<td valign="top">{cell}</td><td width="20%"><table>{NAV}</table></td></tr></table>'
        "<table><tr><td>جميع الحقوق محفوظة</td></tr></table></body></html>"
    )


def test_a_short_article_written_straight_into_a_table_cell_is_found() -> None:
    # No <p>, no <br>: one run of text in a <td>, which main-content extraction discards.
    cell = (
        '<table><tr><td class="hd">بدء موسم حصاد القمح</td></tr>'
        f'<tr><td class="txt">{" ".join(LINES)}</td></tr></table>'
    )
    article = extract("https://old.example.net/show.asp?id=5512", table_page(cell))
    assert article.body == " ".join(LINES)
    assert not article.body_missing


def test_an_article_page_without_text_is_flagged_not_lost() -> None:
    head = '<meta property="og:type" content="article"><meta property="og:title" content="فيديو">'
    video = '<video src="/v/1.mp4"></video>'
    article = extract("https://old.example.net/show.asp?id=5513", table_page(video, head))
    assert article.body == ""
    assert article.body_missing
    validate_record(article.to_dict())
    # A page that does not say it is an article (a home or a section page) is not flagged.
    other = extract("https://old.example.net/", table_page(video))
    assert other.body == "" and not other.body_missing


def test_the_clean_pipeline_keeps_a_flagged_record_and_drops_an_empty_one() -> None:
    stats = MemoryStatsCollector(get_crawler())
    pipeline = CleanPipeline(stats)
    flagged = Article(
        url="https://a.example/1", canonical_url="https://a.example/1", site=None, title="خبر"
    )
    flagged.body_missing = True
    assert pipeline.process_item(flagged) is flagged
    assert stats.get_value("clean/kept_body_missing") == 1
    empty = Article(
        url="https://a.example/2", canonical_url="https://a.example/2", site=None, title="خبر"
    )
    try:
        pipeline.process_item(empty)
    except DropItem:
        pass
    else:
        raise AssertionError("an empty body without the flag is dropped")
    assert stats.get_value("clean/dropped_empty") == 1


def test_a_crawl_writes_an_article_page_without_text_and_counts_it(tmp_path: Path) -> None:
    head = '<meta property="og:type" content="article">'

    def build(origin: str) -> Pages:
        links = "".join(
            f'<li><a href="/news/{n}">خبر رقم {n} من أخبار اليوم</a></li>' for n in (1, 2)
        )
        home = f'<html><head><meta charset="utf-8"><title>الرئيسية</title></head><body><ul>{links}</ul></body></html>'  # noqa: E501
        text = "".join(f"<p>{line}</p>" for line in LINES)
        return {
            "/": ("text/html; charset=utf-8", home),
            "/news/1": ("text/html; charset=utf-8", table_page(text, head)),
            "/news/2": (
                "text/html; charset=utf-8",
                table_page('<video src="/v.mp4"></video>', head),
            ),
        }

    with serve_pages(build) as (origin, _):
        dump, records = crawl_news(origin, tmp_path)
    assert set(records) == {"1", "2"}
    assert records["1"]["body"] and not records["1"]["body_missing"]
    assert records["2"]["body"] == "" and records["2"]["body_missing"]
    report = json.loads(Path(f"{dump}.report.json").read_text(encoding="utf-8"))
    assert report["stats"]["extract/body_missing"] == 1


def test_a_legacy_charset_label_on_utf8_bytes_reads_as_utf8() -> None:
    # A template copied from an older site keeps its windows-1256 meta over UTF-8 text.
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        "<title>خبر</title></head><body><article><h1>بدء موسم حصاد القمح</h1>"
        + "".join(f"<p>{line}</p>" for line in LINES)
        + "</article></body></html>"
    ).encode("utf-8")
    article = extract("https://old.example.net/news/2024/05/12/harvest", html)
    assert article.title == "بدء موسم حصاد القمح"
    assert article.body.split("\n\n") == LINES


SUMMARY = (
    "الوزارة تعلن بدء موسم الحصاد مبكرا هذا العام بعد موجة أمطار غزيرة شهدتها المحافظات الجنوبية"
)
MORE = [
    "وأوضح المتحدث أن فرق الإرشاد الزراعي ستزور القرى لمتابعة عمليات الحصاد ونصح المزارعين.",
    "ومن المنتظر أن تعلن الوزارة حجم المحصول النهائي في مؤتمر صحفي مطلع الشهر المقبل.",
]


def summary_page(first_paragraph: str = "") -> str:
    text = "".join(f"<p>{line}</p>" for line in ([first_paragraph] if first_paragraph else []))
    text += "".join(f"<p>{line}</p>" for line in LINES + MORE)
    return (
        f'<html lang="ar"><head><meta charset="utf-8"><meta property="og:type" content="article">'
        f'<meta property="og:description" content="{SUMMARY}"><title>حصاد القمح</title></head>'
        '<body><nav><a href="/">الرئيسية</a></nav><main><article><header>'
        f'<h1>بدء موسم حصاد القمح</h1><p class="article-subtitle">{SUMMARY}</p>'
        f'<div class="byline">كتب: أحمد علي</div></header><div class="article-body">{text}</div>'
        "</article></main><footer>جميع الحقوق محفوظة</footer></body></html>"
    )


def test_the_summary_printed_under_the_headline_opens_the_body_once() -> None:
    url = "https://akhbar.example.org/news/2024/05/12/harvest-start"
    article = extract(url, summary_page())
    assert article.body.split("\n\n") == [SUMMARY, *LINES, *MORE]
    # A summary box the text repeats as its first paragraph is not doubled.
    article = extract(url, summary_page(first_paragraph=SUMMARY))
    assert article.body.split("\n\n") == [SUMMARY, *LINES, *MORE]


def test_text_written_as_br_runs_after_a_headline_div_is_the_body() -> None:
    # No <h1>, no <p>: the headline and its date line are <div>/<span>, the text <br> runs.
    html = (
        '<html lang="ar"><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title></head>'
        '<body><div id="top"><a href="/">الصفحة الرئيسية</a></div><div id="content">'
        '<div class="headline">بدء موسم حصاد القمح</div><span class="date">12-05-2024 10:30'
        f'</span><div class="text">{"<br><br>".join(LINES + MORE)}</div></div>'
        '<div id="footer">جميع الحقوق محفوظة</div></body></html>'
    )
    # Extraction and cleaning, as a crawl runs them (the date line is cleaning's).
    record = extract_record("https://old.example.net/article/5514.html", html.encode("utf-8"))
    assert record["body"].split("\n\n") == LINES + MORE
    # A longer text: main-content extraction puts the headline after six paragraphs.
    longer = [f"{line} (الجزء {k})" for k in range(3) for line in LINES + MORE][:7]
    html = html.replace("<br><br>".join(LINES + MORE), "<br><br>".join(longer))
    record = extract_record("https://old.example.net/article/5515.html", html.encode("utf-8"))
    assert record["body"].split("\n\n") == longer


def test_a_caption_signed_with_its_photo_credit_in_brackets_leaves_the_body() -> None:
    caption = "وزير النقل خلال جولته في ميناء المدينة صباح اليوم (تصوير: سامر خليل)"
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES)
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title></head><body>'
        f"<article><h1>بدء موسم حصاد القمح</h1>{paragraphs}<p>{caption}</p>"
        f"<p>{LINES[0]} وأضاف أن المخازن جاهزة لاستقبال المحصول.</p>"
        # The same bracket inside running text is not a caption.
        "<p>وقال المصور (الصورة في الأرشيف) إن الحصاد بدأ مبكرا هذا العام في معظم القرى.</p>"
        "</article></body></html>"
    )
    body = extract_record("https://news.example.net/2026/06/harvest", page.encode())["body"]
    assert "سامر خليل" not in body
    assert LINES[1] in body
    assert "الصورة في الأرشيف" in body


def test_a_read_also_link_labelled_in_a_european_language_leaves_the_body() -> None:
    # Agency and partner copy arrives with its own language's «read also» label.
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES)
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title></head><body>'
        f"<article><h1>بدء موسم حصاد القمح</h1>{paragraphs}"
        '<p>Lesen Sie auch: <a href="/ernte">Weizenernte im Süden: Rekord erwartet</a></p>'
        f"<p>{LINES[0]} وأضاف أن المخازن جاهزة لاستقبال المحصول.</p></article></body></html>"
    )
    body = extract_record("https://news.example.net/2026/06/harvest", page.encode())["body"]
    assert "Weizenernte" not in body
    assert "المخازن جاهزة" in body


def test_a_video_players_no_script_fallback_leaves_the_body() -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES)
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title></head><body>'
        f"<article><h1>بدء موسم حصاد القمح</h1>{paragraphs}"
        '<div class="player"><p class="no-js">لمشاهدة هذا الفيديو يرجى تفعيل جافا سكريبت'
        " وتحديث متصفحك إلى إصدار أحدث</p></div>"
        f"<p>{LINES[0]} وأضاف أن المخازن جاهزة لاستقبال المحصول.</p></article></body></html>"
    )
    body = extract_record("https://news.example.net/2026/06/harvest", page.encode())["body"]
    assert "جافا سكريبت" not in body
    assert "المخازن جاهزة" in body


def test_both_trafilatura_modes_sharing_their_work_give_trafilaturas_own_texts() -> None:
    # The full mode reuses the fast mode's main content (only adding the comparison with
    # readability and jusText), except where loose text was recovered, which the two modes do
    # differently; the balanced mode starts from the fast mode's pruned raw tree: all three
    # texts must stay what trafilatura.extract gives, on every golden page (some take each
    # path), or an upgrade of trafilatura changed its steps.
    shared = set()
    for path in sorted((ROOT / "tests" / "pages").glob("*/*.html")):
        url = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["url"]
        page = Page.parse(url, path.read_bytes())
        before = lxml.html.tostring(page.doc)
        precise = _Precise(page.doc, url)
        modes = ((True, True, precise.fast), (False, True, precise.full()))
        for fast, precision, text in (*modes, (False, False, precise.balanced())):
            expected = trafilatura.extract(
                page.doc, url=url, include_comments=False, include_tables=False,
                include_images=False, include_links=False, deduplicate=False,
                favor_precision=precision, fast=fast,
            )  # fmt: skip
            assert text == expected, (path, fast, precision)
        # A page with nothing to prune is not copied: no mode may change the page's own tree.
        assert lxml.html.tostring(page.doc) == before, path
        shared.add(precise._shared)
    assert shared == {True, False}


def test_a_pages_block_holders_are_searched_once_and_go_with_the_page() -> None:
    # Gap filling and the text's span ask for the holders of the same blocks: one search per
    # page and pair of blocks, its answer a fresh search's, kept no longer than the page.
    html = (
        f"<html><body><article><h1>عنوان</h1><p>{LINES[0]}</p><div><span>{LINES[1]}</span>"
        "</div></article></body></html>"
    )
    before = len(body_module._FOUND_HOLDERS)
    doc = Page.parse("https://news.example.net/a", html.encode()).doc
    found = body_module._holders(doc, LINES[0], LINES[1])
    assert [el.tag for el in found if el is not None] == ["p", "span"]
    assert found == body_module._search_holders(doc, [LINES[0][:60], LINES[1][:60]])
    assert body_module._holders(doc, LINES[0] + " …", LINES[1]) is found
    assert len(body_module._FOUND_HOLDERS) == before + 1
    del doc, found
    gc.collect()
    assert len(body_module._FOUND_HOLDERS) == before


def test_the_comment_and_scroll_box_prunes_find_what_trafilaturas_own_expressions_find() -> None:
    # Each name is one trafilatura's expressions match or just miss (a commentary column, a
    # list named after comments, an endless-scroll box holding the headline): the guarded
    # expressions must find the same elements, on this page and on every golden page.
    from trafilatura import xpaths

    boxes = "".join(
        f'<{tag} {attr}="{name}"><h1>عنوان</h1><p>{LINES[0]}</p></{tag}>'
        for tag, attr, name in [
            ("div", "id", "comments"), ("section", "class", "post-comments list"),
            ("div", "class", "commentary"), ("ul", "id", "comol"), ("ol", "class", "Comment-list"),
            ("div", "id", "disqus_thread"), ("div", "id", "dsq-comments"),
            ("aside", "class", "mvp-post-add-box"), ("div", "id", "infinite-scroll"),
            ("section", "class", "infinitescroll"), ("details", "class", "no-comment"),
            ("div", "class", "elementor-share-buttons"),
        ]
    )  # fmt: skip
    pages = [f"<html><body><article>{boxes}</article></body></html>".encode()]
    pages += [p.read_bytes() for p in sorted((ROOT / "tests" / "pages").glob("*/*.html"))]
    pairs = [
        (body_module._RAW_TREE_PRUNE, xpaths.RAW_TREE_PRUNE_XPATH),
        (body_module._REMOVE_COMMENTS_AND_LISTS, xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH),
        (body_module._REMOVE_COMMENTS, xpaths.REMOVE_COMMENTS_XPATH),
    ]
    # Guarded (an upgrade of trafilatura with other expressions runs its own, and fails here).
    assert all(ours[0] is not theirs[0] for ours, theirs in pairs)
    found = 0
    for html in pages:
        doc = Page.parse("https://news.example.net/a", html).doc
        for ours, theirs in pairs:
            for guarded, own in zip(ours, theirs, strict=True):
                expected = own(doc)
                assert guarded(doc) == expected
                found += len(expected) if html is pages[0] else 0
                # A page the quick test passes over has nothing for the raw-tree prunes.
                raw = own in (*xpaths.RAW_TREE_PRUNE_XPATH, *xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH)
                assert body_module._prunable(doc) or not (raw and expected)
    assert found >= 8


def test_a_teaser_linked_whole_inside_the_text_leaves_the_body() -> None:
    # Related stories' headlines and summaries, each inside one <a>, listed between paragraphs.
    teaser = (
        "مزارعو الدلتا يطالبون برفع سعر توريد القمح: قال ممثلو الجمعيات الزراعية إن تكلفة "
        "الأسمدة والسولار ارتفعت بشكل كبير خلال الموسم الحالي وإن السعر المعلن لا يغطيها"
    )
    linked = "<a href='/news/2024/05/11/farmers'>وزير الري يتفقد محطات الرفع</a>"
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES)
    more = "".join(f"<p>{line}</p>" for line in MORE)
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title></head><body>'
        f"<article><h1>بدء موسم حصاد القمح</h1>{paragraphs}"
        '<div class="box"><ul>'
        + "".join(f'<li><a href="/news/{i}/delta"><p>{teaser} {i}</p></a></li>' for i in (1, 2))
        + "</ul></div>"
        f"{more}<p>وفي سياق متصل {linked} صباح اليوم وتابع استعدادات الموسم في المحافظات.</p>"
        "</article></body></html>"
    )
    body = extract("https://news.example.net/2024/05/12/harvest", page).body
    assert "مزارعو الدلتا" not in body
    # Paragraphs, and a sentence holding a short link, stay.
    assert body.split("\n\n")[:4] == LINES + MORE
    assert "وزير الري يتفقد محطات الرفع" in body


def test_markdown_in_a_json_ld_body_reads_as_plain_text() -> None:
    # The page prints a teaser only; JSON-LD carries the whole text in the CMS's Markdown.
    body = (
        "+++dropcap\n"
        f"{LINES[0]} وذكر [تقرير الوزارة](https://agri.example.gov/report) أن **الإنتاج** سيرتفع."
        "\n+++\n## الموسم في أرقام\n"
        f"{LINES[1]} {{: .small}}\n[#image: /photos/5521]\n{MORE[0]}\n{MORE[1]}"
    )
    ld = {"@context": "https://schema.org", "@type": "NewsArticle",
          "headline": "بدء موسم حصاد القمح", "articleBody": body}  # fmt: skip
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title>'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        f"</head><body><article><h1>بدء موسم حصاد القمح</h1><p>{LINES[0]}</p></article>"
        "</body></html>"
    )
    article = extract("https://news.example.net/2024/05/12/harvest", page)
    assert article.body_source == "json-ld"
    assert article.body.split("\n\n") == [
        f"{LINES[0]} وذكر تقرير الوزارة أن الإنتاج سيرتفع.",
        "الموسم في أرقام",
        LINES[1],
        *MORE,
    ]


@pytest.mark.parametrize("kicker", ["", "<strong>محليات:</strong> "])
def test_a_list_of_linked_headlines_inside_the_text_leaves_it(kicker: str) -> None:
    headlines = [
        "وزير الري يتفقد محطات الرفع في الدلتا",
        "ارتفاع أسعار الأسمدة قبل موسم الزراعة الصيفي",
        "الأرصاد تتوقع موجة حارة نهاية الأسبوع",
    ]
    items = "".join(
        f'<li>{kicker}<a href="/news/{i}">{h}</a></li>' for i, h in enumerate(headlines)
    )
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES)
    more = "".join(f"<p>{line}</p>" for line in MORE)
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title></head><body>'
        f"<article><h1>بدء موسم حصاد القمح</h1>{paragraphs}<ul>{items}</ul>{more}"
        f'<p>وكان <a href="/news/9">{headlines[0]}</a> أمس ضمن جولة تشمل ثلاث محافظات.</p>'
        "</article></body></html>"
    )
    body = extract("https://news.example.net/2024/05/12/harvest", page).body
    assert body.split("\n\n")[:4] == LINES + MORE
    assert not any(h in block for h in headlines for block in body.split("\n\n")[:-1])


def test_a_biography_of_the_author_closing_the_text_leaves_it() -> None:
    bio = "سامر خليل صحفي مصري يغطي شؤون الزراعة والري منذ عشر سنوات، وعمل مراسلا في عدة صحف عربية."
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "بدء موسم حصاد القمح",
        "author": {"@type": "Person", "name": "سامر خليل"},
    }
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES + MORE)
    # The same name in running text, saying what someone else did, is not a biography.
    quoted = "وقال المزارع سامر خليل إن الحصاد بدأ مبكرا في قريته هذا العام بسبب الحر الشديد."
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title>'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        f"</head><body><article><h1>بدء موسم حصاد القمح</h1><p>{quoted}</p>{paragraphs}"
        f"<p>{bio}</p></article></body></html>"
    )
    article = extract("https://news.example.net/2024/05/12/harvest", page)
    assert article.authors == ["سامر خليل"]
    assert article.body.split("\n\n") == [quoted, *LINES, *MORE]


def test_a_fact_box_beside_the_text_leaves_it() -> None:
    facts = [
        "المساحة المزروعة: 3.2 مليون فدان في المحافظات الجنوبية والوسطى",
        "الإنتاج المتوقع: 9 ملايين طن بزيادة عن العام الماضي",
        "سعر التوريد: 2000 جنيه للأردب الواحد من القمح المحلي",
    ]
    box = "".join(f"<p>{fact}</p>" for fact in facts)
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title></head><body>'
        f"<article><h1>بدء موسم حصاد القمح</h1><p>{LINES[0]}</p><p>{LINES[1]}</p>"
        f'<div class="article-factbox"><p>القمح في أرقام</p>{box}</div>'
        f"<p>{MORE[0]}</p><p>{MORE[1]}</p></article></body></html>"
    )
    body = extract("https://news.example.net/2024/05/12/harvest", page).body
    assert body.split("\n\n") == LINES + MORE


@pytest.mark.parametrize("other", ["sidebar", "الشريط-الجانبي"])
def test_comment_and_fact_box_containers_are_found_by_name_in_any_case(other: str) -> None:
    """Named containers found from one search over all the names (an ASCII page) or name by
    name (a page with non-ASCII names): the same elements, none of their neighbours."""
    doc = lxml.html.document_fromstring(
        f'<html><body><div class="{other}"><p id="Main">نص</p></div>'
        '<aside class="story-FactBox wide">حقائق</aside><section class="x">'
        '<div id="Reader-Opinions"><p class="COMMENT-body">تعليق</p></div></section>'
        '<div class="info-box" id="disqus_thread">كلاهما</div></body></html>'
    )
    boxes = named_boxes(doc)
    assert [el.get("id") or el.get("class") for el in boxes.comments] == [
        "Reader-Opinions",
        "COMMENT-body",
        "disqus_thread",
    ]
    assert [el.get("class") for el in boxes.fact_boxes] == ["story-FactBox wide", "info-box"]


@pytest.mark.parametrize(
    ("odd", "named"),
    # Names a case-blind pattern matches where lower-casing alone would miss or misplace them: a
    # dotted capital I (two characters lower-cased), a dotless i and a long s (matched as i and
    # s), a Kelvin sign (lower-cased to k); a class broken over lines; an Arabic name.
    [
        ("İNFO-BOX", True),
        ("dıſqus-thread", True),
        ("fa\u212ata", True),
        ("list\ncomment-list", True),
        ("قسم-التعليقات", False),
    ],
)
def test_named_boxes_are_those_a_test_of_every_element_finds(odd: str, named: bool) -> None:
    """The containers found from a search of all the names joined are the ones the name
    patterns find element by element, on every golden page and on pages of unusual names."""
    names = [
        "sidebar",
        odd,
        "story-FactBox",
        "x",
        "Reader-Opinions",
        "COMMENT-body",
        "info",
        "Responses",
    ]
    tags = "".join(f'<div class="{n}" id="n{i}"><p>نص</p></div>' for i, n in enumerate(names))
    # A named box outside the body (kept in the head by its <noscript>) is none of the body's.
    head = '<noscript><div class="comments-head"></div></noscript>'
    pages = [f"<html><head>{head}</head><body>{tags}</body></html>".encode()]
    pages += [path.read_bytes() for path in sorted((ROOT / "tests/pages").glob("*/*.html"))]
    for html in pages:
        doc = Page.parse("https://news.example.net/a", html).doc
        every = [
            (el, f"{el.get('class') or ''} {el.get('id') or ''}")
            for body in doc.iter("body")
            for el in body.iterdescendants(lxml.etree.Element)
            if el.get("class") is not None or el.get("id") is not None
        ]
        boxes = named_boxes(doc)
        assert boxes.comments == [el for el, n in every if body_module._COMMENTS_NAME.search(n)]
        assert boxes.fact_boxes == [el for el, n in every if body_module._FACT_BOX.search(n)]
        if html is pages[0]:
            found = [el.get("class") for el in boxes.comments + boxes.fact_boxes]
            assert (odd in found) is named
            assert "comments-head" not in found and len(found) == 4 + named


def test_a_table_of_contents_linking_into_the_page_leaves_the_text() -> None:
    sections = ["مواعيد الحصاد", "أسعار التوريد", "نصائح للمزارعين"]
    contents = "".join(f'<li><a href="#s{i}">{name}</a></li>' for i, name in enumerate(sections))
    text = "".join(
        f'<h2 id="s{i}">{name}</h2><p>{line}</p>'
        for i, (name, line) in enumerate(zip(sections, [*LINES, MORE[0]], strict=True))
    )
    page = (
        '<html><head><meta charset="utf-8"><title>بدء موسم حصاد القمح</title></head><body>'
        f"<article><h1>بدء موسم حصاد القمح</h1><p>{MORE[1]}</p><p>محتويات المقال</p>"
        f"<ul>{contents}</ul>{text}</article></body></html>"
    )
    record = extract_record("https://news.example.net/2024/05/12/harvest", page.encode())
    assert record["body"].split("\n\n") == [
        MORE[1],
        sections[0],
        LINES[0],
        sections[1],
        LINES[1],
        sections[2],
        MORE[0],
    ]


def magazine_page(n: int) -> tuple[str, list[str]]:
    """An article under its byline and date line, with a photo caption between its paragraphs
    and a subheading beside them: main-content extraction keeps the headline and paragraphs."""
    paragraphs = [f"{line} (الخبر {n}، الفقرة {k})" for k, line in enumerate(LINES * 2)]
    html = (
        '<html><head><meta charset="utf-8"><meta property="og:type" content="article">'
        f'<title>حصاد القمح {n}</title></head><body><section class="story">'
        f"<h1>بدء موسم حصاد القمح في الجنوب رقم {n}</h1>"
        '<div class="story-meta"><span class="writer">كتب: سامي الشريف</span> '
        f'<span class="time">الأحد {n + 1} نوفمبر 2026 - 10:30 ص</span></div>'
        f'<div class="story-text"><p>{paragraphs[0]}</p><p>{paragraphs[1]}</p>'
        f"<h2>توقعات الإنتاج</h2><p>{paragraphs[2]}</p>"
        '<figure><img src="/i.jpg" alt=""><figcaption>حقل قمح في الجنوب</figcaption></figure>'
        f"<p>{paragraphs[3]}</p></div></section></body></html>"
    )
    return html, paragraphs


def test_only_the_text_s_own_flow_is_restored_and_the_same_on_every_path() -> None:
    for n in range(4):
        html, paragraphs = magazine_page(n)
        url = f"https://akhbar.example.org/mag/{n}"
        body = extract(url, html.encode()).body
        # The byline and date line under the headline and the caption between the paragraphs
        # sit in boxes of their own: not restored into the text.
        assert body.split("\n\n") == [*paragraphs[:2], "توقعات الإنتاج", *paragraphs[2:]]
        # The spider's path (article detection first, on the same parsed page) agrees.
        page = Page.parse(url, html.encode(), "text/html; charset=utf-8")
        assert looks_like_article(url, page)
        assert extract(url, html.encode(), page=page).body == body


def test_a_skipped_name_and_date_line_under_the_headline_still_names_the_writer() -> None:
    html, paragraphs = magazine_page(1)
    meta = '<div class="story-meta"><span>رامي حداد | 27-08-2024 | 18:40</span></div>'
    html = html.replace(
        html[html.index('<div class="story-meta">') : html.index("</div>") + 6], meta
    )
    article = extract("https://akhbar.example.org/mag/1", html.encode())
    assert article.authors == ["رامي حداد"]
    assert "رامي" not in article.body
    assert article.body.split("\n\n")[0] == paragraphs[0]
