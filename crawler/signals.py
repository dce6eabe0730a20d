"""The crawler's own Scrapy signals, the seams between export and the components that keep state."""

from __future__ import annotations

items_durable = object()
"""Sent by the exporter after a batch of records is flushed and fsynced to the output file, with
``items`` (the list of item dicts just made durable) and ``spider``. Components that remember
articles across runs (dedup, incremental crawling) mark an article as seen only on this signal, so a
crash can never turn an unwritten article into a "seen" one."""

discovery_incomplete = object()
"""Sent by the spider when a request announced by discovery documents failed for good (a
download error, a 5xx after retries), with ``urls``: the feeds, sitemaps and section pages that led
to it. Their HTTP validators are then not saved, so the next run reads them again instead of
getting a 304 that would hide the lost article."""
