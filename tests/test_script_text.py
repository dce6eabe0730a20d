"""Script-rendered pages (Next.js pages and app router, a ``window.__INITIAL_STATE__`` store,
Nuxt 3): the article's text is read from the page's script data when its HTML holds none, and
never a comment, a related article or a teaser list shipped beside it."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from conftest import validate_record
from crawl_helpers import crawl_news

from crawler.extract import extract
from crawler.fields.script_text import script_blocks
from crawler.page import Page
from crawler.sample import Pages, serve_pages

TITLE = "افتتاح أكبر محطة لتحلية مياه البحر على الساحل الشمالي"
SUMMARY = "افتتحت الحكومة محطة جديدة لتحلية مياه البحر تكفي حاجة ثلاث مدن ساحلية من مياه الشرب."
PARAGRAPHS = [
    "افتتحت الحكومة صباح اليوم محطة جديدة لتحلية مياه البحر على الساحل الشمالي، بطاقة إنتاجية "
    "تكفي حاجة ثلاث مدن ساحلية من مياه الشرب طوال العام.",
    "وقال وزير الموارد المائية خلال حفل الافتتاح إن المحطة استغرق بناؤها ثلاث سنوات، وإنها تعمل "
    "بالطاقة الشمسية في ساعات النهار لخفض كلفة التشغيل.",
    "وأضاف الوزير أن المرحلة الثانية من المشروع ستبدأ مطلع العام المقبل، وتشمل مد خطوط نقل جديدة "
    "إلى القرى البعيدة عن الشبكة الحالية.",
    "ويرى خبراء في قطاع المياه أن المحطة تخفف الضغط على الآبار الجوفية التي تراجع منسوبها في "
    "السنوات الأخيرة بسبب قلة الأمطار.",
]
HEADING = "المرحلة الثانية"
# Distractors shipped in the same data: a reader's long comment quoting the headline (longer
# than a paragraph, plain text), and a related article with its own long body and a link.
COMMENT = (
    f"تعليق من قارئ على خبر «{TITLE}»: "
    "أتابع أخبار المياه منذ سنوات طويلة وأرى أن المشكلة الحقيقية ليست في بناء "
    "المحطات بل في صيانتها بعد الافتتاح، فكم من مشروع بدأ بحفل كبير ثم توقف بعد عام واحد لأن "
    "أحدا لم يخصص ميزانية للتشغيل والصيانة وتدريب العاملين، وأتمنى أن تكون هذه المرة مختلفة وأن "
    "نرى تقارير دورية عن إنتاج المحطة وجودة المياه التي تصل إلى البيوت في كل مدينة وقرية."
)
RELATED_TITLE = "ارتفاع أسعار الخضار في الأسواق المركزية"
RELATED_BODY = [
    "شهدت الأسواق المركزية ارتفاعا ملحوظا في أسعار الخضار خلال الأسبوع الجاري، وسط شكاوى من "
    "التجار والمستهلكين على حد سواء من تراجع الكميات المعروضة.",
] * 6
# The writer's biography, under a key that names no box.
BIO = (
    "سلمى الحداد صحفية تغطي شؤون البيئة والطاقة منذ عام ألفين وعشرة، عملت مراسلة في عدة عواصم "
    "عربية وأوروبية، وحصلت على جائزة الصحافة الاستقصائية عن سلسلة تحقيقات حول تلوث الأنهار، "
    "وتكتب عمودا أسبوعيا عن التغير المناخي وأثره على الزراعة والصيد في بلدان المنطقة، كما تدرّس "
    "مادة الكتابة الصحفية في كلية الإعلام وتشارك في تدريب الصحفيين الشبان على التحقق من الأرقام."
)
URL = "https://akhbar.example.com/news/2026/12/03/desalination-plant-opens"


def shell(head: str, body: str) -> str:
    """A script-rendered page's HTML: its head, an empty app root with a loading skeleton."""
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f'<title>{TITLE} | أخبار الساحل</title><meta property="og:type" content="article">'
        f'<meta property="og:title" content="{TITLE}">'
        f'<meta property="og:description" content="{SUMMARY}">{head}</head>'
        '<body><div id="__next"><header><a href="/">أخبار الساحل</a></header>'
        '<div class="skeleton">جار التحميل…</div></div>'
        f"{body}</body></html>"
    )


