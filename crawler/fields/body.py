"""The body field: candidates (site selectors, generic main content, JSON-LD) and their cleaning."""

from __future__ import annotations

import contextlib
import copy
import functools
import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from lxml.etree import ParserError, _Element
from trafilatura import xpaths
from trafilatura.baseline import baseline, html2txt
from trafilatura.core import (
    ESCALATION_ACCEPT_RATIO,
    ESCALATION_JUSTEXT_RATIO,
    ESCALATION_MAX_LENGTH,
    ESCALATION_PAGE_SHARE,
    _forum_thread_page,
    _prepare_tree,
    _recall_retry,
    determine_returnstring,
)
from trafilatura.external import compare_extraction, justext_rescue
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.main_extractor import extract_content
from trafilatura.metadata import Document
from trafilatura.settings import Extractor

from crawler.blocks import html_blocks, is_page_furniture, typed_blocks
from crawler.dates import parse_date
from crawler.fields.authors import (
    AUTHOR_PREFIX,
    byline_names,
    newsroom_credit,
    place_byline,
    split_names,
)
from crawler.fields.dates import DATE_LIKE, DIGITS, PRINTED_DATE
from crawler.fields.jsonld import unescape
from crawler.page import PageElements
from crawler.phrases import BIO_TRADES, BIO_VERBS, COMMENT_HEADINGS
from crawler.text import normalize_line

# ------------------------------------------------------------------------------------------------
# Choosing the body


@dataclass
class Candidate:
    source: str
    blocks: list[str]
    link_density: float = 0.0
    bylines: list[str] = field(default_factory=list)
    """Writers named by byline lines left out of the text (a «name | date» line under the
    headline that main-content extraction skipped)."""

    @property
    def length(self) -> int:
        return sum(len(b) for b in self.blocks)

    @property
    def score(self) -> float:
        """Length of real text, discounted for links and for flat, unparagraphed text."""
        score = self.length * (1 - self.link_density) ** 2
        if len(self.blocks) == 1 and self.length > 400:
            score *= 0.8
        if self.source == "selectors":
            # Site knowledge wins over a generic guess that may have swallowed comments or lists.
            score *= 1.3
        return score


def choose_body(candidates: list[Candidate]) -> Candidate | None:
    """The best body: highest score, but a JSON-LD body the HTML text extends (cut short) or
    restates (flat) loses to that HTML text, and site selectors that found text sharing almost
    nothing with the generic main content (a stale selector matching another box) lose to it."""
    usable = [c for c in candidates if c.blocks and c.link_density < 0.6]
    if not usable:
        return None
    best = max(usable, key=lambda c: c.score)
    if best.source == "selectors":
        generic = next((c for c in usable if c.source == "generic"), None)
        if generic is not None and generic.length >= 250 and _shared(best, generic) < 0.2:
            best = generic
    if best.source == "json-ld":
        ld = _squash(" ".join(best.blocks))
        for other in sorted(usable, key=lambda c: c.score, reverse=True):
            if other is best:
                continue
            html = _squash(" ".join(other.blocks))
            head = ld[: min(len(ld), 200)].rstrip(".… ")
            if head and head in html and len(other.blocks) > len(best.blocks):
                return other
    return best


_SQUASH = re.compile(r"\W+")


def _shared(a: Candidate, b: Candidate) -> float:
    """The share of the shorter candidate's text that the other one also has, block by block."""
    short, long = sorted((a, b), key=lambda c: c.length)
    other = {_squash(x) for x in long.blocks}
    common = sum(len(x) for x in short.blocks if _squash(x) in other)
    return common / max(1, short.length)


def _squash(text: str) -> str:
    return _SQUASH.sub("", text)


def _json_ld_body(value: Any) -> list[str]:
    text = _ld_raw_text(value)
    if not text:
        return []
    text = unescape(text)
    if "<" in text and ">" in text:
        try:
            blocks, _ = html_blocks(lxml.html.fragment_fromstring(text, create_parent="div"))
            return blocks
        except (ParserError, ValueError):
            pass
    return [b for b in (normalize_line(x) for x in text.splitlines()) if b]


def _ld_raw_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = "\n".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) and value.strip() else None


# The fast mode keeps less than this, or less than half the page's paragraph text: run the full
# mode (trafilatura then compares its result with readability's and jusText's).
_FAST_ENOUGH_CHARS = 500


def _generic_blocks(
    html: str | _Element, url: str, elements: PageElements | None = None
) -> list[str]:
    """trafilatura's main content of the page (a parsed tree is copied, never changed), as blocks.

    Its fast mode (no readability/jusText comparison) gives the same text on most pages at half
    the cost; where it keeps less than half of the page's paragraph text, the full mode runs.
    ``elements`` is the tree's :class:`PageElements`, when already found.
    """
    precise = _Precise(html, url, elements)
    text = precise.fast
    kept = len(text or "")
    paragraphs = _paragraph_chars(html, elements)
    if kept < _FAST_ENOUGH_CHARS or kept < 0.5 * paragraphs:
        text = precise.full()
        kept = len(text or "")
        if kept < 0.5 * paragraphs:
            # Precision mode can stop at the first few paragraphs of a long article (a box
            # between them taken for the end): the balanced mode, when it finds much more and
            # that is running text, not a list of teasers (mostly short lines).
            balanced = precise.balanced() or ""
            lines = balanced.splitlines()
            short = sum(1 for line in lines if len(line) < 80)
            if len(balanced) > 1.5 * kept and short <= 0.25 * len(lines):
                text = balanced
    # trafilatura writes list items as "- item"; the other candidates give the item's text.
    lines = (normalize_line(x) for x in (text or "").splitlines())
    return [b.removeprefix("- ") for b in lines if b and b != "-"]


