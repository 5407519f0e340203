"""Many "this card changed" marks become at most one update per card per interval.

Handlers only mark a session stale (a Redis set member, so a burst of 300 votes is one
mark). Every replica ticks; SPOP hands each mark to one of them, and a per-card lease in
Redis keeps updates of one card at least `interval` apart across replicas. A mark taken
while the lease is held goes back, so the last state is always published after a burst.
Each publish runs under its own correlation id; a failing tick (Redis down) backs off.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from bot.logs import Backoff, correlated
from bot.metrics import Metrics
from bot.service.ports import Card, ConvRef, Sender, SendError
from bot.store.outbox import OutboxStore

logger = logging.getLogger(__name__)

Render = Callable[[str], Awaitable[tuple[ConvRef, str, Card] | None]]
BATCH = 50


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

    async def tick(self) -> int:
        """One pass over the marks; returns how many cards were sent."""
        sids = await self._outbox.take(BATCH)
        if not sids:
            return 0
        results = await asyncio.gather(*(self._publish(sid) for sid in sids))
        return sum(results)

    async def _publish(self, sid: str) -> int:
        with correlated():  # gather runs each publish in its own task: the id stays there
            return await self._publish_once(sid)

    async def _publish_once(self, sid: str) -> int:
        if not await self._outbox.lease(sid, self._interval_ms):
            await self._outbox.mark(sid)  # updated moments ago: try again after the lease
            return 0
        try:
            rendered = await self._render(sid)
            if rendered is None:
                return 0
            ref, activity_id, card = rendered
            await self._sender.update(ref, activity_id, card)
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
