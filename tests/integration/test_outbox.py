"""The publisher's marks on a real Redis: a mark is gone only once a publish of its version
is through, each due mark goes to one replica, a dead replica's claim runs out and another
one publishes, a mark made during a publish survives it, failures back off and give up.

The store's scripts are tested first, then CardRefresher replicas (each its own client)
with a recording sender. A replica "dies" as a SIGKILL leaves it: its publish task is
cancelled where it waits and it never ticks again, so nothing settles its claim. Claims and
intervals are shortened; nothing asserts a duration, only who published what.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis

from bot.metrics import Metrics
from bot.outbox import refresher as refresher_module
from bot.outbox.refresher import TRIES, CardRefresher
from bot.service.ports import Card, ConvRef, SendError
from bot.store import keys
from bot.store.connection import client_for
from bot.store.outbox import Claim, OutboxStore
from bot.store.sessions import SessionStore

REF = ConvRef("http://connector", "19:c@thread.tacv2", "channel", "t1", "28:bot", "Digikok")


async def redis_ms(redis: Redis) -> int:
    seconds, micros = await redis.time()
    return seconds * 1000 + micros // 1000


async def due_in_ms(redis: Redis, mark: str) -> float:
    score = await redis.zscore(keys.OUTBOX_DUE, mark)
    assert score is not None, f"{mark} is not marked"
    return score - await redis_ms(redis)


async def wait_until(check: Callable[[], bool | Awaitable[bool]], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while True:
            done = check()
            if done if isinstance(done, bool) else await done:
                return
            await asyncio.sleep(0.01)


async def sessions(redis: Redis, *sids: str) -> None:
    """Sessions that exist (a session card is leased only while its meta is there)."""
    for sid in sids:
        await redis.hset(keys.meta(sid), mapping={"status": "active"})


async def empty(outbox: OutboxStore) -> bool:
    return await outbox.pending() == {}


@pytest.fixture
async def other(redis: Redis, redis_url: str) -> AsyncIterator[Redis]:
    """A second replica's own client on the same Redis."""
    client = client_for(redis_url)
    yield client
    await client.aclose()


# -- the store ---------------------------------------------------------------------------


async def test_many_marks_of_one_card_are_one_claim(redis: Redis) -> None:
    outbox = OutboxStore(redis)
    for _ in range(300):
        await outbox.mark("s1")
    claims = await outbox.claim(50, 10_000)
    assert claims == [Claim("s1", "300")]
    assert await outbox.claim(50, 10_000) == []  # claimed: nobody else takes it


async def test_two_replicas_claiming_at_once_each_get_a_mark_once(
    redis: Redis, other: Redis
) -> None:
    marks = [f"s{i}" for i in range(200)] + [f"s{i}|g1" for i in range(50)]
    await asyncio.gather(*(OutboxStore(redis).mark(m) for m in marks for _ in range(2)))
    replicas = [OutboxStore(redis), OutboxStore(other)]
    rounds = await asyncio.gather(*(replicas[i % 2].claim(7, 10_000) for i in range(60)))
    taken = [c.mark for claims in rounds for c in claims]
    assert sorted(taken) == sorted(marks)  # every mark, each to exactly one claim
    assert all(c.version == "2" for claims in rounds for c in claims)
    assert len(await OutboxStore(redis).pending()) == len(marks)  # none gone before a publish


async def test_a_claim_that_runs_out_is_taken_again_by_another_replica(
    redis: Redis, other: Redis
) -> None:
    a, b = OutboxStore(redis), OutboxStore(other)
    await a.mark("s1")
    assert await a.claim(10, 150) == [Claim("s1", "1")]  # A takes it, then dies
    assert await b.claim(10, 10_000) == []
    taken: list[Claim] = []

    async def b_takes() -> bool:
        taken.extend(await b.claim(10, 10_000))
        return bool(taken)

    await wait_until(b_takes)
    assert taken == [Claim("s1", "1")]
    assert await a.claim(10, 150) == []  # B's claim now


