"""The whole app in-process behind real HTTP, on real Redis, with the fake Bot Connector:
`bot` is the shared driver (tests/harness/teams.py) in a channel thread; `replica` starts
another app on the same Redis and clock, `restart` replaces the bot's app with a new one."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from tests.fakes.clock import FakeClock
from tests.harness import in_process
from tests.harness.connector import Connector
from tests.harness.in_process import SECRET, app_config
from tests.harness.teams import Teams as Bot

__all__ = ["SECRET", "Bot", "BotMaker", "Replica", "Restart", "app_config"]

BotMaker = Callable[..., Awaitable[Bot]]
Replica = Callable[..., Awaitable[TestClient]]
Restart = Callable[[Bot], Awaitable[Bot]]


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


@pytest.fixture
def replica(aiohttp_client: Any, redis_url: str, tmp_path: Path, clock: FakeClock) -> Replica:
    """Another replica on the same Redis and clock, with its own publisher and timer loop:
    `await replica("b")` keeps its files in tmp_path/b, `await replica()` in tmp_path."""

    async def start(data_dir: str = "") -> TestClient:
        return await aiohttp_client(in_process.bot_app(redis_url, tmp_path / data_dir, clock))

    return start


@pytest.fixture
def restart(replica: Replica) -> Restart:
    """`bot = await restart(bot)`: the only replica stops; a new one starts on the same
    Redis (timers and all), and Teams talks to it in the same place."""

    async def again(bot: Bot) -> Bot:
        assert bot.client is not None
        await bot.client.close()
        return Bot.in_process(await replica(), bot.connector, bot.place)

    return again
