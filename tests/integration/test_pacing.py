"""The per-conversation pacer on a real Redis: its windows hold under concurrency, across
pacer instances (replicas), on the Redis clock.

The slots booked are replayed from the bookings themselves (epoch ms on the Redis clock),
so nothing here sleeps: a slot in the future is booked at once, and when it comes is data.
"""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from bot.store.connection import client_for
from bot.store.keys import pace as pace_key
from bot.store.pacing import (
    GUARD_MS,
    MAX_WAIT_S,
    PACE_LIMITS,
    TEAMS_LIMITS,
    Booking,
    ConversationPacer,
)
from tests.harness.connector import peak

CHANNEL = "19:c0ffee@thread.tacv2;messageid=1700000000000"


def assert_windows_hold(slots: list[int], guard_ms: int = GUARD_MS) -> None:
    for window_s, most in PACE_LIMITS:
        assert peak(slots, int(window_s * 1000)) <= most, (window_s, most)
        assert peak(slots, int(window_s * 1000) + guard_ms) <= most, (window_s, "guarded")
    for window_s, most in TEAMS_LIMITS:
        assert peak(slots, int(window_s * 1000)) <= most


async def book_concurrently(pacers: list[ConversationPacer], n: int, cid: str) -> list[Booking]:
    return list(await asyncio.gather(*(pacers[i % len(pacers)].book(cid) for i in range(n))))


async def test_100_concurrent_bookings_from_two_replicas_keep_every_window(
    redis: Redis, redis_url: str
) -> None:
    other = client_for(redis_url)  # a second replica: its own client and pacer
    try:
        pacers = [ConversationPacer(redis), ConversationPacer(other)]
        bookings = await book_concurrently(pacers, 100, CHANNEL)
    finally:
        await other.aclose()
    granted = [b for b in bookings if b.booked]
    # 55 in 30 s: the 56th slot would be more than MAX_WAIT_S (30 s) away, so it is refused
    assert len(granted) == 55
    assert all(b.wait_ms > MAX_WAIT_S * 1000 for b in bookings if not b.booked)
    assert_windows_hold([b.at_ms for b in granted])
    assert all(0 <= b.wait_ms <= MAX_WAIT_S * 1000 for b in granted)
    assert await redis.zcard(pace_key(CHANNEL)) == 55  # a refusal books nothing
    assert 0 < await redis.pttl(pace_key(CHANNEL)) <= (MAX_WAIT_S + 30 + 1.25) * 1000


async def test_with_a_longer_cap_all_100_are_booked_and_every_window_holds(
    redis: Redis, redis_url: str
) -> None:
    other = client_for(redis_url)
    try:
        pacers = [ConversationPacer(r, max_wait_s=120) for r in (redis, other)]
        bookings = await book_concurrently(pacers, 100, CHANNEL)
    finally:
        await other.aclose()
    assert all(b.booked for b in bookings)
    slots = [b.at_ms for b in bookings]
    assert_windows_hold(slots)
    # First come, first served, and no slot is wasted: the first six go at once.
    assert sorted(b.wait_ms for b in bookings)[:6] == [0] * 6
    assert peak(slots, 1000) == 6


async def test_the_waits_follow_the_redis_clock(redis: Redis) -> None:
    pacer = ConversationPacer(redis)
    waits = [await pacer.reserve(CHANNEL) for _ in range(8)]
    assert waits[:6] == [0.0] * 6
    one_s = (1000 + GUARD_MS) / 1000  # the 7th waits for the 1st to leave the 1 s window
    two_s = (2000 + GUARD_MS) / 1000  # the 8th for the 1st to leave the 2 s window
    assert waits[6] is not None and one_s - 0.5 < waits[6] <= one_s
    assert waits[7] is not None and two_s - 0.5 < waits[7] <= two_s


async def test_conversations_are_paced_apart_and_odd_ids_are_fine(redis: Redis) -> None:
    pacer = ConversationPacer(redis)
    odd = ["a:1Xy;messageid=2@x", "19:{braces}@thread.v2;messageid=1", "29:ünïcode:; @"]
    for cid in odd:
        assert [await pacer.reserve(cid) for _ in range(6)] == [0.0] * 6
        assert (await pacer.reserve(cid) or 0) > 0.5
    assert sorted(await redis.keys("dk:{pace}:*")) == sorted(pace_key(c) for c in odd)


async def test_a_full_window_is_refused_at_once_not_waited_for(redis: Redis) -> None:
    pacer = ConversationPacer(redis, max_wait_s=0.5)
    waits = [await pacer.reserve(CHANNEL) for _ in range(8)]
    assert waits == [0.0] * 6 + [None, None]  # the 7th slot is 1.25 s away: over the cap


async def test_without_redis_calls_go_unpaced() -> None:
    dead = client_for("redis://127.0.0.1:1")  # nothing listens there
    try:
        pacer = ConversationPacer(dead)
        assert await pacer.reserve(CHANNEL) == 0.0
    finally:
        await dead.aclose()


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError):
        ConversationPacer(None, limits=((1.0, 0),))  # type: ignore[arg-type]
