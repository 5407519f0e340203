"""The store's scripts on a real Redis: exact under concurrency, idempotent, all-or-nothing."""

from __future__ import annotations

import asyncio
import json

from redis.asyncio import Redis

from bot.domain.tags import own_key
from bot.store import keys
from bot.store.answers import Moved, Refused
from bot.store.sessions import RosterEntry, SessionStore
from bot.store.timers import TimerStore

JOINABLE = frozenset({"checkin", "pitch", "ideas"})
KEY = b"test-key-for-own-idea-slots"


def slots_for(sid: str, author: str, most: int = 50) -> str:
    """The author's own key, as the service computes it (the author's id stands in)."""
    return own_key(KEY, sid, author)


async def submit(store: SessionStore, *args: object, **kw: object) -> str:
    sid, _, author, _, _, _, most = args[:7]
    return await store.submit_idea(
        *args, own_key=slots_for(str(sid), str(author), int(str(most))), **kw
    )


async def new_session(store: SessionStore, sid: str = "s1", phase: str = "ideas") -> None:
    meta = {
        "topic": "T",
        "phase": phase,
        "rev": 1,
        "status": "active",
        "conv_key": "c1",
        "idea_seq": 0,
        "agenda": "checkin:0,pitch:10,ideas:10",
    }
    assert await store.create(sid, "c1", None, meta, host_tag="host")


