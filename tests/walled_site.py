"""A site behind a JavaScript challenge wall (a cookie set by script, then a reload), for
``scrapy runspider``; ``WALLED_BROWSER=1`` declares ``browser_on_block`` in its entry."""

from __future__ import annotations

import os

from crawler.sites import Selectors, Site
from crawler.spiders.news import _spider_class

ORIGIN = os.environ.get("WALLED_SITE_ORIGIN", "http://127.0.0.1:1")

WALLED_SITE = Site(
    name="walledsite",
    domains=("127.0.0.1",),
    home=ORIGIN + "/",
    article_url=r"^/news/\d+$",
    feeds=(ORIGIN + "/feed.xml",),
    selectors=Selectors(title="h1", body="div.article-body"),
    browser_on_block=os.environ.get("WALLED_BROWSER") == "1",
    source="test fixture",
)

WalledsiteSpider = _spider_class(WALLED_SITE)
# `scrapy runspider` takes only the spiders defined by the file it runs.
WalledsiteSpider.__module__ = __name__
