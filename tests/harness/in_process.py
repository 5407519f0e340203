"""Starting the bot in this process: the whole app (bot.web.create_app) behind real HTTP
through aiohttp's test client, on real Redis, with the fake Bot Connector as its Teams."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import web
from redis.asyncio import Redis

from bot.config import Config, load_config
from bot.web import create_app
from tests.fakes.activities import Conversation
from tests.fakes.clock import FakeClock
from tests.harness.connector import Connector
from tests.harness.teams import Teams

SECRET = "test-secret-0123456789-0123456789-abcdef"
BACKGROUND_TASKS = ("card-refresher", "timer-runner", "effect-runner")
_NAGS: set[asyncio.Task[None]] = set()


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


def _background(task: asyncio.Task[object]) -> bool:
    name = task.get_name()
    return name in BACKGROUND_TASKS or name.startswith("publish-")


def keep_cancelling_at_shutdown(app: web.Application) -> web.Application:
    """On Python 3.11 redis-py's socket_timeout path (asyncio.wait_for, gh-86296) loses a
    task.cancel() now and then; bot/web.py's background_ctx then waits its 5 s bound. From
    on_shutdown on, this cancels the background tasks until they are done. Only for an app
    alone on its loop (the security suite): it cancels by task name."""

    async def nag() -> None:
        for _ in range(1200):  # bounded: at most a minute
            if not (running := [t for t in asyncio.all_tasks() if _background(t)]):
                return
            for task in running:
                task.cancel()
            await asyncio.sleep(0.05)

    async def start(_: web.Application) -> None:
        task = asyncio.create_task(nag(), name="test-shutdown-nag")
        _NAGS.add(task)  # a task nobody holds may be collected before it is done
        task.add_done_callback(_NAGS.discard)

    app.on_shutdown.append(start)
    return app


def bot_app(
    redis_url: str, data_dir: Path, clock: FakeClock | None = None, **env: str
) -> web.Application:
    return create_app(app_config(redis_url, data_dir, **env), clock=clock or FakeClock())


async def start(
    aiohttp_client: Any,
    connector: Connector,
    redis_url: str,
    data_dir: Path,
    *,
    clock: FakeClock | None = None,
    redis: Redis | None = None,
    place: Conversation | None = None,
    nag: bool = False,
    **env: str,
) -> Teams:
    """The app with these settings, and Teams in `place` (a channel thread by default)."""
    app = bot_app(redis_url, data_dir, clock, **env)
    if nag:
        keep_cancelling_at_shutdown(app)
    client = await aiohttp_client(app)
    return Teams.in_process(
        client, connector, place or Conversation(service_url=connector.url), redis
    )
