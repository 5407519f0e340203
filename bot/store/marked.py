"""A click's script and the shared card's mark in one round trip (issue 13).

The mark lives in the outbox's own keys (another cluster slot than the session's), so it
cannot join the session script; a pipeline sends both in one write. The mark is made
whatever the script answered: a refused click costs one coalesced, unchanged re-render,
never a lost update.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from bot.store import keys, scripts
from bot.store.scripting import Script


class MarkedScript:
    def __init__(self, redis: Redis, script: Script, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._script = script.on(redis, seen_ttl_s)
        self._mark = scripts.OUTBOX_MARK.on(redis)

    async def __call__(self, mark: str | None, sid: str, aid: str, /, **kw: Any) -> Any:
        """The script's call (by name, as Bound's), and `mark` marked with it (None: not)."""
        names, args = self._script.keys_args(sid, aid, kw)
        script = self._script.registered
        if mark is None:
            return await script(keys=names, args=args)
        pipe = self._redis.pipeline(transaction=False)
        pipe.evalsha(script.sha, len(names), *names, *args)
        pipe.evalsha(self._mark.registered.sha, 2, keys.OUTBOX_DUE, keys.OUTBOX_VERSIONS, mark)
        try:
            answer, _ = await pipe.execute()
        except NoScriptError:  # Redis restarted without our scripts: load them, once more
            answer = await script(keys=names, args=args)
            await self._mark(marks=[mark])
        return answer
