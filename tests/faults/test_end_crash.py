"""Issue 14: the bot dies at the first Teams write of an end; the summary is still posted.

`avslutt` on replica A: the end is written (and its effects with it), then A's first post
to Teams (the summary) is parked at the gate and A is SIGKILLed; that post never reaches
Teams. A is started again on the same Redis, and nobody types anything: the effects A
recorded outlive it (its lease on them runs out) and the restarted bot posts the summary,
once, with the idea in it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp

from tests.fakes.activities import Person
from tests.fakes.cards import all_text
from tests.faults.conftest import Procs
from tests.faults.workshop import SUMMARY, eventually, meta, settled, sid_of
from tests.harness.connector import card_of

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")
LEASE_S = 15  # bot/service/session/effects.py LEASE_MS: how long a dead replica holds its effects


async def test_the_summary_is_posted_after_a_crash_at_the_end(procs: Procs) -> None:
    fake, place = procs.connector, procs.place
    gate = procs.connector.gate
    redis, a, teams = await procs.one_replica()
    submit = await teams.open_idea_round(HOST, "Bedre skolevei", a.url)
    assert (await teams.send(place.invoke(KARI, submit, {"idea": "Gå-buss"}), a.url)).received
    sid = sid_of(teams)

    held: list[dict[str, Any]] = []  # what A was posting when it died

    def first_post(method: str, cid: str, body: dict[str, Any]) -> bool:
        if method == "POST":
            held.append(body)
        return method == "POST"

    gate.hold(first_post)  # A's first post from now on (its card updates go through)
    turn = asyncio.create_task(teams.send(place.message(HOST, "avslutt"), a.url))
    await fake.wait_for(lambda: gate.waiting >= 1)
    assert SUMMARY in all_text(card_of(held[0])), held[0]
    a.kill()
    assert await a.gone(10) and a.returncode == -9, "A was not killed by the test"
    with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
        await turn
    gate.release()
    await fake.wait_for(lambda: gate.dropped >= 1)  # that post died with A
    assert (await meta(redis.url, sid))["status"] == "ended"
    assert not teams.summaries()

    restarted = await procs.app("a-again", redis.url)
    assert restarted.running
    summary = await teams.summary(within=LEASE_S + 45)
    assert "Gå-buss" in all_text(summary), all_text(summary)
    await eventually(lambda: settled(redis.url, sid), what="the end's effects to be done")
    assert len(teams.summaries()) == 1, "the summary was posted twice"
