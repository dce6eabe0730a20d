"""The article's text from the data a script-rendered page ships in its inline scripts (Next.js,
Nuxt, a ``window.__…_STATE__`` store, JSON blobs), for pages whose HTML body holds none of it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml.etree import ParserError, _Element

from crawler.blocks import html_blocks
from crawler.text import normalize_line

# Work caps: a page's scripts can hold megabytes of data (a whole store, every teaser of the
# site); past these the rest is left unread rather than slowing extraction down.
_MAX_SCRIPT_CHARS = 4_000_000
_MAX_TOTAL_CHARS = 12_000_000
_MAX_NODES = 400_000
_MAX_DEPTH = 80

# A text shorter than this is a summary, a caption or a teaser, not an article body.
_MIN_CHARS = 250
# A plain string this long may be a body even without paragraph markup.
_MIN_PLAIN_CHARS = 400
# HTML whose text is more than this share link text is a list of links, not running text.
_MAX_LINK_SHARE = 0.3
# Share of the words of a headline or summary (of at least _MIN_WORDS words) the text must hold.
_WORDS_SHARE = 0.6
_MIN_WORDS = 4

# A global named like a framework's store (``window.__INITIAL_STATE__ =``, ``var __NUXT__=``,
# ``window["__PRELOADED_STATE__"] =``); the name alone is searched for, a literal prefix the
# search finds fast.
_ASSIGNED = re.compile(r"""__(?:[A-Za-z][A-Za-z0-9_]*__|[A-Z][A-Z0-9_]*)["']?\s*\]?\s*=(?!=)""")
_FLIGHT_PUSH = re.compile(r"""self\.__next_f\.push\(\s*\[\s*1\s*,\s*(?=")""")
_JSON_PARSE = re.compile(r"""JSON\.parse\(\s*(?=")""")
_STRING_LITERAL = re.compile(rf'"(?:[^"\\\n]|\\.){{{_MIN_PLAIN_CHARS},}}"')
_FLIGHT_ROW = re.compile(rb"([0-9a-fA-F]{1,8}):([A-Z]{0,2})")
_FLIGHT_REF = re.compile(r"\$([0-9a-f]{1,8})")
_PARAGRAPH_TAG = re.compile(r"<p[\s>]", re.I)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_SQUASH = re.compile(r"\W+")
_LETTERS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"\w{3,}")
_URL = re.compile(r"https?://\S+")
# A template's placeholder left in the text (``$$ARTICLEAD$$``, ``{{AD_SLOT}}``, ``%%AD%%``).
_PLACEHOLDER = re.compile(r"[$%#{\[]{1,3}[A-Z0-9_]+[$%#}\]]{1,3}")
_CODE = re.compile(r"[{};=]|function\s*\(|=>")

# Keys naming what is not the article's text (readers' comments, other articles, the site's
# furniture): what they hold is not read.
_OTHER_BOX = re.compile(
    r"comment|repl(?:y|ies)|related|recommend|most_?read|popular|trending|teaser|navigation|"
    r"menu|footer|cookie|consent|newsletter",
    re.I,
)
# Kinds of the items of a body written as a list of blocks (rich-text editors' JSON: Draft,
# Slate, Portable Text, Contentful, Editor.js, a CMS's own "type": "paragraph" objects), and
# the keys that hold their text.
_BLOCK_KINDS = {
    "p", "paragraph", "text", "block", "blockquote", "quote", "heading", "h2", "h3", "h4",
    "subheading", "header", "li", "list-item", "listitem", "unstyled", "header-two",
    "header-three", "richtext", "rich-text", "html", "subheadline", "subhead", "crosshead",
    "intertitle", "lead", "standfirst",
}  # fmt: skip
# Headings numbered every way editors write them: h2, heading-2, heading_two, header-three.
_HEADING_KIND = re.compile(r"heading|header|title|h")
_HEADING_LEVEL = re.compile(r"[-_ ]?(?:[1-6]|one|two|three|four|five|six)")


