"""SPEC §5 "Nothing acknowledged is lost" when the bot process dies mid-burst.

Replica A takes a burst of idea submissions (20 people × 5, 10 at a time) and is SIGKILLed
once 30 have been acknowledged; requests in flight die with it. Replica B starts on the same
Redis. Every idea A acknowledged is there exactly once; Teams then redelivers each activity
that got no answer (same JSON, same id) and each is stored once more at most. The same for
a burst of dot votes: what A acknowledged is in the tally once, nobody past the allowance.

Two more crashes, placed exactly with a gate on the fake connector: A dies while its update
of the shared card is on the way, and A dies between writing a phase move and posting the
idea card. Either way B must finish the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from typing import Any, Callable

import aiohttp

from bot.store.sessions import TURN_CLAIM_S
from tests.fakes.activities import Person
from tests.fakes.cards import all_text
from tests.faults.conftest import Procs
from tests.faults.steps import gather_limited, stored_ideas
from tests.faults.voting import VOTES_EACH, ballots, counted, open_vote_round
from tests.harness.connector import posts_of, updates
from tests.harness.processes import Proc
from tests.harness.teams import Answer, Teams, summary_count, summary_ideas

logger = logging.getLogger(__name__)

HOST = Person("Hanne Vert")
PEOPLE = [Person(f"Deltaker {i:02d}") for i in range(20)]
PER_PERSON = 5
CONCURRENCY = 10
KILL_AFTER = 30  # acknowledged submissions before A is killed

Burst = list[tuple[str, dict[str, Any]]]  # (what it carries, the activity)


async def crash_mid_burst(
    teams: Teams, a: Proc, burst: Burst, took: Callable[[Answer], bool], kill_after: int
) -> tuple[list[str], Burst]:
    """The burst to A, CONCURRENCY at a time; A is SIGKILLed once kill_after answers are
    receipts (took), so up to CONCURRENCY - 1 requests are in flight when it dies. Every
    answer A gave is a receipt. Returns what A acknowledged, and what got no answer."""
    acknowledged: list[str] = []
    refused: list[tuple[str, Answer]] = []  # an HTTP answer that was not a receipt
    unanswered: Burst = []

    async def one(what: str, activity: dict[str, Any]) -> None:
        try:
            answer = await teams.send(activity, a.url)
        except (aiohttp.ClientError, asyncio.TimeoutError):
            unanswered.append((what, activity))
            return
        if not took(answer):
            refused.append((what, answer))
            return
        acknowledged.append(what)
        if len(acknowledged) == kill_after:
            a.kill()

    await gather_limited(CONCURRENCY, *(one(what, act) for what, act in burst))
    await a.stop()
    assert a.returncode == -9, "A was not killed by the test"
    assert not refused, f"answers that were not receipts: {refused[:3]}"
    assert len(acknowledged) >= kill_after and unanswered, "the kill did not land mid-burst"
    assert len(acknowledged) + len(unanswered) == len(burst)
    return acknowledged, unanswered


async def test_acknowledged_ideas_survive_a_bot_crash(procs: Procs) -> None:
    place = procs.place
    redis, a, teams = await procs.one_replica()
    submit = await teams.open_idea_round(HOST, "Bedre skolevei", a.url)

    burst = [
        (f"Idé {i:02d}-{j}", place.invoke(person, submit, {"idea": f"Idé {i:02d}-{j}"}))
        for j in range(PER_PERSON)
        for i, person in enumerate(PEOPLE)
    ]
    acknowledged, unanswered = await crash_mid_burst(
        teams, a, burst, lambda answer: answer.received, KILL_AFTER
    )

    b = await procs.app("b", redis.url)
    stored = await stored_ideas(teams, HOST, b.url)
    logger.info(
        "crash: %d acknowledged by A, %d unanswered, %d stored when B started",
        len(acknowledged),
        len(unanswered),
        stored,
    )
    assert len(acknowledged) <= stored <= len(burst)

    # Teams redelivers what got no answer: the same activity, the same id.
    again = await gather_limited(
        CONCURRENCY, *(teams.send(activity, b.url) for _, activity in unanswered)
    )
    assert all(not isinstance(r, BaseException) and r.received for r in again), again[:3]
    assert await stored_ideas(teams, HOST, b.url) == len(burst)

    await teams.say(HOST, "avslutt", b.url)
    summary = await teams.summary()
    listed = summary_ideas(summary)
    twice = [text for text, n in Counter(listed).items() if n > 1]
    assert not twice, f"ideas listed more than once: {twice}"
    assert set(acknowledged) <= set(listed), set(acknowledged) - set(listed)
    assert sorted(listed) == sorted(text for text, _ in burst)
    assert summary_count(summary) == len(listed) == len(burst)


async def test_the_shared_card_catches_up_after_a_crash_mid_update(procs: Procs) -> None:
    """A dies while its update of the shared card is on the way (the call never reaches
    Teams). B, on the same Redis, must still bring the card up to date."""
    fake, place = procs.connector, procs.place
    gate = procs.connector.gate
    redis, a, teams = await procs.one_replica()
    submit = await teams.open_idea_round(HOST, "Bedre skolevei", a.url)
    await teams.session_shows("Nå: Idémyldring")

    gate.hold(updates())
    assert (await teams.send(place.invoke(PEOPLE[0], submit, {"idea": "Gå-buss"}))).received
    await fake.wait_for(lambda: gate.waiting >= 1)  # A is sending "1 idea" now
    a.kill()
    await a.stop()
    gate.release()
    await fake.wait_for(lambda: gate.dropped >= 1)  # that call died with A

    b = await procs.app("b", redis.url)
    teams.urls[:] = [b.url]
    await teams.session_shows("Ideer sendt inn: 1", within=10)


async def test_the_idea_round_opens_after_a_crash_mid_turn(procs: Procs) -> None:
    """A dies after writing the move to the idea round but before the idea card is out.
    Teams got no answer, so it redelivers `neste` (same id) to B: the round must still get
    its idea card, or nobody can submit an idea."""
    fake, place = procs.connector, procs.place
    gate = procs.connector.gate
    redis, a, teams = await procs.one_replica()
    await teams.say(HOST, "start Bedre skolevei", a.url)
    await teams.say(HOST, "neste", a.url)

    gate.hold(posts_of("idea.submit"))
    neste = place.message(HOST, "neste")
    turn = asyncio.create_task(teams.send(neste, a.url))
    await fake.wait_for(lambda: gate.waiting >= 1)  # the move is written, the card is not out
    a.kill()
    with contextlib.suppress(aiohttp.ClientError):
        await turn
    await a.stop()
    gate.release()
    await fake.wait_for(lambda: gate.dropped >= 1)

    b = await procs.app("b", redis.url)
    # Teams retries what got no answer after ~15 s; the dead turn's claim lasts less
    await asyncio.sleep(TURN_CLAIM_S + 0.5)
    redelivered = await teams.send(neste, b.url)
    assert redelivered.status in (200, 201), redelivered
    submit = await teams.idea_submit()  # waits for an idea card in the conversation
    answer = await teams.send(place.invoke(PEOPLE[0], submit, {"idea": "Gå-buss"}), b.url)
    assert answer.received, answer


VOTERS = [Person(f"Velger {i:02d}") for i in range(20)]
IDEAS = ["Gå-buss", "Fotgjengerfelt", "Sykkelvei", "Lavere fart", "Skolepatrulje"]
VOTE_KILL_AFTER = 25  # acknowledged votes before A is killed


def vote_plan() -> list[tuple[Person, str]]:
    """Three dots each, on three different ideas (within the allowance whatever the order):
    20, 10, 10, 13 and 7 dots, so a dot counted on the wrong idea shows."""
    plan = []
    for i, voter in enumerate(VOTERS):
        for idea in (IDEAS[0], IDEAS[1 + i % 2], IDEAS[4 if i % 3 == 0 else 3]):
            plan.append((voter, idea))
    return plan


async def test_acknowledged_votes_survive_a_bot_crash(procs: Procs) -> None:
    """A burst of dot votes on replica A (20 voters × 3, 10 at a time), SIGKILL once 25 are
    acknowledged, B on the same Redis: every acknowledged vote is in the tally, once; nobody
    exceeds their allowance; each unanswered vote, redelivered, counts once at most, and a
    redelivery of the acknowledged ones counts nothing."""
    place = procs.place
    redis, a, teams = await procs.one_replica()
    vote = await open_vote_round(teams, HOST, PEOPLE, IDEAS, a.url)

    plan = vote_plan()
    burst = [(idea, place.invoke(voter, vote.plus(idea))) for voter, idea in plan]
    voted, unanswered = await crash_mid_burst(teams, a, burst, counted, VOTE_KILL_AFTER)
    acknowledged = Counter(voted)

    expected = Counter(idea for _, idea in plan)
    at_crash = await ballots(redis.url, vote.sid)
    logger.info(
        "vote crash: %d acknowledged, %d unanswered, %d in the tally when B started",
        acknowledged.total(),
        len(unanswered),
        sum(at_crash.tally.values()),
    )
    for idea, n in expected.items():
        assert acknowledged[idea] <= at_crash.tally[vote.ideas[idea]] <= n, idea
    assert all(used <= VOTES_EACH for used in at_crash.used)
    assert sum(at_crash.used) == sum(at_crash.tally.values())

    b = await procs.app("b", redis.url)
    again = await gather_limited(
        CONCURRENCY, *(teams.send(activity, b.url) for _, activity in unanswered)
    )
    assert all(not isinstance(r, BaseException) and counted(r) for r in again), again[:3]
    # Teams may redeliver what A did answer too (an answer lost on the way): nothing changes.
    replayed = await gather_limited(CONCURRENCY, *(teams.send(act, b.url) for _, act in burst))
    assert all(not isinstance(r, BaseException) and counted(r) for r in replayed), replayed[:3]

    final = await ballots(redis.url, vote.sid)
    assert final.tally == {vote.ideas[idea]: n for idea, n in expected.items()}
    assert sorted(final.used) == [VOTES_EACH] * len(VOTERS)
    teams.urls[:] = [b.url]
    await teams.session_shows(f"stemmer avgitt: {len(plan)}")

    await teams.say(HOST, "avslutt", b.url)
    summary = all_text(await teams.summary())
    assert f"Stemmer avgitt: {len(plan)}" in summary
    for place_n, (idea, n) in enumerate(expected.most_common(), start=1):
        assert f"{place_n}. {idea} · stemmer: {n}" in summary, summary
