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

from bot.store import keys
from bot.store.sessions import repeat_as_first

# The prologue the scripts share (as in scripts.py). KEYS[1] meta  KEYS[2] seen  KEYS[3] hosts
# ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] rev on the card.
_HOST_CHECK = """
local prev = redis.call('GET', KEYS[2]); if prev then return 'again:' .. prev end
local function answer(r) redis.call('SET', KEYS[2], r, 'EX', ARGV[1]); return r end
local function refuse(r) return r end  -- a refusal writes nothing, not even its answer
local m = redis.call('HMGET', KEYS[1], 'status', 'rev', 'phase')
if not m[1] then return refuse('gone') end
if m[1] ~= 'active' then return refuse('ended') end
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return refuse('not_host') end
if m[2] ~= ARGV[3] then return refuse('stale') end
"""

MERGE = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts  KEYS[4] merges  KEYS[5] tally:1
-- KEYS[6] ideas  KEYS[7] inputs  KEYS[8] hidden
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] rev on the card
-- ARGV[4] 'merge' | 'undo' | 'apart'  ARGV[5] the candidate ('' for apart)
-- ARGV[6..] merge: the ids merged into the candidate; apart: pairs "<a>|<b>" (a < b)
-- Returns 'ok:merged' | 'ok:undone' | 'ok:apart' | 'vote_open' | 'unknown' | 'hidden'
--   | 'too_few' | 'not_merged' | 'stale' | 'not_host' | 'ended' | 'gone'.
-- Merging happens only before vote round 1 opens: once its tally exists, or a vote runs,
-- nothing here writes. A merged candidate merged again brings its own members along.
"""
    + _HOST_CHECK
    + """
if m[3] == 'voting' or redis.call('EXISTS', KEYS[5]) == 1 then return refuse('vote_open') end
local op, cand = ARGV[4], ARGV[5]
if op == 'apart' then
  for i = 6, #ARGV do redis.call('HSET', KEYS[4], 'x:' .. ARGV[i], 1) end
  return answer('ok:apart')
end
if op == 'undo' then
  local raw = redis.call('HGET', KEYS[4], 'c:' .. cand)
  if not raw then return refuse('not_merged') end
  for _, id in ipairs(cjson.decode(raw)) do redis.call('HDEL', KEYS[4], 'in:' .. id) end
  redis.call('HDEL', KEYS[4], 'c:' .. cand)
  return answer('ok:undone')
end
local function known(id)
  if string.sub(id, 1, 1) == 'g' then return redis.call('HEXISTS', KEYS[7], string.sub(id, 2)) end
  return redis.call('HEXISTS', KEYS[6], id)
end
local all = {cand}
for i = 6, #ARGV do if ARGV[i] ~= cand then all[#all + 1] = ARGV[i] end end
if #all < 2 then return refuse('too_few') end
for _, id in ipairs(all) do
  if known(id) == 0 then return refuse('unknown') end
  if redis.call('HEXISTS', KEYS[8], id) == 1 then return refuse('hidden') end
  if redis.call('HEXISTS', KEYS[4], 'in:' .. id) == 1 then return refuse('unknown') end
end
local members, seen = {}, {}
local function add(id)
  if id ~= cand and not seen[id] then seen[id] = true; members[#members + 1] = id end
end
for _, id in ipairs(all) do
  local raw = redis.call('HGET', KEYS[4], 'c:' .. id)
  if raw then
    for _, inner in ipairs(cjson.decode(raw)) do add(inner) end
    redis.call('HDEL', KEYS[4], 'c:' .. id)
  end
  add(id)
end
for _, id in ipairs(members) do redis.call('HSET', KEYS[4], 'in:' .. id, cand) end
redis.call('HSET', KEYS[4], 'c:' .. cand, cjson.encode(members))
redis.call('HSET', KEYS[1], 'merged', '1')  -- idea cards look merges up only from now on
return answer('ok:merged')
"""
)

TOGGLE_OUT = (
    """
-- KEYS[1] meta  KEYS[2] seen:<aid>  KEYS[3] hosts
-- ARGV[1] seen ttl (s)  ARGV[2] actor member tag  ARGV[3] rev on the card
-- ARGV[4] vote round  ARGV[5] item id
-- Returns 'ok:out' | 'ok:in' | 'stale' | 'not_host' | 'ended' | 'gone'.
-- Leaves an item out of the coming vote round, or brings it back, in one step on meta's
-- vote_out:<round> (JSON list): two hosts toggling at once both count (issue 14).
"""
    + _HOST_CHECK
    + """
local f = 'vote_out:' .. ARGV[4]
local out = cjson.decode(redis.call('HGET', KEYS[1], f) or '[]')
local kept, found = {}, false
for _, id in ipairs(out) do
  if id == ARGV[5] then found = true else kept[#kept + 1] = id end
end
if not found then kept[#kept + 1] = ARGV[5] end
if #kept == 0 then redis.call('HSET', KEYS[1], f, '[]')
else redis.call('HSET', KEYS[1], f, cjson.encode(kept)) end
if found then return answer('ok:in') end
return answer('ok:out')
"""
)


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
        self._seen_ttl = seen_ttl_s
        self._merge = redis.register_script(MERGE)
        self._toggle = redis.register_script(TOGGLE_OUT)

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
        return repeat_as_first(
            await self._merge(
                keys=[
                    keys.meta(sid),
                    keys.seen(sid, activity_id),
                    keys.hosts(sid),
                    keys.merges(sid),
                    keys.tally(sid, 1),
                    keys.ideas(sid),
                    keys.inputs(sid),
                    keys.hidden(sid),
                ],
                args=[self._seen_ttl, actor_tag, str(rev), op, *args],
            )
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
        return repeat_as_first(
            await self._toggle(
                keys=[keys.meta(sid), keys.seen(sid, activity_id), keys.hosts(sid)],
                args=[self._seen_ttl, actor_tag, str(rev), str(round_), item],
            )
        )
