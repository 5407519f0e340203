"""Drive one Digikok session the way Teams does, and read back what reached the connector:
the suites' driver (tests/harness/teams.py) with what the bench reads besides.

Every wait polls the fake connector's record with a deadline: bounded, never an assertion
of speed (the figures are printed, not judged, STYLE 3.1).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable

from bench.bursts import BUILDERS, VERBS, Catalogue, offers
from bench.load import BurstResult, fire
from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import texts
from tests.harness.connector import Sent
from tests.harness.teams import Teams

POLL_S = 0.05


@dataclass
class Driver(Teams):
    concurrency: int = 50
    nb: Catalogue = field(default_factory=lambda: MappingProxyType({}))
    auth: dict[str, str] | None = None  # {"Authorization": "Bearer …"} with --auth

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.auth:
            self.bearer = self.auth["Authorization"].removeprefix("Bearer ")

    @property
    def messages_url(self) -> str:
        """The app's /api/messages, where the bursts go."""
        return f"{self.urls[0]}/api/messages"

    def newest_offering(self, verb: str) -> tuple[Sent, dict[str, Any]] | None:
        """The most recent card (post or update, any conversation) with this Action.Execute."""
        for call, card in self.connector.cards_newest_first():
            if offers(card, verb) is not None:
                return call, card
        return None

    async def card_offering(self, verb: str, within_s: float = 20.0) -> tuple[Sent, dict]:
        return await self.connector.wait_for(lambda: self.newest_offering(verb), within_s)

    async def unmeasured_burst(self, kind: str, people: list[Person]) -> BurstResult:
        _, card = await self.card_offering(VERBS[kind])
        burst = BUILDERS[kind](self.place, people, 1, card, self.nb)
        return await fire(self.messages_url, burst.activities, self.concurrency, auth=self.auth)

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

    def count_updates(self, shows: Callable[[dict], int | None], since: int) -> list[Sent]:
        """Card updates (PUT) from call number `since` on, of any card that shows the count:
        the shared card, wherever the bot keeps the form people click."""
        return [
            c
            for c in self.connector.sent[since:]
            if c.kind == "update" and c.card and shows(c.card) is not None
        ]

    def newest_count_card(self, shows: Callable[[dict], int | None]) -> Sent | None:
        for call, card in self.connector.cards_newest_first():
            if shows(card) is not None:
                return call
        return None

    def summary_in(self, conversation_id: str) -> Sent | None:
        title = self.nb["summary.title"]
        for call in self.connector.sent:
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
