"""Issue 14: two replicas whose clocks differ by 30 s; each timer fires once, and on time.

Replica B's clock runs 30 s ahead of A's (the test hook DIGIKOK_TEST_CLOCK_SKEW_MS, added
to the app's clock; this test waits for it to exist in bot/config.py). Due times and
leases must use one clock (Redis TIME), so B neither fires a timer 30 s early nor takes
over one that A is still running. The pitch's timers are brought forward to fire within
seconds (the session's end time and reminder setting moved with them, in Redis), and the
time-up card is held at the connector for a few seconds so A's or B's run is still in
flight while the other polls.
"""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from bot.store import keys
from tests.fakes.activities import Person
from tests.faults.conftest import Procs
from tests.faults.procs import ROOT
from tests.faults.workshop import eventually, meta, sid_of, timers_of
from tests.harness.connector import posts_showing

HOOK = "DIGIKOK_TEST_CLOCK_SKEW_MS"
SKEW_MS = 30_000
HOST = Person("Hanne Vert")
REMINDER = "1 min igjen av «Forventninger»"
TIME_UP = "Tiden er ute for «Forventninger»"
HELD_S = 3.0  # the time-up card waits at the connector this long: the run is in flight
POLL_SLACK_MS = 1_000  # TIMER_POLL_SECONDS is 0.1 in the fault apps


def _hook_exists() -> bool:
    try:
        return HOOK in (ROOT / "bot" / "config.py").read_text()
    except OSError:
        return False


async def redis_now_ms(client: Redis) -> int:
    seconds, micros = await client.time()
    return int(seconds) * 1000 + int(micros) // 1000


@pytest.mark.skipif(not _hook_exists(), reason=f"needs the test clock hook {HOOK} in bot/config.py")
async def test_each_timer_fires_once_with_clocks_30s_apart(procs: Procs) -> None:
    fake = procs.connector
    gate = procs.connector.gate
    redis = await procs.redis()
    a = await procs.app("a", redis.url)
    b = await procs.app("b", redis.url, **{HOOK: str(SKEW_MS)})
    teams = procs.teams(a, b)
    await teams.say(HOST, "start Bedre skolevei")
    await teams.say(HOST, "neste")  # the pitch, 10 minutes, reminder 60 s before its end
    sid = sid_of(teams)
    await eventually(lambda: timers_of(redis.url, sid), what="the pitch's timers")

    client = Redis.from_url(redis.url, decode_responses=True)
    try:
        # The pitch ends in 10 s, its reminder 4 s before: the same session, sooner.
        tver = (await meta(redis.url, sid))["tver"]
        now = await redis_now_ms(client)
        ends, remind = now + 10_000, now + 6_000
        await client.hset(keys.meta(sid), mapping={"phase_ends_ms": ends, "reminder_s": 4})
        await client.zadd(
            keys.TIMERS_DUE, {f"{sid}:{tver}:end": ends, f"{sid}:{tver}:reminder": remind}
        )
        gate.hold(posts_showing("Tiden er ute"))

        async def reminded_at() -> int:
            return (
                await redis_now_ms(client)
                if teams.sent_here() and any(REMINDER in s.text for s in teams.sent_here())
                else 0
            )

        seen_reminder = await eventually(reminded_at, within=30, what="the reminder")
        await fake.wait_for(lambda: gate.waiting >= 1)  # a replica is posting the time-up card
        await asyncio.sleep(HELD_S)  # ... and still is, while both replicas poll
        gate.release()
        await fake.wait_for(
            lambda: (
                any(TIME_UP in s.text for s in teams.sent_here())
                or [s for s in teams.sent_here() if s.card and TIME_UP in str(s.card)]
            )
        )

        async def timers_done() -> bool:
            running = await client.zrange(keys.TIMERS_RUNNING, 0, -1)
            return not await timers_of(redis.url, sid) and not any(
                t.startswith(f"{sid}:") and not t.endswith(":idle") for t in running
            )

        await eventually(timers_done, what="both timers to be done")
    finally:
        await client.aclose()

    assert seen_reminder >= remind - POLL_SLACK_MS, "the reminder fired before its time"
    assert sum(REMINDER in s.text for s in teams.sent_here()) == 1
    time_ups = [s for s in teams.sent_here() if s.card and TIME_UP in str(s.card)]
    assert len(time_ups) == 1, "the time-up card was posted twice"
    runs = a.log_text().count('"timer_ended_phase"') + b.log_text().count('"timer_ended_phase"')
    assert runs == 1, f"the end timer ran {runs} times"
