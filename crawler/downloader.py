"""Scrapy's downloader with its per-slot concurrency limit kept under the asyncio reactor."""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class SlotLimitDownloader(Downloader):
    """Holds each downloader slot to its concurrency (``CONCURRENT_REQUESTS_PER_DOMAIN``,
    ``CONCURRENT_REQUESTS_PER_IP``, ``DOWNLOAD_SLOTS``).

    Scrapy 2.19 counts a request against its slot only once its download coroutine has started
    (``_download`` adds it to ``slot.transferring``). Under the asyncio reactor the coroutine is a
    task that starts on a later loop turn, so ``_process_queue`` sees a free slot for every queued
    request and sends them all at once: with ``CONCURRENT_REQUESTS_PER_DOMAIN=1`` a site got 9
    requests together. Here a request counts from the moment it is scheduled.
    """

    def _process_queue(self, slot: Slot) -> None:
        # Scrapy 2.19's body, plus the one `transferring.add` before scheduling.
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
