"""Transitions on a real Redis (issue 14): timer controls computed in one step, and what a
change causes recorded with it, once, however often the change is repeated."""

from __future__ import annotations

import asyncio
import dataclasses
import json

from redis.asyncio import Redis

from bot.store import keys
from bot.store.answers import Moved, Refused, Retimed
from bot.store.effects import EffectStore
from bot.store.sessions import SessionStore
from tests.integration.test_store import new_session
from tests.oracles import extended_end, remaining_ms

NOW = 1_000_000
ENDS = NOW + 10 * 60_000


async def timed_session(store: SessionStore, redis: Redis) -> None:
    await new_session(store, phase="pitch")
    await redis.hset(keys.meta("s1"), mapping={"phase_ends_ms": ENDS, "paused_left_ms": 0})


async def test_pause_and_extend_pressed_together_both_take_effect(redis: Redis) -> None:
    store = SessionStore(redis)
    await timed_session(store, redis)
    paused, extended = await asyncio.gather(
        store.retime("s1", "p1", "host", 1, "pause", 0, NOW, 60),
        store.retime("s1", "x1", "host", 1, "extend", 5, NOW, 60),
    )
    assert isinstance(paused, Retimed) and isinstance(extended, Retimed)
    meta = await store.meta("s1")
    # whichever ran first, the oracle twins give the same: paused, with 15 minutes left
    left = remaining_ms(ENDS, NOW) + 5 * 60_000
    assert meta["phase_ends_ms"] == "0" and int(meta["paused_left_ms"]) == left
    assert {paused.tver, extended.tver} == {1, 2}


async def test_two_extensions_together_add_up(redis: Redis) -> None:
    store = SessionStore(redis)
    await timed_session(store, redis)
    await asyncio.gather(
        store.retime("s1", "a", "host", 1, "extend", 5, NOW, 60),
        store.retime("s1", "b", "host", 1, "extend", 7, NOW, 60),
    )
    expected = extended_end(extended_end(ENDS, NOW, 5), NOW, 7)
    assert int((await store.meta("s1"))["phase_ends_ms"]) == expected


async def test_a_refused_retime_writes_nothing_and_a_repeat_converges(redis: Redis) -> None:
    store = SessionStore(redis)
    await timed_session(store, redis)
    assert await store.retime("s1", "r1", "host", 1, "resume", 0, NOW, 60) == Refused("not_paused")
    assert await store.retime("s1", "r2", "someone", 1, "pause", 0, NOW, 60) == Refused("not_host")
    assert await store.retime("s1", "r3", "host", 7, "pause", 0, NOW, 60) == Refused("stale")
    assert await redis.hlen(keys.effects("s1")) == 0
    first = await store.retime("s1", "p1", "host", 1, "pause", 0, NOW, 60)
    again = await store.retime("s1", "p1", "host", 1, "pause", 0, NOW + 5000, 60)
    assert isinstance(first, Retimed)  # a redelivered pause: the same answer, nothing more
    assert again == dataclasses.replace(first, again=True)
    effects = await redis.hgetall(keys.effects("s1"))
    assert sorted(effects) == ["card:1", "timers:1"]
    assert json.loads(effects["timers:1"])["ends"] == 0  # paused: no end timer planned


async def test_a_move_records_its_effects_once_however_often_it_is_repeated(
    redis: Redis,
) -> None:
    store = SessionStore(redis)
    await new_session(store, phase="pitch")
    caused = [("timers:$TVER", '{"kind": "timers", "tver": "$TVER", "seq": 0}')]
    move = {"phase": "ideas"}
    answers = await asyncio.gather(
        *[
            store.update("s1", "m1", "host", 1, move, bump_rev=True, effects=caused)
            for _ in range(5)
        ]
    )
    assert answers.count(Moved(2, 1)) == 1 and answers.count(Moved(2, 1, again=True)) == 4
    assert await redis.hgetall(keys.effects("s1")) == {
        "timers:1": '{"kind": "timers", "tver": "1", "seq": 0}'
    }
    assert await redis.zscore(keys.EFFECTS_DUE, "s1") is not None  # kicked into the index


async def test_effects_are_leased_to_one_replica_and_leave_the_index_when_done(
    redis: Redis,
) -> None:
    a, b = EffectStore(redis), EffectStore(redis)
    await a.record("s1", {"card:1": '{"kind": "card"}'})
    assert await a.claim_one("s1", 15_000) and not await b.claim_one("s1", 15_000)
    assert await b.claim(10, 15_000, []) == []  # leased: not due for anyone else
    assert await a.claim(10, 15_000, ["s1"]) == []  # a renewal, not a new claim
    assert not await b.settle("s1", "card:1", '{"kind": "other"}')  # not what was run
    assert await a.settle("s1", "card:1", '{"kind": "card"}')
    assert not await a.release("s1", 1000)
    assert await redis.zscore(keys.EFFECTS_DUE, "s1") is None


async def test_a_crash_between_record_and_kick_is_swept_up(redis: Redis) -> None:
    await redis.hset(keys.effects("s9"), "summary:3", '{"kind": "summary"}')
    store = EffectStore(redis)
    assert await store.sweep() == 1
    assert await store.claim(10, 15_000, []) == ["s9"]


async def test_two_members_settling_a_tie_at_once_lose_no_pick(redis: Redis) -> None:
    from bot.store.groups import GroupStore

    store, groups = SessionStore(redis), GroupStore(redis)
    await new_session(store, phase="groups")
    await redis.hset(
        keys.group_places("s1"), mapping={"1:top": '["4"]', "1:tied": '["7", "9", "11"]'}
    )
    answers = await asyncio.gather(
        groups.pick("s1", 1, "7", 3), groups.pick("s1", 1, "9", 3), groups.pick("s1", 1, "11", 3)
    )
    assert sorted(answers) == ["ok", "ok", "unknown_input"]  # two places were free
    top = json.loads(await redis.hget(keys.group_places("s1"), "1:top"))
    assert len(top) == 3 and len(set(top)) == 3 and top[0] == "4"
    assert json.loads(await redis.hget(keys.group_places("s1"), "1:tied")) == []
    assert await groups.pick("s1", 1, "4", 3) == "unknown_input"  # never twice in the top
