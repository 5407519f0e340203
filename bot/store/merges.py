"""Merged near-duplicates (issue 18, keys.py merges) and the host's vote_out toggle (issue 14).

A merge is a candidate id (the idea whose text the vote shows) and the ids merged into it;
ids are the ones a vote uses ("12" an idea, "g7" a group's top-3 input). No author is
stored: a merge tells nobody who wrote what. Every write is one script that checks the
session, the host and the card's rev, and refuses once vote round 1 has opened, so an open
round never changes. Each records its answer under seen:<activity id>: a redelivered click
gets the first answer back and writes nothing more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from redis.asyncio import Redis

from bot.store import keys, scripts


@dataclass(frozen=True, slots=True)
class Merges:
    """A session's merges: candidate -> the ids merged into it; pairs kept apart."""

    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    apart: frozenset[tuple[str, str]] = frozenset()

    def into(self) -> dict[str, str]:
        """Merged id -> the candidate it was merged into."""
        return {m: c for c, members in self.groups.items() for m in members}


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class MergeStore:
    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._merge = scripts.MERGE.on(redis, seen_ttl_s)
        self._toggle = scripts.TOGGLE_OUT.on(redis, seen_ttl_s)

    async def all(self, sid: str) -> Merges:
        raw = await self._redis.hgetall(keys.merges(sid))
        groups = {f[2:]: tuple(json.loads(v)) for f, v in raw.items() if f.startswith("c:")}
        apart = frozenset(
            pair(*f[2:].split("|", 1)) for f in raw if f.startswith("x:") and "|" in f
        )
        return Merges(groups, apart)

    async def _run(
        self, sid: str, activity_id: str, actor_tag: str, rev: int, op: str, *args: str
    ) -> str:
        candidate, *ids = args
        return await self._merge.first(
            sid,
            activity_id,
            tally=keys.tally(sid, 1),
            actor=actor_tag,
            rev=str(rev),
            op=op,
            candidate=candidate,
            ids=ids,
        )

    async def merge(
        self,
        sid: str,
        activity_id: str,
        actor_tag: str,
        rev: int,
        candidate: str,
        members: list[str],
    ) -> str:
        """Merge `members` into `candidate` (whose text the vote shows)."""
        return await self._run(sid, activity_id, actor_tag, rev, "merge", candidate, *members)

    async def undo(self, sid: str, activity_id: str, actor_tag: str, rev: int, cand: str) -> str:
        return await self._run(sid, activity_id, actor_tag, rev, "undo", cand)

    async def keep_apart(
        self, sid: str, activity_id: str, actor_tag: str, rev: int, ids: list[str], apart: str
    ) -> str:
        """Keep `apart` from each of `ids` ('' = every pair of ids apart): the suggestion
        without it, or no suggestion of these together at all."""
        pairs = (
            [pair(a, b) for n, a in enumerate(ids) for b in ids[n + 1 :]]
            if not apart
            else [pair(apart, b) for b in ids if b != apart]
        )
        args = sorted({f"{a}|{b}" for a, b in pairs})
        return await self._run(sid, activity_id, actor_tag, rev, "apart", "", *args)

    async def toggle_out(
        self, sid: str, activity_id: str, actor_tag: str, rev: int, round_: int, item: str
    ) -> str:
        return await self._toggle.first(
            sid, activity_id, actor=actor_tag, rev=str(rev), round=str(round_), item=item
        )