def _block_kind(kind: str) -> bool:
    if kind in _BLOCK_KINDS:
        return True
    head = _HEADING_KIND.match(kind)
    return head is not None and _HEADING_LEVEL.fullmatch(kind, head.end()) is not None


_KIND_KEYS = ("type", "_type", "nodeType", "tag", "tagName", "kind", "__typename", "blockType")
_TEXT_KEYS = (
    "text", "value", "content", "children", "html", "data", "body", "plain", "model", "blocks",
    "fields",
)  # fmt: skip
# An item with one of these keys is a teaser of another page (a related article, a link card).
_LINK_KEYS = {"url", "href", "link", "slug", "permalink", "canonical", "canonicalUrl", "path"}


@dataclass
class _Found:
    blocks: list[str]
    link_share: float
    matched: bool
    html: bool

    @property
    def length(self) -> int:
        return sum(len(b) for b in self.blocks)


def script_blocks(
    doc: _Element, titles: set[str | None], description: str | None
) -> tuple[list[str], float]:
    """The blocks of the longest article-like text in the page's script data, and their link
    share; no blocks when there is none.

    A text counts when it is long running text (an HTML fragment of paragraphs, a long plain
    string, or a list of paragraph objects) with few links, and either sits in an object (or
    one around it) whose headline is the page's, or holds most words of the page's summary or
    headline: a related article's body, a comment or a cookie notice matches neither. Malformed
    data is skipped, never raised on.
    """
    keys = _Keys(titles, description)
    best: _Found | None = None
    for found in _candidates(doc, keys):
        if not found.matched:
            continue
        if best is None or (found.length, found.html) > (best.length, best.html):
            best = found
    return (best.blocks, best.link_share) if best else ([], 0.0)


class _Keys:
    """What ties a text to the page: its headlines and its summary, squashed for comparison."""

    def __init__(self, titles: set[str | None], description: str | None) -> None:
        self.titles = [t for t in (_squash(x) for x in titles if x) if len(t) >= 8]
        self.word_sets = [
            w
            for w in (set(_WORD.findall(x.lower())) for x in (*titles, description) if x)
            if len(w) >= _MIN_WORDS
        ]

    def is_title(self, value: str) -> bool:
        if not 8 <= len(value) <= 400:
            return False
        v = _squash(value)
        if len(v) < 8:
            return False
        # The page's headline may carry the site's name after it, or be cut short.
        return any((v in t and len(v) >= 0.5 * len(t)) or t in v for t in self.titles)

    def holds_words(self, blocks: list[str]) -> bool:
        text = set(_WORD.findall(" ".join(blocks).lower()))
        return any(len(w & text) >= _WORDS_SHARE * len(w) for w in self.word_sets)


def _squash(text: str) -> str:
    return _SQUASH.sub("", text).lower()


# ------------------------------------------------------------------------------------------------
# Payloads


def _payloads(doc: _Element) -> Iterator[Any]:
    """JSON values of the page's inline script data, and loose long string literals of script
    data that is not JSON (a Nuxt 2 ``__NUXT__`` function); flight data comes as its rows."""
    flight: list[str] = []
    total = 0
    for script in doc.iter("script"):
        text = script.text
        if not text or len(text) > _MAX_SCRIPT_CHARS or total > _MAX_TOTAL_CHARS:
            continue
        kind = (script.get("type") or "").strip().lower()
        if kind == "application/ld+json":
            continue  # the JSON-LD candidate's
        if kind and "json" not in kind and "javascript" not in kind:
            continue  # a template, a module or a shader
        if "json" in kind:
            total += len(text)
            value = _loads(text)
            if value is not None:
                yield _devalued(value)
            continue
        if "__next_f" in text:
            total += len(text)
            flight.extend(_pushed(text))
            continue
        if _ASSIGNED.search(text):
            total += len(text)
            yield from _assignments(text)
    if flight:
        yield from _flight_rows("".join(flight))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


_DECODER = json.JSONDecoder()


def _raw_decode(text: str, at: int) -> tuple[Any, int] | None:
    try:
        return _DECODER.raw_decode(text, at)
    except (ValueError, RecursionError):
        return None


