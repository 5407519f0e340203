"""Prometheus' own listener: `GET /metrics` on METRICS_HOST:METRICS_PORT, never the bot's port.

The bot's port faces the internet (Azure Container Apps' ingress is external), and a proxy
rule such as `deny if { path_beg /metrics }` is bypassed by `/%6detrics`, which aiohttp
decodes to `/metrics`. So the public app has no metrics route at all, and this separate
listener (default 127.0.0.1:9464, 0 = off) serves one path and nothing else. The session
count comes from the census, which walks Redis at most once a minute (bot/metrics.py).

A port that is taken does not stop the bot: people can still work; the failure is logged
as an ERROR for the operator, whose scrapes then fail visibly.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable, NamedTuple

from aiohttp import web

from bot.metrics import Metrics
from bot.store.census import SessionCensus

logger = logging.getLogger(__name__)

METRICS = web.AppKey("metrics", Metrics)
CENSUS = web.AppKey("census", SessionCensus)


class Scrape(NamedTuple):
    """What the listener needs from the bot's app: where to listen and what to show."""

    host: str
    port: int  # 0 → no listener
    metrics: Metrics
    census: SessionCensus


async def scrape(request: web.Request) -> web.Response:
    """Prometheus text (or OpenMetrics, if asked); the session count at most a minute old."""
    counted = request.app[METRICS]
    counted.active_sessions.set(await request.app[CENSUS].measure())
    body, content_type = counted.exposition(request.headers.get("Accept", ""))
    return web.Response(body=body, headers={"Content-Type": content_type})


def metrics_app(metrics: Metrics, census: SessionCensus) -> web.Application:
    app = web.Application(client_max_size=1024)  # it takes no bodies
    app[METRICS] = metrics
    app[CENSUS] = census
    app.router.add_get("/metrics", scrape)
    return app


@asynccontextmanager
async def serve_metrics(source: Scrape) -> AsyncIterator[web.AppRunner | None]:
    """The listener for as long as the context lasts; None when it is off or failed."""
    if not source.port:
        yield None
        return
    runner = web.AppRunner(metrics_app(source.metrics, source.census), access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, source.host, source.port).start()
        except OSError as exc:
            logger.error(
                "metrics_listener_failed",
                extra={"host": source.host, "port": source.port, "error": exc.strerror},
            )
            yield None
            return
        logger.info("metrics_listening", extra={"host": source.host, "port": source.port})
        yield runner
    finally:
        await runner.cleanup()


CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def context(read: Callable[[web.Application], Scrape]) -> CleanupContext:
    """A cleanup context for the bot's app; `read` picks the settings and objects from it
    (after the contexts before this one have opened the Redis client the census uses)."""

    async def metrics_ctx(app: web.Application) -> AsyncIterator[None]:
        async with serve_metrics(read(app)):
            yield

    return metrics_ctx
