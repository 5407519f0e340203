"""Redis dies (SIGKILL) and comes back on the same AOF files; the app reconnects by itself.

Redis runs as in deploy/ (appendonly yes, appendfsync everysec). Ideas acknowledged more
than a second before the kill are past the fsync window and must survive even a power
loss; the ones acknowledged just before it must survive too, because Redis write()s the AOF
before it replies and SIGKILL (unlike a power loss) keeps what the OS already has.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from tests.fakes.activities import Person
from tests.faults.conftest import Procs
from tests.faults.steps import submit_until_received
from tests.faults.voting import ballots, counted, open_vote_round, vote_until_counted
from tests.harness.teams import summary_count, summary_ideas

logger = logging.getLogger(__name__)

HOST = Person("Hanne Vert")
PEOPLE = [Person(f"Deltaker {i}") for i in range(5)]
FSYNC_WINDOW_S = 1.0


async def test_app_reconnects_after_redis_restart_and_ideas_survive(procs: Procs) -> None:
    place = procs.place
    http = procs.http
    redis, app, teams = await procs.one_replica(appendonly=True)
    submit = await teams.open_idea_round(HOST, "Bedre skolevei")

    old = [f"Gammel idé {i}" for i in range(10)]
    for i, text in enumerate(old):
        assert (await teams.send(place.invoke(PEOPLE[i % 5], submit, {"idea": text}))).received
    await asyncio.sleep(FSYNC_WINDOW_S + 1.0)  # now past the AOF fsync window
    recent = [f"Fersk idé {i}" for i in range(5)]
    for i, text in enumerate(recent):
        assert (await teams.send(place.invoke(PEOPLE[i], submit, {"idea": text}))).received

    await redis.kill()
    await redis.start()  # same config, same dir, same AOF, same socket path
    assert app.running

    presses = await submit_until_received(teams, PEOPLE[0], submit, "Etter omstart")
    logger.info("redis restart: the first idea after it took %d press(es)", presses)
    async with http.get(f"{app.url}/readyz") as resp:
        assert resp.status == 200
    after = [f"Etter omstart {i}" for i in range(5)]
    for i, text in enumerate(after):
        assert (await teams.send(place.invoke(PEOPLE[i], submit, {"idea": text}))).received
    # The publisher came back too: the shared card shows every idea.
    total = len(old) + len(recent) + 1 + len(after)
    await teams.session_shows(f"Ideer sendt inn: {total}")

    await teams.say(HOST, "avslutt")
    summary = await teams.summary()
    listed = summary_ideas(summary)
    assert not [t for t, n in Counter(listed).items() if n > 1], listed
    assert set(old) <= set(listed), f"lost past the fsync window: {set(old) - set(listed)}"
    assert set(recent) <= set(listed), f"lost on a process kill: {set(recent) - set(listed)}"
    assert {"Etter omstart", *after} <= set(listed)
    assert summary_count(summary) == len(listed) == total


async def test_acknowledged_votes_survive_a_redis_restart(procs: Procs) -> None:
    """Votes acknowledged before a Redis SIGKILL are in the tally after the restart (same
    AOF); the next votes succeed and the totals are exact."""
    place = procs.place
    redis, app, teams = await procs.one_replica(appendonly=True)
    ideas = ["Gå-buss", "Fotgjengerfelt", "Sykkelvei"]
    vote = await open_vote_round(teams, HOST, PEOPLE, ideas)

    voters = [Person(f"Velger {i}") for i in range(6)]
    for voter in voters:  # two dots each before the kill, the last just before it
        for idea in ideas[:2]:
            assert counted(await teams.send(place.invoke(voter, vote.plus(idea))))
    await redis.kill()
    await redis.start()
    assert app.running
    assert (await ballots(redis.url, vote.sid)).tally == {
        vote.ideas[ideas[0]]: 6,
        vote.ideas[ideas[1]]: 6,
        vote.ideas[ideas[2]]: 0,
    }

    answer = await vote_until_counted(teams, voters[0], vote.plus(ideas[2]))  # the first after
    assert "Du har 0 igjen" in answer.text, answer.text  # the allowance survived too
    for voter in voters[1:]:
        assert counted(await teams.send(place.invoke(voter, vote.plus(ideas[2]))))
    assert (await ballots(redis.url, vote.sid)).tally == {vote.ideas[i]: 6 for i in ideas}
    await teams.session_shows(f"stemmer avgitt: {len(voters) * 3}")