def _pushed(text: str) -> Iterator[str]:
    """The string literals ``self.__next_f.push([1, "…"])`` calls push, decoded."""
    for match in _FLIGHT_PUSH.finditer(text):
        decoded = _raw_decode(text, match.end())
        if decoded is not None and isinstance(decoded[0], str):
            yield decoded[0]


def _assignments(text: str) -> Iterator[Any]:
    """The values ``window.__STATE__ = …`` statements assign: a JSON literal or a
    ``JSON.parse("…")`` of one; when one is JavaScript (a function building the value), the long
    string literals of the script."""
    at = 0
    loose = False
    while (match := _ASSIGNED.search(text, at)) is not None:
        at = match.end()
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        parse = _JSON_PARSE.match(text, at)
        if parse:
            decoded = _raw_decode(text, parse.end())
            if decoded is not None and isinstance(decoded[0], str):
                value = _loads(decoded[0])
                if value is not None:
                    yield value
                    at = decoded[1]
                    continue
        elif text[at : at + 1] in ("{", "["):
            decoded = _raw_decode(text, at)
            if decoded is not None:
                yield decoded[0]
                at = decoded[1]
                continue
        loose = True
    if loose:
        for literal in _STRING_LITERAL.finditer(text):
            value = _loads(literal.group())
            if isinstance(value, str):
                yield value


def _flight_rows(data: str) -> Iterator[Any]:
    """The values of React Server Components flight data (``id:JSON`` lines and ``id:T<hex
    length>,<text>`` text rows), with ``"$id"`` references to text rows resolved in place."""
    raw = data.encode("utf-8", "surrogatepass")
    texts: dict[str, str] = {}
    values: list[Any] = []
    pos = 0
    while pos < len(raw):
        row = _FLIGHT_ROW.match(raw, pos)
        if row is None:
            end = raw.find(b"\n", pos)
            pos = len(raw) if end < 0 else end + 1
            continue
        ident, tag = row.group(1).decode().lower(), row.group(2)
        if tag == b"T":
            comma = raw.find(b",", row.end(), row.end() + 10)
            try:
                size = int(raw[row.end() : comma], 16) if comma > 0 else -1
            except ValueError:
                size = -1
            if size >= 0:
                texts[ident] = raw[comma + 1 : comma + 1 + size].decode("utf-8", "replace")
                pos = comma + 1 + size
                continue
        end = raw.find(b"\n", row.end())
        end = len(raw) if end < 0 else end
        if not tag and raw[row.end() : row.end() + 1] in (b"[", b"{"):
            value = _loads(raw[row.end() : end].decode("utf-8", "replace"))
            if value is not None:
                values.append(value)
        pos = end + 1
    used: set[str] = set()

    def resolve(value: Any, depth: int = 0) -> Any:
        if isinstance(value, str):
            ref = _FLIGHT_REF.fullmatch(value)
            if ref and ref.group(1) in texts:
                used.add(ref.group(1))
                return texts[ref.group(1)]
            return value
        if depth > _MAX_DEPTH:
            return None
        if isinstance(value, list):
            return [resolve(v, depth + 1) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v, depth + 1) for k, v in value.items()}
        return value

    for value in values:
        yield resolve(value)
    # A text row nothing refers to (or whose reference sits in a row not read).
    for ident, text in texts.items():
        if ident not in used:
            yield text


def _devalued(value: Any) -> Any:
    """Nuxt 3's payload (``__NUXT_DATA__``: a flat array whose objects point at their values
    by index) as the nested value it stands for; any other value as it is."""
    if not (isinstance(value, list) and value and isinstance(value[0], list)):
        return value
    head = value[0]
    if not (len(head) == 2 and head[0] in ("Reactive", "ShallowReactive") and head[1] == 1):
        return value
    # Every object built once (values are shared by index: the same string or object may be
    # pointed at from many places); one still being built is a cycle, read as None.
    built: dict[int, Any] = {}
    building: set[int] = set()
    count = [0]

    def at(index: Any, depth: int) -> Any:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(value):
            return None
        item = value[index]
        if not isinstance(item, (dict, list)):
            return item
        if index in built:
            return built[index]
        if index in building or depth > _MAX_DEPTH or count[0] > _MAX_NODES:
            return None
        building.add(index)
        count[0] += 1
        out: Any
        if isinstance(item, dict):
            out = {k: at(v, depth + 1) for k, v in item.items()}
        elif item and isinstance(item[0], str) and item[0] in _DEVALUE_WRAPPERS:
            out = at(item[1], depth + 1) if len(item) > 1 else None
        else:
            out = [at(v, depth + 1) for v in item]
        building.discard(index)
        built[index] = out
        return out

    return at(1, 0)


