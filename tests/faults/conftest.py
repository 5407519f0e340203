"""Fixtures for the fault tests: a fake Bot Connector on real HTTP, and a registry that
starts redis-servers and app processes and always stops them, whatever the test did."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
import pytest

from tests.fakes.activities import Conversation
from tests.fakes.connector import Connector
from tests.faults.gate import Gate
from tests.faults.procs import App, RedisServer, start_app


@dataclass
class Procs:
    work_dir: Path
    apps: list[App] = field(default_factory=list)
    servers: list[RedisServer] = field(default_factory=list)

    async def redis(self, name: str = "redis", appendonly: bool = False) -> RedisServer:
        server = RedisServer(self.work_dir / name, appendonly=appendonly)
        self.servers.append(server)
        await server.start()
        return server

    async def app(self, name: str, redis_url: str, **extra: str) -> App:
        app = await start_app(name, redis_url, self.work_dir, **extra)
        self.apps.append(app)
        return app

    async def close(self) -> None:
        for app in self.apps:
            try:
                await app.stop()
            except Exception:  # noqa: BLE001 - keep stopping the others
                app.kill()
        for server in self.servers:
            await server.close()


@pytest.fixture
async def procs(tmp_path: Path) -> AsyncIterator[Procs]:
    """App logs (app-<name>.log) and Redis files stay in tmp_path for a look after a failure."""
    registry = Procs(tmp_path)
    try:
        yield registry
    finally:
        await registry.close()


@pytest.fixture
async def connector(aiohttp_server: Any) -> tuple[Connector, str]:
    fake = Connector()
    server = await aiohttp_server(fake.app())
    return fake, str(server.make_url("")).rstrip("/")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def place(connector: tuple[Connector, str]) -> Conversation:
    return Conversation(service_url=connector[1])


@pytest.fixture
async def gated(aiohttp_server: Any) -> AsyncIterator[tuple[Connector, Gate, Conversation]]:
    """The fake connector behind a Gate (gate.py): calls can be parked on cue."""
    fake, gate = Connector(), Gate()
    app = fake.app()
    app.middlewares.append(gate.middleware)
    server = await aiohttp_server(app)
    yield fake, gate, Conversation(service_url=str(server.make_url("")).rstrip("/"))
    gate.release()
