"""Hiding ideas and counting readiness on a real Redis (issue 10): exact under concurrency.

A hide in the middle of 300 people voting takes the idea out and gives back exactly the dots
that were on it: every ballot still adds up, nobody passes the allowance, and the readiness
count ("used all their votes") stays equal to what the ballots say.
"""

from __future__ import annotations

import asyncio
import json

from redis.asyncio import Redis

from bot.store import keys
from bot.store.ballots import BallotStore
from bot.store.moderation import ModerationStore

IDEAS = [str(i) for i in range(1, 6)]
HOST = "host-tag"


async def voting_session(redis: Redis, members: int) -> tuple[BallotStore, ModerationStore]:
    await redis.hset(keys.meta("s1"), mapping={"status": "active", "phase": "voting", "rev": "4"})
    await redis.sadd(keys.hosts("s1"), HOST)
    for p in range(members):
        await redis.hset(keys.roster("s1"), f"m{p}", json.dumps({"role": "citizen"}))
    for idea in IDEAS:
        await redis.hset(keys.ideas("s1"), idea, json.dumps({"text": f"idé {idea}", "at": 1}))
    ballots = BallotStore(redis)
    await ballots.open_round("s1", 1, IDEAS)
    return ballots, ModerationStore(redis)


async def consistent(redis: Redis, allowance: int) -> dict[str, int]:
    """Every ballot adds up, the counters agree with the ballots; returns dots per voter."""
    raw = await redis.hgetall(keys.ballots("s1", 1))
    used = {f: int(v) for f, v in raw.items() if ":" not in f and not f.startswith("#")}
    used = {f: v for f, v in used.items() if not f.endswith("#r")}
    slots: dict[str, int] = {}
    for field, dots in raw.items():
        if ":" in field:
            voter, _ = field.split(":", 1)
            slots[voter] = slots.get(voter, 0) + int(dots)
    assert {v: n for v, n in used.items() if n} == {v: n for v, n in slots.items() if n}
    assert all(0 <= n <= allowance for n in used.values())
    assert int(raw.get("#voters", 0)) == sum(1 for n in used.values() if n > 0)
    ready_marks = {f[: -len("#r")] for f in raw if f.endswith("#r")}
    assert ready_marks == {v for v, n in used.items() if n >= allowance}
    assert int(raw.get("#ready", 0)) == len(ready_marks)
    tally = await redis.hgetall(keys.tally("s1", 1))
    assert sum(int(n) for n in tally.values()) == sum(used.values())
    return used


async def test_readiness_counts_checked_in_voters_who_used_every_dot(redis: Redis) -> None:
    ballots, _ = await voting_session(redis, members=100)
    casts = [
        ballots.cast("s1", 1, f"a{p}-{v}", f"v{p}", IDEAS[(p + v) % 5], 4, 3, 2, 1, f"m{p}")
        for p in range(120)  # 20 of them never checked in: they vote, but are not counted
        for v in range(3)
    ]
    assert all(a.startswith("ok:") for a in await asyncio.gather(*casts))
    assert await ballots.ready("s1", 1) == 100
    back = [ballots.cast("s1", 1, f"b{p}", f"v{p}", IDEAS[p % 5], 4, 3, 2, -1) for p in range(10)]
    assert all(a.startswith("ok:") for a in await asyncio.gather(*back))
    assert await ballots.ready("s1", 1) == 90
    again = await ballots.cast("s1", 1, "b0", "v0", IDEAS[0], 4, 3, 2, -1)  # redelivered
    assert again.startswith("ok:") and await ballots.ready("s1", 1) == 90