def _paragraph_chars(doc: str | _Element, elements: PageElements | None = None) -> int:
    if isinstance(doc, str):
        doc = lxml.html.document_fromstring(doc)
    paragraphs = elements.of("p") if elements is not None else doc.iter("p")
    return sum(len(t) for t in (p.text_content().strip() for p in paragraphs) if len(t) >= 25)


def _trafilatura(html: str | _Element, url: str, fast: bool, precision: bool = True) -> str | None:
    return trafilatura.extract(html, options=_options(url, fast, precision))


class _Options(Extractor):
    """trafilatura's options, noting whether its main extractor read the fast flag: it reads it
    only when it falls back to recovering loose text, the one step of its main extraction that
    its fast mode does differently (it keeps teaser boxes there)."""

    __slots__ = ("_fast", "fast_read")

    @property  # type: ignore[override]
    def fast(self) -> bool:
        self.fast_read = True
        return self._fast

    @fast.setter
    def fast(self, value: bool) -> None:
        self._fast = value


@functools.cache
def _template(precision: bool) -> Extractor:
    """trafilatura's options for a mode, built once: building them reads its configuration
    settings anew on every call."""
    return Extractor(
        output_format="txt",
        comments=False,
        tables=False,
        images=False,
        links=False,
        dedup=False,
        precision=precision,
    )


def _options(url: str, fast: bool, precision: bool = True) -> _Options:
    template = _template(precision)
    options = _Options.__new__(_Options)
    for name in Extractor.__slots__:
        setattr(options, name, getattr(template, name))
    options.fast, options.fast_read = fast, False
    options.url = options.source = url
    return options


# trafilatura's pruning of comment sections and endless-scroll boxes tests the id and class of
# every div, section and list with a regular expression, a call into Python per element (about
# 1 ms per search on a real page). The same searches, first keeping only the elements whose id or
# class holds a fixed string that every match of those expressions holds (a test lxml runs
# without leaving C), find the same elements. Where trafilatura's expressions are not the ones
# these strings were read from (another version), its own run unchanged.
_REGEXP_NS = {"re": "http://exslt.org/regular-expressions"}
# The fixed strings, in the id or class as the expressions test them.
_SCROLL_MARKS = ("mvp-post-add-", "infinite")
_COMMENTS_ID_MARKS = ("omment", "comol", "disqus_thread")
_COMMENTS_CLASS_MARKS = ("omment",)


def _contains(attribute: str, marks: tuple[str, ...]) -> str:
    return " or ".join(f"contains(@{attribute}, '{mark}')" for mark in marks)


_SCROLL_GUARD = f"{_contains('id', _SCROLL_MARKS)} or {_contains('class', _SCROLL_MARKS)}"
_COMMENTS_GUARD = (
    f"{_contains('id', _COMMENTS_ID_MARKS)} or {_contains('class', _COMMENTS_CLASS_MARKS)}"
)
_SCROLL_TESTS = (
    "re:test(@id, 'mvp-post-add-(?:box|wrap)|infinite-?scroll')",
    "re:test(@class, 'mvp-post-add-(?:box|wrap)|infinite-?scroll')",
    "re:test(@id, 'mvp-post-add-(?:box|wrap)')",
    "re:test(@class, 'mvp-post-add-(?:box|wrap)')",
)
_COMMENTS_TESTS = (
    "re:test(@id, '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)')",
    "re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')",
    "re:test(@id, '^(?:[Cc]omment(?!ary)|comol)')",
)


def _guarded(expression: etree.XPath, guard: str, tests: tuple[str, ...]) -> etree.XPath:
    """``expression`` (``.//*[tags][regular expression tests]…``) with ``guard`` tested before
    its regular expressions, when it has no test but ``tests``."""
    path = expression.path
    found = set(re.findall(r"re:test\(@\w+, '[^']*'\)", path))
    if not found or not found <= set(tests) or "][" not in path:
        return expression
    return etree.XPath(path.replace("][", f"][{guard}][", 1), namespaces=_REGEXP_NS)


_RAW_TREE_PRUNE = [
    _guarded(x, _SCROLL_GUARD, _SCROLL_TESTS) if "re:test" in x.path else x
    for x in xpaths.RAW_TREE_PRUNE_XPATH
]
_REMOVE_COMMENTS_AND_LISTS = [
    _guarded(x, _COMMENTS_GUARD, _COMMENTS_TESTS) for x in xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH
]
_REMOVE_COMMENTS = [
    _guarded(x, _COMMENTS_GUARD, _COMMENTS_TESTS) for x in xpaths.REMOVE_COMMENTS_XPATH
]
# The element kinds the raw-tree prunes remove, and the fixed strings of their guards by attribute
# (the elementor share box's class included).
_PRUNED_KINDS = frozenset(("div", "section", "aside", "details", "ol", "ul", "list"))
_PRUNED_ID_MARKS = (*_SCROLL_MARKS, *_COMMENTS_ID_MARKS)
_PRUNED_CLASS_MARKS = (*_SCROLL_MARKS, *_COMMENTS_CLASS_MARKS, "elementor-share-buttons")
_PRUNED_MARKS = tuple(dict.fromkeys(_PRUNED_ID_MARKS + _PRUNED_CLASS_MARKS))


