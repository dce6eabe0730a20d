"""``scrapy report``: one self-contained HTML page with charts over an output folder's runs."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from pipelines.export import write_atomic


class Command(ScrapyCommand):
    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[OUTPUT_DIR] [-o PAGE.html] [--runs N]"

    def short_desc(self) -> str:
        return "Write an HTML page with charts of every site's runs (reports and dumps)"

    def long_desc(self) -> str:
        return (
            "Reads the run reports and JSON Lines dumps under OUTPUT_DIR (default: the "
            "OUTPUT_DIR setting) and writes one self-contained page (default "
            "OUTPUT_DIR/report.html; no script, no network) with a section per site: records "
            "per run, field coverage over time, body sources, top noise rules, duplicate "
            "clusters, errors, alarms. The page's path is printed."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", help="where to write the page")
        parser.add_argument(
            "--runs", type=int, default=500, help="latest runs per site to show (default 500)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) > 1:
            raise UsageError("give at most one output folder")
        folder = Path(args[0] if args else self.settings.get("OUTPUT_DIR", "output"))
        if not folder.is_dir():
            raise UsageError(f"no such output folder: {folder}")
        # matplotlib loads only for this command, not for every `scrapy` invocation.
        from crawler.report_page import load, render

        sites = load(folder, max(1, opts.runs))
        page = Path(opts.output) if opts.output else folder / "report.html"
        text = render(sites, folder.absolute(), datetime.now(UTC))
        write_atomic(page.absolute(), text.encode("utf-8"))
        runs = sum(len(s.runs) for s in sites)
        sys.stdout.write(f"{page.absolute()}\n")
        sys.stderr.write(f"report: {len(sites)} sites, {runs} runs\n")
