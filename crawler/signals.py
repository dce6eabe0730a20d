"""The crawler's own Scrapy signals, the seams between export and the components that keep state."""

from __future__ import annotations

items_durable = object()
"""Sent by the exporter after a batch of records is flushed and fsynced to the output file, with
``items`` (the list of item dicts just made durable) and ``spider``. Components that remember
articles across runs (dedup, incremental crawling) mark an article as seen only on this signal, so a
crash can never turn an unwritten article into a "seen" one."""
