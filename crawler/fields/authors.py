"""The article's authors: JSON-LD people, author meta tags, or the byline elements of the page."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree
from lxml.etree import _Element

from crawler.fields.jsonld import ld_types
from crawler.page import PageElements, _css
from crawler.phrases import NEWSROOM_CREDITS
from crawler.text import normalize_for_matching, normalize_line

AUTHOR_PREFIX = re.compile(
    r"^(?:(?:كتب(?:ت|ه)?|بقلم|بواسطة|تقرير|إعداد|اعداد|تحرير|الكاتب|الكاتبة)\s*[:：\-–—/]?\s*"
    # Roles that name a writer only with a separator: «متابعة: …», «حوار: …».
    r"|(?:متابعة|حوار|ترجمة)\s*[:：\-–—/]\s*"
    r"|(?:by|von|par|por|door|av|af|di|da)(?:\s*[:：]\s*|\s+))",
    re.I,
)
# A title before the name («د. …», «الدكتور …»): the same writer is printed with and without it.
_HONORIFIC = re.compile(
    r"^(?:(?:د|أ|م)\s*\.\s*|(?:الدكتور|الدكتورة|الأستاذ|الأستاذة|المهندس|المهندسة|الشيخ)\s+)"
)
_NAME_SPLIT = re.compile(r"\s*(?:،|,|;|\s&\s|\s(?:and|und|og|et|y|e|en|ve|و)\s)\s*")
# A name's trailing initials or role in brackets: «Elena Oberholzer (obe)», «(Reuters)».
_TRAILING_NOTE = re.compile(r"\s*[(\[][^()\[\]]{1,40}[)\]]$")
_NOT_A_NAME = re.compile(r"^(?:https?://|www\.)|@\S+\.\w|^[\d\W_]+$")
# A role written after the name («신현주 기자», «記者»), or before it («المحرر محمد علي»).
_ROLE = re.compile(
    r"\s+(?:기자|특파원|記者|特派員)$|^(?:المحرر|المحررة|الكاتب|الكاتبة|الصحفي|الصحفية|مراسل|مراسلة"
    r"|مراسلنا|محرر)\s*[:：]?\s+"
)
# More words than a name has: a biography or a description, not a byline.
MAX_NAME_WORDS = 6
# Name schemes of other formats, read as authors too (Cxense, Parse.ly, Sailthru, Dublin Core).
_META_AUTHORS = (
    "author", "article:author", "og:article:author", "cxenseparse:author", "parsely-author",
    "sailthru.author", "dc.creator", "dcterms.creator", "dcsext.author", "twitter:misc:written by",
)  # fmt: skip
ORGANIZATION_TYPES = {"organization", "newsmediaorganization", "corporation", "newsagency"}


_NEWSROOM = {normalize_for_matching(c) for c in NEWSROOM_CREDITS}


def newsroom_credit(value: str) -> bool:
    """Whether a credit names the newsroom, a desk or the CMS account («محرر الموقع», admin),
    not a writer."""
    return normalize_for_matching(value) in _NEWSROOM


def split_names(value: str) -> list[str]:
    value = AUTHOR_PREFIX.sub("", normalize_line(value))
    names = []
    for name in _NAME_SPLIT.split(value):
        name = _TRAILING_NOTE.sub("", AUTHOR_PREFIX.sub("", name))
        if newsroom_credit(name):
            continue
        name = _HONORIFIC.sub("", _ROLE.sub("", name).strip(" .:-–—/|"))
        if newsroom_credit(name):
            continue
        if not name or len(name) > 80 or len(name.split()) > MAX_NAME_WORDS:
            continue
        if not _NOT_A_NAME.search(name):
            names.append(name)
    return names


# Beside a labelled byline: the credit of the pictures or the layout («… - تصوير: …»), the date
# and time («… في 23 نوفمبر 2026 الساعة 10:30»), and the place («… ـ القاهرة»): none of them
# a writer.
_OTHER_CREDIT = re.compile(
    r"\s*[-–—|،,]\s*(?:تصوير|فيديو|جرافيك|مونتاج|تصميم|صور|رسوم|Photos?|Video)\s*[:：].*$", re.I
)
_WHEN_WORDS = {
    "في", "بتاريخ", "الساعة", "يوم", "نشر", "الأحد", "الاحد", "الاثنين", "الإثنين", "الثلاثاء",
    "الأربعاء", "الاربعاء", "الخميس", "الجمعة", "السبت", "on", "am", "um", "le", "el",
}  # fmt: skip
_PLACE_AFTER = re.compile(r"\s+[ـ\-–—]\s+[\u0621-\u064a]{2,}(?:\s+[\u0621-\u064a]{2,})?$")


def byline_names(text: str) -> list[str] | None:
    """The writers a labelled byline line names («كتب: …», «بقلم / د. …», «كتب: … - تصوير: …»,
    «متابعة: … | 23 نوفمبر 2026», «كتب – … في 23 نوفمبر 2026 الساعة 10:30 م»); None if the
    line is not one."""
    text = normalize_line(text)
    match = AUTHOR_PREFIX.match(text)
    if not match or len(text) > 140 or text.endswith((".", "؟", "?", "!")):
        return None
    # «كتب الرئيس رسالة إلى الشعب» is a sentence: a label without a separator takes a short name.
    bare = not any(c in match.group() for c in ":：-–—/")
    rest = _OTHER_CREDIT.sub("", text[match.end() :])
    digit = next((i for i, c in enumerate(rest) if c.isdigit()), None)
    if digit is not None:
        words = rest[:digit].split()
        while words and (words[-1].strip("-–—|،,:") == "" or words[-1] in _WHEN_WORDS):
            words.pop()
        rest = " ".join(words)
    rest = _PLACE_AFTER.sub("", rest.strip(" -–—|،,"))
    if not rest or len(rest.split()) > 12 or any(c in rest for c in ':؟!"«»'):
        return None
    names = split_names(rest)
    # A name is capitalised where the script has cases («By the time we arrived» is no byline).
    if not names or not all(_PERSON.match(n) and not n[0].islower() for n in names):
        return None
    return None if bare and max(len(n.split()) for n in names) > 4 else names


# «الدمام: إيمان الخطاف», «القاهرة - محمد علي»: where it was written, then who wrote it.
_PLACE_BYLINE = re.compile(
    r"^(?P<place>[\u0621-\u064a]{2,}(?:\s+[\u0621-\u064a]{2,})?)\s*[:：\-–—]\s*"
    r"(?P<name>[\u0621-\u064a]{2,}(?:\s+[\u0621-\u064a]{2,}){1,3})$"
)
# Agencies and outlets sign this way too («الرياض - واس»): not a person.
_NOT_PEOPLE = re.compile(r"^(?:وكالات|وكالة|الوكالات|مراسلون|مراسلنا|خاص|متابعات|بيان)(?:\s|$)")


def place_byline(block: str) -> list[str] | None:
    """The writer of a «place: name» line opening the text (two to four Arabic words after a
    one- or two-word place); None if the block is not one."""
    match = _PLACE_BYLINE.match(block.strip())
    if not match or _NOT_PEOPLE.match(match["name"]):
        return None
    return [match["name"]]


def authors(
    doc: _Element,
    ld: dict[str, Any],
    meta: dict[str, list[str]],
    selector: str | None,
    site_names: Iterable[str] = (),
    elements: PageElements | None = None,
) -> tuple[list[str], list[str]]:
    """The people named as authors (JSON-LD's, else author meta tags, else the page's byline
    elements), and the organizations the page credits as authors (agencies, else the site
    itself), which stand as authors only when no person is named anywhere. ``elements`` is the
    page's :class:`PageElements`, when already found."""
    # The site itself is no author: its og:site_name, its domain, its JSON-LD publisher (an
    # «author» object repeating the publisher is a template's default, not a credit).
    publishers = [_person_name(p) for p in _items(ld.get("publisher")) if isinstance(p, dict)]
    own = {_fold(n) for n in [*site_names, *filter(None, publishers)] if len(_fold(n)) >= 3}
    people: list[str] = []
    organizations: list[str] = []

    # The site credited as author («BBC News عربي» in JSON-LD, «DER SPIEGEL» in the author
    # meta tag): a staff piece's byline, kept last, for when the page names nobody else.
    credited: list[str] = []

    def sort(names: Iterable[str], declared: bool = False) -> None:
        for name in names:
            if _fold(name) not in own:
                people.append(name)
                continue
            if declared:
                credited.append(name)
            # What follows the site's own name in one credit is its place or desk
            # («hessenschau.de, Frankfurt, Germany»), not more writers.
            break

    agencies: list[str] = []
    for item in _items(ld.get("author")):
        if isinstance(item, dict):
            name = _person_name(item)
            types = ld_types(item)
            if name and types & ORGANIZATION_TYPES:
                names = split_names(name)
                credited.extend(n for n in names if _fold(n) in own)
                names = [n for n in names if _fold(n) not in own]
                # A plain Organization beside the writers: an agency («SDA», «واس») credited
                # with them.
                if types == {"organization"}:
                    agencies.extend(names)
                organizations.extend(names)
            elif name:
                sort(split_names(name), declared=True)
        elif isinstance(item, str):
            sort(split_names(item), declared=True)
    if people:
        people.extend(agencies)
    if not people:
        for values in _meta_authors(meta):
            for value in values:
                sort(split_names(value), declared=True)
            if people:
                break
    # The page's microdata and rel="author" elements, for the generic searches below.
    marked: list[_Element] = []
    if not people:
        if selector:
            found = _css(doc, selector)
        else:
            marked = doc.xpath(_MARKED)
            elements = elements or PageElements(doc)
            found = _generic_bylines(marked, elements)
        for el in found:
            text = normalize_line(el.text_content())
            if len(text) <= 80:
                sort(split_names(text))
    if not people and not selector:
        # A bare microdata credit, «<span itemprop="author">srf/hosb;kesm</span>»: a leaf, so
        # never an author card with its biography.
        for el in _leaf_authors(marked):
            text = normalize_line(el.text_content())
            if len(text) <= 80:
                sort(split_names(text))
    if not people and not selector:
        sort(_archive_link_names(doc))
    if not people and not selector:
        sort(n for n in _labelled_byline(doc) if _person_like(n))
    if not people and not selector:
        for el in _byline_elements(doc, elements):
            # Named by class alone, the element must read as people's names.
            sort(n for n in split_names(normalize_line(el.text_content())) if _person_like(n))
    return _unique(people), _unique(organizations or credited)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


