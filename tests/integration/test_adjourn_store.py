"""ADJOURN and RESUME_ADJOURNED on a real Redis: one write each under concurrency, and while
adjourned no other script writes (participants, host moves, timers), but `end` does."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.domain.session import ResumePlan
from bot.store import keys
from bot.store.answers import Moved, Refused
from bot.store.sessions import SessionStore
from tests.integration.test_store import new_session, submit

NOW = 1_796_119_200_000


async def test_many_presses_adjourn_once_and_resume_once(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    await redis.hset(keys.meta("s1"), mapping={"phase_ends_ms": NOW + 300_000, "tver": 4})
    answers = await asyncio.gather(
        *[store.adjourn("s1", f"a{i}", "host", 1, NOW, ResumePlan()) for i in range(20)]
    )
    assert answers.count(Moved(1, 5)) == 1
    assert set(answers) - {Moved(1, 5)} == {Refused("adjourned")}
    meta = await redis.hgetall(keys.meta("s1"))
    assert (meta["status"], meta["adjourned_left_ms"], meta["phase_ends_ms"]) == (
        "adjourned",
        "300000",
        "0",
    )
    later = NOW + 3 * 86_400_000
    answers = await asyncio.gather(
        *[store.resume_adjourned("s1", f"r{i}", "host", later, 60_000) for i in range(20)]
    )
    assert answers.count(Moved(1, 6)) == 1
    assert set(answers) - {Moved(1, 6)} == {Refused("not_adjourned")}
    meta = await redis.hgetall(keys.meta("s1"))
    assert (meta["status"], meta["phase_ends_ms"]) == ("active", str(later + 300_000))


async def test_redelivered_presses_get_their_first_answer(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    first = await store.adjourn("s1", "same", "host", 1, NOW, ResumePlan(NOW + 86_400_000, True))
    assert first == Moved(1, 1)
    assert await store.adjourn("s1", "same", "host", 1, NOW, ResumePlan()) == Moved(1, 1, True)
    resumed = await store.resume_adjourned("s1", "same-r", "host", NOW + 1, 60_000)
    assert resumed == Moved(1, 2)
    assert await redis.hget(keys.meta("s1"), "phase_ends_ms") == "0"  # untimed: stays so
    again = await store.resume_adjourned("s1", "same-r", "host", NOW + 2, 60_000)
    assert again == Moved(1, 2, again=True)


async def test_while_adjourned_nothing_but_the_end_writes(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    assert await store.adjourn("s1", "a1", "nobody", 1, NOW, ResumePlan()) == Refused("not_host")
    assert await store.adjourn("s1", "a1", "host", 7, NOW, ResumePlan()) == Refused("stale")
    assert isinstance(await store.adjourn("s1", "a1", "host", 1, NOW, ResumePlan()), Moved)
    before = {k: await redis.dump(k) for k in keys.session_keys("s1")}
    assert await submit(store, "s1", "i1", "author", "idé", 1, NOW, 50) == "ended"
    ended = Refused("ended")
    assert await store.update("s1", "t1", "", 1, {"phase": "groups"}, bump_rev=True) == ended
    assert await store.update("s1", "h1", "host", 1, {"phase_ends_ms": "9"}) == ended
    assert await store.resume_adjourned("s1", "r1", "nobody", NOW, 60_000) == Refused("not_host")
    assert {k: await redis.dump(k) for k in keys.session_keys("s1")} == before
    assert all([await redis.ttl(k) in (-1, -2) for k in keys.session_keys("s1")])

    moved = await store.update(
        "s1", "e1", "host", 1, {"step": "-1"}, bump_rev=True, end=True, now_ms=NOW, retention_s=600
    )
    assert isinstance(moved, Moved)
    assert await redis.hget(keys.meta("s1"), "status") == "ended"
    assert 590 <= await redis.ttl(keys.meta("s1")) <= 600  # retention from the final end
    assert await store.adjourn("s1", "a2", "host", 2, NOW, ResumePlan()) == ended
    assert await store.resume_adjourned("s1", "r2", "host", NOW, 60_000) == ended
