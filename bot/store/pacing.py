"""Per-conversation pacing of Bot Connector calls, shared by every replica (SPEC §5, issue 5).

Teams throttles a bot per conversation (thread): 7 operations per 1 s, 8 per 2 s, 60 per
30 s, sliding windows, and answers 429 past them. Every send, update or roster read counts,
whichever replica makes it, so the budget lives in Redis: one sorted set per conversation
holds the slots booked in the last 30 s, and one script books the earliest slot that keeps
every window under our own limits (6 / 7 / 55, below Teams'), each window lengthened by a
guard. The caller sleeps until its slot, then calls. Booking a future slot (rather than
"refused, try again") costs one round trip per call and serves callers first come, first
served, so a burst of votes' card updates cannot starve a phase announcement.

Why the guard: the count margin alone does not absorb jitter. The pacer books a burst of 6
at t and the next ones at exactly t + 1 s; if the first six reach Teams 10 ms late and the
next ones on time, Teams sees 12 in 1 s. Lengthening each window by GUARD_MS tolerates that
much spread between a booking and its arrival at Teams (token, connection, serialization).

The clock is Redis TIME inside the script, so replicas agree without synchronised clocks;
the caller only sleeps the relative wait the script returns. Redis 6.2 (the embedded
server) replicates scripts by effects by default (lua-replicate-commands yes), so writes
after TIME are allowed; `redis.replicate_commands()` makes that explicit where it was
configured off, and is a no-op on Redis 7.

Key (one per conversation, PEXPIRE ≤ MAX_WAIT + 30 s + 1 s, so idle ones vanish):
  dk:{pace}:<conversation id>  zset  booking id -> its slot (epoch ms, Redis clock)
The conversation id is the one in the request URL (a channel thread keeps its
";messageid=…"); ':' ';' '@' and braces are fine in a key, and `{pace}` comes first, so it
is the hash tag: a later script may check a conversation and a wider budget together.

If Redis does not answer (down, or slower than REDIS_TIMEOUT_S), the call goes unpaced:
Teams' own 429 and the sender's Retry-After handling remain, and a message is not lost to
an outage of its pacer.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.service.ports import StoreUnavailable
from bot.store import keys, scripts

logger = logging.getLogger(__name__)

TEAMS_LIMITS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60))  # reference
# (window s, most operations in it): our limits, a safety margin below TEAMS_LIMITS.
PACE_LIMITS: tuple[tuple[float, int], ...] = ((1.0, 6), (2.0, 7), (30.0, 55))
GUARD_MS = 250  # added to every window: tolerated spread between booking and arrival
MAX_WAIT_S = 30.0  # a slot further away than this is not booked: the call fails instead
REDIS_TIMEOUT_S = 1.0


@dataclass(frozen=True, slots=True)
class Booking:
    booked: bool
    wait_ms: int  # from Redis' now to the slot
    at_ms: int  # the slot, epoch ms on the Redis clock


class ConversationPacer:
    """Books each outgoing call's slot in its conversation's window, across replicas."""

    def __init__(
        self,
        redis: Redis,
        limits: tuple[tuple[float, int], ...] = PACE_LIMITS,
        guard_ms: int = GUARD_MS,
        max_wait_s: float = MAX_WAIT_S,
    ) -> None:
        if not limits or any(w <= 0 or most < 1 for w, most in limits):
            raise ValueError("pace limits must be positive windows with at least one call")
        self._redis = redis
        self._script = scripts.RESERVE_SLOT.on(redis)
        self._windows = [str(v) for w, most in limits for v in (int(w * 1000) + guard_ms, most)]
        self._max_wait_ms = int(max_wait_s * 1000)

    async def book(self, conversation_id: str) -> Booking:
        """One script call: the earliest slot that keeps every window, booked if near enough."""
        booked, wait, at = await self._script(
            pace=keys.pace(conversation_id),
            booking=uuid.uuid4().hex,
            most_wait=self._max_wait_ms,
            windows=self._windows,
        )
        return Booking(bool(booked), int(wait), int(at))

    async def reserve(self, conversation_id: str) -> float | None:
        """Seconds until this call may go (0.0: now), booked; None: no slot within the cap.
        Fails open (0.0) when Redis does not answer in time."""
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_S):
                booking = await self.book(conversation_id)
        except (StoreUnavailable, RedisError, OSError, TimeoutError) as exc:
            logger.warning("pace_unavailable", extra={"error": type(exc).__name__})
            return 0.0
        return booking.wait_ms / 1000 if booking.booked else None