# Class tokens of byline elements across templates: «author», «article__author»,
# «authors__list-item», «byline», «authorname»; not a comment's, a quote's or a picture's.
_BYLINE_CLASS = re.compile(
    r"^(?:[a-z0-9]+[-_]+)*(?:author|authors|authorname|byline|bylines|writer)"
    r"(?:[-_]+(?:name|names|link|item|list-item))?$",
    re.I,
)
_NOT_BYLINE = re.compile(
    r"comment|quote|image|photo|picture|caption|bio|desc|avatar|img|teaser|related|share|follow"
    r"|date|time|box|card|more",
    re.I,
)


# The elements whose class holds one of the words in any ASCII case: every byline class does.
# _byline_elements finds them among the page's named elements; this search is their definition
# (tests/test_fields.py checks the two agree), too dear to run (an XPath test of every element).
_BYLINE_XPATH = (
    "//body//*[contains(translate(@class,'AUTHORBYLINEWR','authorbylinewr'),'author')"
    " or contains(translate(@class,'BYLINE','byline'),'byline')"
    " or contains(translate(@class,'WRITER','writer'),'writer')]"
)
_BYLINE_WORDS = ("author", "byline", "writer")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _byline_named(el: _Element) -> bool:
    """Whether ``el`` is one of :data:`_BYLINE_XPATH`'s elements."""
    cls = (el.get("class") or "").translate(_ASCII_LOWER)
    return any(word in cls for word in _BYLINE_WORDS) and _in_body(el)


