"""Issue 15, metrics: Prometheus has its own listener (bot/metrics_server.py), and the
session census walks Redis at most once a minute, however often it is scraped."""

from __future__ import annotations

import logging
import socket

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from bot.metrics import Metrics
from bot.metrics_server import Scrape, serve_metrics
from bot.store import keys
from bot.store.census import SessionCensus
from tests.fakes.clock import FakeClock


async def start_session(redis: Redis, sid: str) -> None:
    await redis.set(keys.conversation(f"19:{sid}@thread.tacv2"), sid)
    await redis.hset(keys.meta(sid), mapping={"status": "active"})


async def active_sessions(url: str) -> float:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/metrics") as response:
        assert response.status == 200
        text = await response.text()
    for family in text_string_to_metric_families(text):
        if family.name == "digikok_active_sessions":
            return family.samples[0].value
    raise AssertionError("digikok_active_sessions is missing")


async def test_the_listener_serves_metrics_and_nothing_else(redis: Redis) -> None:
    port = unused_port()
    source = Scrape("127.0.0.1", port, Metrics(CollectorRegistry()), SessionCensus(redis))
    await start_session(redis, "s1")
    async with serve_metrics(source) as runner:
        assert runner is not None
        url = f"http://127.0.0.1:{port}"
        assert await active_sessions(url) == 1
        async with aiohttp.ClientSession() as http:
            for path in ("/", "/api/messages", "/healthz", "/export/x.md"):
                async with http.get(f"{url}{path}") as response:
                    assert response.status == 404, path
            async with http.post(f"{url}/metrics", data=b"x") as response:
                assert response.status == 405
    with pytest.raises(aiohttp.ClientConnectionError):  # closed with its context
        await active_sessions(url)


async def test_a_scrape_walks_redis_at_most_once_a_minute(redis: Redis) -> None:
    clock = FakeClock()
    census = SessionCensus(redis, clock=clock)
    port = unused_port()
    await start_session(redis, "s1")
    async with serve_metrics(Scrape("127.0.0.1", port, Metrics(), census)):
        url = f"http://127.0.0.1:{port}"
        assert await active_sessions(url) == 1
        await start_session(redis, "s2")
        for _ in range(5):
            assert await active_sessions(url) == 1  # cached: no SCAN per scrape
        assert census.counts == 1
        clock.advance(60)
        assert await active_sessions(url) == 2
        assert census.counts == 2


async def test_port_zero_means_no_listener(redis: Redis) -> None:
    async with serve_metrics(Scrape("127.0.0.1", 0, Metrics(), SessionCensus(redis))) as runner:
        assert runner is None


async def test_a_taken_port_is_logged_and_the_bot_still_starts(
    redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        source = Scrape("127.0.0.1", port, Metrics(), SessionCensus(redis))
        async with serve_metrics(source) as runner:
            assert runner is None
    failed = [r for r in caplog.records if r.getMessage() == "metrics_listener_failed"]
    assert [r.levelno for r in failed] == [logging.ERROR]
