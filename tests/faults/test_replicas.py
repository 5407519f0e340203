"""SPEC §5 "Any replica can serve any request": two `python app.py` on one Redis, every
request to the other one in turn (round robin), for a whole session. The outcome equals
what one process gives for the same session: the same summary, the same receipts.

Timers across replicas are not repeated here: a subprocess has no fake clock, and
tests/e2e/test_workshop_phases.py already runs two app instances on one Redis with an injected clock
(timers fire once). This test is about state and the shared card, with real processes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from tests.fakes.activities import Person
from tests.fakes.cards import actions, texts
from tests.faults.conftest import Procs
from tests.faults.steps import gather_limited
from tests.faults.voting import VOTES_EACH, ballots, open_vote_round
from tests.harness.teams import Teams, summary_ideas

HOST = Person("Hanne Vert")
ROLES = ("citizen", "citizen", "employee", "employee", "business", "volunteer", "student", "other")
PEOPLE = [(Person(f"Deltaker {i}"), role) for i, role in enumerate(ROLES)]
IDEAS_EACH = 3
_CLOCK = re.compile(r"\{\{(TIME|DATE)\([^)]*\)\}\}|\d{1,2}[.:]\d{2}")


@dataclass(frozen=True)
class Outcome:
    summary_head: list[str]  # everything but the idea lines, clock times masked
    ideas: Counter[str]
    receipts: dict[str, str]  # person → text of their last idea receipt
    check_ins: dict[str, str]  # person → text of their check-in answer


def _steady(text: str) -> str:
    return _CLOCK.sub("<t>", text)


async def run_session(teams: Teams, topic: str) -> Outcome:
    await teams.say(HOST, f"start {topic}")
    form = await teams.join_form(PEOPLE[0][0])
    check_ins = {}
    for person, role in PEOPLE:
        joined = await teams.click(person, actions(form)["join.confirm"], {"role": role})
        check_ins[person.name] = _steady("\n".join(texts(joined)))
        assert "Du er sjekket inn som" in check_ins[person.name]
    await teams.session_shows(f"Sjekket inn: {len(PEOPLE)}")
    await teams.say(HOST, "neste")
    await teams.say(HOST, "neste")
    submit = await teams.idea_submit()

    async def ideas_of(i: int, person: Person) -> str:
        text = ""
        for j in range(IDEAS_EACH):
            answer = await teams.send(teams.place.invoke(person, submit, {"idea": f"Idé {i}-{j}"}))
            assert answer.received, answer
            text = answer.text
        return _steady(text)

    results = await gather_limited(4, *(ideas_of(i, p) for i, (p, _) in enumerate(PEOPLE)))
    assert not [r for r in results if isinstance(r, BaseException)], results
    receipts = {p.name: r for (p, _), r in zip(PEOPLE, results, strict=True)}
    await teams.session_shows(f"Ideer sendt inn: {len(PEOPLE) * IDEAS_EACH}")

    await teams.say(HOST, "avslutt")
    summary = await teams.summary()
    ideas = Counter(summary_ideas(summary))
    head = [_steady(t) for t in texts(summary) if not re.match(r"^\d+\. ", t)]
    return Outcome(head, ideas, receipts, check_ins)


async def test_two_replicas_round_robin_equal_one_process(procs: Procs) -> None:
    place = procs.place
    redis = await procs.redis()
    a = await procs.app("a", redis.url)
    b = await procs.app("b", redis.url)

    alone = await run_session(procs.teams(a), "Bedre skolevei")
    other = replace(place, channel="19:beef@thread.tacv2", thread_root="1700000000999")
    shared = await run_session(procs.teams(a, b, place=other), "Bedre skolevei")

    expected = Counter(f"Idé {i}-{j}" for i in range(len(PEOPLE)) for j in range(IDEAS_EACH))
    assert alone.ideas == expected
    assert shared.ideas == expected  # every idea once, none lost, none twice
    assert "Deltakere: 8" in shared.summary_head
    assert f"Ideer: {len(PEOPLE) * IDEAS_EACH}" in shared.summary_head
    assert shared.summary_head == alone.summary_head
    assert shared.receipts == alone.receipts
    assert shared.check_ins == alone.check_ins
    for app in (a, b):  # both replicas served the shared session
        log = app.log_text()
        assert '"participant_joined"' in log and '"idea_submitted"' in log, app.name


VOTE_IDEAS = ["Gå-buss", "Fotgjengerfelt", "Sykkelvei", "Lavere fart", "Skolepatrulje"]


@dataclass(frozen=True)
class VoteOutcome:
    answers: dict[str, list[str]]  # voter → the text of each vote answer, in order
    tally: dict[str, int]  # idea text → dots
    used: list[int]
    ranking: list[str]  # the summary's ranking lines


async def run_vote(teams: Teams, redis_url: str) -> VoteOutcome:
    """8 voters at once, each in turn: two dots on one idea (the cap), one more, a fourth
    (refused: all used), one taken back and placed elsewhere. Rotated per voter."""
    vote = await open_vote_round(teams, HOST, [p for p, _ in PEOPLE], VOTE_IDEAS)

    async def votes_of(i: int, person: Person) -> list[str]:
        a, b, c = (VOTE_IDEAS[(i + k) % len(VOTE_IDEAS)] for k in range(3))
        said = []
        for idea, delta in ((a, 1), (a, 1), (b, 1), (c, 1), (b, -1), (c, 1)):
            answer = await teams.send(teams.place.invoke(person, vote.button(idea, delta)))
            said.append(answer.text)
        return said

    voters = [p for p, _ in PEOPLE]
    results = await gather_limited(4, *(votes_of(i, p) for i, p in enumerate(voters)))
    assert not [r for r in results if isinstance(r, BaseException)], results
    held = await ballots(redis_url, vote.sid)
    await teams.session_shows(f"stemmer avgitt: {len(voters) * VOTES_EACH}")
    await teams.say(HOST, "avslutt")
    summary = await teams.summary()
    return VoteOutcome(
        answers={p.name: r for p, r in zip(voters, results, strict=True)},
        tally={text: held.tally[i] for text, i in vote.ideas.items()},
        used=sorted(held.used),
        ranking=[t for t in texts(summary) if "· stemmer:" in t],
    )


async def test_votes_across_two_replicas_give_exact_totals(procs: Procs) -> None:
    """The same votes, in one process and round robin over two: the same answers, totals
    and ranking; nobody past the allowance or the cap per idea."""
    place = procs.place
    http = procs.http
    redis = await procs.redis()
    a = await procs.app("a", redis.url)
    b = await procs.app("b", redis.url)

    alone = await run_vote(procs.teams(a), redis.url)
    other = replace(place, channel="19:beef@thread.tacv2", thread_root="1700000000999")
    shared = await run_vote(procs.teams(a, b, place=other), redis.url)

    voters = len(PEOPLE)
    expected = {idea: 0 for idea in VOTE_IDEAS}
    for i in range(voters):  # two on the first of the three, one on the third
        expected[VOTE_IDEAS[i % 5]] += 2
        expected[VOTE_IDEAS[(i + 2) % 5]] += 1
    assert alone.tally == shared.tally == expected
    assert alone.used == shared.used == [VOTES_EACH] * voters
    assert shared.answers == alone.answers
    said = next(iter(shared.answers.values()))
    assert "Stemmen er registrert. Du har 2 igjen." in said[0]
    assert "brukt alle de 3 stemmene dine" in said[3]
    assert "Stemmen er tatt tilbake. Du har 1 igjen." in said[4]
    assert shared.ranking == alone.ranking and len(shared.ranking) == len(VOTE_IDEAS)
    for app in (a, b):  # both replicas took votes
        async with http.get(f"{app.metrics_url}/metrics") as resp:
            exposition = await resp.text()
        casts = r'digikok_activities_total\{[^}]*verb="vote.cast"[^}]*\} [1-9]'
        assert re.search(casts, exposition), app.name
