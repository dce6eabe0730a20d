"""The fetched page: decoding, meta tags and CSS selection over the parsed tree."""

from __future__ import annotations

import bisect
import codecs
import contextlib
import functools
import itertools
import re
from typing import Any

import cssselect
import lxml.html
from lxml import etree
from lxml.cssselect import LxmlHTMLTranslator
from lxml.etree import ParserError, _Element
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from crawler.fields.jsonld import article_json_ld, parse_json_ld
from crawler.text import normalize_line

# ------------------------------------------------------------------------------------------------
# Decoding


def decode_html(data: bytes | str, content_type: str | None = None) -> str:
    """Decode a page: declared charset (HTTP, then meta), else UTF-8, else the legacy Arabic
    code page (windows-1256 or ISO-8859-6) under which the page reads as Arabic.

    Browsers and Scrapy fall back to cp1252 for undeclared pages, which turns Arabic into mojibake.
    NUL characters are dropped: no page means them, and the parser turns them into U+FFFD.
    """
    return _decoded(data, content_type)[0]


def _decoded(data: bytes | str, content_type: str | None) -> tuple[str, bytes | None]:
    """:func:`decode_html`'s text, and the page's own bytes when they are that text in UTF-8
    (read as UTF-8, nothing dropped): the parser reads those rather than the text encoded
    again."""
    if isinstance(data, str):
        text, utf8 = data, False
    else:
        text, utf8 = _decode(data, content_type)
    if "\x00" in text:
        return text.replace("\x00", ""), None
    return text, data if utf8 and isinstance(data, bytes) else None


def _decode(data: bytes, content_type: str | None) -> tuple[str, bool]:
    """The page's text, and whether it is the bytes read as UTF-8."""
    declared = http_content_type_encoding(content_type) if content_type else None
    declared = declared or html_body_declared_encoding(data)
    if declared:
        codec = _codec(declared)
        if not codec.startswith("utf") and not data.isascii():
            # A legacy label (Latin-1, windows-1256) on bytes that are valid UTF-8: a template's
            # stale label; legacy text practically never forms valid multi-byte UTF-8 sequences.
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("utf-8"), True
        try:
            text = data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if codec == "cp1252":
                arabic = data.decode("cp1256", errors="replace")
                if _arabic_plausibility(arabic) > max(_arabic_plausibility(text), 0):
                    return arabic, False
            return text, codecs.lookup(codec).name == "utf-8"
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    text = max(
        (data.decode(codec, errors="replace") for codec in ("cp1256", "iso-8859-6")),
        key=_arabic_plausibility,
    )
    return text, False


def _codec(name: str) -> str:
    name = name.lower()
    # Pages labelled Latin-1 or cp1252 that hold Arabic bytes are windows-1256 in practice.
    return {"iso-8859-1": "cp1252", "latin-1": "cp1252", "windows-1252": "cp1252"}.get(name, name)


_COMMON = ("ال", " في ", " من ", " على ", " إلى ", " أن ", "ة ", " و")


def _arabic_plausibility(text: str) -> float:
    score = sum(text.count(w) for w in _COMMON)
    return score - 5 * text.count("\ufffd")


# ------------------------------------------------------------------------------------------------
# Meta tags


def meta_tags(doc: _Element) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for meta in doc.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            out.setdefault(key.strip().lower(), []).append(normalize_line(content))
    return out


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def _css(
    doc: _Element, selector: str | None, elements: PageElements | None = None
) -> list[_Element]:
    """Matches of a selector group, alternative by alternative in the order written.

    A registry entry lists alternatives by preference (``div.article-body #firstBodyDiv,
    div.article-body``); document order would let an outer fallback win over the inner element.
    ``elements``, the page's :class:`PageElements` when already found, gives the elements of a
    bare tag name it gathers.
    """
    if not selector:
        return []
    if _PLAIN_TAG.fullmatch(selector):
        # A bare tag name ("h1", "title"): the tree's own iteration finds the same elements in
        # the same order, without evaluating an XPath test on every element.
        if elements is not None and _GATHERED.get(selector) == selector:
            return list(elements.of(selector))
        return list(doc.iter(selector))
    try:
        alternatives = _css_alternatives(selector)
    except Exception:  # noqa: BLE001 - a bad per-site selector must not stop extraction
        return []
    found: dict[_Element, None] = {}
    for xpath in alternatives:
        for el in doc.xpath(xpath):
            found.setdefault(el, None)
    return list(found)


