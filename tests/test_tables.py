"""Data tables inside an article's text come out as rows of its body; layout, menu and sidebar
tables do not."""

from __future__ import annotations

from crawler.commands.extract import extract_record

URL = "https://khabar.example.com.eg/news/2026/11/26/gold-prices-4821"
LEAD = (
    "استقرت أسعار الذهب في السوق المحلية اليوم الخميس خلال تعاملات الصباح، وسط ترقب المتعاملين "
    "لقرارات البنك المركزي بشأن أسعار الفائدة."
)
AFTER = (
    "وقال رئيس شعبة الذهب إن الطلب على المشغولات الذهبية تراجع خلال الأسبوع الماضي بسبب ارتفاع "
    "الأسعار في السوق المحلية، متوقعا استقرارها حتى نهاية الشهر."
)
ROWS = [
    ["العيار", "سعر البيع", "سعر الشراء"],
    ["عيار 24", "4,000 جنيه", "3,980 جنيه"],
    ["عيار 21", "3,500 جنيه", "3,480 جنيه"],
    ["عيار 18", "3,000 جنيه", "2,985 جنيه"],
]


def table(rows: list[list[str]], link: bool = False) -> str:
    def cell(tag: str, text: str) -> str:
        return (
            f'<{tag}><a href="/s/{len(text)}">{text}</a></{tag}>'
            if link
            else f"<{tag}>{text}</{tag}>"
        )

    head = "".join(cell("th", c) for c in rows[0])
    body = "".join("<tr>" + "".join(cell("td", c) for c in row) + "</tr>" for row in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(text: str, aside: str = "") -> bytes:
    return (
        '<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>أسعار الذهب اليوم'
        '</title></head><body><header><nav><a href="/">الرئيسية</a></nav></header><main>'
        f'<article><h1>أسعار الذهب اليوم في السوق المحلية</h1><div class="body">{text}</div>'
        f"</article><aside>{aside}</aside></main></body></html>"
    ).encode()


def test_a_price_table_in_the_text_is_kept_as_rows_where_the_page_prints_it() -> None:
    html = page(f"<p>{LEAD}</p><h2>الأسعار بالجنيه</h2>{table(ROWS)}<p>{AFTER}</p>")
    blocks = extract_record(URL, html)["body"].split("\n\n")
    assert blocks == [LEAD, "الأسعار بالجنيه", *(" | ".join(r) for r in ROWS), AFTER]


def test_a_later_paragraph_opening_with_words_said_before_the_table_stays_after_it() -> None:
    # The paragraph after the table opens with words the one before it already said.
    lead = f"{LEAD} {AFTER[:70]}"
    html = page(f"<p>{lead}</p>{table(ROWS)}<p>{AFTER}</p>")
    blocks = extract_record(URL, html)["body"].split("\n\n")
    assert blocks == [lead, *(" | ".join(r) for r in ROWS), AFTER]


def test_a_page_of_many_small_tables_is_a_layout_not_text() -> None:
    html = page(f"<p>{LEAD}</p>{table(ROWS) * 9}<p>{AFTER}</p>")
    assert extract_record(URL, html)["body"].split("\n\n") == [LEAD, AFTER]
    html = page(f"<p>{LEAD}</p>{table(ROWS) * 2}<p>{AFTER}</p>")
    assert len(extract_record(URL, html)["body"].split("\n\n")) == 2 + 2 * len(ROWS)


def test_menu_sidebar_and_one_column_tables_are_not_text() -> None:
    menu = table([["أخبار", "رياضة"], ["اقتصاد", "ثقافة"]], link=True)
    column = table([["العيار"], ["عيار 24"], ["عيار 21"]])
    sidebar = table(ROWS)
    html = page(f"<p>{LEAD}</p>{menu}{column}<p>{AFTER}</p>", aside=sidebar)
    assert extract_record(URL, html)["body"].split("\n\n") == [LEAD, AFTER]


def test_paragraphs_in_a_layout_tables_cell_stay_apart_and_the_next_cell_is_not_text() -> None:
    # The whole page in one table, the text in a cell: main-content extraction, leaving tables
    # out, runs the cell's paragraphs (and the headline) together into one line.
    text = f"<table><tr><td><p>{LEAD}</p><p>{AFTER}</p></td><td>{table(ROWS)}</td></tr></table>"
    assert extract_record(URL, page(text))["body"].split("\n\n") == [LEAD, AFTER]
