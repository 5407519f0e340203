"""Merges and the vote_out toggle on a real Redis (issues 18 and 14): one step each, checked
against the session, the host and the card's rev; never once vote round 1 has opened; a
redelivered click writes nothing more; two hosts at once lose nothing."""

from __future__ import annotations

import asyncio
import json

from redis.asyncio import Redis

from bot.service.ideas.merging import _keep_apart, standing
from bot.store import keys
from bot.store.ballots import BallotStore
from bot.store.merges import MergeStore, pair

HOST, COHOST = "host-tag", "cohost-tag"


async def session(redis: Redis, phase: str = "present", ideas: int = 6) -> MergeStore:
    await redis.hset(keys.meta("s1"), mapping={"status": "active", "phase": phase, "rev": "4"})
    await redis.sadd(keys.hosts("s1"), HOST, COHOST)
    for i in range(1, ideas + 1):
        await redis.hset(keys.ideas("s1"), str(i), json.dumps({"text": f"idé {i}", "at": 1}))
    await redis.hset(keys.inputs("s1"), "7", json.dumps({"g": 1, "part": 2, "text": "innspill"}))
    return MergeStore(redis)


async def test_merge_undo_and_a_merge_of_merges(redis: Redis) -> None:
    store = await session(redis)
    assert await store.merge("s1", "a1", HOST, 4, "2", ["1", "2", "3"]) == "ok:merged"
    assert (await store.all("s1")).groups == {"2": ("1", "3")}
    # a redelivered click gets the first answer and writes nothing more
    assert await store.merge("s1", "a1", HOST, 4, "5", ["5", "6"]) == "ok:merged"
    assert (await store.all("s1")).groups == {"2": ("1", "3")}
    # a member is merged only once; a merged candidate brings its members along
    assert await store.merge("s1", "a2", HOST, 4, "4", ["4", "1"]) == "unknown"
    assert await store.merge("s1", "a3", HOST, 4, "g7", ["g7", "2"]) == "ok:merged"
    assert (await store.all("s1")).groups == {"g7": ("1", "3", "2")}
    assert (await store.all("s1")).into() == {"1": "g7", "3": "g7", "2": "g7"}
    assert await store.undo("s1", "a4", HOST, 4, "g7") == "ok:undone"
    assert await store.undo("s1", "a5", HOST, 4, "g7") == "not_merged"
    assert (await store.all("s1")).groups == {}
    assert await redis.hgetall(keys.merges("s1")) == {}


async def test_refusals_write_nothing(redis: Redis) -> None:
    store = await session(redis)
    await redis.hset(keys.hidden("s1"), "6", json.dumps({"at": 1, "from": []}))
    assert await store.merge("s1", "b1", "someone", 4, "1", ["1", "2"]) == "not_host"
    assert await store.merge("s1", "b2", HOST, 3, "1", ["1", "2"]) == "stale"
    assert await store.merge("s1", "b3", HOST, 4, "1", ["1", "99"]) == "unknown"
    assert await store.merge("s1", "b4", HOST, 4, "1", ["1", "6"]) == "hidden"
    assert await store.merge("s1", "b5", HOST, 4, "1", ["1"]) == "too_few"
    assert await store.merge("s1", "b6", HOST, 4, "1", ["1", "g8"]) == "unknown"
    assert await redis.hgetall(keys.merges("s1")) == {}
    assert not [k async for k in redis.scan_iter(match="dk:{s1}:seen:*")]


async def test_no_merge_once_round_one_is_open(redis: Redis) -> None:
    store = await session(redis)
    assert await store.merge("s1", "c1", HOST, 4, "1", ["1", "2"]) == "ok:merged"
    await BallotStore(redis).open_round("s1", 1, ["1", "3", "4"])
    tally = await redis.hgetall(keys.tally("s1", 1))
    assert await store.merge("s1", "c2", HOST, 4, "3", ["3", "4"]) == "vote_open"
    assert await store.undo("s1", "c3", HOST, 4, "1") == "vote_open"
    assert await store.keep_apart("s1", "c4", HOST, 4, ["3", "4"], "") == "vote_open"
    assert (await store.all("s1")).groups == {"1": ("2",)}
    assert await redis.hgetall(keys.tally("s1", 1)) == tally
    await redis.hset(keys.meta("s1"), "phase", "voting")
    await redis.delete(keys.tally("s1", 1))
    assert await store.merge("s1", "c5", HOST, 4, "3", ["3", "4"]) == "vote_open"


async def test_concurrent_merges_never_share_a_member(redis: Redis) -> None:
    store = await session(redis, ideas=40)
    ids = [str(i) for i in range(1, 41)]
    merges = [
        store.merge(
            "s1", f"d{n}", HOST if n % 2 else COHOST, 4, ids[n], [ids[n], ids[(n + 1) % 40]]
        )
        for n in range(40)
    ]
    answers = await asyncio.gather(*merges)
    assert "ok:merged" in answers
    merged = (await store.all("s1")).groups
    members = [m for found in merged.values() for m in found]
    assert len(members) == len(set(members))  # nobody is in two merges
    assert not set(merged) & set(members)  # a candidate is nobody's member
    assert (await store.all("s1")).into() == {m: c for c, f in merged.items() for m in f}


async def test_two_hosts_toggling_at_once_lose_nothing(redis: Redis) -> None:
    store = await session(redis, ideas=30)
    toggles = [
        store.toggle_out("s1", f"e{n}", HOST if n % 2 else COHOST, 4, 1, str(n))
        for n in range(1, 31)
    ]
    assert set(await asyncio.gather(*toggles)) == {"ok:out"}
    out = json.loads(await redis.hget(keys.meta("s1"), "vote_out:1") or "[]")
    assert sorted(out, key=int) == [str(n) for n in range(1, 31)]
    assert await store.toggle_out("s1", "e1", COHOST, 4, 1, "1") == "ok:out"  # redelivered
    back = [store.toggle_out("s1", f"f{n}", HOST, 4, 1, str(n)) for n in range(1, 31)]
    assert set(await asyncio.gather(*back)) == {"ok:in"}
    assert await redis.hget(keys.meta("s1"), "vote_out:1") == "[]"
    assert await store.toggle_out("s1", "g1", HOST, 3, 1, "1") == "stale"
    assert await store.toggle_out("s1", "g2", "nobody", 4, 1, "1") == "not_host"


async def test_kept_apart_and_what_stands(redis: Redis) -> None:
    store = await session(redis)
    assert await store.keep_apart("s1", "h1", HOST, 4, ["1", "2", "3"], "3") == "ok:apart"
    assert await store.keep_apart("s1", "h2", HOST, 4, ["4", "5"], "") == "ok:apart"
    merges = await store.all("s1")
    assert merges.apart == {pair("1", "3"), pair("2", "3"), pair("4", "5")}
    assert _keep_apart(["1", "2", "3"], merges.apart) == ["1", "2"]
    assert _keep_apart(["4", "5"], merges.apart) == ["4"]
    await store.merge("s1", "h3", HOST, 4, "1", ["1", "2", "3"])
    merges = await store.all("s1")
    assert standing(merges, {"2"}) == {"1": ("3",)}  # a hidden member drops out
    assert standing(merges, {"1"}) == {}  # a hidden candidate: its members stand alone
