"""Dot voting on a real Redis: exact under concurrency, never past an allowance, and the Lua
script agrees with the pure rule on every sequence hypothesis can think of."""

from __future__ import annotations

import asyncio
from typing import Iterator

import pytest
import redis as sync_redis
from hypothesis import given, settings
from hypothesis import strategies as st
from redis.asyncio import Redis

from bot.domain.refusal import Refusal
from bot.store import keys, scripts
from bot.store.ballots import BallotStore
from tests.oracles import Ballot, VoteOk, decide_vote

IDEAS = [str(i) for i in range(1, 6)]


async def voting_session(redis: Redis, sid: str = "s1") -> BallotStore:
    await redis.hset(keys.meta(sid), mapping={"status": "active", "phase": "voting", "rev": "4"})
    store = BallotStore(redis)
    await store.open_round(sid, 1, IDEAS)
    return store


async def test_300_people_3_votes_each_at_once_give_the_exact_tally(redis: Redis) -> None:
    store = await voting_session(redis)
    casts = [
        store.cast("s1", 1, f"a{p}-{v}", f"voter{p}", IDEAS[(p + v) % 5], 4, 3, 2, 1)
        for p in range(300)
        for v in range(3)
    ]
    answers = await asyncio.gather(*casts)
    assert all(a.startswith("ok:") for a in answers)
    tally = await store.tally("s1", 1)
    assert sum(tally.values()) == 900
    expected = {i: 0 for i in IDEAS}
    for p in range(300):
        for v in range(3):
            expected[IDEAS[(p + v) % 5]] += 1
    assert tally == expected
    assert await store.voters("s1", 1) == 300


async def test_20_simultaneous_votes_from_one_person_stop_at_the_allowance(redis: Redis) -> None:
    store = await voting_session(redis)
    answers = await asyncio.gather(
        *[store.cast("s1", 1, f"burst{i}", "eager", IDEAS[i % 5], 4, 3, 2, 1) for i in range(20)]
    )
    assert sum(a.startswith("ok:") for a in answers) == 3
    assert answers.count("no_votes_left") == 17
    assert sum((await store.tally("s1", 1)).values()) == 3
    assert await store.used("s1", 1, "eager") == 3
    capped = await asyncio.gather(
        *[store.cast("s1", 1, f"cap{i}", "focused", "1", 4, 3, 2, 1) for i in range(10)]
    )
    assert sum(a.startswith("ok:") for a in capped) == 2 and capped.count("idea_full") == 8


async def test_forged_and_stale_votes_change_nothing(redis: Redis) -> None:
    store = await voting_session(redis)
    before = await store.tally("s1", 1)
    assert await store.cast("s1", 1, "f1", "v", "999", 4, 3, 2, 1) == "unknown_idea"
    assert await store.cast("s1", 1, "f2", "v", "1", 3, 3, 2, 1) == "stale"
    assert await store.cast("s1", 2, "f3", "v", "1", 4, 3, 2, 1) == "unknown_idea"
    assert await store.cast("s1", 1, "f4", "v", "1", 4, 3, 2, 5) == "bad_input"
    assert await store.cast("s1", 1, "f5", "v", "1", 4, 3, 2, -1) == "none_here"
    assert await store.cast("other", 1, "f6", "v", "1", 4, 3, 2, 1) == "gone"
    await redis.hset(keys.meta("s1"), "phase", "actions")
    assert await store.cast("s1", 1, "f7", "v", "1", 4, 3, 2, 1) == "wrong_phase"
    assert await store.tally("s1", 1) == before
    assert not await redis.exists(keys.ballots("s1", 1))


async def test_a_redelivered_vote_counts_once(redis: Redis) -> None:
    store = await voting_session(redis)
    answers = await asyncio.gather(
        *[store.cast("s1", 1, "same", "v", "2", 4, 3, 2, 1) for _ in range(10)]
    )
    assert set(answers) == {"ok:2"}
    assert (await store.tally("s1", 1))["2"] == 1


@pytest.fixture(scope="module")
def sync_client(redis_url: str) -> Iterator[sync_redis.Redis]:
    client = sync_redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


ops = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(IDEAS + ["99"]), st.sampled_from([1, -1])),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(sequence=ops, allowance=st.integers(1, 5), cap=st.integers(1, 3))
def test_script_and_rule_agree(
    sync_client: sync_redis.Redis, sequence: list[tuple[int, str, int]], allowance: int, cap: int
) -> None:
    """The differential test STYLE 3.4 asks for: decide_vote and CAST_VOTE in step."""
    sync_client.flushdb()
    sync_client.hset(keys.meta("s"), mapping={"status": "active", "phase": "voting", "rev": "1"})
    for idea in IDEAS:
        sync_client.hset(keys.tally("s", 1), idea, 0)
    cast = sync_client.register_script(scripts.CAST_VOTE)
    mine: dict[int, dict[str, int]] = {}
    codes = {
        "vote.unknown_idea": "unknown_idea",
        "vote.none_left": "no_votes_left",
        "vote.idea_full": "idea_full",
        "vote.none_here": "none_here",
    }
    for n, (voter, idea, delta) in enumerate(sequence):
        ballot = Ballot(allowance, cap, dict(mine.get(voter, {})))
        expected = decide_vote(ballot, idea, frozenset(IDEAS), delta)
        got = cast(
            keys=[
                keys.meta("s"),
                keys.seen("s", f"a{n}"),
                keys.tally("s", 1),
                keys.ballots("s", 1),
            ],
            args=[60, f"v{voter}", idea, 1, allowance, cap, delta],
        )
        if isinstance(expected, VoteOk):
            assert got == f"ok:{expected.votes_left}"
            slot = mine.setdefault(voter, {})
            slot[idea] = slot.get(idea, 0) + delta
        else:
            assert isinstance(expected, Refusal) and got == codes[expected.key]
    tally = {i: int(v) for i, v in sync_client.hgetall(keys.tally("s", 1)).items()}
    for idea in IDEAS:
        assert tally[idea] == sum(b.get(idea, 0) for b in mine.values())
    for ballot in mine.values():
        assert sum(ballot.values()) <= allowance and all(0 <= v <= cap for v in ballot.values())