_DEVALUE_WRAPPERS = {"Reactive", "ShallowReactive", "Ref", "ShallowRef", "EmptyRef", "Set", "Map"}


# ------------------------------------------------------------------------------------------------
# Walking the data


def _candidates(doc: _Element, keys: _Keys) -> Iterator[_Found]:
    budget = [_MAX_NODES]
    for payload in _payloads(doc):
        if budget[0] <= 0:
            return
        yield from _walk(payload, [], keys, budget, 0)


def _walk(
    value: Any, holders: list[dict[str, Any]], keys: _Keys, budget: list[int], depth: int
) -> Iterator[_Found]:
    budget[0] -= 1
    if budget[0] <= 0 or depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        if len(value) >= _MIN_CHARS:
            head, tail = value[:1], value.rstrip()[-1:]
            if (head, tail) in (("{", "}"), ("[", "]")):
                # JSON written into a string of the data (a JSON-LD script's text, a widget's
                # settings): its values, not its source, may be the text.
                nested = _loads(value)
                if nested is not None:
                    yield from _walk(nested, holders, keys, budget, depth + 1)
                    return
            found = _from_string(value)
            if found is not None:
                found.matched = _ties(found, holders, keys)
                yield found
        return
    if isinstance(value, dict):
        holders.append(value)
        for name, item in value.items():
            if isinstance(item, (dict, list, str)) and not _OTHER_BOX.search(name):
                yield from _walk(item, holders, keys, budget, depth + 1)
        holders.pop()
        return
    if isinstance(value, list):
        blocks = _block_list(value)
        if blocks:
            found = _Found(blocks, 0.0, False, False)
            found.matched = _ties(found, holders, keys)
            yield found
        for item in value:
            if isinstance(item, (dict, list, str)):
                yield from _walk(item, holders, keys, budget, depth + 1)


def _ties(found: _Found, holders: list[dict[str, Any]], keys: _Keys) -> bool:
    """The text sits in an object (or one of the three around it) holding the page's
    headline, or holds most words of the page's summary or headline."""
    for holder in holders[-4:]:
        for v in holder.values():
            if isinstance(v, str) and keys.is_title(v):
                return True
    return keys.holds_words(found.blocks)


def _from_string(value: str) -> _Found | None:
    if "&lt;" in value and "<" not in value:
        import html

        value = html.unescape(value)
    paragraphs = len(_PARAGRAPH_TAG.findall(value))
    if paragraphs >= 2 or len(_BREAK_TAG.findall(value)) >= 3:
        try:
            fragment = lxml.html.fragment_fromstring(value, create_parent="div")
        except (ParserError, ValueError):
            return None
        blocks, links = html_blocks(fragment)
        blocks = [b for b in blocks if not _PLACEHOLDER.fullmatch(b)]
        if not _running_text(blocks) or links > _MAX_LINK_SHARE:
            return None
        return _Found(blocks, links, False, True)
    if len(value) < _MIN_PLAIN_CHARS or _TAG.search(value):
        return None
    blocks = [b for b in (normalize_line(x) for x in value.splitlines()) if b]
    if not _running_text(blocks):
        return None
    return _Found(blocks, 0.0, False, False)


def _running_text(blocks: list[str]) -> bool:
    """Long enough, not code, not a list of addresses."""
    text = " ".join(blocks)
    if len(text) < _MIN_CHARS:
        return False
    # Words, not an encoded picture or a token (a space every 30 characters at least).
    if text.count(" ") < len(text) / 30:
        return False
    if len(_CODE.findall(text)) > len(text) / 100:
        return False
    urls = sum(len(u) for u in _URL.findall(text))
    letters = sum(map(len, _LETTERS.findall(text)))
    return urls < 0.2 * len(text) and letters > 0.5 * len(text)


