"""Canonical article URLs: one spelling per article whatever link, tracker or mirror led to it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as w3lib_canonicalize

if TYPE_CHECKING:
    from crawler.sites import Site

TRACKING_PARAMS = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|ref|ref_src|"
    r"cmpid|ocid|ito|at_medium|at_campaign|at_custom\d|smid|share|from|amp|output|"
    r"mibextid|__twitter_impression|_hsenc|_hsmi|mkt_tok|wt_mc|wt_zmc|xtor|ncid|sr_share)$",
    re.I,
)
# "/slug/amp/" is "/slug/": the article's own path keeps its trailing slash.
_AMP_PATH = re.compile(r"(?:/amp(?=/?$)|^/amp(?=/)|\.amp$)", re.I)
_ALIAS_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def canonicalize_url(url: str, site: Site | None = None) -> str:
    """Lowercase host, the site's own host for its aliases (``m.``, ``amp.``, ``www.``), no
    AMP path, no tracking parameters, no fragment, one percent-encoding (UTF-8, uppercase hex).

    Query parameters that are not trackers stay: on some sites they are the article id.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    scheme = parts.scheme.lower() or "https"
    if site is not None:
        home = urlsplit(site.home)
        bare = _strip_alias(host)
        if site.owns(url) and bare == _strip_alias(home.hostname or ""):
            host = home.hostname or host
            scheme = home.scheme or scheme
    path = _AMP_PATH.sub("", parts.path) or "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not TRACKING_PARAMS.match(k)]
    )  # fmt: skip
    return w3lib_canonicalize(urlunsplit((scheme, host, path, query, "")))


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base`` when it names a fetchable web page (http or https, a
    host, a valid port), else ``None``: one malformed link must cost only itself."""
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or any(c in host for c in " <>\\"):
        return None
    return url


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL, the port made explicit (80 for http, 443 for https)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme, 0)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _strip_alias(host: str) -> str:
    for prefix in _ALIAS_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host
