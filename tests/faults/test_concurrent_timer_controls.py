"""Issue 14: `pause` and `forleng 5` pressed at the same moment both take effect.

Each round, on a running 10-minute phase, the host's `pause` and `forleng 5` arrive
together (two replicas, one each). Whatever order they land in, the phase must end up
paused with the time that was left plus five minutes, and both commands answered as done.
"""

from __future__ import annotations

import asyncio
import time

from tests.fakes.activities import Person
from tests.faults.conftest import Procs
from tests.faults.workshop import meta, sid_of
from tests.harness.teams import Teams

HOST = Person("Hanne Vert")
PAUSED = "Tiden står på pause. Skriv «fortsett»"
EXTENDED = "Dere fikk 5 minutter til."
ROUNDS = 5
FIVE_MIN_MS = 5 * 60_000


def said(teams: Teams, fragment: str) -> int:
    return sum(fragment in s.text for s in teams.sent_here())


async def test_pause_and_extend_together_both_take_effect(procs: Procs) -> None:
    fake = procs.connector
    redis = await procs.redis()
    a = await procs.app("a", redis.url)
    b = await procs.app("b", redis.url)
    teams = procs.teams(a, b)
    await teams.say(HOST, "start Bedre skolevei", a.url)
    await teams.say(HOST, "neste", a.url)  # the pitch: 10 minutes
    sid = sid_of(teams)

    for n in range(ROUNDS):
        before = await meta(redis.url, sid)
        ends = int(before["phase_ends_ms"])
        assert ends and not int(before.get("paused_left_ms") or 0), before
        paused, extended = said(teams, PAUSED), said(teams, EXTENDED)
        sent_at = time.time_ns() // 1_000_000
        await asyncio.gather(teams.say(HOST, "pause", a.url), teams.say(HOST, "forleng 5", b.url))
        answered_at = time.time_ns() // 1_000_000

        after = await meta(redis.url, sid)
        assert int(after["phase_ends_ms"]) == 0, f"round {n}: the pause was lost: {after}"
        left = int(after["paused_left_ms"])
        assert ends + FIVE_MIN_MS - answered_at <= left <= ends + FIVE_MIN_MS - sent_at, (
            f"round {n}: {left} ms left, not the time that was left plus 5 minutes"
        )
        await fake.wait_for(
            lambda p=paused, e=extended: said(teams, PAUSED) > p and said(teams, EXTENDED) > e
        )
        await teams.say(HOST, "fortsett", a.url)
        resumed = await meta(redis.url, sid)
        assert int(resumed["phase_ends_ms"]) > ends + FIVE_MIN_MS - 1_000, resumed
