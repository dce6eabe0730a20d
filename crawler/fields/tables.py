"""Tables around an article's text: data tables (prices, schedules, results) as rows of the body,
and the paragraphs of a layout table's cell that main-content extraction ran together."""

from __future__ import annotations

from lxml.etree import _Element

from crawler.text import normalize_line

# What a data table's cell holds: a figure, a name, a few words; a layout table's cell holds
# the article itself, or the page's menu.
_CELL_CHARS = 120
_MAX_ROWS = 60
_MAX_TABLES = 8
_PROBE = 200
_SEPARATOR = " | "
# Longer than one paragraph and its neighbours: a block worth checking for a run of paragraphs.
_RUN = 300


def with_data_tables(blocks: list[str], container: _Element | None) -> list[str]:
    """``blocks`` with the rows of the data tables printed among them inserted where the page
    prints them, one block per row («عيار 21 | 3,500 جنيه | 3,480 جنيه»).

    Main-content extraction leaves tables out (a layout table would bring in the whole page).
    A data table here is a table of two columns or more and two rows or more, without tables
    inside it, whose cells are short and mostly not links, inside ``container`` (the element
    that holds the text's first and last blocks: ``crawler.fields.body.text_span``), after the
    text's first block; a table whose cells are already blocks (a layout that printed them) is
    left alone.
    """
    if container is None or next(container.iter("table"), None) is None:
        return blocks
    known = set(blocks)
    probes = [_key(b)[:_PROBE] for b in blocks]
    inserts: list[tuple[int, list[str]]] = []
    for table in container.iter("table"):
        if table.find(".//table") is not None:
            continue
        rows = _rows(table)
        if rows is None or any(cell in known for row in rows for cell in row):
            continue
        if len(inserts) == _MAX_TABLES:
            # A page of many small tables is a layout of boxes, not an article with a table.
            return blocks
        before = _key(" ".join(table.xpath("preceding::text()")))
        # The blocks printed before the table, in their order: a later block whose opening
        # words happen to occur earlier on the page does not pull the table down to it.
        at, last = 0, -1
        for i, probe in enumerate(probes):
            found = before.find(probe, at) if probe else -1
            if found < 0:
                break
            at, last = found + len(probe), i
        if last >= 0:
            inserts.append((last + 1, [_SEPARATOR.join(row) for row in rows]))
    if not inserts:
        return blocks
    out: list[str] = []
    for i, block in enumerate([*blocks, None]):
        for at, rows in inserts:
            if at == i:
                out.extend(rows)
        if block is not None:
            out.append(block)
    return out


def _rows(table: _Element) -> list[list[str]] | None:
    """The table's rows of cell texts, or None when it is no data table."""
    rows: list[list[str]] = []
    linked = cells = 0
    for tr in table.iter("tr"):
        row = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            text = _key(cell.text_content())
            if len(text) > _CELL_CHARS:
                return None
            cells += 1
            if text and _key(" ".join(a.text_content() for a in cell.iter("a"))) == text:
                linked += 1
            row.append(text)
        if any(row):
            rows.append(row)
    if len(rows) < 2 or len(rows) > _MAX_ROWS or linked * 2 > cells:
        return None
    if sum(1 for row in rows if sum(1 for c in row if c) >= 2) < 2:
        return None
    return rows


def _key(text: str) -> str:
    return " ".join(normalize_line(text).split())


def split_cell_runs(doc: _Element, blocks: list[str]) -> list[str]:
    """``blocks`` with each block that runs together paragraphs of a table cell (main-content
    extraction leaving tables out flattens a cell's ``<p>`` into one line, headline included)
    split back into those paragraphs and the text between them."""
    if doc.find(".//td//p") is None or not any(len(b) > _RUN for b in blocks):
        return blocks
    paragraphs = [
        t for t in (_key(p.text_content()) for p in doc.iterfind(".//td//p")) if len(t) >= 25
    ]
    # A table's text run into the line is no paragraph: with_data_tables reads it as rows.
    tables = {_key(" ".join(t.itertext())) for t in doc.iter("table") if t.find(".//table") is None}
    out: list[str] = []
    for block in blocks:
        found = [p for p in paragraphs if p in block and p != block] if len(block) > _RUN else []
        if len(found) < 2 or sum(map(len, found)) < 0.6 * len(block):
            out.append(block)
            continue
        pieces: list[str] = []
        at = 0
        for p in sorted(dict.fromkeys(found), key=block.find):
            start = block.find(p, at)
            if start < 0:
                continue
            pieces.extend((block[at:start].strip(), p))
            at = start + len(p)
        pieces.append(block[at:].strip())
        out.extend(x for x in pieces if x and x not in tables)
    return out