def _prunable(tree: _Element, elements: PageElements | None = None) -> bool:
    """Whether the raw-tree prunes may find anything: an element of the kinds they prune whose
    id or class holds one of the fixed strings they need (an XPath search of those kinds walks
    the tree once per kind). ``elements`` is the tree's :class:`PageElements`, when found."""
    elements = elements or PageElements(tree)
    for el in elements.having(_PRUNED_MARKS):
        if el is tree or el.tag not in _PRUNED_KINDS:
            continue
        ident, cls = el.get("id"), el.get("class")
        if ident is not None and any(mark in ident for mark in _PRUNED_ID_MARKS):
            return True
        if cls is not None and any(mark in cls for mark in _PRUNED_CLASS_MARKS):
            return True
    return False


class _Precise:
    """trafilatura's precision extraction of a page (comments, tables, images and links left
    out) in both its modes, sharing their work: ``fast`` is its fast mode's text, ``full()`` its
    full mode's, which is the fast mode's main content compared with readability's and jusText's.

    ``trafilatura.extract`` would run the whole sequence again for the full mode (pruning,
    cleaning, the main extractor on a new copy of the page); here the full mode adds only the
    comparison. ``balanced()`` is its balanced (not precision) full mode's text, from the raw
    tree pruned as for the fast mode (the same pruning in both modes but on forum pages).
    The steps are trafilatura 2.3's for these options, pinned in constraints.txt;
    tests/test_body.py checks the three texts against ``trafilatura.extract`` on every fixture
    page.
    """

    def __init__(
        self, html: str | _Element, url: str, elements: PageElements | None = None
    ) -> None:
        self.html, self.url = html, url
        self.fast: str | None = None
        self._shared = False
        if not isinstance(html, _Element):
            self.fast = _trafilatura(html, url, fast=True)
            return
        options = _options(url, fast=True)
        self._doc = html
        self._tree: _Element | None = None
        self._forum = self._prune = self._pruned = False
        try:
            self._forum = _forum_thread_page(html)
            # trafilatura.extract copies the page, prunes the copy's raw tree, then cleans a
            # second copy for its main extractor, keeping the pruned one for the full mode's
            # comparison. Here one copy serves: pruned (only where the quick test finds
            # something to prune) and then cleaned; the few pages that run another mode make
            # the pruned tree again (see _raw).
            self._prune = _prunable(html, elements)
            tree = _pruned_copy(html) if self._prune else copy.copy(html)
            self._pruned = True
            cleaned = convert_tags(tree_cleaning(tree, options), options, url)
            if not self._forum:
                cleaned = prune_unwanted_nodes(cleaned, _REMOVE_COMMENTS)
            self._body, self._text = extract_content(cleaned, options)
            self.fast = _as_text(self._body, self._text, options)
        except (TypeError, ValueError):  # trafilatura.extract's "discarding data"
            return
        # The full mode's main content is the fast mode's unless loose text was recovered.
        self._shared = not options.fast_read

    def _raw(self) -> _Element | None:
        """The page's raw tree after trafilatura's raw-tree prunes, which every later step
        copies, never changes: the page's own tree when they find nothing, else a pruned copy
        made once; None when the fast mode failed before the prunes."""
        if not self._pruned:
            return None
        if not self._prune:
            return self._doc
        if self._tree is None:
            self._tree = _pruned_copy(self._doc)
        return self._tree

    def full(self) -> str | None:
        options = _options(self.url, fast=False)
        if not self._shared:
            return self._sequence(options)
        tree = self._raw()
        try:
            backup = tree_cleaning(copy.copy(tree), options)
            body, text = compare_extraction(
                backup, copy.copy(tree), self._body, self._text, options
            )
        except (TypeError, ValueError):
            return None
        return _as_text(body, text, options)

    def balanced(self) -> str | None:
        """trafilatura's balanced (neither precision nor recall) full mode's text."""
        return self._sequence(_options(self.url, fast=False, precision=False))

    def _sequence(self, options: Extractor) -> str | None:
        """trafilatura.extract's text in another mode, from the raw tree pruned once: its
        sequence after that pruning (a forum page's raw tree is pruned differently outside
        precision mode, and a page the fast mode discarded is left to trafilatura)."""
        precision = options.focus == "precision"
        tree = None if self._forum and not precision else self._raw()
        if tree is None:
            return trafilatura.extract(self.html, options=options)
        try:
            cleaned, backup = _prepare_tree(tree, options, self.url)
            if precision and not self._forum:
                cleaned = prune_unwanted_nodes(cleaned, _REMOVE_COMMENTS)
            body, text = extract_content(cleaned, options)
            body, text = compare_extraction(backup, copy.copy(tree), body, text, options)
            if not precision:
                body, text = _rescued(tree, body, text, options, self.url)
        except (TypeError, ValueError):
            return None
        return _as_text(body, text, options)


def _pruned_copy(html: _Element) -> _Element:
    """A copy of the page after trafilatura's raw-tree prunes (of the endless-scroll, share and
    comment boxes and lists)."""
    tree = prune_unwanted_nodes(copy.copy(html), _RAW_TREE_PRUNE)
    return prune_unwanted_nodes(tree, _REMOVE_COMMENTS_AND_LISTS)


