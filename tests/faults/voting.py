"""Dot votes over real HTTP for the fault tests: opening a vote round, the vote card's
buttons, a receipt, and the tally and ballots as Redis holds them (to check exactness)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from bot.store import keys
from tests.fakes.activities import Person
from tests.fakes.cards import all_text, walk
from tests.faults.steps import USER_RETRIES
from tests.harness.teams import UNAVAILABLE, Answer, Teams, no_leak

VOTE_TITLE = "Prioritering: gi stemmene dine"
COUNTED = "Stemmen er registrert"
TO_VOTING = 4  # "neste" from the idea round to the vote (default template)
VOTES_EACH = 3  # the default allowance; at most 2 on one idea


@dataclass(frozen=True)
class VoteRound:
    sid: str
    card: dict[str, Any]
    ideas: dict[str, str]  # idea text -> idea id

    def plus(self, text: str) -> dict[str, Any]:
        return self.button(text, 1)

    def button(self, text: str, delta: int) -> dict[str, Any]:
        idea = self.ideas[text]
        return next(
            n["data"]
            for n in walk(self.card["body"])
            if n.get("verb") == "vote.cast"
            and n["data"]["idea"] == idea
            and n["data"]["delta"] == delta
        )


def counted(answer: Answer) -> bool:
    """The invoke answer is a vote receipt (the dot is in the tally)."""
    return answer.status == 200 and isinstance(answer.body, dict) and COUNTED in answer.text


def vote_cards(teams: Teams) -> list[dict[str, Any]]:
    return [s.card for s in teams.sent_here() if s.card and VOTE_TITLE in all_text(s.card)]


async def open_vote_round(
    teams: Teams, host: Person, authors: list[Person], ideas: list[str], url: str | None = None
) -> VoteRound:
    """A session with `ideas` (sent in this order), moved on to the vote."""
    submit = await teams.open_idea_round(host, "Bedre skolevei", url)
    for n, text in enumerate(ideas):
        answer = await teams.send(
            teams.place.invoke(authors[n % len(authors)], submit, {"idea": text}), url
        )
        assert answer.received, answer
    for _ in range(TO_VOTING):
        await teams.say(host, "neste", url)
    (card, *_) = await teams.connector.wait_for(lambda: vote_cards(teams))
    ids = sorted(
        {n["data"]["idea"] for n in walk(card["body"]) if n.get("verb") == "vote.cast"}, key=int
    )
    assert len(ids) == len(ideas), all_text(card)
    sid = next(n["data"]["sid"] for n in walk(card["body"]) if n.get("verb") == "vote.cast")
    return VoteRound(sid, card, dict(zip(ideas, ids, strict=True)))


@dataclass(frozen=True)
class Ballots:
    tally: dict[str, int]  # idea id -> dots
    used: list[int]  # dots used, one entry per voter (voter tags are not exposed)


async def ballots(redis_url: str, sid: str, round_: int = 1) -> Ballots:
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        tally = await client.hgetall(keys.tally(sid, round_))
        raw = await client.hgetall(keys.ballots(sid, round_))
    finally:
        await client.aclose()
    used = [int(v) for f, v in raw.items() if ":" not in f and "#" not in f]
    return Ballots({i: int(n) for i, n in tally.items()}, used)


async def vote_until_counted(teams: Teams, person: Person, data: dict[str, Any]) -> Answer:
    """Presses needed for a receipt (each press a new activity, as in Teams): while Redis is
    coming back, the answer is the clear "temporarily unavailable" card."""
    for _ in range(USER_RETRIES):
        answer = await teams.send(teams.place.invoke(person, data))
        if counted(answer):
            return answer
        assert answer.status == 200 and UNAVAILABLE in answer.text, answer
        no_leak(answer.text)
        await asyncio.sleep(0.5)
    raise AssertionError(f"no vote receipt after {USER_RETRIES} presses")
