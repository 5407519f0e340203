"""A conversation's keys (keys.py conv, hist, turn): which session it runs, the ones it
ended, and the messages it is handling."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.store import keys

TURN_CLAIM_S = 5  # well below Teams' ~15 s redelivery, far above any normal turn


class ConversationStore:
    """The conversation's part of the session store (SessionStore is one)."""

    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._turn_ttl = seen_ttl_s

    async def current_sid(self, conv_key: str) -> str | None:
        return await self._redis.get(keys.conversation(conv_key))

    async def expire_pointer(self, conv_key: str, sid: str, retention_s: int) -> None:
        """The conversation forgets an ended session when its data expires."""
        key = keys.conversation(conv_key)
        if await self._redis.get(key) == sid:
            await self._redis.expire(key, retention_s)

    async def remember_ended(self, conv_key: str, sid: str, retention_s: int) -> None:
        """The conversation's history of ended sessions (`history`), newest first."""
        key = keys.history(conv_key)
        pipe = self._redis.pipeline(transaction=True)
        pipe.lrem(key, 0, sid)
        pipe.lpush(key, sid)
        pipe.ltrim(key, 0, 49)
        pipe.expire(key, retention_s)
        await pipe.execute()

    async def history(self, conv_key: str) -> list[str]:
        return list(await self._redis.lrange(keys.history(conv_key), 0, 49))

    async def first_turn(self, conv_key: str, activity_id: str) -> bool:
        """True the first time a message is seen in a conversation (Teams redelivers after
        ~15 s; message ids are unique per conversation only). The claim is short-lived until
        `turn_done`: a delivery cut off by a crash is run again when Teams redelivers it."""
        key = keys.turn(conv_key, activity_id)
        return bool(await self._redis.set(key, "busy", nx=True, ex=TURN_CLAIM_S))

    async def turn_done(self, conv_key: str, activity_id: str) -> None:
        await self._redis.set(keys.turn(conv_key, activity_id), "done", ex=self._turn_ttl)

    async def ping(self) -> bool:
        return bool(await self._redis.ping())