async def test_a_renewed_claim_is_not_taken_over(redis: Redis, other: Redis) -> None:
    a, b = OutboxStore(redis), OutboxStore(other)
    await a.mark("s1")
    await a.mark("s2")
    assert {c.mark for c in await a.claim(10, 600)} == {"s1", "s2"}
    for _ in range(15):  # 1.5 s: 2.5 claims long, renewed every 100 ms (s1 only)
        await asyncio.sleep(0.1)
        assert await a.claim(0, 600, renew=["s1"]) == []
        assert "s1" not in {c.mark for c in await b.claim(10, 10_000)}
    assert await due_in_ms(redis, "s1") > 0
    assert "s2" in {m for m, _ in (await b.pending()).items()}  # B took s2 over


async def test_a_mark_made_during_the_publish_survives_the_delete(redis: Redis) -> None:
    outbox = OutboxStore(redis)
    await outbox.mark("s1")
    (claim,) = await outbox.claim(10, 10_000)
    await outbox.mark("s1")  # a vote while the card is on its way: that card is older
    assert await outbox.settle(claim, "done", after_ms=500) == "again"
    assert (await outbox.pending())["s1"][0] == "2"
    assert 0 < await due_in_ms(redis, "s1") <= 500  # after the lease, not at the claim's end
    assert await outbox.claim(10, 10_000) == []
    await redis.zadd(keys.OUTBOX_DUE, {"s1": 0})  # the lease has run out
    (again,) = await outbox.claim(10, 10_000)
    assert again == Claim("s1", "2")
    assert await outbox.settle(again, "done") == "done"
    assert await outbox.pending() == {}
    assert await redis.exists(*keys.OUTBOX) == 0  # nothing left behind


async def test_a_held_lease_keeps_the_version_and_waits_for_the_lease(redis: Redis) -> None:
    await sessions(redis, "s1")
    outbox = OutboxStore(redis)
    await outbox.mark("s1")
    assert await outbox.lease("s1", 10_000) == 0
    held = await outbox.lease("s1", 10_000)
    assert 9_000 < held <= 10_000
    (claim,) = await outbox.claim(10, 60_000)
    assert await outbox.settle(claim, "later", held) == "again"
    assert (await outbox.pending())["s1"][0] == "1"
    assert 9_000 < await due_in_ms(redis, "s1") <= 10_000  # no polling meanwhile


async def test_failures_back_off_and_give_up_and_the_next_mark_starts_afresh(
    redis: Redis,
) -> None:
    outbox = OutboxStore(redis)
    await outbox.mark("s1")
    delays = []
    for _ in range(TRIES - 1):
        await redis.zadd(keys.OUTBOX_DUE, {"s1": 0})
        (claim,) = await outbox.claim(10, 60_000)
        assert await outbox.settle(claim, "failed", 1000, tries=TRIES, most_ms=3000) == "again"
        delays.append(await due_in_ms(redis, "s1"))
    assert [round(d, -3) for d in delays] == [1000, 2000, 3000][: TRIES - 1]
    retry_at = await redis.zscore(keys.OUTBOX_DUE, "s1")
    await outbox.mark("s1")  # a change while it waits: same mark, same retry time
    assert await redis.zscore(keys.OUTBOX_DUE, "s1") == retry_at
    await redis.zadd(keys.OUTBOX_DUE, {"s1": 0})
    (claim,) = await outbox.claim(10, 60_000)
    assert await outbox.settle(claim, "failed", 1000, tries=TRIES) == "gave_up"
    assert await outbox.pending() == {}
    assert await redis.exists(*keys.OUTBOX) == 0

    await outbox.mark("s1")
    (claim,) = await outbox.claim(10, 60_000)
    assert claim.version == "1"
    assert await outbox.settle(claim, "failed", 1000, tries=TRIES) == "again"  # 1st again


async def test_a_success_resets_the_failures(redis: Redis) -> None:
    outbox = OutboxStore(redis)
    await outbox.mark("s1")
    (claim,) = await outbox.claim(10, 60_000)
    await outbox.settle(claim, "failed", 0, tries=TRIES)
    (claim,) = await outbox.claim(10, 60_000)
    await outbox.mark("s1")
    assert await outbox.settle(claim, "done", 0) == "again"
    assert await redis.hget(keys.OUTBOX_FAILS, "s1") is None


