"""The project's own Scrapy commands (``scrapy extract``, ``scrapy clean``), and the page-viewing
commands (``fetch``, ``shell``, ``view``, ``parse``) without a crawl's run file, lock and report."""

from __future__ import annotations

import argparse
from typing import Any

from scrapy.settings import SETTINGS_PRIORITIES


class NoRunOutput:
    """Mixin for a Scrapy command that looks at pages rather than crawls a site.

    Without it, the project's ``FEEDS`` would give ``scrapy fetch URL`` an empty run file and a
    report in the analysts' output folder, and would take the site's lock from a cron crawl.
    Feeds given on its command line (``scrapy parse -o``) still apply. The state store is left
    alone too (incremental skipping and dedup off): ``parse`` shows every link a page gives,
    marks nothing seen, and creates no ``.state/`` where it runs.
    """

    settings: Any

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)  # type: ignore[misc]
        for name, value in (("FEEDS", {}), ("INCREMENTAL", False), ("DEDUP_ENABLED", False)):
            if (self.settings.getpriority(name) or 0) < SETTINGS_PRIORITIES["cmdline"]:
                self.settings.set(name, value, priority="cmdline")