def _in_body(el: _Element) -> bool:
    return next(el.iterancestors("body"), None) is not None


def _byline_elements(doc: _Element, elements: PageElements | None = None) -> list[_Element]:
    """The article's first byline element named so in its class, with its siblings of the same
    class (one element per writer). ``elements`` is the page's :class:`PageElements`, when
    already found."""
    from crawler.fields.dates import outside_article

    elements = elements or PageElements(doc)
    candidates = [
        el
        for el in elements.having(_BYLINE_WORDS, case_blind=True)
        if _byline_named(el) and _byline_class(el)
    ]
    # Elements, not id()s: a freed lxml proxy's id is given to the next one.
    inner = {a for el in candidates for a in el.iterancestors()}
    for el in candidates:
        if el in inner:
            # The byline's container: its children name one writer each.
            continue
        text = normalize_line(el.text_content())
        if not 3 <= len(text) <= 80:
            continue
        if any(a.tag == "a" or outside_article(a) for a in el.iterancestors()):
            continue
        parent = el.getparent()
        same = (
            [s for s in parent if s.get("class") == el.get("class")] if parent is not None else []
        )
        return same or [el]
    return []


_PERSON = re.compile(r"^[^\W\d_][^\d:/|@]*$")


def _person_like(name: str) -> bool:
    """Two to five words, no digits or separators, a capital first letter in cased scripts."""
    words = name.split()
    return 2 <= len(words) <= 5 and bool(_PERSON.match(name)) and not name[0].islower()


