"""Canonical URLs: every spelling of one article gives one URL, and different articles stay
different."""

from __future__ import annotations

import pytest

from crawler.sites import get, site_for_url
from crawler.urls import canonicalize_url

SLUG = "وزير-المالية-يعلن-الموازنة"
ENCODED = "%D9%88%D8%B2%D9%8A%D8%B1-%D8%A7%D9%84%D9%85%D8%A7%D9%84%D9%8A%D8%A9-%D9%8A%D8%B9%D9%84%D9%86-%D8%A7%D9%84%D9%85%D9%88%D8%A7%D8%B2%D9%86%D8%A9"  # noqa: E501
CANONICAL = f"https://www.youm7.com/story/2024/5/1/{ENCODED}/6543210"

VARIANTS = [
    f"https://www.youm7.com/story/2024/5/1/{SLUG}/6543210",
    f"https://youm7.com/story/2024/5/1/{SLUG}/6543210",
    f"https://m.youm7.com/story/2024/5/1/{SLUG}/6543210",
    f"https://amp.youm7.com/story/2024/5/1/{SLUG}/6543210",
    f"https://www.youm7.com/amp/story/2024/5/1/{SLUG}/6543210",
    f"https://www.youm7.com/story/2024/5/1/{SLUG}/6543210/amp",
    f"http://WWW.YOUM7.COM/story/2024/5/1/{SLUG}/6543210",
    f"https://www.youm7.com:443/story/2024/5/1/{SLUG}/6543210",
    f"https://www.youm7.com/story/2024/5/1/{ENCODED}/6543210",
    f"https://www.youm7.com/story/2024/5/1/{ENCODED.lower()}/6543210",
    f"https://www.youm7.com/story/2024/5/1/{SLUG}/6543210#comments",
    f"https://www.youm7.com/story/2024/5/1/{SLUG}/6543210?utm_source=facebook&utm_medium=social",
    f"https://www.youm7.com/story/2024/5/1/{SLUG}/6543210?fbclid=IwAR0abc&mibextid=Zxz2cZ",
    f"https://www.youm7.com/story/2024/5/1/{SLUG}/6543210?gclid=Cj0KCQ&amp=1",
    f"https://m.youm7.com/story/2024/5/1/{ENCODED}/6543210?UTM_CAMPAIGN=x&ref=home#top",
]


@pytest.mark.parametrize("url", VARIANTS)
def test_spellings_of_one_article_canonicalize_equal(url: str) -> None:
    assert canonicalize_url(url, site_for_url(url)) == CANONICAL


def test_canonical_url_is_a_fixed_point() -> None:
    assert canonicalize_url(CANONICAL, get("youm7")) == CANONICAL


def test_article_id_in_the_query_is_kept_and_ordered() -> None:
    site = get("shorouknews")
    a = "https://www.shorouknews.com/news/view.aspx?cdate=01052024&id=0b1c2d3e-aaaa-bbbb-cccc-1234567890ab"
    b = (
        "https://shorouknews.com/news/view.aspx?id=0b1c2d3e-aaaa-bbbb-cccc-1234567890ab"
        "&utm_source=twitter&cdate=01052024"
    )
    other = a.replace("1234567890ab", "1234567890ac")
    assert canonicalize_url(a, site) == canonicalize_url(b, site) == a
    assert canonicalize_url(other, site) != canonicalize_url(a, site)


def test_different_articles_stay_different() -> None:
    site = get("youm7")
    urls = {
        canonicalize_url(f"https://www.youm7.com/story/2024/5/1/{SLUG}/6543210", site),
        canonicalize_url(f"https://www.youm7.com/story/2024/5/1/{SLUG}/6543211", site),
        canonicalize_url("https://www.youm7.com/story/2024/5/1/خبر-آخر/6543210", site),
        canonicalize_url(f"https://www.vetogate.com/story/2024/5/1/{SLUG}/6543210", None),
    }
    assert len(urls) == 4


def test_hosts_of_unregistered_sites_are_only_lowercased() -> None:
    # Without a registry entry nothing says that www. and the bare host serve the same pages.
    assert (
        canonicalize_url("https://WWW.Example.COM/a?utm_source=x#f") == "https://www.example.com/a"
    )
    assert canonicalize_url("https://example.com/a") == "https://example.com/a"


def test_amp_inside_a_word_is_not_an_amp_path() -> None:
    assert canonicalize_url("https://example.com/news/camp") == "https://example.com/news/camp"
    assert canonicalize_url("https://example.com/amplifier/1") == "https://example.com/amplifier/1"


def test_an_amp_path_keeps_the_trailing_slash_of_its_article() -> None:
    assert canonicalize_url("https://example.com/2024/05/12/slug/amp/") == (
        "https://example.com/2024/05/12/slug/"
    )
    assert canonicalize_url("https://example.com/news/123/amp") == "https://example.com/news/123"
