"""The one driver: Teams talking to the bot over real HTTP, and what the bot sent back.

`Teams` posts Bot Framework activities, as Teams sends them (tests/fakes/activities.py), to
`POST /api/messages` of the app: an app in this process (aiohttp's test client,
`Teams.in_process`) or one or several `python app.py` replicas (their URLs, round robin or
the one named). It reads the invoke answers and, through the fake Bot Connector
(tests/harness/connector.py), every message and card the bot sent. Every wait polls with a
generous deadline: bounded, never a speed assertion.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, NamedTuple

import aiohttp
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import actions, all_text, texts
from tests.harness.connector import Connector, Sent

RECEIVED = "Ideen din er mottatt"
UNAVAILABLE = "Digikok er midlertidig utilgjengelig"
SUMMARY = "Oppsummering av Digikok"
REQUEST_TIMEOUT_S = 30.0
# The standard template's phases after the check-in, in order, as the bot names them.
STANDARD_AGENDA = (
    "Forventninger",
    "Idémyldring",
    "Gruppearbeid 1",
    "Gruppearbeid 2",
    "Presentasjoner",
    "Prioritering",
    "Tiltak",
)
# What no answer to a user may ever contain.
LEAKS = ("Traceback", "Error", "Exception", "redis", 'File "')


class Answer(NamedTuple):
    """The HTTP answer to one activity: `status, body = answer` works too."""

    status: int
    body: Any  # parsed JSON; the text if it was no JSON; None for an empty answer

    @property
    def card(self) -> dict[str, Any]:
        """The card of an Action.Execute answer (asserts it is one)."""
        assert self.status == 200, self
        assert self.body["statusCode"] == 200, self.body
        assert self.body["type"] == "application/vnd.microsoft.card.adaptive", self.body
        return self.body["value"]

    @property
    def text(self) -> str:
        return all_text(self.card)

    @property
    def received(self) -> bool:
        """An idea receipt."""
        return self.status == 200 and isinstance(self.body, dict) and RECEIVED in self.text


def parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw.strip() else None
    except ValueError:
        return raw.decode(errors="replace")


@dataclass
class Teams:
    http: aiohttp.ClientSession
    connector: Connector
    place: Conversation
    urls: list[str]  # the replicas' base URLs
    # With the app's Redis: each post waits until the turn's effects (phase cards, timers,
    # the summary) are carried out by the EffectRunner (issue 14), as a person would.
    redis: Redis | None = None
    client: TestClient | None = None  # the app in this process, for its other routes
    bearer: str | None = None  # a token every activity carries (the bench with --auth)
    _turn: Iterator[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(self.urls)

    @classmethod
    def in_process(
        cls,
        client: TestClient,
        connector: Connector,
        place: Conversation,
        redis: Redis | None = None,
    ) -> Teams:
        base = str(client.make_url("")).rstrip("/")
        return cls(client.session, connector, place, [base], redis, client)

    def at(self, place: Conversation) -> Teams:
        """The same Teams and app, in another place."""
        return replace(self, place=place)

    def next_url(self) -> str:
        return next(self._turn)

    # -- sending -------------------------------------------------------------------------

    async def send_raw(
        self,
        body: bytes,
        url: str | None = None,
        *,
        content_type: str = "application/json",
        bearer: str | None = None,
    ) -> Answer:
        """Any bytes to /api/messages, answered whatever the status."""
        headers = {"Content-Type": content_type}
        bearer = bearer if bearer is not None else self.bearer
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        async with self.http.post(
            f"{url or self.next_url()}/api/messages",
            data=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
        ) as resp:
            return Answer(resp.status, parse(await resp.read()))

    async def send(
        self, activity: Any, url: str | None = None, *, bearer: str | None = None
    ) -> Answer:
        """One activity, answered whatever the status (a refusal, an outage)."""
        body = json.dumps(activity, ensure_ascii=False).encode()
        return await self.send_raw(body, url, bearer=bearer)

    async def post(self, activity: dict[str, Any], url: str | None = None) -> Answer:
        """One activity the bot must take (200, or 201 for a message turn)."""
        answer = await self.send(activity, url)
        assert answer.status in (200, 201), answer
        await self.effects_carried_out()
        return answer

    async def effects_carried_out(self, within_s: float = 5.0) -> bool:
        """False if effects are still pending after within_s (Teams refusing, say)."""
        if self.redis is None:
            return True
        from bot.store import keys  # here: the bench imports this module before its app's bot

        deadline = asyncio.get_running_loop().time() + within_s
        while await self.redis.zcard(keys.EFFECTS_DUE):
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def say(self, person: Person, text: str, url: str | None = None) -> Answer:
        return await self.post(self.place.message(person, text), url)

    async def ask(self, person: Person, text: str, answer: str, within: float = 30.0) -> str:
        """`text` from person, and the message the bot answers it with: the first text it
        sent anywhere that contains `answer` (waits for it)."""
        await self.say(person, text)
        return await self.wait_text(answer, within)

    async def check_in(
        self, *people: Person, role: str = "citizen", url: str | None = None
    ) -> None:
        """The people check in, one after the other, on the form the first of them opened."""
        form = await self.join_form(people[0], url)
        for person in people:
            await self.click(person, actions(form)["join.confirm"], {"role": role}, url=url)

    async def open_idea_round(
        self,
        host: Person,
        topic: str = "Bedre skolevei",
        url: str | None = None,
        *,
        checked_in: tuple[Person, ...] = (),
    ) -> dict[str, Any]:
        """start (and the check-in of `checked_in`), neste, neste (the standard agenda): the
        idea card is posted; returns its idea.submit data."""
        await self.say(host, f"start {topic}", url)
        if checked_in:
            await self.check_in(*checked_in, url=url)
        await self.say(host, "neste", url)
        await self.say(host, "neste", url)
        return await self.idea_submit()

    async def click(
        self,
        person: Person,
        data: dict[str, Any],
        inputs: dict[str, Any] | None = None,
        trigger: str = "manual",
        url: str | None = None,
    ) -> dict[str, Any]:
        """An Action.Execute press; the card the bot answers with."""
        return (await self.post(self.place.invoke(person, data, inputs, trigger), url)).card

    # -- what the bot sent -----------------------------------------------------------------

    def sent_here(self, kind: str = "send") -> list[Sent]:
        cid = self.place.conversation_id
        return [s for s in self.connector.of(kind) if s.conversation_id == cid]

    def posted_cards(self, verb: str) -> list[dict[str, Any]]:
        return [s.card for s in self.sent_here() if s.card and verb in actions(s.card)]

    def session_card(self) -> dict[str, Any]:
        """The shared session card as everyone sees it now: its last update, or the post."""
        posted = [s for s in self.sent_here() if s.card and "join.open" in actions(s.card)]
        assert posted, "no session card was posted"
        return self.connector.as_shown_now(posted[0])

    def session_text(self) -> str:
        """The session card's text now; empty while none was posted here."""
        if not self.posted_cards("join.open"):
            return ""
        return all_text(self.session_card())

    async def session_shows(self, fragment: str, within: float = 30.0) -> dict[str, Any]:
        """Wait until the shared session card shows fragment (the publisher is coalesced)."""
        try:
            await self.connector.wait_for(lambda: fragment in self.session_text(), within)
        except AssertionError:
            raise AssertionError(
                f"the session card never showed {fragment!r}; it shows: {self.session_text()!r}"
            ) from None
        return self.session_card()

    def idea_card(self) -> dict[str, Any] | None:
        """The idea card posted when the idea round began (its own message, never updated)."""
        cards = self.posted_cards("idea.submit")
        return cards[-1] if cards else None

    async def idea_submit(self) -> dict[str, Any]:
        card = await self.connector.wait_for(self.idea_card)
        return actions(card)["idea.submit"]

    async def join_form(self, person: Person, url: str | None = None) -> dict[str, Any]:
        return await self.click(person, actions(self.session_card())["join.open"], url=url)

    async def host_view(self, person: Person) -> dict[str, Any]:
        """What a host's Teams fetches through the session card's refresh."""
        refresh = self.session_card()["refresh"]
        assert person.uid in refresh["userIds"]
        return await self.click(person, refresh["action"]["data"], trigger="automatic")

    def summaries(self) -> list[dict[str, Any]]:
        return [s.card for s in self.sent_here() if s.card and SUMMARY in all_text(s.card)]

    async def summary(self, within: float = 30.0) -> dict[str, Any]:
        found = await self.connector.wait_for(self.summaries, within)
        return found[0]

    async def wait_text(self, fragment: str, within: float = 30.0) -> str:
        """The first message text the bot sent anywhere that contains fragment."""
        return await self.connector.wait_for(
            lambda: next((t for t in self.connector.texts() if fragment in t), None), within
        )

    async def wait_card(self, fragment: str, within: float = 30.0) -> dict[str, Any]:
        """The newest card posted anywhere whose text contains fragment."""

        def find() -> dict[str, Any] | None:
            cards = [s.card for s in self.connector.of("send") if s.card]
            return next((c for c in reversed(cards) if fragment in all_text(c)), None)

        return await self.connector.wait_for(find, within)


# -- reading cards ---------------------------------------------------------------------------

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
