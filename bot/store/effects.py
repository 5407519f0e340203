"""The effects outbox (issue 14): what a state change causes, recorded by the same script
that made the change (HOST_UPDATE's ARGV[9], keys.effects), carried out by any replica.

- A session with effects is in one index (`dk:{fx}:due`). The script that records an effect
  cannot touch that index (another cluster slot), so the caller adds it right after; if
  the process dies in between, `sweep` (at start-up) finds the session again.
- `claim` leases due sessions to one replica on the Redis clock; the runner renews the
  leases of the sessions it still works on, so a slow Teams call never lets a second
  replica run the same effects.
- `settle` removes an effect only if it is still the payload that was run, and `release`
  drops the session from the index only when nothing is left, in one step.
"""

from __future__ import annotations

from redis.asyncio import Redis

from bot.store import keys, scripts


class EffectStore:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._claim = scripts.EFFECTS_CLAIM.on(redis)
        self._settle = scripts.EFFECT_SETTLE.on(redis)
        self._release = scripts.EFFECTS_RELEASE.on(redis)
        self._claim_one = scripts.EFFECTS_CLAIM_ONE.on(redis)

    async def record(self, sid: str, effects: dict[str, str]) -> None:
        """Effects decided outside a transition script (a host asks for the summary again):
        HSETNX each, so asking twice records once."""
        if not effects:
            return
        pipe = self._redis.pipeline(transaction=False)
        for effect_id, payload in effects.items():
            pipe.hsetnx(keys.effects(sid), effect_id, payload)
        pipe.zadd(keys.EFFECTS_DUE, {sid: 0}, nx=True)
        await pipe.execute()

    async def claim(self, batch: int, lease_ms: int, renew: list[str]) -> list[str]:
        return [str(s) for s in await self._claim(most=batch, lease=lease_ms, renew=renew)]

    async def claim_one(self, sid: str, lease_ms: int) -> bool:
        return bool(await self._claim_one(session=sid, lease=lease_ms))

    async def pending(self, sid: str) -> dict[str, str]:
        return await self._redis.hgetall(keys.effects(sid))

    async def settle(self, sid: str, effect_id: str, ran: str, keep: str = "") -> bool:
        return bool(await self._settle(sid, effect=effect_id, ran=ran, keep=keep))

    async def release(self, sid: str, again_in_ms: int) -> bool:
        """True if effects are left (due again in `again_in_ms`)."""
        return bool(await self._release(sid, session=sid, after=again_in_ms))

    async def sweep(self) -> int:
        """Index every session that has effects (after a crash between record and kick)."""
        found = 0
        async for key in self._redis.scan_iter(match="dk:{*}:fx", count=500):
            sid = str(key)[len("dk:{") : -len("}:fx")]
            found += await self._redis.zadd(keys.EFFECTS_DUE, {sid: 0}, nx=True)
        return found