def article_html() -> str:
    parts = [f"<p>{p}</p>" for p in PARAGRAPHS]
    parts.insert(2, f"<h2>{HEADING}</h2>")
    parts.insert(
        1, '<figure><img src="/i/plant.jpg"><figcaption>المحطة من الجو</figcaption></figure>'
    )
    return "".join(parts)


def related() -> list[dict[str, object]]:
    return [
        {
            "title": RELATED_TITLE,
            "url": "/news/2026/12/02/vegetable-prices",
            "summary": RELATED_BODY[0],
            "body": "".join(f"<p>{p}</p>" for p in RELATED_BODY),
        },
        *(
            {"title": f"خبر آخر من أخبار الساحل رقم {n}", "url": f"/news/{n}", "image": "/i.jpg"}
            for n in range(5)
        ),
    ]


def comments() -> list[dict[str, object]]:
    return [
        {"id": 1, "author": "قارئ من الإسكندرية", "text": COMMENT},
        {"id": 2, "author": "قارئ آخر", "text": "خبر جميل، شكرا للموقع."},
    ]


def next_data_page(text: bool = True) -> str:
    """Next.js pages router: the page's data in ``__NEXT_DATA__`` (``text``: with the article's
    text)."""
    data = {
        "props": {
            "pageProps": {
                "related": related(),
                "article": {
                    "id": 5512,
                    "headline": TITLE,
                    "summary": SUMMARY,
                    "bodyHtml": article_html() if text else "",
                    "comments": comments(),
                    "author": {"name": "سلمى الحداد", "bio": BIO},
                },
            }
        },
        "page": "/news/[...slug]",
        "buildId": "b1",
    }
    script = (
        '<script id="__NEXT_DATA__" type="application/json">'
        f"{json.dumps(data, ensure_ascii=False)}</script>"
    )
    return shell("", script)


def flight_page() -> str:
    """Next.js app router: React Server Components flight data pushed in pieces, the text an
    HTML text row (``id:T<hex length>,``) the article's row refers to by ``"$id"``."""
    text = article_html()
    article = {"article": {"title": TITLE, "lead": SUMMARY, "contentHtml": "$1f", "id": "A1"}}
    tree = ["$", "$L12", None, {"children": ["$", "div", None, {"className": "wrap"}]}]
    rows = (
        '1:"$Sreact.fragment"\n'
        '12:I[4512,["static/chunks/12.js"],"ArticleView"]\n'
        f"0:{json.dumps(tree)}\n"
        f"1f:T{len(text.encode('utf-8')):x},{text}"
        f"5:{json.dumps(['$', '$L12', None, article], ensure_ascii=False)}\n"
        f"7:{json.dumps({'related': related(), 'comments': comments()}, ensure_ascii=False)}\n"
    )
    # Pieces cut at fixed places, inside the text row and inside a JSON row too.
    cuts = [0, 40, 130, 300, 700, len(rows) - 90, len(rows)]
    pushes = "".join(
        f"<script>self.__next_f.push([1,{json.dumps(rows[a:b])}])</script>"
        for a, b in itertools.pairwise(cuts)
    )
    return shell("", "<script>(self.__next_f=self.__next_f||[]).push([0])</script>" + pushes)


def state_page(text: bool = True) -> str:
    """A ``window.__INITIAL_STATE__`` store with the body as a list of paragraph objects
    (``text``: with the article's text)."""
    blocks: list[dict[str, object]] = [{"type": "paragraph", "text": p} for p in PARAGRAPHS]
    blocks.insert(2, {"type": "heading", "text": HEADING})
    blocks.insert(1, {"type": "image", "url": "/i/plant.jpg", "caption": "المحطة من الجو"})
    state = {
        "route": {"path": "/news/2026/12/03/desalination-plant-opens"},
        "entities": {
            "articles": {
                "a5512": {
                    "title": TITLE,
                    "content": blocks if text else [],
                    "comments": comments(),
                },
                # Another article of the store, longer than this one.
                "a5498": {
                    "title": RELATED_TITLE,
                    "content": [{"type": "paragraph", "text": p} for p in RELATED_BODY],
                },
            },
            "lists": {"mostRead": related()},
        },
    }
    script = (
        '<script>window.__APP_CONFIG__ = {"api": "/api"};\n'
        f"window.__INITIAL_STATE__ = {json.dumps(state, ensure_ascii=False)};</script>"
    )
    return shell("", script)


