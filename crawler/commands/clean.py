"""``scrapy clean``: re-clean an existing JSON Lines dump with the current noise rules."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import IO, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.sites import BY_NAME
from pipelines.clean import clean_record, site_of


class Command(ScrapyCommand):
    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "IN.jsonl [-o OUT.jsonl] [--site NAME] [--keep-removed]"

    def short_desc(self) -> str:
        return "Clean the text of an existing JSON Lines dump with the current noise rules"

    def long_desc(self) -> str:
        return (
            "Read one JSON record per line (IN.jsonl, or - for stdin) and write each record, "
            "in order, to -o (default stdout) with `title`, `body` or `text`, `caption` and "
            "`images[].caption` cleaned and `content_hash` recomputed when the record has one; "
            "every other field is written back as read. The record's `url` (else its `site`, "
            "else --site) selects the site's rules. A line that is not a JSON object (or not "
            "UTF-8) is passed through unchanged and reported with its line number, and the exit "
            "status is 1. "
            "The output is written beside its target and renamed when complete, so OUT may be IN."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", help="where to write records (default: stdout)")
        parser.add_argument(
            "--site", help="registry name of the site for records whose url and site do not tell"
        )
        parser.add_argument(
            "--keep-removed",
            action="store_true",
            help="write the removed lines to `removed_noise` (off unless CLEAN_KEEP_REMOVED)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one JSON Lines file to clean (or - for stdin)")
        source = args[0]
        if source != "-" and not Path(source).is_file():
            raise UsageError(f"no such file: {source}")
        if opts.site and opts.site not in BY_NAME:
            known = ", ".join(sorted(BY_NAME))
            raise UsageError(f"unknown site {opts.site!r}; registered sites: {known}")
        assert self.settings is not None
        keep = opts.keep_removed or self.settings.getbool("CLEAN_KEEP_REMOVED")
        fallback = BY_NAME.get(opts.site) if opts.site else None

        target = Path(opts.output) if opts.output else None
        if target is not None and not target.absolute().parent.is_dir():
            raise UsageError(f"the output folder {target.absolute().parent} does not exist")
        # Bytes in, bytes out: a line that is not UTF-8 goes through exactly as it came.
        inp = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
        try:
            if target is not None:
                part = target.with_name(target.name + ".part")
                try:
                    with part.open("wb") as out:
                        summary = _clean_stream(inp, out, fallback, keep)
                    os.replace(part, target)
                finally:
                    part.unlink(missing_ok=True)
            else:
                summary = _clean_stream(inp, sys.stdout.buffer, fallback, keep)
                sys.stdout.flush()
        finally:
            if inp is not sys.stdin.buffer:
                inp.close()
        sys.stderr.write(summary.render())
        if summary.invalid:
            self.exitcode = 1


class _Summary:
    def __init__(self) -> None:
        self.records = 0
        self.changed = 0
        self.invalid: list[str] = []
        self.removed: Counter[str] = Counter()

    def render(self) -> str:
        lines = [
            f"clean: {self.records} records, {self.changed} changed, "
            f"{len(self.invalid)} invalid lines passed through"
        ]
        lines += [f"clean: {problem}" for problem in self.invalid]
        lines += [f"clean/removed/{rule}: {n}" for rule, n in sorted(self.removed.items())]
        return "\n".join(lines) + "\n"


def _clean_stream(inp: IO[bytes], out: IO[bytes], fallback: Any, keep: bool) -> _Summary:
    summary = _Summary()
    for number, raw in enumerate(inp, 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            record = ValueError(f"not UTF-8 (byte {exc.start + 1})")
        except ValueError as exc:
            record = exc
        if not isinstance(record, dict):
            what = f"{record}" if isinstance(record, ValueError) else "not a JSON object"
            summary.invalid.append(f"line {number}: {what}; passed through unchanged")
            out.write(raw if raw.endswith(b"\n") else raw + b"\n")
            continue
        before = json.dumps(record, ensure_ascii=False, sort_keys=True)
        site = site_of(record.get("url"), record.get("site")) or fallback
        counts = clean_record(record, site, keep_removed=keep)
        summary.records += 1
        summary.removed.update(counts)
        summary.changed += json.dumps(record, ensure_ascii=False, sort_keys=True) != before
        out.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    return summary
