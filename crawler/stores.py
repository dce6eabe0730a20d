"""What ``REDIS_URL`` switches: the state store (the SQLite file at ``STATE_PATH``, or Redis), the
scheduler and dupefilter (``crawler.distributed``), and this process's worker name (README
"Distributed crawling on Redis"). Nothing here loads the Redis client unless it is set."""

from __future__ import annotations

import re
import socket
from typing import TYPE_CHECKING, Any

from crawler.state import DEFAULT_STATE_PATH, SQLiteStateStore

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from crawler.state import StateStore

REDIS_SETTINGS = {
    "SCHEDULER": "crawler.distributed.RedisScheduler",
    "DUPEFILTER_CLASS": "crawler.distributed.CanonicalDupeFilter",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.ReliablePriorityQueue",
    # One worker ending must not flush the queue and dupefilter the others are using.
    "SCHEDULER_PERSIST": True,
}


def open_state_store(settings: Any) -> StateStore:
    """The store the settings name: Redis at ``REDIS_URL`` (keys under ``REDIS_KEY_PREFIX``),
    else the SQLite file at ``STATE_PATH``."""
    url = settings.get("REDIS_URL")
    if url:
        # Imported here: crawls without Redis never load the client.
        from crawler.state_redis import DEFAULT_PREFIX, RedisStateStore

        return RedisStateStore(url, settings.get("REDIS_KEY_PREFIX") or DEFAULT_PREFIX)
    return SQLiteStateStore(settings.get("STATE_PATH") or DEFAULT_STATE_PATH)


def worker_id(settings: Any) -> str | None:
    """This process's worker name when ``REDIS_URL`` is set (``REDIS_WORKER_ID``, else the host
    name), safe in file names; ``None`` for a crawl without Redis."""
    if not settings.get("REDIS_URL"):
        return None
    name = str(settings.get("REDIS_WORKER_ID") or socket.gethostname())
    return re.sub(r"[^\w.]", "_", name) or "worker"


class RedisAddon:
    """With ``REDIS_URL`` set, requests go through the Redis scheduler and dupefilter."""

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.get("REDIS_URL"):
            for name, value in REDIS_SETTINGS.items():
                settings.set(name, value, priority="addon")
