"""The shared timer queue: any replica may run any timer, each one once (STYLE 2.8)."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.store import keys, scripts

FIRED_TTL_S = 7 * 86_400


class TimerStore:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._claim = scripts.CLAIM_TIMERS.on(redis)
        self._renew = scripts.RENEW_TIMERS.on(redis)
        self._retry = scripts.RETRY_TIMER.on(redis)

    async def schedule(self, jobs: list[tuple[str, int]]) -> None:
        """ZADD NX: replicas planning the same timer make one entry."""
        if jobs:
            await self._redis.zadd(keys.TIMERS_DUE, {i: due for i, due in jobs}, nx=True)

    async def rearm(self, timer_id: str, due_ms: int) -> None:
        """One timer that moves (a session's idle end): planned again at `due_ms`."""
        await self._redis.zadd(keys.TIMERS_DUE, {timer_id: due_ms})

    async def claim(self, now_ms: int | None, lease_ms: int, batch: int = 50) -> list[str]:
        """Due timers (on the Redis clock, or on `now_ms` when a test drives the clock),
        each leased to this caller on the Redis clock."""
        due = "" if now_ms is None else now_ms
        return list(await self._claim(now=due, lease=lease_ms, batch=batch))

    async def renew(self, timer_ids: list[str], lease_ms: int) -> None:
        if timer_ids:
            await self._renew(lease=lease_ms, ids=timer_ids)

    async def retry(self, timer_id: str, due_ms: int) -> None:
        """A failed run: the timer is due again at `due_ms` (not lost, not run twice)."""
        await self._retry(timer=timer_id, at=due_ms)

    async def done(self, timer_id: str) -> None:
        await self._redis.zrem(keys.TIMERS_RUNNING, timer_id)

    async def fire_once(self, sid: str, timer_id: str) -> bool:
        """True for the one run that may post this timer's message."""
        return bool(await self._redis.set(keys.fired(sid, timer_id), "1", nx=True, ex=FIRED_TTL_S))

    async def unfire(self, sid: str, timer_id: str) -> None:
        """The timer's message did not go out after all: its next run may send it."""
        await self._redis.delete(keys.fired(sid, timer_id))

    async def pending(self) -> dict[str, int]:
        return {
            i: int(s) for i, s in await self._redis.zrange(keys.TIMERS_DUE, 0, -1, withscores=True)
        }