def _rescued(
    tree: _Element, body: _Element, text: str, options: Extractor, url: str
) -> tuple[_Element, str]:
    """trafilatura 2.3's last steps outside precision mode, comments left out: the baseline
    rescue of a short text, then the retry in recall mode of one covering little of the page."""
    if len(text) < options.min_extracted_size:
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(text):
            body, text = b_body, b_text
    if (
        options.focus == "balanced"
        and 0 < len(text) < ESCALATION_MAX_LENGTH
        and len(text) < ESCALATION_PAGE_SHARE * len(html2txt(tree))
    ):
        r_options = copy.copy(options)
        r_options.focus = "recall"
        # trafilatura guards both candidates against any error, as here.
        r_text = j_text = ""
        with contextlib.suppress(Exception):
            r_body, r_text = _recall_retry(tree, r_options, url)
        with contextlib.suppress(Exception):
            j_body, j_text = justext_rescue(copy.copy(tree), options)
        length, r_len, j_len = len(text), len(r_text), len(j_text)
        if j_len > r_len and j_len > ESCALATION_JUSTEXT_RATIO * length:
            body, text = j_body, j_text
        elif r_len >= options.min_extracted_size and r_len > ESCALATION_ACCEPT_RATIO * length:
            body, text = r_body, r_text
    return body, text


def _as_text(body: _Element, text: str, options: Extractor) -> str | None:
    """trafilatura.extract's text output of a main content (None when it is too short)."""
    # No comments are extracted: their length, 0, is under any minimum set for them.
    if len(text) < options.min_output_size and options.min_output_comm_size > 0:
        return None
    document = Document()
    document.raw_text, document.commentsbody, document.body = text, etree.Element("body"), body
    return determine_returnstring(document, options)


def generic_candidate(doc: _Element, generic: list[str]) -> Candidate:
    """trafilatura's blocks with the skipped ones restored, and the writers of skipped bylines."""
    names: list[str] = []
    return Candidate("generic", _fill_gaps(doc, generic, names), bylines=names)


def text_span(doc: _Element, blocks: list[str]) -> tuple[_Element, _Element] | None:
    """The element that holds the text's first and last blocks, and the deepest one holding
    its last block (where the text ends); None when the blocks are not found in the page, or
    only ``<body>`` holds both (no container of the text's own)."""
    if len(blocks) < 2:
        return None
    first, last = _holders(doc, blocks[0], blocks[-1])
    if first is None or last is None:
        return None
    # The elements themselves, not their id()s: lxml frees an element's proxy when nothing
    # holds it, and a later proxy can get the freed id (a false match, page by page).
    around = {first, *first.iterancestors()}
    container = next((el for el in (last, *last.iterancestors()) if el in around), None)
    if container is None or container.tag in ("body", "html"):
        return None
    return container, last


def _fill_gaps(doc: _Element, generic: list[str], bylines: list[str] | None = None) -> list[str]:
    """trafilatura's blocks, with the ones it skipped between its first and last block restored.

    trafilatura drops short paragraphs and text written as ``<br>`` runs inside a ``<div>``; the
    element holding its last block has them all, in page order, when it holds the first block
    too. Blocks outside that span (bylines, tags, related lists) stay out, and a span that would
    bring in much more text than trafilatura kept is not trusted.
    """
    span = text_span(doc, generic)
    if span is None:
        return generic
    container = span[0]
    typed, _ = typed_blocks(container)
    blocks = [b.text for b in typed]
    starts = [i for i, b in enumerate(blocks) if b == generic[0]]
    ends = [i for i, b in enumerate(blocks) if b == generic[-1]]
    if not starts or not ends or ends[-1] < starts[0]:
        return generic
    kept = set(generic)
    # Only the text's own flow comes back: a block written in the same element as a kept one
    # (a <br> run) or beside one (a short <p>, a subheading). Captions, video players, sign-up
    # boxes and bylines sit in boxes of their own. A restored line that is only a date is the
    # article's timestamp, not its text; one that is all link is a headline of a box.
    between = typed[starts[0] : ends[-1] + 1]
    holders = {b.holder for b in between if b.text in kept}
    parents = {h.getparent() for h in holders if h is not None}
    span = [
        b.text
        for b in between
        if b.text in kept
        or (
            (b.holder in holders or (b.holder is not None and b.holder.getparent() in parents))
            and not (b.link_share >= 1.0 or _meta_text(b.text))
        )
    ]
    if bylines is not None:
        for b in between[:3]:
            if b.text not in kept:
                # «رامي حداد | 27-08-2024 | 18:40», «كتب: … - تصوير: …» under the headline:
                # left out, but it names the writer.
                bylines.extend(byline_names(b.text) or _meta_line(b.text) or [])
    covered = sum(len(b) for b in set(span) & kept) / max(1, sum(len(b) for b in kept))
    added = sum(len(b) for b in span if b not in kept)
    if covered < 0.9 or added > 0.5 * sum(len(b) for b in generic):
        return generic
    return span


_CLOCK_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")


def _meta_text(text: str) -> bool:
    """A line over or under the text rather than of it: a timestamp, a dated byline («Von dpa
    30.04.2024, 18:58», «Published: 15:56 BST»), a byline («By …», «كتب: …»)."""
    if _timestamp(text):
        return True
    if len(text) <= 120 and (PRINTED_DATE.search(text) or _CLOCK_TIME.search(text)):
        return True
    return len(text.split()) <= 8 and bool(AUTHOR_PREFIX.match(text))