# Yoast's «twitter:label1 = Written by, twitter:data1 = name» pair, in the page's language.
_WRITTEN_BY = re.compile(
    r"^(?:written by|verfasst von|geschrieben von|écrit par|escrito por|scritto da|yazar"
    r"|كتب بواسطة|كتبه|بواسطة|الكاتب|الكاتبة|كتب|كتبت)$",
    re.I,
)


def _meta_authors(meta: dict[str, list[str]]) -> Iterator[list[str]]:
    """The author values of each meta tag scheme, one scheme after the other."""
    for key in _META_AUTHORS:
        yield meta.get(key, [])
    for n in (1, 2, 3):
        label = meta.get(f"twitter:label{n}", [""])[0]
        if _WRITTEN_BY.match(label.strip(" :")):
            yield meta.get(f"twitter:data{n}", [])


def _byline_class(el: _Element) -> bool:
    tokens = el.get("class", "").split()
    return any(_BYLINE_CLASS.match(t) for t in tokens) and not _NOT_BYLINE.search(el.get("class"))


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return [value]
    # Some templates nest the list once more: [{...}, [{...}]].
    return [x for item in value for x in (item if isinstance(item, list) else [item])]


def _person_name(item: dict[str, Any]) -> str | None:
    name = item.get("name")
    if isinstance(name, list):
        name = next((n for n in name if isinstance(n, str)), None)
    if isinstance(name, str) and name.strip():
        return name
    given, family = item.get("givenName"), item.get("familyName")
    parts = [p for p in (given, family) if isinstance(p, str) and p.strip()]
    return " ".join(parts) or None


def _fold(value: str) -> str:
    return re.sub(r"[\W_]+", "", normalize_for_matching(value))


# Bare microdata credits: _leaf_authors finds them among the page's marked elements (this
# search is their definition, checked by tests/test_fields.py).
_LEAF_AUTHOR = "//body//*[@itemprop='author'][not(*)]"
# The elements the generic byline searches read: one walk of the page for all of them.
_MARKED = "descendant-or-self::*[@itemprop = 'name' or @itemprop = 'author' or @rel = 'author']"


def _leaf_authors(marked: list[_Element]) -> list[_Element]:
    """The :data:`_LEAF_AUTHOR` elements among the page's marked elements."""
    return [
        el
        for el in marked
        if el.get("itemprop") == "author"
        and next(el.iterchildren(etree.Element), None) is None
        and _in_body(el)
    ]


# A link to a writer's archive page: «/author/name/», «/autoren/name/max-kolter», «/writers/12».
_ARCHIVE_PATH = re.compile(
    r"/(?:author|authors|autor|autoren|auteur|autore|writer|writers|columnist|kuttab|katib)/[^/?#]+",
    re.I,
)
# The links whose address holds one of the strings every archive path holds (in its case):
# _archive_link_names reads the body's links in the tree's own order; this search is their
# definition (checked by tests/test_fields.py), an XPath test of every element.
_ARCHIVE_LINKS = (
    "//body//a[contains(@href,'/author') or contains(@href,'/autor') or contains(@href,'/auteur')"
    " or contains(@href,'/writer') or contains(@href,'/columnist') or contains(@href,'/kuttab')"
    " or contains(@href,'/katib')]"
)
_ARCHIVE_PARTS = ("/author", "/autor", "/auteur", "/writer", "/columnist", "/kuttab", "/katib")


# A label set apart from the name it introduces: «<strong>Autorin/Autor</strong> Roman G.»,
# «<span>الكاتب:</span> <a>محمد علي</a>».
_LABEL_WORDS = re.compile(
    r"^(?:autor|autorin|autorin/autor|autoren|author|authors|written by|auteur|autore|yazar"
    r"|الكاتب|الكاتبة|كتب|كتبت|بقلم|إعداد|تحرير|المحرر)\s*[:：]?$",
    re.I,
)
# The elements a label stands in, without elements inside: _labelled_byline reads them in the
# tree's own order, stopping at the first label (this search, their definition, collects them
# all first; tests/test_fields.py checks the two agree).
_LABEL_ELEMENTS = (
    "//body//*[self::strong or self::b or self::span or self::dt or self::label][not(*)]"
)
_LABEL_TAGS = ("strong", "b", "span", "dt", "label")


