"""Driving the bot over real HTTP as Teams does, against one or several app processes.

`Teams` posts activities to /api/messages of whichever replica it is told (or the next one,
round robin) and reads back what the bot sent through the fake Bot Connector.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import aiohttp

from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import actions, all_text, texts
from tests.fakes.connector import Connector, Sent

RECEIVED = "Ideen din er mottatt"
UNAVAILABLE = "Digikok er midlertidig utilgjengelig"
REQUEST_TIMEOUT_S = 30.0
USER_RETRIES = 3  # a person presses the button again after "try again in a moment"
# What no answer to a user may ever contain.
LEAKS = ("Traceback", "Error", "Exception", "redis", 'File "')


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # parsed JSON, or None for an empty 200

    @property
    def card(self) -> dict[str, Any]:
        assert self.status == 200, self
        assert self.body["statusCode"] == 200, self.body
        assert self.body["type"] == "application/vnd.microsoft.card.adaptive", self.body
        return self.body["value"]

    @property
    def text(self) -> str:
        return all_text(self.card)

    @property
    def received(self) -> bool:
        return self.status == 200 and isinstance(self.body, dict) and RECEIVED in self.text


@dataclass
class Teams:
    http: aiohttp.ClientSession
    connector: Connector
    place: Conversation
    urls: list[str]
    _turn: Iterator[str] = field(init=False)

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(self.urls)

    def next_url(self) -> str:
        return next(self._turn)

    async def post(self, activity: dict[str, Any], url: str | None = None) -> Answer:
        target = url or self.next_url()
        async with self.http.post(
            f"{target}/api/messages",
            json=activity,
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
        ) as resp:
            raw = await resp.text()
            body = await resp.json(content_type=None) if raw.strip() else None
            return Answer(resp.status, body)

    async def say(self, person: Person, text: str, url: str | None = None) -> Answer:
        answer = await self.post(self.place.message(person, text), url)
        assert answer.status in (200, 201), answer
        return answer

    async def click(
        self,
        person: Person,
        data: dict[str, Any],
        inputs: dict[str, Any] | None = None,
        url: str | None = None,
    ) -> dict[str, Any]:
        return (await self.post(self.place.invoke(person, data, inputs), url)).card

    # -- what the bot sent ----------------------------------------------------------------

    def sent_here(self, kind: str = "send") -> list[Sent]:
        return [
            s for s in self.connector.of(kind) if s.conversation_id == self.place.conversation_id
        ]

    def posted_cards(self, verb: str) -> list[dict[str, Any]]:
        return [s.card for s in self.sent_here() if s.card and verb in actions(s.card)]

    def session_card(self) -> dict[str, Any]:
        """The shared session card as everyone sees it now: its last update, or the post."""
        posted = [s for s in self.sent_here() if s.card and "join.open" in actions(s.card)]
        assert posted, "no session card was posted"
        updates = [s for s in self.sent_here("update") if s.activity_id == posted[0].activity_id]
        return (updates[-1] if updates else posted[0]).card or {}

    def session_text(self) -> str:
        """The session card's text now; empty while none was posted here."""
        if not any(s.card and "join.open" in actions(s.card) for s in self.sent_here()):
            return ""
        return all_text(self.session_card())

    async def session_shows(self, fragment: str, within: float = 20.0) -> dict[str, Any]:
        try:
            await self.connector.wait_for(lambda: fragment in self.session_text(), within)
        except AssertionError:
            raise AssertionError(
                f"the session card never showed {fragment!r}; it shows: {self.session_text()!r}"
            ) from None
        return self.session_card()

    async def idea_submit(self) -> dict[str, Any]:
        cards = await self.connector.wait_for(lambda: self.posted_cards("idea.submit"))
        return actions(cards[-1])["idea.submit"]

    async def join_form(self, person: Person) -> dict[str, Any]:
        return await self.click(person, actions(self.session_card())["join.open"])

    def summaries(self) -> list[dict[str, Any]]:
        return [
            s.card
            for s in self.sent_here()
            if s.card and "Oppsummering av Digikok" in all_text(s.card)
        ]

    async def summary(self, within: float = 20.0) -> dict[str, Any]:
        found = await self.connector.wait_for(self.summaries, within)
        return found[0]

    async def wait_text(self, fragment: str, within: float = 20.0) -> str:
        return await self.connector.wait_for(
            lambda: next((s.text for s in self.sent_here() if fragment in s.text), None), within
        )


_NUMBERED = re.compile(r"^(\d+)\. (.*)$", re.S)


def summary_ideas(card: dict[str, Any]) -> list[str]:
    """The idea texts a summary lists ("1. text"), in order; fails if it was cut short."""
    found = []
    for text in texts(card):
        if match := _NUMBERED.match(text):
            assert int(match.group(1)) == len(found) + 1, f"numbering broken at {text!r}"
            found.append(match.group(2))
    assert not any(t.startswith("… og ") for t in texts(card)), "the summary list was cut"
    return found


def summary_count(card: dict[str, Any]) -> int:
    match = re.search(r"Ideer: (\d+)", all_text(card))
    assert match, all_text(card)
    return int(match.group(1))


def no_leak(text: str) -> None:
    """A user never sees a trace, an exception name or our internals."""
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} shown to a user: {text!r}"


async def gather_limited(limit: int, *jobs: Any) -> list[Any]:
    """Run coroutines with at most `limit` at once; exceptions are returned, not raised."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> Any:
        async with gate:
            return await job

    return await asyncio.gather(*(one(j) for j in jobs), return_exceptions=True)


async def open_idea_round(teams: Teams, host: Person, topic: str, url: str | None = None) -> Any:
    """start, neste, neste: the idea card is posted; returns its idea.submit data."""
    await teams.say(host, f"start {topic}", url)
    await teams.say(host, "neste", url)
    await teams.say(host, "neste", url)
    return await teams.idea_submit()


def status_counts(teams: Teams) -> list[int]:
    """Idea counts in every `status` answer sent so far ("… Ideer: 12."), oldest first."""
    found = []
    for sent in teams.sent_here():
        if match := re.search(r"Sjekket inn: \d+\. Ideer: (\d+)\.", sent.text):
            found.append(int(match.group(1)))
    return found


async def stored_ideas(teams: Teams, host: Person, url: str | None = None) -> int:
    """How many ideas the session holds, as the `status` command reports it."""
    before = len(status_counts(teams))
    await teams.say(host, "status", url)
    counts = await teams.connector.wait_for(lambda: status_counts(teams)[before:])
    return counts[0]


async def submit_until_received(
    teams: Teams, person: Person, submit: dict[str, Any], text: str
) -> int:
    """Presses needed for a receipt: each press is a new activity, as in Teams."""
    answers: list[Answer] = []
    for press in range(1, USER_RETRIES + 1):
        answer = await teams.post(teams.place.invoke(person, submit, {"idea": text}))
        answers.append(answer)
        if answer.received:
            return press
        assert answer.status == 200 and UNAVAILABLE in answer.text, answer
        no_leak(answer.text)
        await asyncio.sleep(0.5)
    raise AssertionError(f"no receipt after {USER_RETRIES} presses: {answers}")
