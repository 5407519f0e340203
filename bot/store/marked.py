"""A click's script and the shared card's mark in one round trip (issue 13).

The mark lives in the outbox's own keys (another cluster slot than the session's), so it
cannot join the session script; both go in one write, with the other clicks of the same
event-loop turn (bot/store/pipelining.py). The mark is made
whatever the script answered: a refused click costs one coalesced, unchanged re-render,
never a lost update.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from bot.store import keys, scripts
from bot.store.pipelining import AutoPipeline
from bot.store.scripting import Script


class MarkedScript:
    def __init__(self, redis: Redis, script: Script, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._script = script.on(redis, seen_ttl_s)
        self._mark = scripts.OUTBOX_MARK.on(redis)
        self._together = AutoPipeline(redis)  # with the other clicks of this loop turn

    async def __call__(self, mark: str | None, sid: str, aid: str, /, **kw: Any) -> Any:
        """The script's call (by name, as Bound's), and `mark` marked with it (None: not)."""
        names, args = self._script.keys_args(sid, aid, kw)
        call = (self._script.registered, names, args)
        if mark is None:
            return await self._together.run(call)
        marked = (self._mark.registered, (keys.OUTBOX_DUE, keys.OUTBOX_VERSIONS), (mark,))
        return await self._together.run(call, marked)
