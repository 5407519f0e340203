"""The whole app in-process behind real HTTP, on real Redis, with a fake Bot Connector."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.config import Config, load_config
from bot.store import keys
from bot.web import create_app
from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import actions, all_text
from tests.fakes.clock import FakeClock
from tests.fakes.connector import Connector

SECRET = "test-secret-0123456789-0123456789-abcdef"


def app_config(redis_url: str, data_dir: Path, **extra: str) -> Config:
    env = {
        "REDIS_URL": redis_url,
        "DIGIKOK_SECRET": SECRET,
        "DATA_DIR": str(data_dir),
        "CARD_UPDATE_INTERVAL_SECONDS": "0.05",
        "TIMER_POLL_SECONDS": "0.02",
        "CONNECTOR_PACING": "off",  # on in tests/e2e/test_pacing.py: waits would slow every test
        "METRICS_PORT": "0",  # tests/e2e/test_metrics.py opens its own listener
        **extra,
    }
    return load_config(env)


@dataclass
class Bot:
    """Drives the app the way Teams does and reads back what the bot sent."""

    client: TestClient
    connector: Connector
    place: Conversation
    redis: Redis | None = None

    async def post(self, activity: dict[str, Any]) -> Any:
        response = await self.client.post("/api/messages", json=activity)
        assert response.status in (200, 201), await response.text()
        answer = await response.json() if response.content_length else None
        await self.effects_carried_out()
        return answer

    async def effects_carried_out(self, within_s: float = 5.0) -> bool:
        """What the last turn caused (phase cards, timers, the summary) is carried out by
        the app's EffectRunner after the answer (issue 14); wait for it, as a person would
        wait for the cards. False if effects are still pending (Teams refusing, say)."""
        if self.redis is None:
            return True
        deadline = asyncio.get_running_loop().time() + within_s
        while await self.redis.zcard(keys.EFFECTS_DUE):
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def say(self, person: Person, text: str) -> None:
        await self.post(self.place.message(person, text))

    async def click(
        self,
        person: Person,
        data: dict[str, Any],
        inputs: dict[str, Any] | None = None,
        trigger: str = "manual",
    ) -> dict[str, Any]:
        answer = await self.post(self.place.invoke(person, data, inputs, trigger))
        assert answer["statusCode"] == 200
        assert answer["type"] == "application/vnd.microsoft.card.adaptive"
        return answer["value"]

    def idea_card(self) -> dict[str, Any] | None:
        """The idea card posted when the idea round began (its own message, never updated)."""
        cards = [
            s.card for s in self.connector.of("send") if s.card and "idea.submit" in actions(s.card)
        ]
        return cards[-1] if cards else None

    async def idea_submit(self) -> dict[str, Any]:
        card = await self.connector.wait_for(self.idea_card)
        return actions(card)["idea.submit"]

    async def host_view(self, person: Person) -> dict[str, Any]:
        """What a host's Teams fetches through the session card's refresh."""
        refresh = self.session_card()["refresh"]
        assert person.uid in refresh["userIds"]
        return await self.click(person, refresh["action"]["data"], trigger="automatic")

    async def wait_text(self, fragment: str) -> str:
        """The first message text the bot sent that contains fragment (waits for it)."""
        return await self.connector.wait_for(
            lambda: next((t for t in self.connector.texts() if fragment in t), None)
        )

    async def wait_card(self, fragment: str) -> dict[str, Any]:
        """The newest posted card whose text contains fragment (waits for it)."""

        def find() -> dict[str, Any] | None:
            cards = [s.card for s in self.connector.of("send") if s.card]
            return next((c for c in reversed(cards) if fragment in all_text(c)), None)

        return await self.connector.wait_for(find)

    async def settled(self, fragment: str) -> dict[str, Any]:
        """Wait until the shared session card shows fragment (the publisher is coalesced)."""
        await self.connector.wait_for(lambda: fragment in all_text(self.session_card()))
        return self.session_card()

    def session_card(self) -> dict[str, Any]:
        """The shared session card as everyone sees it now: last update, or the first post."""
        posted = [
            s
            for s in self.connector.sent
            if s.kind == "send" and s.card and "join.open" in actions(s.card)
        ]
        assert posted, "no session card was posted"
        first = posted[0]
        updates = [s for s in self.connector.of("update") if s.activity_id == first.activity_id]
        return (updates[-1] if updates else first).card


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def connector(aiohttp_server: Any) -> AsyncIterator[tuple[Connector, str]]:
    fake = Connector()
    server = await aiohttp_server(fake.app())
    yield fake, str(server.make_url("")).rstrip("/")


BotMaker = Callable[..., Awaitable[Bot]]


@pytest.fixture
def make_bot(
    aiohttp_client: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    connector: tuple[Connector, str],
    clock: FakeClock,
) -> BotMaker:
    """A bot with extra settings: `await make_bot(SCREENING_FILE=...)`."""

    async def make(**env: str) -> Bot:
        fake, url = connector
        app = create_app(app_config(redis_url, tmp_path, **env), clock=clock)
        return Bot(await aiohttp_client(app), fake, Conversation(service_url=url), redis)

    return make


@pytest.fixture
async def bot(make_bot: BotMaker) -> Bot:
    return await make_bot()
