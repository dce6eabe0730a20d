"""The page's canonical URL: its <link rel=canonical> or og:url when that stays on the same site."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from crawler.sites import Site
from crawler.urls import canonicalize_url


def canonical(doc: _Element, url: str, meta: dict[str, list[str]], site: Site | None) -> str:
    candidates = [link.get("href") for link in doc.xpath('//link[@rel="canonical"]')]
    candidates.extend(meta.get("og:url", [])[:1])
    host = urlsplit(url).hostname or ""
    for candidate in candidates:
        if not candidate or not candidate.strip():
            continue
        absolute = urljoin(url, candidate.strip())
        other = urlsplit(absolute).hostname or ""
        same_site = site.owns(absolute) if site else same_domain(host, other)
        if absolute.startswith(("http://", "https://")) and same_site:
            return canonicalize_url(absolute, site)
    return canonicalize_url(url, site)


# Second-level labels under country codes (com.eg, gov.sa, co.ae): the registrable domain is one
# label longer there, else every site under .com.eg would count as one site.
_SECOND_LEVEL = {"com", "net", "org", "gov", "edu", "co", "ac", "info", "news", "mil", "sch"}


def same_domain(a: str, b: str) -> bool:
    return registrable(a) == registrable(b)


def registrable(host: str) -> list[str]:
    labels = host.lower().rstrip(".").split(".")
    size = 3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return labels[-size:]