def _timestamp(text: str) -> bool:
    """A short line that is only a date (a dateline restored between paragraphs)."""
    return len(text) <= 50 and bool(DATE_LIKE.search(text)) and bool(parse_date(text, "UTC"))


_LOCAL = threading.local()


def _xpath(expr: str) -> etree.XPath:
    """``expr`` compiled once per thread: compiled XPath objects are not shared between threads,
    and compiling on every call costs more than the search on small pages."""
    cache: dict[str, etree.XPath] = _LOCAL.__dict__.setdefault("xpaths", {})
    compiled = cache.get(expr)
    if compiled is None:
        compiled = cache[expr] = etree.XPath(expr)
    return compiled


Holders = tuple[_Element | None, _Element | None]
# The holders found, by page and by the blocks' openings: the gap filling and the text's span
# (crawler.fields.tables) ask for the same first and last blocks on most pages (three in four
# real ones), and each search tests every text node of the page (about 0.9 ms on a real page).
# Keyed weakly by the page's tree, never changed: a page's entries go with it.
_FOUND_HOLDERS: weakref.WeakKeyDictionary[_Element, dict[tuple[str, ...], Holders]] = (
    weakref.WeakKeyDictionary()
)


def _holders(doc: _Element, first: str, last: str) -> Holders:
    """The deepest elements whose text holds ``first`` and ``last``, from one search of the
    page's text for where each starts."""
    probes = [block[:60].strip() for block in (first, last)]
    known = _FOUND_HOLDERS.setdefault(doc, {})
    found = known.get(tuple(probes))
    if found is None:
        found = known[tuple(probes)] = _search_holders(doc, probes)
    return found


def _search_holders(doc: _Element, probes: list[str]) -> Holders:
    heads = [probe[:20] if probe and '"' not in probe else "" for probe in probes]
    nodes = []
    if any(heads):
        search = _xpath("//body//text()[contains(., $first) or contains(., $last)]")
        nodes = search(doc, first=heads[0] or heads[1], last=heads[1] or heads[0])
    found = [
        _holder(doc, probe, [n for n in nodes if head in n]) if head else None
        for probe, head in zip(probes, heads, strict=True)
    ]
    return found[0], found[1]


def _holder(doc: _Element, probe: str, nodes: list[Any]) -> _Element | None:
    """The deepest element whose text holds ``probe``, given the text nodes holding its start."""
    # Fast path: the text node where the block starts, then up to the element holding it all.
    if nodes:
        node = nodes[-1]
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()
        while el is not None and probe not in " ".join(el.text_content().split()):
            el = el.getparent()
        if el is not None:
            return el
    matches = doc.xpath(f'//body//*[contains(normalize-space(.), "{probe}")]')
    return matches[-1] if matches else None


def _take_bylines(blocks: list[str]) -> list[str]:
    """Remove byline blocks («كتب - …», «رامي حداد | 27-08-2024 | 18:40») from the start of the
    text (in place); return the names they give."""
    names: list[str] = []
    while blocks and len(names) < 3:
        labelled = byline_names(blocks[0])
        if labelled:
            names.extend(labelled)
            blocks.pop(0)
            continue
        if newsroom_credit(blocks[0]):
            blocks.pop(0)
            continue
        meta = _meta_line(blocks[0])
        if meta is None:
            meta = place_byline(blocks[0])
        if meta is None:
            break
        names.extend(meta)
        blocks.pop(0)
    return names


_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_META_SEPARATOR = re.compile(r"\s*[|•·]\s*")


def _meta_line(block: str) -> list[str] | None:
    """The names of a «name | date | time» line printed over the text; None if it is not one."""
    text = block.translate(DIGITS)
    if len(text) > 90 or not _META_SEPARATOR.search(text):
        return None
    parts = [p for p in _META_SEPARATOR.split(text) if p]
    dated = [p for p in parts if PRINTED_DATE.fullmatch(p) or _CLOCK.fullmatch(p)]
    if not dated or len(parts) - len(dated) > 1:
        return None
    rest = [p for p in parts if p not in dated]
    return split_names(rest[0]) if rest and len(rest[0].split()) <= 4 else []


def _drop_author_card(blocks: list[str], authors: list[str]) -> list[str]:
    """An author box closing the text (the author's name, then a short biography; or a
    biography naming the author: «سامر خليل صحفي يغطي …», "Jane Doe is a reporter …") goes."""
    names = set(authors)
    total = sum(map(len, blocks))
    for i in range(max(0, len(blocks) - 3), len(blocks)):
        card = blocks[i] in names or _biography(blocks[i], authors)
        if i > 0 and card and sum(map(len, blocks[i:])) < 0.4 * total:
            return blocks[:i]
    return blocks


# After the author's name, a biography goes on with what the writer is or does.
_BIO_VERB = re.compile(rf"(?:{'|'.join(map(re.escape, BIO_VERBS))})\b")
# The trade a biography names when it calls the writer by one name only.
_BIO_TRADE = re.compile("|".join(map(re.escape, BIO_TRADES)))


