"""A slow, throttling and failing Bot Connector (SPEC §5 "Teams limits are respected").

Per-user answers travel in the invoke response, so a person's idea is acknowledged whatever
the connector does; the shared card is updated by the publisher, which waits out 429
Retry-After, retries 5xx a bounded number of times, and publishes the latest state in the
end. Nothing here measures time: only what was stored, answered and finally shown.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from tests.fakes.activities import Person
from tests.faults.conftest import Procs
from tests.faults.steps import gather_limited
from tests.faults.voting import ballots, counted, open_vote_round
from tests.harness.connector import updates
from tests.harness.teams import summary_count, summary_ideas

HOST = Person("Hanne Vert")
PEOPLE = [Person(f"Deltaker {i}") for i in range(3)]
SLOW_DOWN = {"Retry-After": "1"}


async def test_ideas_are_acknowledged_and_the_card_lands_despite_the_connector(
    procs: Procs,
) -> None:
    fake, place = procs.connector, procs.place
    gate = procs.connector.gate
    redis, app, teams = await procs.one_replica()

    # Posting the session card: throttled once, then a server error, then it goes through.
    fake.failures.extend([("send", 429, SLOW_DOWN), ("send", 500, {})])
    submit = await teams.open_idea_round(HOST, "Bedre skolevei")
    assert not fake.failures
    assert len(teams.posted_cards("join.open")) == 1  # the session card, once
    assert len(teams.posted_cards("join.confirm")) == 1  # the check-in card, once
    await teams.session_shows("Nå: Idémyldring")

    # Card updates: three 429s and two 500s use up one update's retries; then one more 429.
    fake.failures.extend([("update", 429, SLOW_DOWN)] * 3 + [("update", 500, {})] * 2)
    fake.failures.append(("update", 429, SLOW_DOWN))
    ideas = [f"Idé {i}" for i in range(6)]
    for i, text in enumerate(ideas):
        answer = await teams.send(place.invoke(PEOPLE[i % 3], submit, {"idea": text}))
        assert answer.received, answer
    await teams.session_shows(f"Ideer sendt inn: {len(ideas)}", within=45)
    assert not fake.failures, "the injected failures were not all met"

    # A slow connector: an update hangs there, and people are still answered at once.
    gate.hold()
    assert (await teams.send(place.invoke(PEOPLE[0], submit, {"idea": "Idé 6"}))).received
    await fake.wait_for(lambda: gate.waiting >= 1)
    assert (await teams.send(place.invoke(PEOPLE[1], submit, {"idea": "Idé 7"}))).received
    assert gate.waiting >= 1  # the shared-card update is still stuck at the connector
    gate.release()
    await teams.session_shows("Ideer sendt inn: 8")

    # The summary is posted through a server error too.
    fake.failures.append(("send", 500, {}))
    await teams.say(HOST, "avslutt")
    summary = await teams.summary()
    assert summary_ideas(summary) == [*ideas, "Idé 6", "Idé 7"]
    assert summary_count(summary) == 8
    assert len(teams.summaries()) == 1


async def test_one_slow_conversation_does_not_hold_up_another(procs: Procs) -> None:
    """Teams throttles per conversation: a card stuck in one (a slow answer, or 429s with a
    long Retry-After) must not stop the shared cards of other sessions on the replica."""
    fake, place = procs.connector, procs.place
    gate = procs.connector.gate
    redis = await procs.redis()
    app = await procs.app("a", redis.url)
    slow = procs.teams(app)
    other = replace(place, channel="19:beef@thread.tacv2", thread_root="1700000000999")
    quick = procs.teams(app, place=other)
    slow_submit = await slow.open_idea_round(HOST, "Bedre skolevei")
    quick_submit = await quick.open_idea_round(HOST, "Trygg skolegård")
    await slow.session_shows("Nå: Idémyldring")
    await quick.session_shows("Nå: Idémyldring")

    gate.hold(updates(place.conversation_id))
    assert (await slow.send(place.invoke(PEOPLE[0], slow_submit, {"idea": "Idé 1"}))).received
    await fake.wait_for(lambda: gate.waiting >= 1)  # the slow card's update hangs
    assert (await quick.send(other.invoke(PEOPLE[1], quick_submit, {"idea": "Idé 2"}))).received
    try:
        await quick.session_shows("Ideer sendt inn: 1", within=10)
    finally:
        gate.release()
    await slow.session_shows("Ideer sendt inn: 1")


async def test_the_newest_card_update_lands_last(procs: Procs) -> None:
    """Two replicas: A's update of the card is throttled (429, Retry-After: 3) and waits;
    meanwhile B publishes the newer state; then A's retry lands with the card it rendered
    before. Teams has no conditional update, so the older card must never be the last word."""
    fake, place = procs.connector, procs.place
    redis = await procs.redis()
    a = await procs.app("a", redis.url)
    b = await procs.app("b", redis.url)
    teams = procs.teams(a, b)
    submit = await teams.open_idea_round(HOST, "Bedre skolevei")
    await teams.session_shows("Nå: Idémyldring")

    landed = len(fake.of("update"))
    fake.failures.append(("update", 429, {"Retry-After": "3"}))
    assert (await teams.send(place.invoke(PEOPLE[0], submit, {"idea": "Idé 1"}))).received
    await fake.wait_for(lambda: not fake.failures)  # one replica waits out the 429 now
    assert (await teams.send(place.invoke(PEOPLE[1], submit, {"idea": "Idé 2"}))).received
    await teams.session_shows("Ideer sendt inn: 2")  # the newer state, from the other one
    with contextlib.suppress(AssertionError):  # the throttled call comes back (if it does)
        await fake.wait_for(lambda: len(fake.of("update")) >= landed + 2, within=10)
    await teams.session_shows("Ideer sendt inn: 2", within=5)


async def test_votes_are_acknowledged_while_the_connector_throttles(procs: Procs) -> None:
    """With 429s and 500s on card updates, every vote gets its receipt in the invoke answer
    and the shared card's dot count lands on the final total."""
    fake, place = procs.connector, procs.place
    redis, app, teams = await procs.one_replica()
    ideas = ["Gå-buss", "Fotgjengerfelt", "Sykkelvei"]
    vote = await open_vote_round(teams, HOST, PEOPLE, ideas)
    await teams.session_shows("stemmer avgitt: 0")

    fake.failures.extend([("update", 429, SLOW_DOWN), ("update", 500, {})] * 3)
    voters = [Person(f"Velger {i}") for i in range(6)]
    casts = [place.invoke(v, vote.plus(idea)) for v in voters for idea in ideas]
    answers = await gather_limited(6, *(teams.send(c) for c in casts))
    assert all(not isinstance(a, BaseException) and counted(a) for a in answers), answers[:3]
    await teams.session_shows(f"stemmer avgitt: {len(casts)}", within=45)
    assert not fake.failures, "the injected failures were not all met"
    assert (await ballots(redis.url, vote.sid)).tally == {vote.ideas[i]: 6 for i in ideas}
