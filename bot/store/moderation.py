"""Hidden ideas and group inputs (keys.py hidden): what hosts took off the shared cards.

Item ids are the ones a vote uses: "12" for idea 12, "g7" for group input 7. The store
knows the item, when it was hidden and which open votes it was taken out of; never its
author, so no host action or log line can lead from a hidden idea to a person.
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from bot.store import keys, scripts

GROUP_ITEM = "g"


class ModerationStore:
    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._moderate = scripts.MODERATE.on(redis, seen_ttl_s)

    async def hidden(self, sid: str) -> dict[str, int]:
        """Hidden item id -> when it was hidden (epoch ms)."""
        raw = await self._redis.hgetall(keys.hidden(sid))
        return {i: int(json.loads(r)["at"]) for i, r in raw.items() if not i.startswith("#")}

    async def hidden_ideas(self, sid: str) -> int:
        return int(await self._redis.hget(keys.hidden(sid), "#ideas") or 0)

    async def change(
        self,
        sid: str,
        activity_id: str,
        actor_tag: str,
        item_id: str,
        hide: bool,
        now_ms: int,
        ready_at: dict[str, int],
        group: int = 0,
        join_open: bool = False,
    ) -> str:
        """Hide or restore one item. ready_at: for each vote that is open now ("1", "2" the
        dot-vote rounds, "g" the item's group vote), the dots that make a voter ready there.
        The script sees the votes in one fixed order, so a restore finds what a hide did."""
        is_input = item_id.startswith(GROUP_ITEM)
        field = item_id[len(GROUP_ITEM) :] if is_input else item_id
        pairs = [("1", keys.tally(sid, 1), keys.ballots(sid, 1), item_id)]
        pairs.append(("2", keys.tally(sid, 2), keys.ballots(sid, 2), item_id))
        if is_input:  # its group's own top-3 vote knows it by its input id
            pairs.append(("g", keys.group_tally(sid, group), keys.group_ballots(sid, group), field))
        per_vote = [v for name, _, _, here in pairs for v in (ready_at.get(name, 0), here)]
        return await self._moderate.first(
            sid,
            activity_id,
            items=keys.inputs(sid) if is_input else keys.ideas(sid),
            votes=[k for _, tally, ballots, _ in pairs for k in (tally, ballots)],
            actor=actor_tag,
            item=item_id,
            field=field,
            op="hide" if hide else "restore",
            now=now_ms,
            per_vote=[*per_vote, "1" if join_open else "0"],
        )