def nuxt_page() -> str:
    """Nuxt 3: a flat array whose objects point at their values by index."""
    text = article_html()
    payload = [
        ["ShallowReactive", 1],
        {"data": 2, "state": 9},
        {"article-5512": 3},
        {"title": 4, "teaser": 5, "html": 6, "related": 7},
        TITLE,
        SUMMARY,
        text,
        [8],
        {
            "title": RELATED_TITLE,
            "url": "/news/2",
            "body": "".join(f"<p>{p}</p>" for p in RELATED_BODY),
        },
        {},
    ]
    script = (
        '<script type="application/json" id="__NUXT_DATA__" data-ssr="true">'
        f"{json.dumps(payload, ensure_ascii=False)}</script>"
    )
    return shell("", script)


EXPECTED = "\n\n".join([*PARAGRAPHS[:2], HEADING, *PARAGRAPHS[2:]])


@pytest.mark.parametrize("build", [next_data_page, flight_page, state_page, nuxt_page])
def test_a_script_rendered_page_s_text_comes_from_its_script_data(build: object) -> None:
    article = extract(URL, build())  # type: ignore[operator]
    assert article.body == EXPECTED
    assert article.body_source == "script"
    assert not article.body_missing
    for distractor in (
        COMMENT[:40],
        RELATED_BODY[0][:40],
        RELATED_TITLE,
        BIO[:40],
        "المحطة من الجو",
    ):
        assert distractor not in article.body
    validate_record(article.to_dict())


def test_without_the_article_s_text_a_comment_or_a_related_body_is_never_taken() -> None:
    # The same pages with the article's own text taken out of the data: what is left (a long
    # comment, a related article's long body, teasers) is not the page's article.
    for html in (next_data_page(text=False), state_page(text=False)):
        page = Page.parse(URL, html)
        assert script_blocks(page.doc, {TITLE}, SUMMARY) == ([], 0.0)
        article = extract(URL, html)
        assert article.body == "" and article.body_missing


def test_a_page_with_its_text_in_html_does_not_read_its_script_data() -> None:
    # The data holds a longer text tied to the same headline: read, it would win.
    printed = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    longer = "".join(f"<p>{p} {p}</p>" for p in PARAGRAPHS)
    data = {"props": {"pageProps": {"article": {"headline": TITLE, "bodyHtml": longer}}}}
    html = shell(
        "",
        f'<main><article><h1>{TITLE}</h1>{printed}</article></main><script id="__NEXT_DATA__" '
        f'type="application/json">{json.dumps(data, ensure_ascii=False)}</script>',
    )
    article = extract(URL, html)
    assert article.body == "\n\n".join(PARAGRAPHS)
    assert article.body_source != "script"


@pytest.mark.parametrize(
    "script",
    [
        '<script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": [1, 2</script>',
        '<script>self.__next_f.push([1,"5:{\\"a\\":\\"$1f\\"}\\n1f:Tffff,<p>cut"])</script>',
        '<script>self.__next_f.push([1,"1f:Tzz,<p>x</p>\\n2:[\\"$\\",\\"p\\",null,{"])</script>',
        '<script>window.__INITIAL_STATE__ = JSON.parse("{\\"a\\": [1,");</script>',
        '<script>window.__NUXT__=(function(a){return {x:a}}("' + "نص " * 200 + '"))</script>',
        '<script type="application/json">[["ShallowReactive", 1], {"a": 1}, [0, 1, 2]]</script>',
        "<script>window.__INITIAL_STATE__ = " + "[" * 5000 + "]" * 5000 + ";</script>",
    ],
)
def test_malformed_or_hostile_script_data_is_skipped_without_error(script: str) -> None:
    page = Page.parse(URL, shell("", script))
    blocks, _ = script_blocks(page.doc, {TITLE}, SUMMARY)
    assert blocks == [] or all(isinstance(b, str) for b in blocks)
    assert extract(URL, shell("", script)).body_missing


