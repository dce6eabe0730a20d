"""A site whose article text only exists after its JavaScript runs, for ``scrapy runspider``."""

from __future__ import annotations

import os

from crawler.sites import Selectors, Site
from crawler.spiders.news import _spider_class

ORIGIN = os.environ.get("JS_SITE_ORIGIN", "http://127.0.0.1:1")

JS_SITE = Site(
    name="jssite",
    domains=("127.0.0.1",),
    home=ORIGIN + "/",
    article_url=r"^/news/\d+$",
    feeds=(ORIGIN + "/feed.xml",),
    selectors=Selectors(title="h1", body="div.article-body"),
    render_js=os.environ.get("JS_RENDER") == "1",
    source="test fixture",
)

JsSiteSpider = _spider_class(JS_SITE)
# `scrapy runspider` takes only the spiders defined by the file it runs.
JsSiteSpider.__module__ = __name__