def _block_list(items: list[Any]) -> list[str]:
    """A body written as a list: paragraph objects of a rich-text editor, React elements
    (``["$", "p", key, {"children": …}]`` in flight data), or plain paragraph strings. Items of
    other kinds (images, embeds, ads) are skipped; an item that links elsewhere (a teaser)
    makes the list no body."""
    if len(items) < 2:
        return []
    blocks: list[str] = []
    for item in items[:2000]:
        if isinstance(item, str):
            if _FLIGHT_REF.fullmatch(item) or not item.strip():
                continue
            if len(item) < 40 or _URL.match(item):
                # Short strings: a list of tags, names or addresses, not of paragraphs.
                return []
            blocks.append(normalize_line(item))
            continue
        kind, content = _item_kind(item)
        if kind is None:
            continue
        if kind == "":
            return []
        if not _block_kind(kind):
            continue
        for line in _inline_text(content, 0).split("\n"):
            text = normalize_line(line)
            if "<" in text and _TAG.search(text):
                text = _html_text(text)
            if text:
                blocks.append(text)
    # Paragraphs, not a list of headlines or captions.
    if len(blocks) < 2 or sum(map(len, blocks)) < 60 * len(blocks) or not _running_text(blocks):
        return []
    return blocks


def _item_kind(item: Any) -> tuple[str | None, Any]:
    """The kind of a list item and what holds its text: None for an item that is no block
    (skipped: a picture, an embed), "" for one that rules the list out (a teaser: a text or a
    headline that links elsewhere)."""
    if isinstance(item, list):
        if len(item) >= 4 and item[0] == "$" and isinstance(item[1], str):
            props = item[3] if isinstance(item[3], dict) else {}
            return item[1].lower(), props.get("children")
        return None, None
    if not isinstance(item, dict):
        return None, None
    kind = next((item[k] for k in _KIND_KEYS if isinstance(item.get(k), str)), None)
    if kind is None:
        # A CMS's own name for it: "elementType", "bodyElementType", "block_type".
        kind = next(
            (v for k, v in item.items() if isinstance(v, str) and k.lower().endswith("type")),
            None,
        )
    if any(k in _LINK_KEYS and isinstance(item[k], str) and item[k] for k in item):
        if (kind is None and ("title" in item or "headline" in item)) or (
            kind is not None and _block_kind(kind.lower())
        ):
            return "", None
        return None, None
    if kind is None:
        return None, None
    return kind.lower(), {k: item[k] for k in _TEXT_KEYS if k in item}


def _inline_text(value: Any, depth: int) -> str:
    """The text inside a block's content: its strings, in order, joined as inline runs
    (the items of a list of blocks inside it on lines of their own)."""
    if depth > 12:
        return ""
    if isinstance(value, str):
        return "" if _FLIGHT_REF.fullmatch(value) else value
    if isinstance(value, list):
        if len(value) >= 4 and value[0] == "$" and isinstance(value[1], str):
            props = value[3] if isinstance(value[3], dict) else {}
            return _inline_text(props.get("children"), depth + 1)
        # Block items inside a block (a section of paragraphs) stay apart: a line each.
        sep = "\n" if any(_item_kind(v)[0] for v in value[:3]) else ""
        return sep.join(_inline_text(v, depth + 1) for v in value)
    if isinstance(value, dict):
        # The first key holding text: a paragraph may hold its text twice, whole in "text"
        # and in runs under "blocks" or "children".
        for key in _TEXT_KEYS:
            if key in value:
                text = _inline_text(value[key], depth + 1)
                if text.strip():
                    return text
    return ""


def _html_text(text: str) -> str:
    try:
        fragment = lxml.html.fragment_fromstring(text, create_parent="div")
    except (ParserError, ValueError):
        return text
    return normalize_line(fragment.text_content())
