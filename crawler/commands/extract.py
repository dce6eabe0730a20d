"""``scrapy extract``: the crawler's extraction and cleaning run on saved pages, no crawl."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.extract import extract
from crawler.sites import get as get_site
from crawler.sites import site_for_url
from pipelines.clean import clean_article

# Files that are surely not a saved page: images, PDFs and archives by their first bytes.
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\x1f\x8b", b"PK\x03\x04", b"RIFF")
# Control bytes a text file does not hold (tab, line feed, form feed and carriage return are text).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


class NotAPage(ValueError):
    """The file is empty or binary: there is no page to extract a record from."""


def check_page(data: bytes) -> None:
    """Raise :class:`NotAPage` for an empty or binary file. A page with a stray NUL or control
    byte is still a page; one whose start has more than one control byte in 32 is not."""
    if not data.strip():
        raise NotAPage(f"empty file ({len(data)} bytes): no page to extract")
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte order mark: text
        return
    # Counted in C (bytes.translate), not byte by byte in Python: this runs on every page.
    control = len(head) - len(head.translate(None, _CONTROL))
    # Text, even with stray NUL or form-feed bytes, has almost none; random binary data has one
    # byte in nine (a tenth as the limit let about one binary file in forty through).
    if head.startswith(BINARY_MAGIC) or control > len(head) // 32:
        raise NotAPage(
            f"binary file ({control} control bytes in the first {len(head)}), not a page"
        )


def extract_record(url: str, data: bytes, site_name: str | None = None) -> dict[str, Any]:
    """The record the crawler would write for this page (extraction, then cleaning)."""
    check_page(data)
    site = get_site(site_name) if site_name else site_for_url(url)
    article = extract(url, data, site)
    clean_article(article, site)
    return article.to_dict()


class Command(ScrapyCommand):
    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "PAGE.html --url URL | --manifest PAGES.jsonl -o OUT.jsonl"

    def short_desc(self) -> str:
        return "Extract article records from saved pages, as the crawler would"

    def long_desc(self) -> str:
        return (
            "With one page, print its record as JSON. With --manifest, read one "
            '{"id": ..., "path": ..., "url": ...} per line (paths relative to the manifest) and '
            "write one record per line to -o (or stdout), each carrying the manifest's id as `id` "
            "and the record's own id as `record_id`. A page that cannot be read gives a line "
            'with "error" instead, and the run goes on.'
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the page's URL (selects the site's rules)")
        parser.add_argument("--site", help="registry name of the site, if the URL does not tell")
        parser.add_argument("--manifest", help="JSON Lines file of pages to extract")
        parser.add_argument("-o", "--output", help="where to write records (default: stdout)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.manifest:
            if args:
                raise UsageError("give either PAGE.html or --manifest, not both")
            self._manifest(Path(opts.manifest), opts.output)
            return
        if len(args) != 1 or not opts.url:
            raise UsageError("give one saved page and its --url")
        path = Path(args[0])
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        try:
            record = extract_record(opts.url, path.read_bytes(), opts.site)
        except NotAPage as exc:
            sys.stderr.write(f"scrapy extract: {path}: {exc}\n")
            self.exitcode = 1
            return
        text = json.dumps(record, ensure_ascii=False, indent=2)
        if opts.output:
            Path(opts.output).write_text(text + "\n", encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")

    def _manifest(self, manifest: Path, output: str | None) -> None:
        if not manifest.is_file():
            raise UsageError(f"no such manifest: {manifest}")
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        done = failed = 0
        try:
            with manifest.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines, 1):
                    if not line.strip():
                        continue
                    result = self._one(manifest.parent, line, number)
                    failed += "error" in result
                    done += "error" not in result
                    out.write(json.dumps(result, ensure_ascii=False) + "\n")
        finally:
            if out is not sys.stdout:
                out.close()
        sys.stderr.write(f"extract: {done} records, {failed} errors\n")
        if failed:
            self.exitcode = 1

    def _one(self, base: Path, line: str, number: int) -> dict[str, Any]:
        try:
            entry = json.loads(line)
            page_id, path, url = entry["id"], Path(entry["path"]), entry["url"]
        except (ValueError, KeyError, TypeError) as exc:
            return {"id": None, "error": f"manifest line {number}: {exc!r}"}
        try:
            data = (path if path.is_absolute() else base / path).read_bytes()
            record = extract_record(url, data, entry.get("site"))
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop a batch
            return {"id": page_id, "url": url, "error": f"{type(exc).__name__}: {exc}"}
        return {"id": page_id, "record_id": record.pop("id"), **record}
