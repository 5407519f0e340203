"""Follow-up of actions in Redis: one hash per session, opened after the end with the
session data's remaining TTL, answered by an owner-checked script (issue 10 §3)."""

from __future__ import annotations

import json

from redis.asyncio import Redis

from bot.domain.follow_up import Answer, FollowState, FollowUp
from bot.store import keys, scripts


def _record(item: FollowUp) -> str:
    return json.dumps(
        {
            "owner": item.owner_aad,
            "due": item.due,
            "state": item.state.value,
            "ver": item.ver,
        }
    )


def _parse(item_id: str, raw: str) -> FollowUp | None:
    try:
        data = json.loads(raw)
        return FollowUp(
            item_id,
            str(data["owner"]),
            str(data["due"]),
            FollowState(data["state"]),
            int(data["ver"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


class FollowUpStore:
    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._open = scripts.OPEN_FOLLOW_UP.on(redis)
        self._answer = scripts.ANSWER_FOLLOW_UP.on(redis, seen_ttl_s)

    async def open(self, sid: str, item: FollowUp) -> bool:
        """True for the one call that opened it (a second end handler sends nothing)."""
        return bool(await self._open(sid, item=item.item_id, record=_record(item)))

    async def answer(
        self,
        sid: str,
        activity_id: str,
        item_id: str,
        aad_id: str,
        answer: Answer | None,
        new_due: str,
        ver: int,
    ) -> str:
        """'ok:<new ver>' or a refusal code. `answer` None: the bot records that the 1:1
        was refused (state unreached), through the same owner and version checks."""
        op = answer.value if answer is not None else "unreached"
        return await self._answer.first(
            sid, activity_id, item=item_id, aad=aad_id, answer=op, due=new_due, ver=ver
        )

    async def get(self, sid: str, item_id: str) -> FollowUp | None:
        raw = await self._redis.hget(keys.follow_ups(sid), item_id)
        return _parse(item_id, raw) if raw else None

    async def all(self, sid: str) -> dict[str, FollowUp]:
        raw = await self._redis.hgetall(keys.follow_ups(sid))
        found = {i: _parse(i, r) for i, r in raw.items()}
        return {i: f for i, f in found.items() if f is not None}

    async def set_place(self, sid: str, field: str, conv: str, card_id: str = "") -> None:
        """Where a follow-up card went: an owner's 1:1 (field = item id), or the host's."""
        mapping = {field: conv} | ({f"{field}_card": card_id} if card_id else {})
        left = await self.expires_in_ms(sid)
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(keys.follow_places(sid), mapping=mapping)
        if left:
            pipe.pexpire(keys.follow_places(sid), left)
        await pipe.execute()

    async def places(self, sid: str) -> dict[str, str]:
        return dict(await self._redis.hgetall(keys.follow_places(sid)))

    async def host_card(self, sid: str) -> tuple[str, str] | None:
        found = await self.places(sid)
        if not found.get("host") or not found.get("host_card"):
            return None
        return found["host"], found["host_card"]

    async def cancel(self, timer_id: str) -> None:
        """Done / Not me / a new date: the planned reminder is dropped (and would do
        nothing anyway: its version is behind)."""
        await self._redis.zrem(keys.TIMERS_DUE, timer_id)

    async def expires_in_ms(self, sid: str) -> int:
        """How long the session's data has left (0: no TTL, or gone)."""
        return max(0, int(await self._redis.pttl(keys.meta(sid))))
