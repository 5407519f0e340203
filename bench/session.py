"""Drive one Digikok session the way Teams does, and read back what reached the connector.

Every wait polls the fake connector's record with a deadline: bounded, never an assertion
of speed (the figures are printed, not judged, STYLE 3.1).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

import aiohttp

from bench.bursts import BUILDERS, VERBS, Catalogue, offers
from bench.connector import Call, ThrottledConnector
from bench.load import BurstResult, fire, post_one
from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import texts

T = TypeVar("T")
POLL_S = 0.05


@dataclass
class Driver:
    http: aiohttp.ClientSession
    url: str  # the app's /api/messages
    place: Conversation
    connector: ThrottledConnector
    concurrency: int
    nb: Catalogue
    auth: dict[str, str] | None = None  # {"Authorization": "Bearer …"} with --auth

    async def say(self, person: Person, text: str) -> None:
        status, body = await post_one(
            self.http, self.url, self.place.message(person, text), self.auth
        )
        if status not in (200, 201, 202):  # CloudAdapter answers a message turn with 201
            raise RuntimeError(f"{text!r} answered HTTP {status}: {body}")

    async def wait_for(self, check: Callable[[], T | None], within_s: float, what: str) -> T:
        deadline = time.monotonic() + within_s
        while True:
            if (found := check()) is not None:
                return found
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out after {within_s:.0f} s waiting for {what}")
            await asyncio.sleep(POLL_S)

    def newest_offering(self, verb: str) -> tuple[Call, dict[str, Any]] | None:
        """The most recent card (post or update, any conversation) with this Action.Execute."""
        for call, card in self.connector.cards_newest_first():
            if offers(card, verb) is not None:
                return call, card
        return None

    async def card_offering(self, verb: str, within_s: float = 20.0) -> tuple[Call, dict]:
        return await self.wait_for(lambda: self.newest_offering(verb), within_s, f"a {verb} card")

    async def unmeasured_burst(self, kind: str, people: list[Person]) -> BurstResult:
        _, card = await self.card_offering(VERBS[kind])
        burst = BUILDERS[kind](self.place, people, 1, card, self.nb)
        return await fire(self.url, burst.activities, self.concurrency, auth=self.auth)

    async def settle(
        self, last: Callable[[], float | None], since: float, quiet_s: float, within_s: float
    ) -> None:
        """Wait until `last()` (a stamp) is quiet_s old and so is `since`; at most within_s."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            newest = max(since, last() or since)
            if time.monotonic() - newest >= quiet_s:
                return
            await asyncio.sleep(POLL_S)

    def count_updates(self, shows: Callable[[dict], int | None], since: int) -> list[Call]:
        """Card updates (PUT) from call number `since` on, of any card that shows the count:
        the shared card, wherever the bot keeps the form people click."""
        return [
            c
            for c in self.connector.calls[since:]
            if c.kind == "update" and c.card and shows(c.card) is not None
        ]

    def newest_count_card(self, shows: Callable[[dict], int | None]) -> Call | None:
        for call, card in self.connector.cards_newest_first():
            if shows(card) is not None:
                return call
        return None

    def summary_in(self, conversation_id: str) -> Call | None:
        title = self.nb["summary.title"]
        for call in self.connector.calls:
            if (
                call.kind == "send"
                and call.conversation_id == conversation_id
                and call.card
                and title in texts(call.card)
            ):
                return call
        return None


def warmup_activities(place: Conversation, people: list[Person], card: dict, n: int) -> list:
    """Read-only clicks (card.refresh, as Teams sends for a card's refresh) to warm the path."""
    data = (card.get("refresh") or {}).get("action", {}).get("data")
    if not data or not people:
        return []
    return [place.invoke(people[i % len(people)], data, trigger="automatic") for i in range(n)]