_PLAIN_TAG = re.compile(r"[a-z][a-z0-9]*")


@functools.lru_cache(maxsize=256)
def _css_alternatives(selector: str) -> tuple[str, ...]:
    # XPath strings, not compiled XPath objects: those must not be shared between threads.
    translator = LxmlHTMLTranslator()
    return tuple(translator.selector_to_xpath(alt) for alt in cssselect.parse(selector))


def _select_text(
    doc: _Element, selector: str | None, elements: PageElements | None = None
) -> str | None:
    for el in _css(doc, selector, elements):
        text = normalize_line(el.text_content())
        if text:
            return text
    return None


def _select_element(doc: _Element, selector: str | None) -> _Element | None:
    """The element whose text :func:`_select_text` gives."""
    for el in _css(doc, selector):
        if normalize_line(el.text_content()):
            return el
    return None


def _time_attr(doc: _Element, selector: str | None) -> str | None:
    for el in _css(doc, selector):
        # <time datetime>, microdata <meta content>, and Blogger's <abbr title>.
        for attr in ("datetime", "content", "title"):
            if el.get(attr):
                return el.get(attr)
    return None


# ------------------------------------------------------------------------------------------------
# The page's elements, walked once

# The kinds of element extraction reads from the whole page (the article's pictures, figures,
# links, paragraphs, headlines and the title; headings h2-h5 together, in page order): gathered
# by the one walk, where a search of the tree for each kind walks the whole page again.
_GATHERED = {tag: tag for tag in ("a", "body", "figure", "h1", "img", "p", "title")}
_GATHERED.update(dict.fromkeys(("h2", "h3", "h4", "h5"), "h2-h5"))


class PageElements:
    """One walk of the page's elements: the elements that carry a class or an id, in document
    order, with their names (class and id) in one string; and the elements of the kinds
    extraction reads (:meth:`of`).

    Several rules look for elements by name (readers' comments, fact boxes, caption classes,
    bylines, the boxes trafilatura prunes before extracting): tested element by element, in
    Python or by an XPath search, each cost a walk of the whole page. One walk here serves them
    all, and a search of the string for fixed strings that a rule's names hold finds, in C, the
    few elements the rule then tests itself.
    """

    def __init__(self, doc: _Element) -> None:
        self.named: list[_Element] = []
        names: list[str] = []
        self._kinds: dict[str, list[_Element]] = {kind: [] for kind in _GATHERED.values()}
        by_tag = {tag: self._kinds[kind] for tag, kind in _GATHERED.items()}
        for el in doc.iter(etree.Element):
            gathered = by_tag.get(el.tag)
            if gathered is not None:
                gathered.append(el)
            cls, ident = el.get("class"), el.get("id")
            if cls is None and ident is None:
                continue
            self.named.append(el)
            names.append(f"{cls or ''} {ident or ''}\n")
        self._names = names
        self._text = "".join(names)
        self._lowered: str | None = None
        self._ends: list[int] | None = None

    def of(self, kind: str) -> list[_Element]:
        """The page's elements of one kind, as ``doc.iter(kind)`` gives them: a tag of
        :data:`_GATHERED`, or ``"h2-h5"`` for ``doc.iter("h2", "h3", "h4", "h5")``."""
        return self._kinds[kind]

    def having(self, parts: tuple[str, ...], *, case_blind: bool = False) -> list[_Element]:
        """The elements whose class or id holds one of ``parts`` (with ``case_blind``, lower-case
        strings found in any case), in document order; maybe a few more (a part running from
        one name into the next): each caller tests its own condition on them."""
        text = self._lower() if case_blind else self._text
        found: set[int] = set()
        if text is None:
            found.update(m.start() for m in _case_blind(parts).finditer(self._text))
        else:
            for part in parts:
                at = text.find(part)
                while at >= 0:
                    found.add(at)
                    at = text.find(part, at + 1)
        if not found:
            return []
        if self._ends is None:
            self._ends = list(itertools.accumulate(map(len, self._names)))
        indexes = sorted({bisect.bisect_right(self._ends, at) for at in found})
        return [self.named[i] for i in indexes]

    def _lower(self) -> str | None:
        """The names lower-cased, at the same offsets and matching lower-case ASCII strings
        where a case-blind pattern would; None when lower-casing changed the offsets («İ»
        becomes two characters) or left a letter such a pattern takes for an ASCII one («ı» for
        i, «ſ» for s): a case-blind search then (slower, no such page in practice)."""
        if self._lowered is None:
            self._lowered = self._text.lower()
        text = self._lowered
        if len(text) != len(self._text) or "ı" in text or "ſ" in text:
            return None
        return text


