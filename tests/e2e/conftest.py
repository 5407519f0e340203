"""The whole app in-process behind real HTTP, on real Redis, with the fake Bot Connector:
`bot` is the shared driver (tests/harness/teams.py) in a channel thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest
from redis.asyncio import Redis

from tests.fakes.clock import FakeClock
from tests.harness import in_process
from tests.harness.connector import Connector
from tests.harness.in_process import SECRET, app_config
from tests.harness.teams import Teams as Bot

__all__ = ["SECRET", "Bot", "BotMaker", "app_config"]

BotMaker = Callable[..., Awaitable[Bot]]


@pytest.fixture
def make_bot(
    aiohttp_client: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    connector: Connector,
    clock: FakeClock,
) -> BotMaker:
    """A bot with extra settings: `await make_bot(SCREENING_FILE=...)`."""

    async def make(**env: str) -> Bot:
        return await in_process.start(
            aiohttp_client, connector, redis_url, tmp_path, clock=clock, redis=redis, **env
        )

    return make


@pytest.fixture
async def bot(make_bot: BotMaker) -> Bot:
    return await make_bot()
