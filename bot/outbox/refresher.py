"""Many "this card changed" marks become at most one update per card per interval.

Handlers only mark a session stale (a Redis set member, so a burst of 300 votes is one
mark). Every replica ticks; SPOP hands each mark to one of them, and a per-card lease in
Redis keeps updates of one card at least `interval` apart across replicas. A mark taken
while the lease is held goes back, so the last state is always published after a burst.
Each publish runs under its own correlation id; a failing tick (Redis down) backs off.

A publish may wait: the Sender paces each conversation (bot/store/pacing.py) and waits out
429 Retry-After. So a tick starts publishes as tasks and does not await them: one throttled
conversation never holds up the cards of others. A session already publishing on this
replica is marked again instead of started twice. An update that outlived its lease (a
long pacing wait, a 429) renders once more when it lands, and sends that only if it
differs: meanwhile another replica may have sent a newer state, and Teams has no
conditional update, so the older card must not be the last word. One follow-up at most,
and none when nothing changed, so slow updates cannot feed each other in a loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Awaitable, Callable

from bot.logs import Backoff, correlated
from bot.metrics import Metrics
from bot.service.ports import Card, ConvRef, Sender, SendError
from bot.store.outbox import OutboxStore

logger = logging.getLogger(__name__)

Render = Callable[[str], Awaitable[tuple[ConvRef, str, Card] | None]]
BATCH = 50
MAX_IN_FLIGHT = 200  # publishes waiting at once on one replica (each on its own conversation)


class CardRefresher:
    def __init__(
        self,
        outbox: OutboxStore,
        render: Render,
        sender: Sender,
        interval_s: float,
        metrics: Metrics,
    ) -> None:
        self._outbox = outbox
        self._render = render
        self._sender = sender
        self._metrics = metrics
        self._interval_ms = max(1, int(interval_s * 1000))
        self.tick_s = max(0.01, interval_s / 4)
        self._in_flight: dict[str, asyncio.Task[int]] = {}

    async def tick(self) -> int:
        """One pass over the marks: starts a publish per session; returns how many started."""
        room = min(BATCH, MAX_IN_FLIGHT - len(self._in_flight))
        if room <= 0:
            return 0
        started = 0
        for sid in await self._outbox.take(room):
            if sid in self._in_flight:  # its update is still on the way: publish after it
                await self._outbox.mark(sid)
                continue
            task = asyncio.create_task(self._publish(sid), name=f"publish-{sid}")
            self._in_flight[sid] = task
            task.add_done_callback(lambda _, sid=sid: self._in_flight.pop(sid, None))
            started += 1
        return started

    async def drain(self) -> int:
        """Wait for the publishes in flight; returns how many cards they sent (for tests)."""
        results = await asyncio.gather(*self._in_flight.values())
        return sum(results)

    async def _publish(self, sid: str) -> int:
        with correlated():  # each publish is its own task: the id stays there
            return await self._publish_once(sid)

    async def _publish_once(self, sid: str) -> int:
        if not await self._outbox.lease(sid, self._interval_ms):
            await self._outbox.mark(sid)  # updated moments ago: try again after the lease
            return 0
        loop = asyncio.get_running_loop()
        leased_at = loop.time()
        try:
            rendered = await self._render(sid)
            if rendered is None:
                return 0
            ref, activity_id, card = rendered
            await self._sender.update(ref, activity_id, card)
            if (loop.time() - leased_at) * 1000 > self._interval_ms:
                newest = await self._render(sid)  # the lease ran out on the way
                if newest is not None and newest[2] != card:
                    await self._sender.update(*newest)
        except SendError as exc:
            self._metrics.card_update("failed")
            logger.warning("card_update_failed", extra={"sid": sid, "status": exc.status})
            if not exc.permanent:
                await self._outbox.mark(sid)
            return 0
        except Exception:
            self._metrics.card_update("error")
            logger.exception("card_update_crashed", extra={"sid": sid})
            await self._outbox.mark(sid)
            return 0
        self._metrics.card_update("sent")
        return 1

    async def run(self) -> None:
        backoff = Backoff(logger, "refresher")
        try:
            while True:
                with correlated():
                    try:
                        await self.tick()
                        backoff.succeeded()
                        delay = self.tick_s
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:  # noqa: BLE001 - logged once per backoff step
                        self._metrics.loop_failed("refresher")
                        delay = max(self.tick_s, backoff.failed(exc))
                await asyncio.sleep(delay)
        finally:
            await self._cancel_in_flight()

    async def _cancel_in_flight(self) -> None:
        """At shutdown (Redis is still open: it closes after the background tasks), a
        publish cut short is marked again, so another replica publishes that card."""
        cut = dict(self._in_flight)
        for task in cut.values():
            task.cancel()
        await asyncio.gather(*cut.values(), return_exceptions=True)
        with contextlib.suppress(Exception):
            async with asyncio.timeout(1.0):
                for sid in cut:
                    await self._outbox.mark(sid)
