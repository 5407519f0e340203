"""Vote rounds in Redis: the tally and the ballots of one round (keys.py tally/ballots)."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.store import keys, scripts
from bot.store.sessions import repeat_as_first


class BallotStore:
    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._seen_ttl = seen_ttl_s
        self._cast = redis.register_script(scripts.CAST_VOTE)

    async def open_round(self, sid: str, round_: int, idea_ids: list[str]) -> None:
        """Preset every idea in play to 0 dots; reopening (after `back`) keeps cast dots."""
        if not idea_ids:
            return
        pipe = self._redis.pipeline(transaction=True)
        for idea_id in idea_ids:
            pipe.hsetnx(keys.tally(sid, round_), idea_id, 0)
        await pipe.execute()

    async def cast(
        self,
        sid: str,
        round_: int,
        activity_id: str,
        voter: str,
        idea_id: str,
        rev: int,
        allowance: int,
        cap: int,
        delta: int,
    ) -> str:
        return repeat_as_first(
            await self._cast(
                keys=[
                    keys.meta(sid),
                    keys.seen(sid, activity_id),
                    keys.tally(sid, round_),
                    keys.ballots(sid, round_),
                ],
                args=[self._seen_ttl, voter, idea_id, rev, allowance, cap, delta],
            )
        )

    async def in_play(self, sid: str, round_: int) -> list[str]:
        """The ideas of a round, in the order they came in."""
        ids = await self._redis.hkeys(keys.tally(sid, round_))
        return sorted(ids, key=lambda i: (len(i), i))

    async def tally(self, sid: str, round_: int) -> dict[str, int]:
        raw = await self._redis.hgetall(keys.tally(sid, round_))
        return {idea_id: int(n) for idea_id, n in raw.items()}

    async def mine(self, sid: str, round_: int, voter: str, idea_ids: list[str]) -> dict[str, int]:
        """My dots on the given ideas (one HMGET: the ballots hash holds everyone's)."""
        if not idea_ids:
            return {}
        fields = [voter] + [f"{voter}:{i}" for i in idea_ids]
        values = await self._redis.hmget(keys.ballots(sid, round_), fields)
        return {i: int(v) for i, v in zip(idea_ids, values[1:], strict=True) if v and int(v) > 0}

    async def used(self, sid: str, round_: int, voter: str) -> int:
        return int(await self._redis.hget(keys.ballots(sid, round_), voter) or 0)

    async def voters(self, sid: str, round_: int) -> int:
        """How many people have at least one dot placed (fields without ':' are voters)."""
        raw = await self._redis.hgetall(keys.ballots(sid, round_))
        return sum(1 for f, n in raw.items() if ":" not in f and int(n) > 0)