async def test_a_deleted_session_is_not_brought_back_by_its_publisher(redis: Redis) -> None:
    await sessions(redis, "s1")
    outbox = OutboxStore(redis)
    await outbox.mark("s1")
    (claim,) = await outbox.claim(10, 60_000)
    await SessionStore(redis).delete_session("s1", "conv")
    assert await outbox.lease("s1", 10_000) == -1  # a publish that comes late: no lease
    assert await redis.keys("dk:{s1}:*") == []
    assert await outbox.lease("s1|g1", 10_000) == 0  # a group's board: leased on its own
    for outcome in ("done", "failed", "later"):
        assert await outbox.settle(claim, outcome, 0, tries=TRIES) == "gone"  # type: ignore[arg-type]
    assert await redis.exists(*keys.OUTBOX) == 0


# -- replicas of the publisher -------------------------------------------------------------


@dataclass
class World:
    """The cards' state (a counter per card) and what reached "Teams"."""

    state: dict[str, int] = field(default_factory=dict)
    sent: list[tuple[str, int]] = field(default_factory=list)
    hold: asyncio.Event = field(default_factory=asyncio.Event)  # cleared: updates wait
    waiting: int = 0
    fail: SendError | None = None
    attempts: int = 0
    texts: dict[str, str] = field(default_factory=dict)  # a message's text over its card
    said: list[tuple[str, str | None]] = field(default_factory=list)  # (mark, text) sent

    def __post_init__(self) -> None:
        self.hold.set()

    async def render(
        self, sid: str
    ) -> tuple[ConvRef, str, Card] | tuple[ConvRef, str, Card, str | None] | None:
        if sid not in self.state:
            return None
        card = {"sid": sid, "n": self.state[sid]}
        if sid in self.texts:
            return REF, f"card-{sid}", card, f"{self.texts[sid]} {self.state[sid]}"
        return REF, f"card-{sid}", card

    def shown(self, sid: str) -> int | None:
        last = [n for s, n in self.sent if s == sid]
        return last[-1] if last else None


class RecordingSender:
    def __init__(self, world: World) -> None:
        self.world = world

    async def update(
        self, ref: ConvRef, activity_id: str, card: Card, text: str | None = None
    ) -> None:
        self.world.attempts += 1
        if self.world.fail is not None:
            raise self.world.fail
        self.world.waiting += 1
        try:
            await self.world.hold.wait()
        finally:
            self.world.waiting -= 1
        self.world.sent.append((card["sid"], card["n"]))
        self.world.said.append((card["sid"], text))


def replica(client: Redis, world: World, interval_s: float = 0.05) -> CardRefresher:
    refresher = CardRefresher(
        OutboxStore(client),
        world.render,
        RecordingSender(world),
        interval_s,
        Metrics(),  # type: ignore[arg-type]
    )
    refresher.claim_ms = 300
    return refresher


async def s1_marked(
    redis: Redis, world: World, interval_s: float = 0.05
) -> tuple[CardRefresher, OutboxStore]:
    """The world's sessions exist, one replica publishes their cards, and card s1 is marked
    as changed: the replica and the outbox."""
    await sessions(redis, *world.state)
    a = replica(redis, world, interval_s)
    outbox = OutboxStore(redis)
    await outbox.mark("s1")
    return a, outbox


async def tick_until(
    replicas: list[CardRefresher], check: Callable[[], bool], within: float = 5.0
) -> None:
    async with asyncio.timeout(within):
        while not check():
            for r in replicas:
                await r.tick()
            await asyncio.sleep(0.01)