def _biography(block: str, authors: list[str]) -> bool:
    """A short paragraph about one of the authors: the full name within its first words, or
    one of the names with the writer's trade, then what the writer is or does."""
    if len(block.split()) > 90:
        return False
    for author in authors:
        parts = author.split()
        if len(parts) < 2:
            continue
        for name in {author, parts[0], parts[-1]}:
            at = block.find(name + " ")
            if at < 0 or not _BIO_VERB.match(block, at + len(name) + 1):
                continue
            if name == author and len(block[:at].split()) <= 6:
                return True
            if len(name) >= 3 and _BIO_TRADE.search(block):
                return True
    return False


# Headings over readers' comments, however the section is marked up.
_COMMENTS_HEADING = re.compile(
    rf"^(?:{'|'.join(sorted(map(re.escape, COMMENT_HEADINGS), key=len, reverse=True))})"
    r"\s*[(:\d)\s]*$",
    re.I,
)
_COMMENTS_NAME = re.compile(r"comment|respons|reader-?opinion|disqus", re.I)
# A fact box beside the text (key figures, a background list, a product's specifications):
# the page's aside, named so by its container, not the article's running text.
_FACT_BOX = re.compile(r"fact-?box|info-?box|fakta|factfile|fact-?sheet", re.I)


def _reader_comments(
    doc: _Element, boxes: NamedBoxes | None = None, elements: PageElements | None = None
) -> set[str]:
    """The text blocks of readers' comment sections: containers named like comments, or headed
    «آراء القراء», «التعليقات»…, which generic extraction may take for the article's end.
    ``boxes`` is the page's :func:`named_boxes`, ``elements`` its :class:`PageElements`, when
    already found."""
    found: set[str] = set()
    elements = elements or PageElements(doc)
    sections = list((boxes or named_boxes(doc, elements)).comments)
    headings = [h for h in elements.of("h2-h5") if next(h.iterancestors("body"), None) is not None]
    for heading in headings:
        if _COMMENTS_HEADING.match(normalize_line(heading.text_content())):
            parent = heading.getparent()
            if parent is not None:
                sections.append(parent)
    if not sections:
        return found
    total = len(doc.text_content())
    for section in sections:
        # A container holding most of the page, or the headline, is the page, not its comments.
        if len(section.text_content()) > 0.5 * total or next(section.iter("h1"), None) is not None:
            continue
        blocks, _ = html_blocks(section)
        found.update(b for b in blocks if len(b) >= 20)
    return found


@dataclass
class NamedBoxes:
    """The body's elements whose class or id names them as readers' comments or as fact boxes,
    in document order."""

    comments: list[_Element]
    fact_boxes: list[_Element]


# Fixed strings every match of the name patterns above holds, lower-case: the elements whose
# names hold none of them need no test (keep them in step with the patterns).
_COMMENTS_NAME_PARTS = ("comment", "respons", "opinion", "disqus")
_FACT_BOX_PARTS = ("fact", "info", "fakta")


def named_boxes(doc: _Element, elements: PageElements | None = None) -> NamedBoxes:
    """The comment and fact-box containers of the page's body. ``elements`` is the page's
    :class:`PageElements`, when already found."""
    elements = elements or PageElements(doc)
    found: list[list[_Element]] = []
    for pattern, parts in ((_COMMENTS_NAME, _COMMENTS_NAME_PARTS), (_FACT_BOX, _FACT_BOX_PARTS)):
        found.append(
            [
                el
                for el in elements.having(parts, case_blind=True)
                if pattern.search(f"{el.get('class') or ''} {el.get('id') or ''}")
                and next(el.iterancestors("body"), None) is not None
            ]
        )
    return NamedBoxes(*found)


def _drop_furniture_lines(
    blocks: list[str], titles: set[str | None], captions: set[str]
) -> list[str]:
    """Blocks that are a headline (the record's title or the page's own heading, which can
    differ from a JSON-LD headline) or an image caption repeated inside the text go, so do the
    blocks before the headline (a teaser of another box) and an embedded tweet's picture link."""
    out = [b for b in blocks if b not in captions]
    # The text starts after its headline: what comes before it is a teaser of another box,
    # unless it outweighs what follows (main-content extraction put the headline and its date
    # line after the text they head).
    heading = next((i for i, b in enumerate(out[:6]) if b in titles), None)
    if heading is not None:
        before, after = out[:heading], out[heading + 1 :]
        out = after if sum(map(len, before)) < sum(map(len, after)) else before + after
    while out and out[0] in titles:
        out.pop(0)
    # The headline (and its date line) put after the text of a long article, out of reach of
    # the look at the first blocks above.
    end = next((i for i in range(max(1, len(out) - 3), len(out)) if out[i] in titles), None)
    if end is not None and sum(map(len, out[end + 1 :])) < 100:
        out = out[:end]
    # An embedded tweet's picture link is the embed's, not the text's.
    out = [_EMBED_LINK.sub("", b).rstrip() if "t.co" in b or "twitter.com" in b else b for b in out]
    return [b for b in out if b]


_EMBED_LINK = re.compile(r"\s*(?:pic\.twitter\.com|https?://t\.co)/\w+")


