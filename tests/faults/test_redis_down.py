"""Redis is down while the app runs: people get a clear answer, never a trace; /readyz says
503 (so a load balancer stops sending traffic) while /healthz stays 200 (so the orchestrator
does not restart a healthy process); when Redis is back, the session simply continues."""

from __future__ import annotations

import asyncio
from collections import Counter

import aiohttp

from tests.fakes.activities import Person
from tests.fakes.cards import actions
from tests.faults.conftest import Procs
from tests.faults.steps import submit_until_received
from tests.faults.voting import ballots, counted, open_vote_round, vote_until_counted
from tests.harness.teams import UNAVAILABLE, no_leak, summary_count, summary_ideas

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")
OLE = Person("Ole Ansatt")


async def status_of(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url, timeout=aiohttp.ClientTimeout(total=10)) as resp:
        return resp.status


async def test_redis_down_gives_a_clear_answer_and_the_session_continues(procs: Procs) -> None:
    place = procs.place
    http = procs.http
    redis, app, teams = await procs.one_replica(appendonly=True)
    submit = await teams.open_idea_round(HOST, "Bedre skolevei")
    before = ["Gå-buss", "Flere fotgjengerfelt", "Sykkelparkering"]
    for text in before:
        assert (await teams.send(place.invoke(KARI, submit, {"idea": text}))).received

    normal = await teams.send(place.message(HOST, "status"))  # the SDK answers 201 to messages

    await redis.stop()

    # A click: the answer card says so, in the invoke response, with HTTP 200.
    lost = await teams.send(place.invoke(OLE, submit, {"idea": "Idé under brudd"}))
    assert lost.status == 200, lost
    assert UNAVAILABLE in lost.text, lost.text
    no_leak(lost.text)
    # A message: the same HTTP status as any message, and the answer is a message.
    said = await teams.send(place.message(HOST, "status"))
    assert said.status == normal.status == 201, (said, normal)
    reply = await teams.wait_text(UNAVAILABLE)
    no_leak(reply)
    # Another button (the check-in form), same clear answer.
    join = await teams.send(place.invoke(OLE, actions(teams.session_card())["join.open"]))
    assert join.status == 200 and UNAVAILABLE in join.text, join
    assert await status_of(http, f"{app.url}/readyz") == 503
    assert await status_of(http, f"{app.url}/healthz") == 200
    assert app.running

    await redis.start()
    for _ in range(100):  # bounded: ~10 s
        if await status_of(http, f"{app.url}/readyz") == 200:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("/readyz stayed 503 after Redis came back")
    await submit_until_received(teams, OLE, submit, "Idé etter brudd")
    await teams.session_shows(f"Ideer sendt inn: {len(before) + 1}")

    await teams.say(HOST, "avslutt")
    summary = await teams.summary()
    listed = summary_ideas(summary)
    assert Counter(listed) == Counter([*before, "Idé etter brudd"])  # the lost one: not there
    assert summary_count(summary) == len(listed)


async def test_a_vote_during_a_redis_outage_gets_a_clear_answer(procs: Procs) -> None:
    """A dot vote while Redis is down answers "Digikok er midlertidig utilgjengelig" in the
    invoke card and writes nothing; after the restart the same person's vote counts once
    and their allowance is intact."""
    place = procs.place
    http = procs.http
    redis, app, teams = await procs.one_replica(appendonly=True)
    vote = await open_vote_round(teams, HOST, [KARI], ["Gå-buss", "Fotgjengerfelt"])
    assert counted(await teams.send(place.invoke(KARI, vote.plus("Gå-buss"))))

    await redis.stop()
    lost = await teams.send(place.invoke(OLE, vote.plus("Fotgjengerfelt")))
    assert lost.status == 200, lost
    assert UNAVAILABLE in lost.text, lost.text
    no_leak(lost.text)
    assert await status_of(http, f"{app.url}/readyz") == 503

    await redis.start()
    after = await vote_until_counted(teams, OLE, vote.plus("Fotgjengerfelt"))
    assert "Du har 2 igjen" in after.text, after.text  # the lost press took no dot
    held = await ballots(redis.url, vote.sid)
    assert held.tally == {vote.ideas["Gå-buss"]: 1, vote.ideas["Fotgjengerfelt"]: 1}
    assert sorted(held.used) == [1, 1]
    await teams.session_shows("stemmer avgitt: 2")
