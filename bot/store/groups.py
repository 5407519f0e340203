"""Breakout groups in Redis (keys.py groups, gplace, inputs, gtally/gballots)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.store import keys, scripts
from bot.store.ballots import DotBox
from bot.store.moderation import GROUP_ITEM

MAX_INPUTS = 2000


@dataclass(frozen=True, slots=True)
class GroupInput:
    input_id: str
    group: int
    part: int
    text: str
    category: str


class GroupStore:
    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._submit = scripts.SUBMIT_INPUT.on(redis, seen_ttl_s)
        self._categorize = scripts.CATEGORIZE.on(redis, seen_ttl_s)
        self._cast = scripts.CAST_VOTE.on(redis, seen_ttl_s)
        self._pick = scripts.GROUP_PICK.on(redis)

    async def assign(self, sid: str, placement: dict[str, int], count: int) -> bool:
        """Write the groups once: a replica that comes second keeps the first assignment."""
        key = keys.groups(sid)
        if not await self._redis.hsetnx(key, "#n", count):
            return False
        if placement:
            await self._redis.hset(key, mapping={t: str(g) for t, g in placement.items()})
        return True

    async def assigned(self, sid: str) -> bool:
        return bool(await self._redis.hexists(keys.groups(sid), "#n"))

    async def placement(self, sid: str) -> tuple[int, dict[str, int]]:
        raw = await self._redis.hgetall(keys.groups(sid))
        count = int(raw.pop("#n", 0))
        return count, {tag: int(g) for tag, g in raw.items()}

    async def group_of(self, sid: str, member_tag: str) -> int:
        return int(await self._redis.hget(keys.groups(sid), member_tag) or 0)

    async def place(self, sid: str, member_tag: str, group: int) -> None:
        await self._redis.hset(keys.groups(sid), member_tag, str(group))

    async def set_place(self, sid: str, field: str, value: str) -> None:
        await self._redis.hset(keys.group_places(sid), field, value)

    async def pick(self, sid: str, group: int, input_id: str, top: int) -> str:
        """GROUP_PICK: 'ok', 'ended' or 'unknown_input'."""
        return str(await self._pick(sid, group=group, input=input_id, top=top))

    async def places(self, sid: str) -> dict[str, str]:
        return await self._redis.hgetall(keys.group_places(sid))

    async def submit(
        self,
        sid: str,
        activity_id: str,
        member_tag: str,
        group: int,
        rev: int,
        part: int,
        text: str,
        now_ms: int,
    ) -> str:
        record = json.dumps(
            {"g": group, "part": part, "text": text, "cat": "", "at": now_ms}, ensure_ascii=False
        )
        return await self._submit.first(
            sid,
            activity_id,
            gtally=keys.group_tally(sid, group),
            member=member_tag,
            group=group,
            rev=rev,
            record=record,
            most=MAX_INPUTS,
            part=part,
        )

    async def categorize(
        self, sid: str, activity_id: str, member_tag: str, group: int, input_id: str, category: str
    ) -> str:
        return await self._categorize.first(
            sid, activity_id, member=member_tag, group=group, input=input_id, category=category
        )

    async def vote(
        self,
        sid: str,
        activity_id: str,
        voter: str,
        group: int,
        input_id: str,
        rev: int,
        delta: int,
        allowance: int = 3,
        member_tag: str = "",
    ) -> str:
        """The group's top-3 vote: CAST_VOTE on the group's own tally, in the groups phase.
        A member of this group with a dot placed counts as having voted ('#ready')."""
        box = DotBox.group(sid, group, allowance)
        return await box.cast(self._cast, sid, activity_id, voter, input_id, rev, delta, member_tag)

    async def inputs(
        self, sid: str, group: int | None = None, *, with_hidden: bool = False
    ) -> list[GroupInput]:
        """A group's inputs (all groups' when None); those a host hid only when asked for."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hgetall(keys.inputs(sid))
        pipe.hkeys(keys.hidden(sid))
        records, hidden = await pipe.execute()
        found = []
        for input_id, raw in records.items():
            data = json.loads(raw)
            if not with_hidden and GROUP_ITEM + input_id in hidden:
                continue
            if group is None or int(data["g"]) == group:
                found.append(
                    GroupInput(
                        input_id, int(data["g"]), int(data["part"]), data["text"], data["cat"]
                    )
                )
        return sorted(found, key=lambda i: int(i.input_id))

    async def tally(self, sid: str, group: int) -> dict[str, int]:
        raw = await self._redis.hgetall(keys.group_tally(sid, group))
        return {i: int(n) for i, n in raw.items()}

    async def ready(self, sid: str, group: int) -> int:
        """Members of the group with at least one dot in its vote (kept by CAST_VOTE)."""
        return int(await self._redis.hget(keys.group_ballots(sid, group), "#ready") or 0)

    async def mine(self, sid: str, group: int, voter: str) -> tuple[int, dict[str, int]]:
        raw = await self._redis.hgetall(keys.group_ballots(sid, group))
        used = int(raw.get(voter, 0))
        prefix = f"{voter}:"
        return used, {
            f[len(prefix) :]: int(n) for f, n in raw.items() if f.startswith(prefix) and int(n) > 0
        }