def _with_printed_summary(
    doc: _Element, blocks: list[str], description: str, titles: set[str | None]
) -> list[str]:
    """The article's summary (standfirst) printed under its headline opens the text when the
    body does not hold it yet: main-content extraction takes it for part of the header.

    Only a summary the page prints (the same text as its description) counts, outside
    navigation, sidebars and related lists; a summary box the text repeats is not doubled.
    """
    key = _squash(description).lower()
    if len(key) < 40 or key[:60] in _squash(" ".join(blocks[:3])).lower():
        return blocks
    probe = description[:30]
    if '"' in probe or "'" in probe:
        return blocks
    for node in _xpath("//body//text()[contains(., $head)]")(doc, head=probe):
        el = node.getparent()
        if el is None:
            continue
        if node.is_tail:
            el = el.getparent()
        # Up to the element holding the whole summary (raw length: spaces count, a loose bound).
        while el is not None and len(el.text_content()) < len(key) * 0.9:
            el = el.getparent()
        if el is None or el.tag in ("body", "html", "script", "style"):
            continue
        text = normalize_line(el.text_content())
        printed = _squash(text).lower()
        # The element prints the summary and nothing much else (not the whole article).
        if not printed.startswith(key[:60]) or len(printed) > 1.3 * len(key) + 20:
            continue
        if text in titles or any(_side_box(a) for a in [el, *el.iterancestors()]):
            continue
        return [text, *blocks]
    return blocks


def _side_box(el: _Element) -> bool:
    if el.tag == "header":
        # An article's own header holds its headline and summary; the page's header does not.
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    return is_page_furniture(el)


# Markdown and layout directives a CMS left in a JSON-LD articleBody: ``[text](url)`` links,
# ``**bold**``, ``## heading``, ``{: .class}`` attributes, ``+++dropcap`` and ``[#image: …]`` lines.
_MD_EVIDENCE = re.compile(r"\]\(https?://|^\+\+\+|^\{:|^\[#\w+:|\*\*\S", re.M)
_MD_DIRECTIVE = re.compile(r"\+\+\+[\w-]*|\{:[^}]*\}|\[#\w+:[^\]]*\]|(?:\*{3,}|-{3,}|_{3,})")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|/)[^)\s]*\)")
_MD_ATTRIBUTES = re.compile(r"\{:[^}]*\}")
_MD_STRONG = re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(\S(?:[^*]*?\S)?)\*(?![\w*])")
_MD_HEADING = re.compile(r"^#{1,6}\s+")


def plain_markup(blocks: list[str]) -> list[str]:
    """A JSON-LD body written in Markdown, as the text a reader sees: link text without its
    address, no emphasis marks, no layout directives. Text with no sign of Markdown is kept
    as it is (an asterisk in «f***» or a rating is not markup)."""
    if not any(_MD_EVIDENCE.search(b) for b in blocks):
        return blocks
    out: list[str] = []
    for block in blocks:
        if _MD_DIRECTIVE.fullmatch(block):
            continue
        text = _MD_LINK.sub(r"\1", block)
        text = _MD_ATTRIBUTES.sub("", text)
        text = _MD_STRONG.sub(r"\2", text)
        text = _MD_EMPHASIS.sub(r"\1", text)
        text = normalize_line(_MD_HEADING.sub("", text))
        if text:
            out.append(text)
    return out


# A long block (more than a headline) whose whole text is inside one link is another article's
# teaser (headline and summary inside an <a>), kept by main-content extraction from a related
# box inside the text. A linked headline alone may be the text's own list item: it stays.
_TEASER_CHARS = 120
_HEADLINE_CHARS = 15
_HEADLINE_RUN = 3


def _linked_item(block: str, links: set[str]) -> bool:
    """The block is a link, or a kicker then a link: «<b>اقتصاد:</b> <a>headline</a>»."""
    if block in links:
        return True
    head, sep, rest = block.partition(": ")
    return bool(sep) and len(head.split()) <= 4 and rest in links and len(rest) >= _HEADLINE_CHARS


def _contents_entry(block: str, anchors: list[str]) -> bool:
    """An entry of the text's table of contents: a link to a place in the page itself,
    with at most a few words after it."""
    return len(block.split()) <= 15 and any(block.startswith(a) for a in anchors)