@functools.lru_cache(maxsize=32)
def _case_blind(parts: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, parts)), re.IGNORECASE)


# ------------------------------------------------------------------------------------------------
# The page


def _html_parser(encoding: str | None = None) -> lxml.html.HTMLParser:
    """lxml.html's parser, with its element classes chosen in C: lxml.html's own parser asks a
    Python method for the class of every element the code touches (several thousand calls on a
    real page, by ours and by trafilatura's walks of the tree), only to give form elements
    their form helpers, which nothing here uses."""
    parser = lxml.html.HTMLParser(encoding=encoding)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


# Shared the way lxml.html shares its own parser (lxml serialises its use between threads).
_PARSER = _html_parser()
# The decoded text is parsed as UTF-8 bytes: lxml hands a Python string to libxml2 in its
# in-memory form (UCS-2 or UCS-4 for Arabic text), which libxml2 converts first; UTF-8 it reads
# as is (about 15% faster, the same tree).
_UTF8_PARSER = _html_parser("utf-8")


# lxml refuses a string that declares its encoding in an XML declaration (XHTML pages:
# «<?xml version="1.0" encoding="utf-8"?>»).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parse(text: str, utf8: bytes | None) -> _Element:
    """The tree of the page's text; ``utf8`` is that text in UTF-8, when at hand. The UTF-8
    parser reads UTF-8 whatever an XML declaration says (the text is decoded already)."""
    with contextlib.suppress(UnicodeEncodeError):  # a lone surrogate in a given string
        data = utf8 if utf8 is not None else text.encode("utf-8")
        return lxml.html.document_fromstring(data, parser=_UTF8_PARSER)
    return lxml.html.document_fromstring(_XML_DECLARATION.sub("", text), parser=_PARSER)


class Page:
    """One fetched page, decoded and parsed once: the tree, its JSON-LD objects, its meta tags
    and trafilatura's main content, each computed on first use and then shared by article
    detection and by every field's extraction. Nothing here changes the tree."""

    def __init__(self, url: str, text: str, doc: _Element) -> None:
        self.url = url
        self.text = text
        self.doc = doc

    @classmethod
    def parse(cls, url: str, html: bytes | str, content_type: str | None = None) -> Page:
        text, utf8 = _decoded(html, content_type)
        try:
            doc = _parse(text, utf8)
        except (ParserError, ValueError):
            doc = lxml.html.document_fromstring("<html><body></body></html>", parser=_PARSER)
        return cls(url, text, doc)

    @functools.cached_property
    def json_ld(self) -> list[dict[str, Any]]:
        return parse_json_ld(self.doc)

    @functools.cached_property
    def article_ld(self) -> dict[str, Any]:
        """The JSON-LD object describing the article (``{}`` when there is none)."""
        return article_json_ld(self.json_ld)

    @functools.cached_property
    def meta(self) -> dict[str, list[str]]:
        return meta_tags(self.doc)

    @functools.cached_property
    def elements(self) -> PageElements:
        return PageElements(self.doc)

    @functools.cached_property
    def generic_blocks(self) -> list[str]:
        """trafilatura's main content, as blocks (it works on a copy of the tree)."""
        from crawler.fields.body import _generic_blocks

        return _generic_blocks(self.doc, self.url, self.elements)