def _body_elements(doc: _Element, *tags: str) -> Iterator[_Element]:
    """The elements of these kinds inside the page's body, in document order, each once."""
    bodies = list(doc.iter("body"))
    if len(bodies) == 1:
        yield from bodies[0].iterdescendants(*tags)
    else:
        # A body inside another one (not from lxml's parser) would give its elements twice.
        yield from dict.fromkeys(el for body in bodies for el in body.iterdescendants(*tags))


def _label_elements(doc: _Element) -> Iterator[_Element]:
    """:data:`_LABEL_ELEMENTS`' elements."""
    for el in _body_elements(doc, *_LABEL_TAGS):
        if len(el) == 0 or next(el.iterchildren(etree.Element), None) is None:
            yield el


def _in_furniture(el: _Element) -> bool:
    """Whether ``el`` or an element around it is the page's furniture (navigation, footer,
    the page's own header), not the article."""
    from crawler.fields.dates import outside_article

    return any(outside_article(x) for x in (el, *el.iterancestors()))


def _labelled_byline(doc: _Element) -> list[str]:
    """The names after the page's first author label, in the element that holds both."""
    for el in _label_elements(doc):
        label = normalize_line(el.text or "")
        if not label or len(label) > 20 or not _LABEL_WORDS.match(label):
            continue
        parent = el.getparent()
        if parent is None or _in_furniture(parent):
            continue
        if parent.tag == "dl" or el.tag == "dt":
            follower = el.getnext()
            rest = normalize_line(follower.text_content()) if follower is not None else ""
        else:
            rest = normalize_line(parent.text_content())
            rest = rest[rest.find(label) + len(label) :] if label in rest else ""
        if 3 <= len(rest) <= 80:
            return split_names(rest)
    return []


def _archive_links(doc: _Element) -> list[_Element]:
    """:data:`_ARCHIVE_LINKS`' elements."""
    return [
        a
        for a in _body_elements(doc, "a")
        if (href := a.get("href")) is not None and any(part in href for part in _ARCHIVE_PARTS)
    ]


def _archive_link_names(doc: _Element) -> list[str]:
    """The writers a byline links to their archive pages; none when the page links to more
    than two writers (a columnists' list or a sidebar of opinion pieces, not a byline)."""
    targets: dict[str, str] = {}
    for a in _archive_links(doc):
        href = a.get("href", "")
        match = _ARCHIVE_PATH.search(href)
        if not match or _in_furniture(a):
            continue
        name = normalize_line(a.text_content())
        if name and _person_like(AUTHOR_PREFIX.sub("", name)):
            targets.setdefault(match.group(0).lower(), AUTHOR_PREFIX.sub("", name))
    return list(targets.values()) if len(targets) <= 2 else []


# Bylines as common templates mark them, for sites without an author selector. Five searches of
# the whole page as a selector: _generic_bylines finds the same elements, in the same order, from
# the page's marked and named elements (tests/test_fields.py checks the two agree).
GENERIC_AUTHOR = (
    "[itemprop=author] [itemprop=name], [rel=author], .author-name, .byline-name, .writer-name"
)
_BYLINE_NAME_CLASSES = ("author-name", "byline-name", "writer-name")
# The white space CSS's class test splits a class attribute at (XPath's normalize-space).
_CLASS_SPACE = re.compile(r"[ \t\r\n]+")


def _generic_bylines(marked: list[_Element], elements: PageElements) -> list[_Element]:
    """:data:`GENERIC_AUTHOR`'s elements, alternative by alternative, from the page's marked
    elements (:data:`_MARKED`) and its named elements."""
    found = dict.fromkeys(
        el
        for el in marked
        if el.get("itemprop") == "name"
        and any(a.get("itemprop") == "author" for a in el.iterancestors())
    )
    for el in marked:
        if el.get("rel") == "author":
            found.setdefault(el)
    for name in _BYLINE_NAME_CLASSES:
        for el in elements.having((name,)):
            if name in _CLASS_SPACE.split(el.get("class") or ""):
                found.setdefault(el)
    return list(found)


def ld_names(value: Any, skip_organizations: bool = True) -> list[str]:
    out: list[str] = []
    for item in _items(value):
        if isinstance(item, dict):
            if skip_organizations and ld_types(item) & ORGANIZATION_TYPES:
                continue
            item = _person_name(item)
        if isinstance(item, str):
            out.extend(split_names(item))
    return out