async def die(refresher: CardRefresher) -> None:
    """SIGKILL, as far as Redis can tell: the publishes stop where they are, unsettled."""
    tasks = [task for _, task in refresher._in_flight.values()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_replica_killed_mid_update_is_covered_by_another(
    redis: Redis, other: Redis
) -> None:
    world = World(state={"s1": 1})
    await sessions(redis, *world.state)
    a, b = replica(redis, world), replica(other, world)
    a.claim_ms = 1000
    await OutboxStore(redis).mark("s1")
    world.hold.clear()
    await a.tick()
    await wait_until(lambda: world.waiting == 1)  # A's update is on its way
    await die(a)
    world.hold.set()
    assert world.sent == []
    assert await b.tick() == 0  # A's claim still runs
    await tick_until([b], lambda: world.shown("s1") == 1)
    await b.drain()
    assert await OutboxStore(redis).pending() == {}


async def test_a_change_during_a_publish_is_published_after_it(redis: Redis) -> None:
    world = World(state={"s1": 1})
    a, outbox = await s1_marked(redis, world)
    world.hold.clear()
    await a.tick()
    await wait_until(lambda: world.waiting == 1)
    world.state["s1"] = 2
    await outbox.mark("s1")
    world.hold.set()
    await tick_until([a], lambda: world.shown("s1") == 2)
    await a.drain()
    assert world.sent == [("s1", 1), ("s1", 2)]
    assert await outbox.pending() == {}


async def test_a_render_s_text_goes_with_its_card_in_every_update(redis: Redis) -> None:
    """The idea card's announcement is its message's text: an update without it drops it."""
    world = World(state={"s1": 1, "s1|ideas": 1}, texts={"s1|ideas": "Ny fase: Idémyldring."})
    await sessions(redis, "s1")
    a = replica(redis, world)
    outbox = OutboxStore(redis)
    world.hold.clear()
    await outbox.mark("s1|ideas")
    await outbox.mark("s1")
    await tick_until([a], lambda: world.waiting == 2)
    world.state["s1|ideas"] = 2  # the lease runs out on the way: a follow-up render is sent
    await asyncio.sleep(0.1)
    world.hold.set()
    await a.drain()
    assert world.sent.count(("s1|ideas", 2)) == 1
    assert sorted(world.said, key=str) == [
        ("s1", None),  # a render without text updates the card alone
        ("s1|ideas", "Ny fase: Idémyldring. 1"),
        ("s1|ideas", "Ny fase: Idémyldring. 2"),
    ]


async def test_a_render_identical_to_the_last_published_card_is_not_sent(redis: Redis) -> None:
    world = World(state={"s1": 1})
    a, outbox = await s1_marked(redis, world)
    await tick_until([a], lambda: world.shown("s1") == 1)
    await a.drain()
    await outbox.mark("s1")  # marked, but nothing on the card changed
    async with asyncio.timeout(5):
        while await outbox.pending():  # due after the card's lease, then taken and settled
            await a.tick()
            await asyncio.sleep(0.01)
    await a.drain()
    assert world.sent == [("s1", 1)] and world.attempts == 1
    world.state["s1"] = 2
    await outbox.mark("s1")
    await tick_until([a], lambda: world.shown("s1") == 2)
    assert world.attempts == 2


async def test_two_replicas_send_one_update_per_card_per_interval(
    redis: Redis, other: Redis
) -> None:
    world = World(state={f"s{i}": 1 for i in range(20)})
    await sessions(redis, *world.state)
    a, b = replica(redis, world, interval_s=5.0), replica(other, world, interval_s=5.0)
    outbox = OutboxStore(redis)
    for sid in world.state:
        await outbox.mark(sid)
    await asyncio.gather(a.tick(), b.tick())
    await asyncio.gather(a.drain(), b.drain())
    assert sorted(world.sent) == sorted((sid, 1) for sid in world.state)  # each card once

    for sid in world.state:  # changed again at once: each waits for its card's lease
        world.state[sid] = 2
        await outbox.mark(sid)
    for _ in range(5):
        await asyncio.gather(a.tick(), b.tick())
        await asyncio.gather(a.drain(), b.drain())
    assert len(world.sent) == len(world.state)
    pending = await outbox.pending()
    assert set(pending) == set(world.state)
    waits = [await due_in_ms(redis, sid) for sid in pending]
    assert all(4000 < w <= 5000 for w in waits), waits  # due when the card's lease runs out


async def test_a_failing_connector_is_retried_a_bounded_number_of_times(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresher_module, "RETRY_MOST_MS", 100)
    world = World(state={"s1": 1}, fail=SendError(503, "update"))
    a, outbox = await s1_marked(redis, world, interval_s=0.02)
    await tick_until([a], lambda: world.attempts >= TRIES)
    await a.drain()
    await wait_until(lambda: empty(outbox))  # given up
    for _ in range(20):  # and nothing more is tried
        await a.tick()
        await asyncio.sleep(0.01)
    assert world.attempts == TRIES

    world.fail = None  # the next change is published
    await outbox.mark("s1")
    await tick_until([a], lambda: world.shown("s1") == 1)


async def test_a_permanent_refusal_is_not_retried(redis: Redis) -> None:
    world = World(state={"s1": 1}, fail=SendError(404, "update"))
    a, outbox = await s1_marked(redis, world, interval_s=0.02)
    await tick_until([a], lambda: world.attempts >= 1)
    await a.drain()
    for _ in range(20):
        await a.tick()
        await asyncio.sleep(0.01)
    assert world.attempts == 1
    assert await outbox.pending() == {}


async def test_a_publish_cut_at_shutdown_is_taken_over_at_once(redis: Redis, other: Redis) -> None:
    world = World(state={"s1": 1})
    await sessions(redis, *world.state)
    a, b = replica(redis, world), replica(other, world)
    a.claim_ms = b.claim_ms = 60_000  # only the release at shutdown can hand it over
    await OutboxStore(redis).mark("s1")
    world.hold.clear()
    running = asyncio.create_task(a.run())
    await wait_until(lambda: world.waiting == 1)
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    world.hold.set()
    assert world.sent == []
    await tick_until([b], lambda: world.shown("s1") == 1)
    await b.drain()
    assert await OutboxStore(redis).pending() == {}


async def test_a_mark_of_a_deleted_session_is_dropped_without_a_lease(redis: Redis) -> None:
    world = World(state={"gone": 1})  # it renders, but its meta is no longer in Redis
    a = replica(redis, world)
    outbox = OutboxStore(redis)
    await outbox.mark("gone")
    assert await a.tick() == 1
    await a.drain()
    assert world.attempts == 0
    assert await outbox.pending() == {}
    assert await redis.keys("dk:{gone}:*") == []


async def test_a_cancel_lost_in_a_redis_call_still_stops_the_loop(redis: Redis) -> None:
    """Python 3.11's asyncio.wait_for (in redis-py's socket timeout) can swallow a cancel
    that lands as the reply comes in (gh-86296); shutdown cancels once and must not hang."""
    a = replica(redis, World())
    in_claim = asyncio.Event()

    async def swallowing_claim(*_: object, **__: object) -> list[Claim]:
        in_claim.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            pass  # the reply won: the cancel is lost
        return []

    a._outbox.claim = swallowing_claim  # type: ignore[method-assign]
    running = asyncio.create_task(a.run())
    await asyncio.wait_for(in_claim.wait(), 5)
    running.cancel()
    done, _ = await asyncio.wait([running], timeout=5)
    assert done and running.cancelled()


async def test_marks_left_by_an_older_version_are_adopted_once(redis: Redis, other: Redis) -> None:
    await redis.sadd(keys.LEGACY_OUTBOX, *(f"s{i}" for i in range(250)), "s7|g2")
    counts = await asyncio.gather(
        OutboxStore(redis).adopt_legacy(), OutboxStore(other).adopt_legacy()
    )
    assert sum(counts) == 251  # two replicas starting at once: each mark once
    assert await redis.exists(keys.LEGACY_OUTBOX) == 0
    pending = await OutboxStore(redis).pending()
    assert len(pending) == 251 and pending["s7|g2"][0] == "1"
    assert await OutboxStore(redis).adopt_legacy() == 0
