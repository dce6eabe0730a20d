"""The site registry: every per-site fact the crawler knows, declared as data, one entry per site.

None of the entry points, URL patterns or selectors below has been checked against the live sites:
they are what public scrapers and feed lists record (see ``source`` on each entry). A selector that
no longer matches costs nothing but falls back to the generic path (JSON-LD, meta tags and
main-content extraction), which is why the generic path must stand on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Selectors:
    """CSS selectors for one site's article pages; every one is optional.

    In a group (``div#articleBody, div.newsStory``) the alternatives are tried in the order written,
    so list the most precise first.
    """

    title: str | None = None
    body: str | None = None
    """The element(s) holding the article text; blocks are its paragraphs and subheadings."""
    remove: tuple[str, ...] = ()
    """Elements inside ``body`` that are furniture (related lists, ad slots, inline promos)."""
    date: str | None = None
    """Element whose ``datetime`` attribute or text gives the publication time."""
    author: str | None = None
    tags: str | None = None
    section: str | None = None
    listing: str | None = None
    """Article links on section pages."""
    next_page: str | None = None
    """The "next page" link on section pages."""


@dataclass(frozen=True)
class Site:
    """One news site the crawler supports."""

    name: str
    """Spider name and ``site`` of its records."""
    domains: tuple[str, ...]
    """Registrable domains; hosts under them (``www.``, ``m.``, ``amp.``) belong to the site."""
    article_url: str
    """Regular expression an article URL's path (and query) matches, searched from ``/``."""
    home: str
    """The site's home page (origin), used for robots.txt."""
    news_sitemaps: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    selectors: Selectors = field(default_factory=Selectors)
    timezone: str = "Africa/Cairo"
    """Applied only to page times that carry no offset; the record then says it was assumed."""
    date_order: str = "DMY"
    """Order of day, month and year in numeric dates without an ISO form."""
    render_js: bool = False
    """True when article pages need a browser (scrapy-playwright) to show their text."""
    browser_on_block: bool = False
    """True to fetch a page that came back as an anti-bot challenge once more through the
    browser (``crawler.blocked``) instead of counting the site blocked at once."""
    noise_rules: tuple[str, ...] = ()
    """Extra regular expressions of whole lines that are noise on this site only."""
    section_names: tuple[str, ...] = ()
    """The site's own section names: removed when they stand alone at the end of the text."""
    masthead_names: tuple[str, ...] = ()
    """Names printed in the site's masthead (editor-in-chief, chairman)."""
    field_overrides: tuple[tuple[str, str], ...] = ()
    """``(field, function name)`` pairs: the named function of ``crawler.fields.overrides``
    gives that record field on this site instead of the generic extraction."""
    source: str = "public scrapers and feed lists; not verified against the live site"
    """Where the entry points and selectors come from."""

    @property
    def article_re(self) -> re.Pattern[str]:
        return _compiled(self.article_url)

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def is_article(self, url: str) -> bool:
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        return self.owns(url) and bool(self.article_re.match(target))


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _PATTERNS:
        _PATTERNS[pattern] = re.compile(pattern)
    return _PATTERNS[pattern]


SITES: tuple[Site, ...] = (
    Site(
        name="vetogate",
        domains=("vetogate.com",),
        home="https://www.vetogate.com/",
        # Articles are /<7-digit id>; public scrapers record no sitemap, the robots.txt of the
        # sample names a Google News sitemap, which a real crawl would find the same way.
        article_url=r"^/\d{6,8}(?:[/?#]|$)",
        feeds=("https://www.vetogate.com/rss.aspx",),
        sections=(
            "https://www.vetogate.com/Section/1/أخبار-مصر",
            "https://www.vetogate.com/Section/4/اقتصاد",
        ),
        selectors=Selectors(
            title="h1",
            body="div.article-body",
            remove=(".ads", ".ad-slot", ".read-also", ".share-bar", ".tags"),
            date="time[datetime], .date",
            author=".author-name",
            tags=".tags a",
            # The last crumb is the section; `a:last-child` alone also matches the home crumb.
            section=".breadcrumb li:last-child a, .breadcrumb > a:last-child",
            listing=".news-list a.news-title",
            next_page="a.next, a[rel=next]",
        ),
        noise_rules=(r"^date \d{4}-\d{2}-\d{2}$",),
        section_names=(
            "الجريدة الرسمية",
            "أخبار مصر",
            "حوادث",
            "اقتصاد",
            "رياضة",
            "فن",
            "سياسة",
            "عربي ودولي",
        ),
        masthead_names=("عصام كامل",),
        source="feed: 5 public lists (2025); article URL shape: stored pages (2026); selectors: "
        "hand-built sample, not verified against the live site",
    ),
    Site(
        name="youm7",
        domains=("youm7.com",),
        home="https://www.youm7.com/",
        article_url=r"^/story/\d{4}/\d{1,2}/\d{1,2}/[^/]+/\d+",
        feeds=(
            "https://www.youm7.com/rss/SectionRss?SectionID=65",
            "https://www.youm7.com/rss/SectionRss?SectionID=319",
            "https://www.youm7.com/rss/SectionRss?SectionID=297",
        ),
        sections=("https://www.youm7.com/Section/سياسة/319/1",),
        selectors=Selectors(
            title="h1",
            body="div#articleBody, div.newsStory",
            date="span.newsDate, span.writeDate",
            tags="div.tags a",
            listing="div#paging div.bigOneSec h3 a",
        ),
        section_names=("سياسة", "حوادث", "اقتصاد وبورصة", "رياضة", "فن"),
        source="section feeds: 10+ public lists (2016-2026); selectors: 2 scrapers (2025); "
        "not verified against the live site",
    ),
    Site(
        name="masrawy",
        domains=("masrawy.com",),
        home="https://www.masrawy.com/",
        article_url=r"^/news/[^/]+/details/\d{4}/\d{1,2}/\d{1,2}/\d+",
        feeds=(
            "https://www.masrawy.com/rss/feed/25/أخبار",
            "https://www.masrawy.com/rss/feed/206/اقتصاد",
        ),
        selectors=Selectors(title="h1", body="div.articleBody, div.ArticleDetails"),
        source="feeds and URL shapes: 6 public lists (2026); body selector: a guess from the "
        "hand-built fixture; not verified against the live site",
    ),
    Site(
        name="almasryalyoum",
        domains=("almasryalyoum.com",),
        home="https://www.almasryalyoum.com/",
        article_url=r"^/news/details/\d+",
        feeds=("https://www.almasryalyoum.com/rss/rssfeed",),
        sections=("https://www.almasryalyoum.com/section/index/3",),
        selectors=Selectors(
            title="h1",
            body="#NewsStory",
            remove=(".min_related", "#ad-container", ".innerimg_mid", "div.tags-u"),
            tags="div.tags-u a",
        ),
        # Its JSON-LD writes datePublished as M/D/YYYY h:mm:ss AM/PM without an offset.
        date_order="MDY",
        noise_rules=(
            r"^(?:Pause Play|Unmute Mute|Settings Exit fullscreen|Copy video url"
            r"|Report a problem|Vidverto Player)$",
        ),
        source="feed: 6+ public lists (2026); selectors and date format: 3 scrapers (2025); "
        "not verified against the live site",
    ),
    Site(
        name="shorouknews",
        domains=("shorouknews.com",),
        home="https://www.shorouknews.com/",
        # The query string is the article id: it must survive canonicalisation.
        article_url=r"^/news/view\.aspx\?cdate=\d{8}&id=[0-9a-fA-F-]{36}",
        sections=("https://www.shorouknews.com/egypt", "https://www.shorouknews.com/Economy"),
        selectors=Selectors(
            title="h1",
            body="div.eventContent",
            tags="div.relatedWords a",
            listing="ul.listing li div.text a",
        ),
        source="URL shape: 8+ scrapers (2013-2025); selectors: 1 scraper (~2020); no working "
        "feed is known; not verified against the live site",
    ),
    Site(
        name="ahram",
        domains=("gate.ahram.org.eg",),
        home="https://gate.ahram.org.eg/",
        article_url=r"^/News/\d+\.aspx",
        sections=("https://gate.ahram.org.eg/Portal/13/أخبار.aspx",),
        selectors=Selectors(
            title="h1",
            body="#ContentPlaceHolder1_divContent",
            remove=(".st-inarticle-paragraph",),
            date="#ContentPlaceHolder1_divdate span",
            author="#ContentPlaceHolder1_spnSource",
        ),
        source="URL shapes: 3 scrapers (2025); selectors: 2 scrapers (2025); no feed is "
        "confirmed; not verified against the live site",
    ),
    Site(
        name="aljazeera",
        domains=("aljazeera.net",),
        home="https://www.aljazeera.net/",
        article_url=r"^/(?:news|blogs|sport|opinions|ebusiness|politics|midan|programs)"
        r"/\d{4}/\d{1,2}/\d{1,2}/[^/]+",
        feeds=("https://www.aljazeera.net/rss",),
        sitemaps=("https://www.aljazeera.net/sitemap.xml",),
        timezone="Asia/Qatar",
        selectors=Selectors(
            title="h1", body=".wysiwyg", remove=(".more-on",), listing="a.u-clickable-card__link"
        ),
        # Old print pages stamp «(آخر تحديث) الساعة 14:20 (مكة المكرمة)، 11:20 (غرينتش)».
        noise_rules=(r"\(?آخر تحديث\)?\s*الساعة\s.*\(غرينتش\)",),
        source="feed and sitemap: 5-10 public lists (2026); selectors: 2 scrapers (2025); "
        "not verified against the live site",
    ),
    Site(
        name="bbcarabic",
        # Its feed is served from feeds.bbci.co.uk: outside that domain the offsite filter
        # would drop the feed, and with it every article the feed announces.
        domains=("bbc.com", "bbc.co.uk", "bbci.co.uk"),
        home="https://www.bbc.com/arabic",
        article_url=r"^/arabic/articles/[a-z0-9]+",
        feeds=("https://feeds.bbci.co.uk/arabic/rss.xml",),
        timezone="Europe/London",
        # <main> also holds the timestamp, ad slots and the related/most-read sections.
        selectors=Selectors(
            title="h1",
            body="main",
            remove=("time", "section[aria-labelledby]", "[data-e2e=advertisement]"),
        ),
        # Strings of its live pages' chrome that survive in stored text.
        noise_rules=(r"Got a TV Licence\?|time_stated_uk|Post update",),
        source="feed: 10+ public lists (2026), on the feeds.bbci.co.uk host they all name; "
        "article URLs: 2 sources (2026); the page is a Next.js app, the body selector is a "
        "guess; not verified against the live site",
    ),
    Site(
        name="skynewsarabia",
        domains=("skynewsarabia.com",),
        home="https://www.skynewsarabia.com/",
        article_url=r"^/(?:web/article/\d+/|[a-z-]+/\d+-)[^/]+",
        feeds=("https://www.skynewsarabia.com/web/rss",),
        timezone="Asia/Dubai",
        selectors=Selectors(
            title="h1.sna_content_heading, h1",
            body="div.article-body #firstBodyDiv, div.article-body",
            tags="div.article-tags a",
        ),
        source="feed: 10+ public lists (2026); selectors: 1 scraper (2019); not verified "
        "against the live site",
    ),
    Site(
        name="alarabiya",
        domains=("alarabiya.net",),
        home="https://www.alarabiya.net/",
        article_url=r"^/[a-z-]+(?:/[a-z-]+)?/\d{4}/\d{2}/\d{2}/[^/]+",
        feeds=("https://www.alarabiya.net/feed/rss2/ar.xml",),
        sections=("https://www.alarabiya.net/latest-news/archive",),
        timezone="Asia/Riyadh",
        selectors=Selectors(
            title=".headingInfo_title, h1",
            body="#body-text",
            date=".timeDate_element time[datetime]",
            listing=".latest_element a.latest_link",
        ),
        source="feed: 8+ public lists (2026); selectors: 1 scraper (2024); not verified "
        "against the live site",
    ),
)

BY_NAME: dict[str, Site] = {s.name: s for s in SITES}


def site_for_url(url: str) -> Site | None:
    """The registered site a URL belongs to, or ``None``."""
    for site in SITES:
        if site.owns(url):
            return site
    return None


def get(name: str) -> Site:
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(BY_NAME))
        raise KeyError(f"unknown site {name!r}; registered sites: {known}") from None