async def test_200_concurrent_ideas_from_50_people_are_all_stored_once(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    jobs = [
        submit(store, "s1", f"act-{u}-{i}", f"author-{u}", f"idé {u}/{i}", 1, 1000, 50)
        for u in range(50)
        for i in range(4)
    ]
    answers = await asyncio.gather(*jobs)
    assert all(a.startswith("ok:") for a in answers)
    ids = {a.split(":")[1] for a in answers}
    assert len(ids) == 200
    ideas = await store.ideas("s1")
    assert sorted(i.text for i in ideas) == sorted(
        f"idé {u}/{i}" for u in range(50) for i in range(4)
    )
    for u in (0, 17, 49):  # concurrent submissions of one author land in any order
        mine = await store.my_ideas("s1", f"author-{u}", slots_for("s1", f"author-{u}"))
        assert sorted(i.text for i in mine) == [f"idé {u}/{i}" for i in range(4)]
        assert [int(i.idea_id) for i in mine] == sorted(int(i.idea_id) for i in mine)


async def test_redelivered_activity_is_answered_the_same_and_stored_once(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    answers = await asyncio.gather(
        *[
            submit(store, "s1", "same-activity", "author-1", "én gang", 1, 1000, 50)
            for _ in range(20)
        ]
    )
    assert len(set(answers)) == 1
    assert await store.idea_count("s1") == 1


async def test_refused_ideas_write_nothing(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store, phase="checkin")
    before = await redis.hgetall(keys.meta("s1"))
    assert await submit(store, "s1", "a1", "x", "tekst", 1, 1, 50) == "wrong_phase"
    await redis.hset(keys.meta("s1"), "phase", "ideas")
    assert await submit(store, "s1", "a2", "x", "tekst", 7, 1, 50) == "stale"
    assert await submit(store, "nope", "a3", "x", "tekst", 1, 1, 50) == "gone"
    assert await redis.exists(keys.ideas("s1"), keys.by_author("s1")) == 0
    assert (await redis.hgetall(keys.meta("s1")))["idea_seq"] == before["idea_seq"]


async def test_idea_limit_per_person_holds_under_a_race(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    answers = await asyncio.gather(
        *[submit(store, "s1", f"a{i}", "eager", f"idé {i}", 1, 1, 5) for i in range(20)]
    )
    assert sum(a.startswith("ok:") for a in answers) == 5
    assert answers.count("limit") == 15


async def test_join_counts_roles_and_moves_on_change(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store, phase="checkin")
    entry = RosterEntry("citizen", "", "Kari", "29:kari")
    assert await store.join("s1", "j1", "m-kari", entry, JOINABLE) == "new"
    assert await store.join("s1", "j1", "m-kari", entry, JOINABLE) == "new"  # redelivery
    changed = RosterEntry("student", "Skole", "Kari", "29:kari")
    assert await store.join("s1", "j2", "m-kari", changed, JOINABLE) == "updated"
    answers = await asyncio.gather(
        *[
            store.join(
                "s1", f"jj{i}", f"m{i}", RosterEntry("employee", "", f"P{i}", f"29:{i}"), JOINABLE
            )
            for i in range(100)
        ]
    )
    assert answers.count("new") == 100
    snap = await store.snapshot("s1", "m-kari")
    assert snap.roles == {"student": 1, "employee": 100}
    assert snap.my_role == "student"


async def test_update_is_a_compare_and_set_for_hosts_only(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store, phase="checkin")
    move = {"phase": "pitch", "step": "1"}
    assert await store.update("s1", "x1", "someone", 1, move, bump_rev=True) == Refused("not_host")
    answers = await asyncio.gather(
        *[store.update("s1", f"n{i}", "host", 1, move, bump_rev=True) for i in range(10)]
    )
    assert answers.count(Moved(2, 1)) == 1 and answers.count(Refused("stale")) == 9
    assert (await store.meta("s1"))["phase"] == "pitch"
    winner = answers.index(Moved(2, 1))
    again = await store.update("s1", f"n{winner}", "host", 1, move, bump_rev=True)
    assert again == Moved(2, 1, again=True)
    # the bot itself (a timer) needs no host tag but must match the timer version
    stale = await store.update("s1", "t1", "", 2, {"phase_ends_ms": 5}, expected_tver=0)
    assert stale == Refused("stale")
    assert await store.update("s1", "t2", "", 2, {"phase_ends_ms": 5}, expected_tver=1) == Moved(
        2, 2
    )


async def test_end_sets_retention_on_every_session_key(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    await submit(store, "s1", "i1", "a", "idé", 1, 1, 50)
    await store.join("s1", "j1", "m", RosterEntry("other", "", "N", "29:n"), JOINABLE)
    answer = await store.update(
        "s1", "e1", "host", 1, {"step": -1}, bump_rev=True, end=True, now_ms=9, retention_s=86_400
    )
    assert answer == Moved(2, 1)
    meta = await store.meta("s1")
    assert meta["status"] == "ended" and meta["ended_ms"] == "9" and meta["phase"] == "ended"
    for key in keys.session_keys("s1"):
        if await redis.exists(key):
            assert 0 < await redis.ttl(key) <= 86_400, key
    async for key in redis.scan_iter(match=keys.session_pattern("s1")):
        assert await redis.ttl(key) > 0, key  # seen:* too: nothing outlives retention


async def test_timers_are_claimed_once_and_rerun_after_a_lost_lease(redis: Redis) -> None:
    timers = TimerStore(redis)
    await timers.schedule([("s1:1:end", 1000), ("s1:1:reminder", 500)])
    await timers.schedule([("s1:1:end", 9999)])  # another replica planning the same: one entry
    assert await timers.pending() == {"s1:1:end": 1000, "s1:1:reminder": 500}
    assert await timers.claim(now_ms=100, lease_ms=50) == []
    claims = await asyncio.gather(*[timers.claim(now_ms=600, lease_ms=60_000) for _ in range(10)])
    assert sorted(sum(claims, [])) == ["s1:1:reminder"]
    claims = await asyncio.gather(*[timers.claim(now_ms=1000, lease_ms=60_000) for _ in range(10)])
    assert sorted(sum(claims, [])) == ["s1:1:end"]
    await timers.done("s1:1:end")
    # leases are on the Redis clock: a replica whose clock runs ahead takes nothing live
    assert await timers.claim(now_ms=10**13, lease_ms=60_000) == []
    # the reminder's runner "died": once its lease is out it is handed out again, once
    await timers.renew(["s1:1:reminder"], lease_ms=1)
    await asyncio.sleep(0.05)
    again = await asyncio.gather(*[timers.claim(now_ms=1000, lease_ms=60_000) for _ in range(10)])
    assert sum(again, []) == ["s1:1:reminder"]
    # a failed run puts it back, due again; a second put-back of the same run does nothing
    await timers.retry("s1:1:reminder", 2000)
    await timers.retry("s1:1:reminder", 2000)
    assert await timers.pending() == {"s1:1:reminder": 2000}
    assert await timers.claim(now_ms=1999, lease_ms=60_000) == []
    assert await timers.claim(now_ms=2000, lease_ms=60_000) == ["s1:1:reminder"]
    assert await timers.fire_once("s1", "s1:1:reminder")
    assert not await timers.fire_once("s1", "s1:1:reminder")


async def test_only_one_of_two_racing_starts_wins_the_conversation(redis: Redis) -> None:
    store = SessionStore(redis)
    meta = {"topic": "T", "phase": "checkin", "rev": 1, "status": "active"}
    results = await asyncio.gather(
        *[store.create(f"s{i}", "conv", None, meta, "host") for i in range(10)]
    )
    assert results.count(True) == 1
    winner = await store.current_sid("conv")
    assert winner == f"s{results.index(True)}"
    losers = [f"s{i}" for i in range(10) if not results[i]]
    assert not any([await redis.exists(keys.meta(s)) for s in losers])


async def test_roster_is_the_only_place_with_names(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    await store.join(
        "s1", "j1", "m-kari", RosterEntry("citizen", "", "Kari Nordmann", "29:k"), JOINABLE
    )
    await submit(store, "s1", "i1", "author-kari", "hemmelig idé", 1, 1, 50)
    ideas_raw = await redis.hgetall(keys.ideas("s1"))
    assert "Kari" not in json.dumps(ideas_raw) and "m-kari" not in json.dumps(ideas_raw)
    assert "author-kari" not in json.dumps(await redis.hgetall(keys.roster("s1")))
