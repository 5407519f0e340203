"""A click's script and the shared card's mark in one round trip (issue 13).

The mark lives in the outbox's own keys (another cluster slot than the session's), so it
cannot join the session script; a pipeline sends both in one write. The mark is made
whatever the script answered: a refused click costs one coalesced, unchanged re-render,
never a lost update.
"""

from __future__ import annotations

from typing import Any, Sequence

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

from bot.store import keys, scripts


class MarkedScript:
    def __init__(self, redis: Redis, source: str) -> None:
        self._redis = redis
        self._script: AsyncScript = redis.register_script(source)
        self._mark: AsyncScript = redis.register_script(scripts.OUTBOX_MARK)

    async def __call__(self, keys_: Sequence[str], args: Sequence[Any], mark: str | None) -> Any:
        if mark is None:
            return await self._script(keys=list(keys_), args=list(args))
        pipe = self._redis.pipeline(transaction=False)
        pipe.evalsha(self._script.sha, len(keys_), *keys_, *args)
        pipe.evalsha(self._mark.sha, 2, keys.OUTBOX_DUE, keys.OUTBOX_VERSIONS, mark)
        try:
            answer, _ = await pipe.execute()
        except NoScriptError:  # Redis restarted without our scripts: load them, once more
            answer = await self._script(keys=list(keys_), args=list(args))
            await self._mark(keys=[keys.OUTBOX_DUE, keys.OUTBOX_VERSIONS], args=[mark])
        return answer
