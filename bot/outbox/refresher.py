"""Many "this card changed" marks become at most one update per card per interval.

Handlers only mark a card stale (bot/store/outbox.py: a versioned mark, so a burst of 300
votes is one mark). Every replica ticks; a tick claims the due marks, each for one replica,
and a per-card lease in Redis keeps updates of one card at least `interval` apart across
replicas. A mark whose card is leased waits for the lease to run out, so the last state is
always published after a burst. Each publish runs under its own correlation id; a failing
tick (Redis down) backs off.

A mark is removed only once its publish is through, and only if nobody marked the card
during it; a replica killed mid-publish holds a claim that runs out (`claim_ms`), and another
replica publishes the card then. While a publish runs, its replica renews the claim, so a
long wait does not hand the card to a second replica.

A publish may wait: the Sender paces each conversation (bot/store/pacing.py) and waits out
429 Retry-After. So a tick starts publishes as tasks and does not await them: one throttled
conversation never holds up the cards of others. A card already publishing on this replica
is not started twice. An update that outlived its lease (a long pacing wait, a 429) renders
once more when it lands, and sends that only if it differs: meanwhile another replica may
have sent a newer state, and Teams has no conditional update, so the older card must not be
the last word. One follow-up at most, and none when nothing changed, so slow updates cannot
feed each other in a loop.

Failures: a permanent refusal (400/401/403/404: the card is gone, the bot removed) drops the
mark (a later change tries again); a throttled or failing connector (429/5xx after the
Sender's retries) or a render that crashes is retried after `interval`, doubling up to
RETRY_MOST_MS, and given up after TRIES failures in a row. At shutdown, publishes cut short
are made due again at once, for another replica.

A render identical to the card last published for its mark (digest in keys.published) is
not sent: a mark that comes in while its change is being rendered costs no Teams call. A
render may carry the message's text too (the idea card's announcement): an update replaces
the whole message, so it is sent with the card, or Teams would drop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from typing import Awaitable, Callable

from bot.logs import correlated, run_loop
from bot.metrics import Metrics
from bot.service.ports import Card, ConvRef, Sender, SendError
from bot.store.outbox import Claim, OutboxStore, Outcome

logger = logging.getLogger(__name__)

# (conversation, activity id, card) or, for a message whose text goes with its card (the idea
# card under its announcement), (conversation, activity id, card, text)
Rendered = tuple[ConvRef, str, Card] | tuple[ConvRef, str, Card, str | None]
Render = Callable[[str], Awaitable[Rendered | None]]
BATCH = 50
MAX_IN_FLIGHT = 200  # publishes waiting at once on one replica (each on its own conversation)
CLAIM_MIN_MS = 3000  # a dead replica's cards are published by another one after this
TRIES = 4  # publishes failed in a row before a mark is given up
RETRY_MOST_MS = 60_000


def digest(card: Card) -> str:
    """What a card looks like, in 32 hex digits: an identical render is not sent twice."""
    text = json.dumps(card, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


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
        # how long a dead replica's cards wait; a live one renews its claims every third
        # of it (checked at each tick, so at least four ticks per claim)
        self.claim_ms = max(CLAIM_MIN_MS, int(self.tick_s * 4000))
        self._renewed_at = 0.0
        self._in_flight: dict[str, tuple[Claim, asyncio.Task[int]]] = {}

    async def tick(self) -> int:
        """One pass over the marks: renews the claims of running publishes when due, starts
        a publish per card claimed; returns how many started."""
        loop = asyncio.get_running_loop()
        room = max(0, min(BATCH, MAX_IN_FLIGHT - len(self._in_flight)))
        renew: list[str] = []
        if loop.time() - self._renewed_at >= self.claim_ms / 3000:
            renew = [m for m, (_, task) in self._in_flight.items() if not task.done()]
        if not room and not renew:
            return 0
        claims = await self._outbox.claim(room, self.claim_ms, renew)
        if renew:
            self._renewed_at = loop.time()
        started = 0
        for claim in claims:
            running = self._in_flight.get(claim.mark)
            if running and not running[1].done():  # our claim ran out and came back
                continue  # the publish still running settles it (and renews the claim)
            task = asyncio.create_task(self._publish(claim), name=f"publish-{claim.mark}")
            self._in_flight[claim.mark] = (claim, task)
            task.add_done_callback(lambda done, m=claim.mark: self._forget(m, done))
            started += 1
        return started

    def _forget(self, mark: str, task: asyncio.Task[int]) -> None:
        if (running := self._in_flight.get(mark)) and running[1] is task:
            del self._in_flight[mark]

    async def drain(self) -> int:
        """Wait for the publishes in flight; returns how many cards they sent (for tests)."""
        results = await asyncio.gather(*(task for _, task in self._in_flight.values()))
        return sum(results)

    async def _publish(self, claim: Claim) -> int:
        with correlated():  # each publish is its own task: the id stays there
            return await self._publish_once(claim)

    async def _publish_once(self, claim: Claim) -> int:
        sid = claim.mark
        try:
            held_ms = await self._outbox.lease(sid, self._interval_ms)
        except Exception as exc:  # noqa: BLE001 - Redis: the claim runs out, a tick retries
            logger.warning("card_lease_failed", extra={"sid": sid, "error": type(exc).__name__})
            return 0
        if held_ms < 0:  # the session was deleted: nothing to publish
            await self._settle(claim, "done", 0)
            return 0
        if held_ms:  # updated moments ago: publish when the lease runs out
            await self._settle(claim, "later", held_ms)
            return 0
        loop = asyncio.get_running_loop()
        leased_at = loop.time()
        try:
            rendered = await self._render(sid)
            if rendered is not None and await self._outbox.last_published(sid) == digest(
                rendered[2]
            ):
                self._metrics.card_update("unchanged")  # e.g. a mark made while we rendered
                rendered = None
            if rendered is not None:
                card = rendered[2]
                await self._sender.update(*rendered)
                await self._outbox.remember_published(sid, digest(card))
                if (loop.time() - leased_at) * 1000 > self._interval_ms:
                    newest = await self._render(sid)  # the lease ran out on the way
                    if newest is not None and newest[2] != card:
                        await self._sender.update(*newest)
                        await self._outbox.remember_published(sid, digest(newest[2]))
        except SendError as exc:
            self._metrics.card_update("failed")
            logger.warning("card_update_failed", extra={"sid": sid, "status": exc.status})
            if exc.permanent:  # the card cannot take updates: a later change tries again
                await self._settle(claim, "done", self._lease_left_ms(leased_at))
            else:
                await self._settle(claim, "failed", self._interval_ms)
            return 0
        except Exception:
            self._metrics.card_update("error")
            logger.exception("card_update_crashed", extra={"sid": sid})
            await self._settle(claim, "failed", self._interval_ms)
            return 0
        await self._settle(claim, "done", self._lease_left_ms(leased_at))
        if rendered is None:
            return 0
        self._metrics.card_update("sent")
        return 1

    def _lease_left_ms(self, leased_at: float) -> int:
        elapsed_ms = (asyncio.get_running_loop().time() - leased_at) * 1000
        return max(0, int(self._interval_ms - elapsed_ms))

    async def _settle(self, claim: Claim, outcome: Outcome, after_ms: int) -> None:
        """If Redis does not answer, the claim runs out and another tick publishes again."""
        try:
            settled = await self._outbox.settle(
                claim, outcome, after_ms, tries=TRIES, most_ms=RETRY_MOST_MS
            )
        except Exception as exc:  # noqa: BLE001 - the claim's expiry is the fallback
            logger.warning(
                "card_mark_unsettled", extra={"sid": claim.mark, "error": type(exc).__name__}
            )
            return
        if settled == "gave_up":
            self._metrics.card_update("gave_up")
            logger.warning("card_update_gave_up", extra={"sid": claim.mark, "tries": TRIES})

    async def run(self) -> None:
        failed = lambda: self._metrics.loop_failed("refresher")  # noqa: E731
        try:
            await run_loop(logger, "refresher", self.tick, self.tick_s, failed=failed)
        finally:
            await self._cancel_in_flight()

    async def _cancel_in_flight(self) -> None:
        """At shutdown (Redis is still open: it closes after the background tasks), a
        publish cut short is made due again at once, so another replica publishes that card
        (if Redis does not answer, its claim runs out)."""
        cut = [(claim, task) for claim, task in self._in_flight.values() if task.cancel()]
        if cut:  # bounded: a publish whose cancel was swallowed must not hold up shutdown
            await asyncio.wait([task for _, task in cut], timeout=2.0)
        with contextlib.suppress(Exception):
            async with asyncio.timeout(1.0):
                for claim, _ in cut:
                    await self._outbox.settle(claim, "later", 0)