def test_a_crawl_writes_a_script_rendered_article_with_its_text(tmp_path: Path) -> None:
    def build(origin: str) -> Pages:
        home = (
            '<html><head><meta charset="utf-8"><title>أخبار الساحل</title></head><body><ul>'
            f'<li><a href="/news/next">{TITLE}</a></li>'
            f'<li><a href="/news/flight">{TITLE} 2</a></li>'
            "</ul></body></html>"
        )
        return {
            "/": ("text/html; charset=utf-8", home),
            "/news/next": ("text/html; charset=utf-8", next_data_page()),
            "/news/flight": ("text/html; charset=utf-8", flight_page()),
        }

    with serve_pages(build) as (origin, _):
        dump, records = crawl_news(origin, tmp_path, "DEDUP_MODE=mark")
    assert set(records) == {"next", "flight"}
    for record in records.values():
        assert record["body"] == EXPECTED
        assert record["body_source"] == "script" and not record["body_missing"]
        validate_record(record)
    report = json.loads(Path(f"{dump}.report.json").read_text(encoding="utf-8"))
    assert report["stats"]["extract/body_source/script"] == 2
    assert report["health"]["body_sources"]["script"] == 1.0


def _rich_text_shapes() -> dict[str, object]:
    p, h = PARAGRAPHS, HEADING
    return {
        "draft": {
            "blocks": [
                *({"key": f"k{i}", "type": "unstyled", "text": x} for i, x in enumerate(p[:2])),
                {"key": "h", "type": "header-two", "text": h},
                *({"key": f"m{i}", "type": "unstyled", "text": x} for i, x in enumerate(p[2:])),
            ],
            "entityMap": {},
        },
        "portable text": [
            *({"_type": "block", "children": [{"_type": "span", "text": x}]} for x in p[:2]),
            {"_type": "block", "style": "h2", "children": [{"_type": "span", "text": h}]},
            {"_type": "image", "asset": {"_ref": "image-1"}},
            *({"_type": "block", "children": [{"_type": "span", "text": x}]} for x in p[2:]),
        ],
        "contentful": {
            "nodeType": "document",
            "content": [
                *(
                    {"nodeType": "paragraph", "content": [{"nodeType": "text", "value": x}]}
                    for x in p[:2]
                ),
                {"nodeType": "heading-2", "content": [{"nodeType": "text", "value": h}]},
                *(
                    {"nodeType": "paragraph", "content": [{"nodeType": "text", "value": x}]}
                    for x in p[2:]
                ),
            ],
        },
        "arc": [
            *({"type": "text", "content": f"<b>{x[:20]}</b>{x[20:]}"} for x in p[:2]),
            {"type": "image", "url": "/i/plant.jpg", "caption": "المحطة من الجو"},
            {"type": "header", "content": h, "level": 2},
            *({"type": "text", "content": x} for x in p[2:]),
        ],
        "wordpress": {"rendered": article_html(), "protected": False},
    }


@pytest.mark.parametrize("shape", list(_rich_text_shapes()))
def test_a_body_in_a_rich_text_editor_s_shape_is_read_as_its_blocks(shape: str) -> None:
    data = {"article": {"headline": TITLE, "body": _rich_text_shapes()[shape]}}
    html = shell("", f"<script>window.__INITIAL_STATE__={json.dumps(data)};</script>")
    blocks, _ = script_blocks(Page.parse(URL, html).doc, {TITLE}, None)
    assert blocks == EXPECTED.split("\n\n")


def test_a_list_of_linked_teasers_is_no_body_even_under_the_headline() -> None:
    teasers = [
        {"type": "text", "text": p, "url": f"/news/{n}"} for n, p in enumerate(PARAGRAPHS * 2)
    ]
    data = {"page": {"headline": TITLE, "items": teasers}}
    html = shell("", f"<script>window.__INITIAL_STATE__ = {json.dumps(data)}</script>")
    assert script_blocks(Page.parse(URL, html).doc, {TITLE}, SUMMARY) == ([], 0.0)


def test_a_title_that_is_only_the_site_s_name_ties_no_text_to_the_page() -> None:
    # The site's own settings name the site beside a long text about it: not the article.
    name = "شبكة أخبار الساحل"
    about = {"siteName": name, "about": " ".join([BIO, BIO])}
    html = (
        f'<html><head><meta charset="utf-8"><title>{name}</title><meta property="og:site_name" '
        f'content="{name}"><meta property="og:type" content="article"></head><body>'
        f'<div id="app"></div><script>window.__SITE_STATE__ = {json.dumps(about)}</script>'
        "</body></html>"
    )
    assert script_blocks(Page.parse(URL, html).doc, {name}, None)[0]  # the name alone ties
    article = extract(URL, html)
    assert article.body == "" and article.body_missing
