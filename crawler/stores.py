"""Which state store a crawl uses: the SQLite file at ``STATE_PATH``, or Redis when ``REDIS_URL``
is set (README "Distributed crawling on Redis")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.state import DEFAULT_STATE_PATH, SQLiteStateStore

if TYPE_CHECKING:
    from crawler.state import StateStore


def open_state_store(settings: Any) -> StateStore:
    """The store the settings name: Redis at ``REDIS_URL`` (keys under ``REDIS_KEY_PREFIX``),
    else the SQLite file at ``STATE_PATH``."""
    url = settings.get("REDIS_URL")
    if url:
        # Imported here: crawls without Redis never load the client.
        from crawler.state_redis import DEFAULT_PREFIX, RedisStateStore

        return RedisStateStore(url, settings.get("REDIS_KEY_PREFIX") or DEFAULT_PREFIX)
    return SQLiteStateStore(settings.get("STATE_PATH") or DEFAULT_STATE_PATH)
