"""The follow-up store on a real Redis (issue 10 §3): opened once, expiring with the session,
answered only by the named owner, once per version, idempotent by activity id."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.domain.follow_up import Answer, FollowState, FollowUp
from bot.store import keys
from bot.store.follow_ups import FollowUpStore

OWNER = "aaaaaaaa-0000-0000-0000-000000000001"


async def opened(redis: Redis, ttl_s: int = 86_400) -> FollowUpStore:
    await redis.hset(keys.meta("s1"), mapping={"status": "ended"})
    await redis.expire(keys.meta("s1"), ttl_s)
    store = FollowUpStore(redis)
    assert await store.open("s1", FollowUp("1", OWNER, "2026-12-24", FollowState.OPEN, 1))
    return store


async def test_opened_once_with_the_session_data_ttl(redis: Redis) -> None:
    store = await opened(redis)
    again = FollowUp("1", OWNER, "2027-01-01", FollowState.OPEN, 1)
    assert not await store.open("s1", again)  # a rerun of the end handler opens nothing
    assert (await store.get("s1", "1")).due == "2026-12-24"
    await store.set_place("s1", "host", "a:host-chat", "act-9")
    assert await store.host_card("s1") == ("a:host-chat", "act-9")
    meta_ttl = await redis.pttl(keys.meta("s1"))
    for key in (keys.follow_ups("s1"), keys.follow_places("s1")):
        assert 0 < await redis.pttl(key) <= meta_ttl + 1000, key
    assert keys.follow_ups("s1") in keys.session_keys("s1")  # `delete` and end cover them


async def test_only_the_owner_answers_once_per_version(redis: Redis) -> None:
    store = await opened(redis)
    other = "bbbbbbbb-0000-0000-0000-000000000002"
    assert await store.answer("s1", "x1", "1", other, Answer.DONE, "", 1) == "not_owner"
    assert await store.answer("s1", "x2", "1", OWNER, Answer.DONE, "", 7) == "stale"
    assert await store.answer("s1", "x3", "9", OWNER, Answer.DONE, "", 1) == "unknown_item"
    assert (await store.get("s1", "1")).state is FollowState.OPEN  # refusals wrote nothing
    answer = await store.answer("s1", "a1", "1", OWNER, Answer.LATER, "2026-12-30", 1)
    assert answer == "ok:2"
    assert await store.answer("s1", "a1", "1", OWNER, Answer.LATER, "2026-12-30", 1) == "ok:2"
    now = await store.get("s1", "1")
    assert (now.state, now.due, now.ver) == (FollowState.MOVED, "2026-12-30", 2)
    assert await store.answer("s1", "a2", "1", OWNER, Answer.NOT_ME, "", 2) == "ok:3"
    assert await store.answer("s1", "a3", "1", OWNER, Answer.DONE, "", 3) == "closed"
    assert (await store.get("s1", "1")).state is FollowState.BACK


async def test_twenty_concurrent_clicks_change_it_once(redis: Redis) -> None:
    store = await opened(redis)
    answers = await asyncio.gather(
        *[
            store.answer("s1", f"c{i}", "1", OWNER, (Answer.DONE, Answer.NOT_ME)[i % 2], "", 1)
            for i in range(20)
        ]
    )
    assert answers.count("ok:2") == 1
    assert set(answers) - {"ok:2"} <= {"closed", "stale"}
    assert (await store.get("s1", "1")).ver == 2


async def test_an_unreached_owner_can_no_longer_answer(redis: Redis) -> None:
    store = await opened(redis)
    assert await store.answer("s1", "unreached:1", "1", OWNER, None, "", 1) == "ok:2"
    assert (await store.get("s1", "1")).state is FollowState.UNREACHED
    assert await store.answer("s1", "b1", "1", OWNER, Answer.DONE, "", 2) == "closed"
