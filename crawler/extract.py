"""Extraction: ``extract(url, html, site) -> Article``, a thin orchestrator over the page
(``crawler.page``), its text blocks (``crawler.blocks``) and one module per field
(``crawler.fields``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lxml.etree import _Element

from crawler.blocks import densest_container, html_blocks

# Importable from here as before (discovery, tests).
from crawler.blocks import is_page_furniture as is_page_furniture
from crawler.blocks import own_text as own_text
from crawler.fields.authors import authors as find_authors
from crawler.fields.body import (
    Candidate,
    _drop_author_card,
    _drop_furniture_lines,
    _json_ld_body,
    _reader_comments,
    _take_bylines,
    _with_printed_summary,
    choose_body,
    drop_fact_boxes,
    drop_link_teasers,
    generic_candidate,
    named_boxes,
    plain_markup,
    selectors_suffice,
    text_span,
)
from crawler.fields.canonical import canonical as find_canonical
from crawler.fields.dates import fallback_dates, first_date, page_timezone
from crawler.fields.images import _images, text_images
from crawler.fields.jsonld import article_json_ld as article_json_ld
from crawler.fields.jsonld import ld_text, ld_types
from crawler.fields.jsonld import parse_json_ld as parse_json_ld
from crawler.fields.language import _language
from crawler.fields.overrides import apply_overrides
from crawler.fields.script_text import script_blocks
from crawler.fields.tables import split_cell_runs, with_data_tables
from crawler.fields.tags import _tags
from crawler.fields.title import page_heading, site_names, title_from_heading
from crawler.fields.title import title as pick_title
from crawler.items import Article
from crawler.page import Page, _css, _first, _select_element, _select_text, _time_attr
from crawler.page import decode_html as decode_html
from crawler.sites import Site, site_for_url
from crawler.text import content_hash, join_blocks, normalize_line

# A machine-readable time of the article itself, not one of a ticker or a related-links list.
ARTICLE_TIME = (
    "[itemprop=datePublished][datetime], [itemprop=datePublished][content], "
    "abbr[itemprop=datePublished][title], article time[datetime], main time[datetime]"
)

# Under this many characters, trafilatura's text may be a stray line of a page it could not read.
_SHORT_GENERIC = 200
# Under this many characters, the page's best text may be a script-rendered page's skeleton (a
# teaser, a caption): its script data is read for the article's text.
_SHORT_BODY = 500


def _is_article_page(
    url: str, site: Site | None, ld: dict[str, Any], meta: dict[str, list[str]]
) -> bool:
    """The page says it is an article (a JSON-LD article type, ``og:type`` article), or its URL
    is an article URL of its registered site: a record even when no text is found in it."""
    if site is not None and site.is_article(url):
        return True
    return bool(ld_types(ld) - {"webpage"}) or (_first(meta, "og:type") or "").lower() == "article"


def _headline(doc: _Element, selector: str | None) -> _Element | None:
    """The element the record's headline text comes from (the site's title selector, else h1)."""
    found = _select_element(doc, selector)
    return found if found is not None else _select_element(doc, "h1")


def extract(
    url: str,
    html: bytes | str,
    site: Site | None = None,
    *,
    content_type: str | None = None,
    fetched_at: datetime | None = None,
    hints: dict[str, str] | None = None,
    page: Page | None = None,
) -> Article:
    """Extract the article record of one page.

    ``site`` defaults to the registered site owning ``url``; ``hints`` carries what discovery
    already knows of the page (``title`` and ``published`` from a news sitemap), used only when the
    page itself does not say. ``page``, when given, is the page already decoded and parsed (by
    the spider's article detection): it is read, never parsed again.
    """
    site = site or site_for_url(url)
    hints = hints or {}
    page = page or Page.parse(url, html, content_type)
    doc = page.doc
    sel = site.selectors if site else None
    ld = page.article_ld
    meta = page.meta

    names = site_names(meta, url, site.name if site else None)
    elements = page.elements
    title_sel = _select_text(doc, sel.title if sel else None, elements) or page_heading(
        elements.of("h1"), url, names
    )
    ld_title = ld_text(ld.get("headline")) or ld_text(ld.get("name"))
    og_title = _first(meta, "og:title", "twitter:title")
    html_title = _select_text(doc, "title", elements)
    if not (ld_title or og_title or title_sel):
        html_title = title_from_heading(doc, url, html_title, names) or html_title
    title = pick_title(
        ld_title,
        og_title,
        title_sel,
        html_title,
        hints.get("title"),
        names,
    )

    images = _images(doc, url, ld, meta, sel.body if sel else None, elements)
    captions = {img.caption for img in images if img.caption}
    # A paragraph that repeats a picture's alt text is that picture's caption printed as text.
    captions.update(
        alt
        for alt in (normalize_line(i.get("alt") or "") for i in elements.of("img"))
        if len(alt) >= 15
    )

    description = ld_text(ld.get("description")) or _first(
        meta, "og:description", "description", "twitter:description"
    )
    candidates: list[Candidate] = []
    suffice = False
    if sel and sel.body:
        containers = _css(doc, sel.body)
        if containers:
            blocks, links = html_blocks(containers[0], sel.remove)
            candidates.append(Candidate("selectors", blocks, links))
            suffice = selectors_suffice(
                candidates[0],
                containers[0],
                description,
                lambda: _headline(doc, sel.title),
            )
    # A registered site's selectors that found the article's text itself make trafilatura's
    # guess, the dearest step here, needless; a selector that matches nothing any more, or
    # matches another box, still meets it.
    generic = [] if suffice else page.generic_blocks
    if generic:
        candidates.append(generic_candidate(doc, split_cell_runs(doc, generic)))
    if not suffice and sum(len(b) for b in generic) < _SHORT_GENERIC:
        # trafilatura found nothing, or only a line or two (a date, a caption) of a page whose
        # text is written as <br> runs in a <div> or a table cell: the densest text competes.
        dense = densest_container(doc)
        if dense is not None:
            blocks, links = html_blocks(dense)
            candidates.append(Candidate("generic", blocks, links))
    ld_body = _json_ld_body(ld.get("articleBody"))
    if ld_body:
        candidates.append(Candidate("json-ld", ld_body))
    if max((c.length for c in candidates), default=0) < _SHORT_BODY:
        # A script-rendered page (Next.js, Nuxt, a state store) may ship its text only in its
        # script data; a page with text in its HTML never pays for reading that data.
        # A <title> that is only the site's name would tie any object naming the site.
        heads = {title, title_sel, ld_title, og_title, html_title} - set(names)
        blocks, links = script_blocks(doc, heads, description)
        if blocks:
            candidates.append(Candidate("script", blocks, links))
    boxes = named_boxes(doc, elements)
    readers = _reader_comments(doc, boxes, elements)
    for c in candidates:
        # Comments are the end of a page: a "comment" container holding most of the text is
        # the article's own (class="post has-comments").
        comments = readers if sum(b in readers for b in c.blocks) * 2 <= len(c.blocks) else set()
        c.blocks = _drop_furniture_lines(c.blocks, {title, title_sel}, captions | comments)
    chosen = choose_body(candidates)
    bylines = (_take_bylines(chosen.blocks) or chosen.bylines) if chosen else []
    people, organizations = find_authors(
        doc, ld, meta, sel.author if sel else None, names, elements
    )
    authors = people or bylines or organizations
    blocks = _drop_author_card(chosen.blocks, authors) if chosen else []
    if chosen is not None and chosen.source == "json-ld":
        blocks = plain_markup(blocks)
    blocks = drop_link_teasers(doc, blocks, elements)
    blocks = drop_fact_boxes(doc, blocks, boxes)
    span = text_span(doc, blocks)
    blocks = with_data_tables(blocks, span[0] if span else None)
    images = text_images(span, url, images)
    if blocks and description:
        blocks = _with_printed_summary(doc, blocks, description, {title, title_sel})
    body = join_blocks(blocks)

    tz = page_timezone(site, url, doc, meta)
    order = site.date_order if site else "DMY"
    # The last fallbacks walk the whole page: only pages that say nothing else pay for them.
    # Each candidate is read only when the ones before it did not parse: the selector searches
    # walk the whole page, and most pages say it in JSON-LD or a meta tag.
    fetched = (fetched_at or datetime.now(UTC)).astimezone(UTC)
    published = first_date(
        (read() for read in (
            lambda: ld.get("datePublished"),
            lambda: ld.get("dateCreated"),
            lambda: ld.get("uploadDate"),
            lambda: _first(meta, "article:published_time", "og:published_time", "datepublished",
                           "pubdate", "publishdate", "publish-date", "date", "dc.date.issued",
                           "sailthru.date", "parsely-pub-date"),
            lambda: _time_attr(doc, sel.date if sel else None),
            lambda: _select_text(doc, sel.date if sel else None),
            lambda: _time_attr(doc, ARTICLE_TIME),
            lambda: hints.get("published"),
        )),
        tz,
        order,
        fetched,
    ) or first_date(fallback_dates(doc, url), tz, order, fetched)  # fmt: skip
    modified = first_date(
        [
            ld.get("dateModified"),
            _first(meta, "article:modified_time", "og:updated_time", "datemodified",
                   "last-modified", "dc.date.modified"),
        ],
        tz,
        order,
        fetched,
    )  # fmt: skip

    canonical, canonical_rejected = find_canonical(doc, url, meta, site, title)
    article = Article(
        url=url,
        canonical_url=canonical,
        site=site.name if site else None,
        language=_language(doc, ld, meta, body or title or ""),
        title=title,
        description=description,
        body=body,
        authors=authors,
        section=ld_text(ld.get("articleSection"))
        or _first(meta, "article:section")
        or _select_text(doc, sel.section if sel else None),
        tags=_tags(doc, ld, meta, sel.tags if sel else None),
        images=images,
        published_at=published.iso if published else None,
        published_raw=published.raw if published else None,
        published_tz_assumed=published.assumed if published else False,
        modified_at=modified.iso if modified else None,
        modified_raw=modified.raw if modified else None,
        modified_tz_assumed=modified.assumed if modified else False,
        fetched_at=fetched.isoformat(timespec="seconds"),
        content_hash=content_hash(title, body),
        body_source=chosen.source if chosen else None,
        body_missing=not body and _is_article_page(url, site, ld, meta),
        canonical_rejected=canonical_rejected,
    )
    if site is not None and site.field_overrides:
        apply_overrides(site, page, article)
    return article
