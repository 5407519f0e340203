"""Fixtures for the fault tests: a registry that starts redis-servers and app processes
(`python app.py` replicas, tests/harness/processes.py) and always stops them, whatever the
test did, and hands out the driver (Teams) against the shared fake Bot Connector."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest

from tests.fakes.activities import Conversation
from tests.faults.procs import ROOT, RedisServer
from tests.harness import processes
from tests.harness.connector import Connector
from tests.harness.teams import Teams

SECRET = "fault-tests-secret-0123456789-0123456789-abcdef"
# Each replica as in production but for quicker loops.
REPLICA = {
    "DIGIKOK_SECRET": SECRET,
    "CARD_UPDATE_INTERVAL_SECONDS": "0.1",
    "TIMER_POLL_SECONDS": "0.1",
}


@dataclass
class Procs:
    work_dir: Path
    connector: Connector  # with its gate and outage: calls can be parked or refused on cue
    place: Conversation  # the test's channel thread
    http: aiohttp.ClientSession
    apps: list[processes.Proc] = field(default_factory=list)
    servers: list[RedisServer] = field(default_factory=list)

    async def redis(self, name: str = "redis", appendonly: bool = False) -> RedisServer:
        server = RedisServer(self.work_dir / name, appendonly=appendonly)
        self.servers.append(server)
        await server.start()
        return server

    async def app(self, name: str, redis_url: str, **extra: str) -> processes.Proc:
        """A replica on that Redis; its log is app-<name>.log in the test's tmp_path."""
        env = REPLICA | {"REDIS_URL": redis_url} | extra
        app = await processes.start_app(name, self.work_dir, cwd=ROOT, **env)
        self.apps.append(app)
        return app

    async def one_replica(
        self, appendonly: bool = False
    ) -> tuple[RedisServer, processes.Proc, Teams]:
        """A redis-server, replica "a" on it, and Teams posting to it."""
        redis = await self.redis(appendonly=appendonly)
        app = await self.app("a", redis.url)
        return redis, app, self.teams(app)

    def teams(self, *apps: processes.Proc, place: Conversation | None = None) -> Teams:
        """Teams in `place` (the test's channel thread), posting to these replicas in turn."""
        return Teams(self.http, self.connector, place or self.place, [a.url for a in apps])

    async def close(self) -> None:
        for app in self.apps:
            try:
                await app.stop()
            except Exception:  # noqa: BLE001 - keep stopping the others
                app.kill()
        for server in self.servers:
            await server.close()


@pytest.fixture
async def procs(
    tmp_path: Path, connector: Connector, place: Conversation, http: aiohttp.ClientSession
) -> AsyncIterator[Procs]:
    """App logs (app-<name>.log) and Redis files stay in tmp_path for a look after a failure."""
    registry = Procs(tmp_path, connector, place, http)
    try:
        yield registry
    finally:
        await registry.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