async def test_a_hide_amid_300_voters_gives_back_exactly_its_dots(redis: Redis) -> None:
    ballots, moderation = await voting_session(redis, members=300)

    async def voter(p: int) -> None:
        for v, idea in enumerate(("1", "1", str(2 + p % 4))):
            await ballots.cast("s1", 1, f"a{p}-{v}", f"v{p}", idea, 4, 3, 2, 1, f"m{p}")

    async def hide_midway() -> str:
        await asyncio.sleep(0.01)
        return await moderation.change("s1", "hide-1", HOST, "1", True, 5, {"1": 3})

    *_, hidden = await asyncio.gather(*(voter(p) for p in range(300)), hide_midway())
    assert hidden == "ok:hidden"
    assert "1" not in await ballots.tally("s1", 1)  # out of the vote
    used = await consistent(redis, allowance=3)
    assert all(n in (1, 2, 3) for n in used.values())  # only dots on idea 1 went back
    refused = await ballots.cast("s1", 1, "late", "v0", "1", 4, 3, 2, 1, "m0")
    assert refused == "unknown_idea"
    assert await moderation.hidden("s1") == {"1": 5}
    assert await moderation.hidden_ideas("s1") == 1

    restored = await moderation.change("s1", "restore-1", HOST, "1", False, 6, {"1": 3})
    assert restored == "ok:restored" and (await ballots.tally("s1", 1))["1"] == 0
    assert await moderation.hidden("s1") == {} and await moderation.hidden_ideas("s1") == 0
    await consistent(redis, allowance=3)


async def test_refusals_change_nothing_and_a_redelivery_answers_the_same(redis: Redis) -> None:
    _, moderation = await voting_session(redis, members=3)
    before = {k: await redis.dump(k) async for k in redis.scan_iter(match="dk:*")}
    assert await moderation.change("s1", "x1", "someone", "1", True, 1, {}) == "not_host"
    assert await moderation.change("s1", "x2", HOST, "99", True, 1, {}) == "unknown_item"
    assert await moderation.change("s1", "x3", HOST, "2", False, 1, {}) == "not_hidden"
    assert await moderation.change("s9", "x4", HOST, "1", True, 1, {}) == "gone"
    after = {k: await redis.dump(k) async for k in redis.scan_iter(match="dk:*")}
    assert after == before
    assert await moderation.change("s1", "y1", HOST, "2", True, 1, {}) == "ok:hidden"
    assert await moderation.change("s1", "y1", HOST, "2", True, 1, {}) == "ok:hidden"  # again
    assert await moderation.change("s1", "y2", HOST, "2", True, 1, {}) == "already"
    assert await moderation.hidden_ideas("s1") == 1
    await redis.hset(keys.meta("s1"), "status", "ended")
    assert await moderation.change("s1", "y3", HOST, "2", False, 1, {}) == "ended"


async def test_a_group_input_leaves_its_groups_vote_and_the_dot_vote(redis: Redis) -> None:
    await redis.hset(keys.meta("s1"), mapping={"status": "active", "phase": "groups", "rev": "2"})
    await redis.sadd(keys.hosts("s1"), HOST)
    await redis.hset(keys.inputs("s1"), "7", json.dumps({"g": 2, "part": 2, "text": "x"}))
    await redis.hset(keys.group_tally("s1", 2), "7", 2)
    await redis.hset(
        keys.group_ballots("s1", 2),
        mapping={
            "v1": 1,
            "v1:7": 1,
            "v2": 2,
            "v2:7": 1,
            "v2:8": 1,
            "#voters": 2,
            "#ready": 2,
            "v1#r": 1,
            "v2#r": 1,
        },
    )
    await redis.hset(keys.group_tally("s1", 2), "8", 1)
    moderation = ModerationStore(redis)
    assert await moderation.change("s1", "h", HOST, "g7", True, 1, {"g": 1}, group=2) == "ok:hidden"
    raw = await redis.hgetall(keys.group_ballots("s1", 2))
    assert raw == {"v2": "1", "v2:8": "1", "#voters": "1", "#ready": "1", "v2#r": "1", "v1": "0"}
    assert await redis.hgetall(keys.group_tally("s1", 2)) == {"8": "1"}
    assert await moderation.hidden_ideas("s1") == 0  # an input, not an idea
    assert await moderation.change("s1", "r", HOST, "g7", False, 1, {}, group=2) == "ok:restored"
    assert await redis.hgetall(keys.group_tally("s1", 2)) == {"8": "1", "7": "0"}
