"""Distributed crawling: scrapy-redis's scheduler, priority queue and dupefilter, switched on by
``REDIS_URL``, with what they lack for many workers on Scrapy 2.19 (README "Distributed crawling
on Redis"): canonical-URL fingerprints, a processing set per worker so a killed worker's
requests go back to the queue, and an end of the run when no worker has anything left."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.signals import items_durable
from crawler.sites import site_for_url
from crawler.stores import worker_id
from crawler.urls import canonicalize_url
from pipelines.export import site_of

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "crawler"


class CanonicalDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared dupefilter, keyed by the project's canonical URL (site aliases,
    trackers, AMP paths folded) instead of w3lib's canonical form."""

    def request_fingerprint(self, request: Request) -> str:
        url = canonicalize_url(request.url, site_for_url(request.url))
        data = f"{request.method} {url} ".encode() + (request.body or b"")
        return hashlib.sha1(data).hexdigest()


# Pop the best request and move it into the worker's processing set in one step (KEYS: queue,
# processing): a request is always in one of the two until the worker acknowledges it.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('ZADD', KEYS[2], r[2], r[1])
return r[1]
"""

# Mark a request seen and queue it in one step (KEYS: dupefilter, queue; ARGV: fingerprint, score,
# request, "1" for dont_filter): 1 when queued. Two commands let a worker killed between them
# leave a URL seen but never queued; its parent's requeued refetch then found it seen: lost.
_ENQUEUE = """
if ARGV[4] ~= '1' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Give a worker's processing set back to the queue (KEYS: queue, processing, workers, alive;
# ARGV[1]: the worker, ARGV[2]: "dead" to do it only when the worker's heartbeat has expired).
_REQUEUE = """
if ARGV[2] == 'dead' and redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local n = redis.call('ZCARD', KEYS[2])
if n > 0 then
  redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MIN')
  redis.call('DEL', KEYS[2])
end
if ARGV[2] == 'dead' then redis.call('HDEL', KEYS[3], ARGV[1]) end
return n
"""

# A worker leaves (KEYS: workers, queue, dupefilter, alive); the last one out of a run whose
# queue is empty forgets the run's dupefilter, so the next run fetches listings again.
_LEAVE = """
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[4])
if redis.call('HLEN', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[3])
  return 1
end
return 0
"""


class ReliablePriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop moves the request into a processing set of the
    worker (its own ``pop`` removes it, so a killed worker's requests were lost: still in the
    dupefilter, never in the queue again)."""

    def __init__(
        self, server: Any, spider: Spider, key: str, serializer: Any = None, processing: str = ""
    ) -> None:
        super().__init__(server, spider, key, serializer)
        self.processing = processing or key + ":processing"
        self._pop = server.register_script(_POP)

    def pop_tracked(self) -> tuple[Request, bytes] | None:
        """The next request and its queue entry, now in the processing set."""
        data = self._pop(keys=[self.key, self.processing])
        if not data:
            return None
        return self._decode_request(data), data

    def pop(self, timeout: int = 0) -> Request | None:
        popped = self.pop_tracked()
        return popped[0] if popped else None


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler for several workers of one crawl.

    Keys (``<p>`` is ``REDIS_KEY_PREFIX``, ``<site>`` the run's output folder name):
    ``<p>:<site>:requests`` the shared queue, ``<p>:<site>:dupefilter``,
    ``<p>:<site>:processing:<worker>`` requests a worker popped and has not finished,
    ``<p>:<site>:workers`` the workers of the run, ``<p>:<site>:alive:<worker>`` a heartbeat.

    A popped request is acknowledged (removed from the processing set) only once the engine is
    done with it (callback run, its new requests queued, its items through the pipelines) and
    its items are durable (``items_durable``); a restarted worker puts its processing set back
    into the queue, and a worker whose heartbeat stopped (``REDIS_WORKER_TIMEOUT``) has its set
    put back by the others. A worker with nothing to do waits while the queue holds requests,
    another worker has requests in hand or is still starting; the run ends when none has.
    """

    def __init__(self, server: Any, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.crawler: Crawler | None = None
        self.worker = "worker"
        self.prefix = DEFAULT_PREFIX
        self.timeout = 30.0
        self.max_idle = 0.0
        self._popped: dict[Request, bytes] = {}
        self._finished: list[bytes] = []
        self._scraped = 0
        self._durable = 0
        self._idle_since: float | None = None
        self._heartbeat: Any = None
        self._requeue = server.register_script(_REQUEUE)
        self._enqueue = server.register_script(_ENQUEUE)
        self._leave = server.register_script(_LEAVE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.crawler = crawler
        scheduler.worker = worker_id(settings) or "worker"
        scheduler.prefix = settings.get("REDIS_KEY_PREFIX") or DEFAULT_PREFIX
        scheduler.timeout = settings.getfloat("REDIS_WORKER_TIMEOUT", 30.0)
        scheduler.max_idle = settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE", 0.0)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(scheduler.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(scheduler.items_durable, signal=items_durable)
        crawler.signals.connect(scheduler.engine_started, signal=signals.engine_started)
        crawler.signals.connect(scheduler.engine_stopped, signal=signals.engine_stopped)
        return scheduler

    # -- keys ----------------------------------------------------------------------------------

    def _key(self, name: str) -> str:
        return f"{self.base}:{name}"

    def _worker_keys(self, worker: str) -> list[str]:
        return [
            self.queue.key,
            self._key(f"processing:{worker}"),
            self._key("workers"),
            self._key(f"alive:{worker}"),
        ]

    # -- open and close ------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        assert self.crawler is not None
        self.spider = spider
        # Per output folder, not per spider name: `news` crawls of two sites are two runs.
        self.base = f"{self.prefix}:{site_of(self.crawler)}"
        self.queue = ReliablePriorityQueue(
            self.server,
            spider,
            self._key("requests"),
            self.serializer,
            processing=self._key(f"processing:{self.worker}"),
        )
        self.df = CanonicalDupeFilter(
            self.server,
            key=self._key("dupefilter"),
            debug=spider.settings.getbool("DUPEFILTER_DEBUG"),
        )
        if self.flush_on_start:
            self.flush()
        if self.stats is not None:
            self.stats.set_value("redis/worker", self.worker)
        self._reap()
        self.server.hset(self._key("workers"), self.worker, "starting")
        self._beat()
        if len(self.queue):
            logger.info("Joining a run with %d requests queued", len(self.queue))
        self._heartbeat = create_looping_call(self._tick)
        self._heartbeat.start(min(1.0, self.timeout / 3), now=False)

    def engine_started(self) -> None:
        """Put this worker's killed run's requests back, once its ``.part`` is recovered."""
        # Connected after the export extension, so this runs after its recovery: the store knows
        # the records the killed run had written but not acknowledged, and their refetch (here
        # or on another worker) is dropped as unchanged instead of being written a second time.
        back = self._requeue(keys=self._worker_keys(self.worker), args=[self.worker, "own"])
        if back:
            self._stat("redis/requeued_own", back)
            logger.warning("Put %d requests of this worker's killed run back into the queue", back)

    def close(self, reason: str) -> None:
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()

    def engine_stopped(self) -> None:
        """Every feed is closed and its last batch durable: acknowledge what is left, leave."""
        failed = self.stats.get_value("export/write_errors") if self.stats is not None else 0
        if failed and (self._popped or self._finished):
            # The run file could not be written: the records of these requests may be missing.
            # Left as a killed worker leaves them (no acknowledgement, still a worker of the run):
            # its restart, or the others once its heartbeat is gone, put them back.
            n = len(self._popped) + len(self._finished)
            logger.warning("Left %d unacknowledged requests for a restart to put back", n)
            return
        if self._popped or self._finished:
            self._ack(everything=True)
        last = self._leave(
            keys=[
                self._key("workers"),
                self.queue.key,
                self.df.key,
                self._key(f"alive:{self.worker}"),
            ],
            args=[self.worker],
        )
        if last:
            logger.info("Last worker of the run: its dupefilter is cleared for the next run")

    # -- requests ------------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's enqueue (dupefilter, then queue) as one atomic step."""
        queued = self._enqueue(
            keys=[self.df.key, self.queue.key],
            args=[
                self.df.request_fingerprint(request),
                -request.priority,
                self.queue._encode_request(request),
                "1" if request.dont_filter else "0",
            ],
        )
        if not queued:
            self.df.log(request, self.spider)
            return False
        self._stat("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        popped = self.queue.pop_tracked()
        if popped is None:
            return None
        request, data = popped
        self._popped[request] = data
        self._idle_since = None
        self._stat("scheduler/dequeued/redis")
        return request

    def _stat(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)

    # -- acknowledgements ----------------------------------------------------------------------

    def item_scraped(self) -> None:
        self._scraped += 1

    def items_durable(self, items: list[Any], recovered: bool = False, **kwargs: Any) -> None:
        if recovered:
            return
        self._durable += len(items)
        # Sent right after the fsync: every item scraped so far is in the file now.
        self._ack(everything=False, durable=True)

    def _in_progress(self) -> set[Request]:
        assert self.crawler is not None and self.crawler.engine is not None
        # The engine's requests between download and the end of scraping (no public accessor).
        slot = getattr(self.crawler.engine, "_slot", None)
        return slot.inprogress if slot is not None else set()

    def _ack(self, everything: bool, durable: bool = False) -> None:
        """Acknowledge requests the engine is done with whose items (if any) are durable."""
        busy = set() if everything else self._in_progress()
        done = [r for r in self._popped if r not in busy]
        for request in done:
            self._finished.append(self._popped.pop(request))
        if self._finished and (everything or durable or self._scraped <= self._durable):
            self.server.zrem(self._key(f"processing:{self.worker}"), *self._finished)
            self._stat("redis/acknowledged", len(self._finished))
            self._finished = []

    # -- liveness and the end of the run -------------------------------------------------------

    def _beat(self) -> None:
        self.server.set(self._key(f"alive:{self.worker}"), b"1", px=int(self.timeout * 1000))

    def _tick(self) -> None:
        self._beat()
        self._ack(everything=False)
        engine = self.crawler.engine if self.crawler is not None else None
        slot = getattr(engine, "_slot", None)
        if slot is not None and self._idle_since is not None:
            # A waiting worker looks again every tick, not at the engine's 5-second heartbeat:
            # for requests another worker queued, or for the end of the run.
            slot.nextcall.schedule()

    def _reap(self) -> int:
        """Requeue the processing sets of workers whose heartbeat expired."""
        back = 0
        for worker in self.server.hkeys(self._key("workers")):
            name = worker.decode("utf-8")
            if name == self.worker:
                continue
            n = self._requeue(keys=self._worker_keys(name), args=[name, "dead"])
            if n > 0:
                logger.warning(
                    "Put %d requests of worker %s (no heartbeat) back in the queue", n, name
                )
                self._stat("redis/requeued_dead", n)
                back += n
        return back

    def spider_idle(self) -> None:
        """Keep an idle worker open while the run is not over anywhere."""
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        self.server.hset(self._key("workers"), self.worker, "idle")
        self._ack(everything=False)
        if self.max_idle and now - self._idle_since >= self.max_idle:
            return
        self._reap()
        if len(self.queue):
            raise DontCloseSpider
        for worker, state in self.server.hgetall(self._key("workers")).items():
            name = worker.decode("utf-8")
            if state == b"starting" and name != self.worker:
                raise DontCloseSpider
            # This worker's own unacknowledged requests are all finished (it is idle); only
            # their items' durability is pending, which its close settles.
            if name != self.worker and self.server.zcard(self._key(f"processing:{name}")):
                raise DontCloseSpider
