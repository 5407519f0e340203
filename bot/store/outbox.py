"""Marks for the coalescing publisher, shared by every replica (STYLE 2.11).

A mark says "this shared card must be re-rendered". It stays in Redis until a publish of it
is through, so a replica that dies mid-publish (SIGKILL) loses nothing:

- `mark` bumps the mark's version and makes a new mark due now (many marks of one card
  before the next tick are one mark: one update).
- `claim` hands each due mark to exactly one replica, with its version, for a claim of
  `claim_ms`: the mark stays, due again when the claim runs out. The replica renews the
  claims of the publishes it still runs at each claim (a long pacing or Retry-After wait
  keeps its mark); a dead replica renews nothing, so another one takes the mark over.
- `settle` ends a claim: `done` removes the mark only if its version did not move since the
  claim (a mark made during the publish survives, due after the lease); `failed` makes it
  due again after a delay that doubles at each failure in a row, and the n-th gives up;
  `later` makes it due again after a delay with its version kept (the lease is held, or
  shutdown cut the publish short).

Every step is one script on the Redis clock (bot/store/scripts.py OUTBOX_*), so replicas
need no synchronised clocks. The per-card lease (`dk:{sid}:pub`, a key with a TTL) keeps
updates of one card `interval` apart whoever publishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis

from bot.store import keys, scripts

Outcome = Literal["done", "failed", "later"]
Settled = Literal["gone", "done", "again", "gave_up"]


@dataclass(frozen=True, slots=True)
class Claim:
    mark: str  # a session id, or "<sid>|g<n>" for a group's board
    version: str


class OutboxStore:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._mark = scripts.OUTBOX_MARK.on(redis)
        self._claim = scripts.OUTBOX_CLAIM.on(redis)
        self._settle = scripts.OUTBOX_SETTLE.on(redis)
        self._lease = scripts.OUTBOX_LEASE.on(redis)
        self._remember = scripts.OUTBOX_REMEMBER.on(redis)

    async def mark(self, sid: str) -> None:
        """The card of `sid` changed: publish it (once, however many marks come first)."""
        await self._mark(marks=[sid])

    async def claim(self, count: int, claim_ms: int, renew: list[str] | None = None) -> list[Claim]:
        """Up to `count` due marks, each now claimed by this caller for `claim_ms`; the
        claims of `renew` (publishes still running here) run `claim_ms` more first."""
        flat = await self._claim(most=count, claim=claim_ms, renew=renew or [])
        return [Claim(str(m), str(v)) for m, v in zip(flat[::2], flat[1::2], strict=True)]

    async def settle(
        self,
        claim: Claim,
        outcome: Outcome,
        after_ms: int = 0,
        tries: int = 1,
        most_ms: int = 60_000,
    ) -> Settled:
        """End a claim (see the module docstring). `after_ms`: when it is due again if it
        stays (a failure: the first delay, doubled at each failure in a row up to `most_ms`);
        `tries`: failures in a row that give up."""
        settled = await self._settle(
            mark=claim.mark,
            version=claim.version,
            outcome=outcome,
            after=max(0, int(after_ms)),
            tries=max(1, tries),
            most=most_ms,
        )
        return str(settled)  # type: ignore[return-value]

    async def lease(self, mark: str, interval_ms: int) -> int:
        """At most one update per card per interval, across replicas: 0 when this caller now
        holds the card's lease, n > 0 when another publish holds it n ms more, -1 when the
        session was deleted (a session card's lease is only taken while its meta exists)."""
        session_card = "|" not in mark  # "<sid>|…" marks other cards, in another slot
        session_meta = [keys.meta(mark)] if session_card else []
        return int(await self._lease(mark, session_meta=session_meta, interval=interval_ms))

    async def adopt_legacy(self) -> int:
        """At start-up: marks an older app version left in its set become due marks, so a
        rolling upgrade loses no card update. SPOP hands each to one replica."""
        adopted = 0
        while marks := await self._redis.spop(keys.LEGACY_OUTBOX, 100):
            for mark in marks:
                await self.mark(mark)
            adopted += len(marks)
        return adopted

    async def last_published(self, mark: str) -> str | None:
        """The digest of the card last published for this mark, if any."""
        return await self._redis.hget(keys.published(mark.split("|", 1)[0]), mark)

    async def remember_published(self, mark: str, digest: str) -> None:
        sid = mark.split("|", 1)[0]
        await self._remember(sid, mark=mark, digest=digest)

    async def pending(self) -> dict[str, tuple[str, float]]:
        """Every mark with its version and due time (epoch ms): for tests and diagnostics."""
        due = await self._redis.zrange(keys.OUTBOX_DUE, 0, -1, withscores=True)
        versions = await self._redis.hgetall(keys.OUTBOX_VERSIONS)
        return {m: (versions.get(m, "0"), score) for m, score in due}
