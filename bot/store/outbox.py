"""Marks for the coalescing publisher, shared by every replica (STYLE 2.11)."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.store import keys


class OutboxStore:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def mark(self, sid: str) -> None:
        """Many marks of one card before the next tick are one set member: one update."""
        await self._redis.sadd(keys.OUTBOX_STALE, sid)

    async def take(self, count: int) -> list[str]:
        """SPOP: each mark goes to exactly one replica."""
        taken = await self._redis.spop(keys.OUTBOX_STALE, count)
        return list(taken or [])

    async def lease(self, sid: str, interval_ms: int) -> bool:
        """At most one update per card per interval, across replicas."""
        return bool(await self._redis.set(keys.publish_lease(sid), "1", nx=True, px=interval_ms))

    async def lease_left_ms(self, sid: str) -> int:
        return max(0, int(await self._redis.pttl(keys.publish_lease(sid))))