def drop_link_teasers(
    doc: _Element, blocks: list[str], elements: PageElements | None = None
) -> list[str]:
    """The blocks that are not another article's teaser: a long block whose whole text is
    inside one link, or a run of three or more blocks that are each a whole link (a list of
    headlines, a table of contents). All blocks stay when such links would take most of the
    text (a page that links its own paragraphs). ``elements`` is the page's
    :class:`PageElements`, when already found."""
    if not blocks:
        return blocks
    links: set[str] = set()
    anchors: list[str] = []
    for a in elements.of("a") if elements is not None else doc.iter("a"):
        # A link with no child element is its own text: no text search to run.
        text = " ".join((a.text_content() if len(a) else a.text or "").split())
        links.add(text)
        if len(text) >= 3 and (a.get("href") or "").startswith("#"):
            anchors.append(text)
    long_links = [t for t in links if len(t) >= _TEASER_CHARS]
    teaser = [len(b) >= _TEASER_CHARS and any(b in t for t in long_links) for b in blocks]
    whole = [
        (len(b) >= _HEADLINE_CHARS and _linked_item(b, links)) or _contents_entry(b, anchors)
        for b in blocks
    ]
    i = 0
    while i < len(blocks):
        j = i
        # A block repeating one of the run is the first section's own heading after the
        # table of contents: the run ends before it.
        while j < len(blocks) and whole[j] and blocks[j] not in blocks[i:j]:
            j += 1
        if j - i >= _HEADLINE_RUN:
            teaser[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    kept = [b for b, t in zip(blocks, teaser, strict=True) if not t]
    if sum(map(len, kept)) < 0.5 * sum(map(len, blocks)):
        return blocks
    return kept


def drop_fact_boxes(doc: _Element, blocks: list[str], boxes: NamedBoxes | None = None) -> list[str]:
    """The blocks outside containers named as fact boxes; all of them when the boxes would
    take nearly all of the text (a page that names its whole body so). ``boxes`` is the page's
    :func:`named_boxes`, when already found."""
    if not blocks:
        return blocks
    boxed: set[str] = set()
    for el in (boxes or named_boxes(doc)).fact_boxes:
        found, _ = html_blocks(el)
        boxed.update(found)
    if not boxed:
        return blocks
    kept = [b for b in blocks if b not in boxed]
    # A long box (a transcript, a timeline) may outweigh the text it accompanies; a box
    # holding nearly all of it is the text itself.
    if sum(map(len, kept)) < 0.25 * sum(map(len, blocks)):
        return blocks
    return kept


# ------------------------------------------------------------------------------------------------
# When a registered site's selectors suffice

# A selectors body this long, this paragraphed and this free of links is the article's text when
# it also holds the page's own summary or starts right under its headline: trafilatura's guess,
# the dearest step of extraction, need not run to check it.
_CONFIDENT_BLOCKS = 3
_CONFIDENT_CHARS = 300
_CONFIDENT_LINKS = 0.2
# Most of the summary's words are in the text (a summary written apart from the text shares
# fewer; the headline test covers it).
_SUMMARY_WORDS = 0.6
# Text between the headline and the body: a byline, a date line, a caption, a short standfirst
# (at most 131 characters on the bundled pages). An article that short under a stale selector's
# box would be too short for choose_body's comparison to rescue anyway.
_UNDER_HEADLINE_CHARS = 250
_WORD = re.compile(r"\w{3,}")


def selectors_suffice(
    candidate: Candidate,
    container: _Element,
    description: str | None,
    headline: Callable[[], _Element | None],
) -> bool:
    """The site's selectors found the article's text itself, so generic main-content extraction
    need not run to be compared with it: a long, paragraphed body with few links that holds most
    words of the page's own summary (JSON-LD or meta description) or starts right under the
    page's headline. A stale selector that now matches another box (a most-read list, an
    unrelated long box) is neither, and meets the generic text in :func:`choose_body`."""
    if (
        len(candidate.blocks) < _CONFIDENT_BLOCKS
        or candidate.length < _CONFIDENT_CHARS
        or candidate.link_density >= _CONFIDENT_LINKS
    ):
        return False
    if description and _holds_words(candidate.blocks, description):
        return True
    head = headline()
    return head is not None and _under_headline(head, container)


def _holds_words(blocks: list[str], summary: str) -> bool:
    words = set(_WORD.findall(summary.lower()))
    if len(words) < 5:
        return False
    text = set(_WORD.findall(" ".join(blocks).lower()))
    return len(words & text) >= _SUMMARY_WORDS * len(words)


def _under_headline(headline: _Element, container: _Element) -> bool:
    """``container`` starts after ``headline`` in page order with little text between them, or
    holds it near its own start."""
    holders = set(container.iterancestors())
    if headline is container or headline in holders:
        return False
    heads = [headline, *headline.iterancestors()]
    if container in heads:
        return _text_before(container, headline) <= _UNDER_HEADLINE_CHARS
    # The lowest element holding both, and its children holding each.
    at = next((i for i, el in enumerate(heads) if el in holders), None)
    if at is None or at == 0:
        return False
    common, head_side = heads[at], heads[at - 1]
    body_side = next(
        (el for el in common if el is container or el in holders), None
    )  # the child of ``common`` on the container's side
    if body_side is None:
        return False
    children = list(common)
    if children.index(head_side) >= children.index(body_side):
        return False
    between = _text_after(head_side, headline) + _chars(head_side.tail)
    for el in children[children.index(head_side) + 1 : children.index(body_side)]:
        between += _element_chars(el)
        if between > _UNDER_HEADLINE_CHARS:
            return False
    if body_side is not container:
        between += _text_before(body_side, container)
    return between <= _UNDER_HEADLINE_CHARS


def _chars(text: str | None) -> int:
    return len(text.strip()) if text else 0


def _element_chars(el: _Element) -> int:
    """Text of an element and its tail (a comment's own text does not count)."""
    own = _chars(el.text_content()) if isinstance(el.tag, str) else 0
    return own + _chars(el.tail)


def _text_before(root: _Element, target: _Element) -> int:
    """Characters of text inside ``root`` before ``target`` (one of its descendants) starts."""
    holders = set(target.iterancestors())
    total = _chars(root.text) if isinstance(root.tag, str) else 0
    el = root
    while True:
        for child in el:
            if child is target:
                return total
            if child in holders:
                total += _chars(child.text)
                el = child
                break
            total += _element_chars(child)
        else:
            return total


def _text_after(root: _Element, target: _Element) -> int:
    """Characters of text inside ``root`` after ``target`` (``root`` or one of its
    descendants) ends, ``root``'s own tail left out."""
    total = 0
    el = target
    while el is not root:
        total += _chars(el.tail)
        for sibling in el.itersiblings():
            total += _element_chars(sibling)
        el = el.getparent()
    return total
