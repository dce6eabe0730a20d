"""``scrapy view``, as Scrapy's own, without a crawl's run file, site lock and run report."""

from __future__ import annotations

from scrapy.commands.view import Command as Base

from crawler.commands import NoRunOutput


class Command(NoRunOutput, Base):
    pass
