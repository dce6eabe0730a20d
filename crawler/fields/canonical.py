"""The page's canonical URL: its <link rel=canonical> or og:url when that is this article's."""

from __future__ import annotations

import functools
import re
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

import tldextract
from lxml.etree import _Element

from crawler.sites import Site
from crawler.text import normalize_for_matching
from crawler.urls import canonicalize_url

# The public-suffix snapshot bundled with tldextract, never fetched; private suffixes
# (blogspot.com, github.io) count, so two blogs on one host platform are two sites.
_PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def canonical(
    doc: _Element,
    url: str,
    meta: dict[str, list[str]],
    site: Site | None,
    title: str | None = None,
) -> tuple[str, str | None]:
    """The record's canonical URL, and the declared canonical that was not trusted (or None).

    A template that points every page at the home page, or an article at another one, would
    give two articles one ``id``: a declared canonical is trusted only when it is an article
    URL of the page's own site that names the same article; otherwise the page's own URL is kept.
    """
    candidates = [link.get("href") for link in doc.xpath('//link[@rel="canonical"]')]
    candidates.extend(meta.get("og:url", [])[:1])
    own = canonicalize_url(url, site)
    rejected: str | None = None
    for candidate in candidates:
        if not candidate or not candidate.strip():
            continue
        absolute = urljoin(url, candidate.strip())
        if not absolute.startswith(("http://", "https://")):
            continue
        declared = canonicalize_url(absolute, site)
        if declared == own or _trusted(url, absolute, declared, own, site, title):
            return declared, None
        rejected = rejected or declared
    return own, rejected


def _trusted(
    url: str, absolute: str, declared: str, own: str, site: Site | None, title: str | None
) -> bool:
    page, other = urlsplit(url), urlsplit(absolute)
    if not same_domain(page.hostname or "", other.hostname or ""):
        return False
    if (page.port or other.port) and page.port != other.port:
        return False
    if site is not None and not site.is_article(absolute):
        return False
    mine, theirs = urlsplit(own), urlsplit(declared)
    if _is_root(_path(theirs), unquote(mine.path)):
        return False
    if mine.path.rstrip("/") == theirs.path.rstrip("/") and theirs.query in ("", mine.query):
        # The same path without the page's extra parameters (``?source=rss``).
        return True
    return _same_article(_path(mine), _path(theirs), title)


def _path(parts: SplitResult) -> str:
    return unquote(parts.path) + ("?" + unquote(parts.query) if parts.query else "")


_SEGMENT = re.compile(r"[/?&=]+")
_HOME_PAGE = re.compile(r"^(?:index|default|home|main)(?:\.\w+)?$", re.I)


def _segments(path: str) -> list[str]:
    return [s for s in _SEGMENT.split(path) if s]


def _is_root(theirs: str, mine: str) -> bool:
    """The home page, or a section the page's own path lies under (``/news/`` for
    ``/news/2024/01/16/story``)."""
    segments, own = _segments(theirs), _segments(mine)
    if not segments or (len(segments) == 1 and _HOME_PAGE.match(segments[0])):
        return True
    # «/4302118» for «/4302118/slug» is the article's short form: an article number is no section.
    shorter = len(segments) < len(own) and own[: len(segments)] == segments
    return shorter and not _tokens(theirs)[0]


_TOKEN = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+")
# Words of URL templates, not of an article: they say nothing about which article it is.
_TEMPLATE_WORDS = {
    "amp", "html", "htm", "php", "aspx", "asp", "jsp", "shtml", "www", "index", "news", "article",
    "articles", "story", "stories", "post", "posts", "details", "detail", "view", "show", "id",
    "p", "page", "content", "section", "category", "ar", "en", "arabic", "world", "local",
}  # fmt: skip


def _tokens(path: str) -> tuple[set[str], set[str]]:
    """The id-like numbers (4 digits or more, not a year) and the words of a URL path."""
    ids: set[str] = set()
    words: set[str] = set()
    for number in _NUMBER.findall(path):
        if len(number) >= 4 and not (len(number) == 4 and number.startswith(("19", "20"))):
            ids.add(number.lstrip("0"))
    for token in _TOKEN.findall(path.lower()):
        if len(token) >= 3 and not token.isdigit() and token not in _TEMPLATE_WORDS:
            words.add(normalize_for_matching(token))
    return ids, words


def _same_article(mine: str, theirs: str, title: str | None) -> bool:
    """Whether two paths of one site name the same article: the same id, or enough of the same
    slug words (the page's or its headline's)."""
    if mine.rstrip("/") == theirs.rstrip("/"):
        return True
    my_ids, my_words = _tokens(mine)
    their_ids, their_words = _tokens(theirs)
    if my_ids & their_ids:
        return True
    if my_ids and their_ids:
        # Two different article numbers: another article.
        return False
    shared = my_words & their_words
    if len(shared) >= 2 and len(shared) * 2 >= min(len(my_words), len(their_words)):
        return True
    if title and their_words:
        headline = set(normalize_for_matching(title).split())
        return len(their_words & headline) >= min(2, len(their_words))
    return False


def same_domain(a: str, b: str) -> bool:
    return registrable(a) == registrable(b)


@functools.lru_cache(maxsize=1024)
def registrable(host: str) -> str:
    """The registrable domain of a host (``example.com.eg`` for ``news.example.com.eg``), by the
    public-suffix list; an IP address or a single-label host is its own."""
    host = host.lower().rstrip(".")
    return _PSL(host).top_domain_under_public_suffix or host
