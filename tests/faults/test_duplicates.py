"""Teams redelivers an activity it got no answer to in time: same JSON, same id.

Each is processed once: one session, one phase move, one idea, one summary; the second
HTTP answer is the first one again; no message is sent twice. Sequential redelivery (the
first turn had finished) and concurrent (it was still running) are both covered.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace

from tests.fakes.activities import Person
from tests.fakes.cards import all_text
from tests.faults.conftest import Procs
from tests.faults.steps import stored_ideas
from tests.faults.voting import ballots, counted, open_vote_round
from tests.harness.teams import Teams, summary_count, summary_ideas

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")


def texts_with(teams: Teams, fragment: str) -> int:
    return sum(fragment in s.text for s in teams.sent_here())


async def test_a_redelivered_activity_is_processed_once(procs: Procs) -> None:
    fake, place = procs.connector, procs.place
    redis, app, teams = await procs.one_replica()

    # A text command, redelivered after the first turn finished.
    start = place.message(HOST, "start Bedre skolevei")
    first = await teams.send(start)
    sends = len(teams.sent_here())
    assert sends >= 2  # the session card and the check-in card
    second = await teams.send(start)
    assert second == first
    assert len(teams.sent_here()) == sends, "a redelivered start sent messages again"
    assert not texts_with(teams, "Det pågår allerede en Digikok her")

    # A text command, redelivered while the first turn still runs.
    neste = place.message(HOST, "neste")
    one, two = await asyncio.gather(teams.send(neste), teams.send(neste))
    assert one == two
    assert texts_with(teams, "Ny fase: Forventninger.") == 1
    assert not texts_with(teams, "Ny fase: Idémyldring.")  # it did not move twice
    await teams.session_shows("Nå: Forventninger")
    await teams.say(HOST, "neste")
    submit = await teams.idea_submit()
    assert len(teams.posted_cards("idea.submit")) == 1

    # An idea submit, redelivered after the first answer ...
    gaa = place.invoke(KARI, submit, {"idea": "Gå-buss"})
    first_idea = await teams.send(gaa)
    assert first_idea.received
    again = await teams.send(gaa)
    assert again == first_idea, "the second answer differs from the first"
    # ... and while the first is still running.
    felt = place.invoke(KARI, submit, {"idea": "Flere fotgjengerfelt"})
    one, two = await asyncio.gather(teams.send(felt), teams.send(felt))
    assert one.received and one == two
    assert "Dine ideer (2)" in one.text
    assert await stored_ideas(teams, HOST) == 2
    await teams.session_shows("Ideer sendt inn: 2")

    # The end, redelivered concurrently: one summary in the conversation.
    avslutt = place.message(HOST, "avslutt")
    await asyncio.gather(teams.send(avslutt), teams.send(avslutt))
    summary = await teams.summary()
    assert len(teams.summaries()) == 1
    assert len([s for s in fake.of("send") if "Oppsummering av" in all_text(s.card or {})]) == 2
    assert Counter(summary_ideas(summary)) == Counter(["Gå-buss", "Flere fotgjengerfelt"])
    assert summary_count(summary) == 2


async def test_the_same_message_id_in_two_conversations_is_two_messages(procs: Procs) -> None:
    """Teams message ids are unique within a conversation only: a channel message's id is
    its timestamp in ms (the thread root "…;messageid=1700000000000" is one). Two channels
    with a message in the same millisecond are not a redelivery."""
    place = procs.place
    redis = await procs.redis()
    app = await procs.app("a", redis.url)
    other = replace(place, channel="19:beef@thread.tacv2", thread_root="1700000000999")
    here, there = procs.teams(app), procs.teams(app, place=other)

    same_id = "1764583200123"
    first = place.message(HOST, "start Bedre skolevei") | {"id": same_id}
    await here.send(first)
    await here.session_shows("Bedre skolevei")
    second = other.message(KARI, "start Trygg skolegård") | {"id": same_id}
    await there.send(second)
    await there.session_shows("Trygg skolegård", within=5.0)


async def test_a_redelivered_vote_counts_once(procs: Procs) -> None:
    """The same vote invoke twice, after and during the first turn: identical answers, one
    dot in the tally and one dot off the allowance each time."""
    place = procs.place
    redis, app, teams = await procs.one_replica()
    vote = await open_vote_round(teams, HOST, [KARI], ["Gå-buss", "Fotgjengerfelt"])

    # Redelivered after the first answer ...
    gaa = place.invoke(KARI, vote.plus("Gå-buss"))
    first = await teams.send(gaa)
    assert counted(first) and "Du har 2 igjen" in first.text, first
    assert await teams.send(gaa) == first
    # ... and while the first is still running.
    felt = place.invoke(KARI, vote.plus("Fotgjengerfelt"))
    one, two = await asyncio.gather(teams.send(felt), teams.send(felt))
    assert counted(one) and one == two
    assert "Du har 1 igjen" in one.text, one.text
    # A new press (a new activity) is a new vote: the allowance was only spent twice.
    third = await teams.send(place.invoke(KARI, vote.plus("Gå-buss")))
    assert counted(third) and "Du har 0 igjen" in third.text, third.text

    held = await ballots(redis.url, vote.sid)
    assert held.tally == {vote.ideas["Gå-buss"]: 2, vote.ideas["Fotgjengerfelt"]: 1}
    assert held.used == [3]
    await teams.session_shows("stemmer avgitt: 3")
