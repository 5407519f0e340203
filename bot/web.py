"""The aiohttp app: routes, request checks, and every long-lived resource as a cleanup context.

`CloudAdapter.process` answers 500 to malformed JSON, a missing Content-Type or a malformed
Authorization header; our route answers those first with 400/415/401, and 413 above 256 KB.

Prometheus metrics are not served here: bot/metrics_server.py runs them on their own listener
(METRICS_HOST:METRICS_PORT), so the public port has no /metrics at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import AsyncIterator

import aiohttp
import orjson
from aiohttp import web
from prometheus_client import CollectorRegistry

from bot import export_route, metrics_server, privacy
from bot.config import Config
from bot.domain.links import reachable
from bot.logs import correlation_id, new_correlation_id
from bot.metrics import Metrics
from bot.outbox.refresher import CardRefresher
from bot.service.deps import Deps, Rules
from bot.service.handlers import Service
from bot.service.ports import Clock, SystemClock
from bot.service.session.effects import EffectRunner
from bot.service.session.timer_jobs import TimerRunner
from bot.store.bundle import Stores
from bot.store.census import SessionCensus
from bot.store.connection import open_redis
from bot.store.effects import EffectStore
from bot.store.pacing import ConversationPacer
from bot.teams.adapter import TeamsEndpoint
from bot.teams.auth import TokenSource
from bot.teams.handler import DigikokHandler
from bot.teams.sender import ConnectorSender

logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024
_BEARER = re.compile(r"^Bearer [A-Za-z0-9\-_.~+/]+=*$")

CONFIG = web.AppKey("config", Config)
CLOCK = web.AppKey("clock", Clock)
STORES = web.AppKey("stores", Stores)
TIMERS = web.AppKey("timers", TimerRunner)
SERVICE = web.AppKey("service", Service)
ENDPOINT = web.AppKey("endpoint", TeamsEndpoint)
REFRESHER = web.AppKey("refresher", CardRefresher)
METRICS = web.AppKey("metrics", Metrics)  # its own CollectorRegistry: one per app
CENSUS = web.AppKey("census", SessionCensus)
PACER = web.AppKey("pacer", ConversationPacer)
TURNS = web.AppKey("turns", asyncio.Semaphore)
EFFECTS = web.AppKey("effects", EffectStore)
EFFECT_RUNNER = web.AppKey("effect_runner", EffectRunner)

# Turns in flight at once. Under a burst the rest wait in aiohttp's queue (Teams waits
# ~15 s); each turn holds at most a connection or two, so the Redis pool (bot/store/
# connection.py) never runs dry and no click fails on a pool timeout.
MAX_TURNS_IN_FLIGHT = 32


async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    async with open_redis(config.redis_url, config.data_dir) as redis:
        app[STORES] = Stores.on(redis)
        if adopted := await app[STORES].outbox.adopt_legacy():
            logger.info("outbox_marks_adopted", extra={"count": adopted})
        app[CENSUS] = SessionCensus(redis, clock=app[CLOCK])
        app[PACER] = ConversationPacer(redis)
        app[EFFECTS] = EffectStore(redis)
        yield


async def service_ctx(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    timeout = aiohttp.ClientTimeout(total=20, connect=5)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        metrics = app[METRICS]
        pacer = app[PACER] if config.connector_pacing else None
        sender = ConnectorSender(http, TokenSource(config), metrics, pacer=pacer)
        rules = Rules(
            anon_key=config.anon_key,
            retention_s=config.retention_s,
            max_ideas_per_person=config.max_ideas_per_person,
            export_base_url=config.public_base_url or f"http://localhost:{config.port}",
            screening=config.screening,
            idle_s=config.session_idle_days * 86_400,
        )
        deps = Deps(**app[STORES].as_fields(), sender=sender, clock=app[CLOCK], rules=rules)
        service = Service(deps)
        app[SERVICE] = service
        handler = DigikokHandler(service, config.allowed_tenants, metrics)
        app[ENDPOINT] = TeamsEndpoint(config, handler)
        app[TIMERS] = TimerRunner(deps, config.timer_poll_s, metrics)
        app[EFFECT_RUNNER] = EffectRunner(deps, app[EFFECTS], config.timer_poll_s)
        app[REFRESHER] = CardRefresher(
            deps.outbox, service.render_shared, sender, config.card_update_interval_s, metrics
        )
        yield


async def background_ctx(app: web.Application) -> AsyncIterator[None]:
    """The publisher and the timer runner, on every replica; cancelled and awaited at exit."""
    tasks = [
        asyncio.create_task(app[REFRESHER].run(), name="card-refresher"),
        asyncio.create_task(app[TIMERS].run(), name="timer-runner"),
        asyncio.create_task(app[EFFECT_RUNNER].run(), name="effect-runner"),
    ]
    yield
    for task in tasks:
        task.cancel()
    # Bounded: a loop stuck in a call that ignores cancellation must not hold up shutdown.
    _, stuck = await asyncio.wait(tasks, timeout=5)
    if stuck:
        logger.warning("background_tasks_stuck_at_shutdown", extra={"count": len(stuck)})


def _problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


def parse_json(body: bytes) -> tuple[object, str]:
    """The body's JSON, or why not. orjson first: a third of the stdlib's cost for a click's
    2 KB. What it refuses and the JSON grammar allows (an unpaired surrogate escape) the
    stdlib reads, so Teams' text is never refused for its bytes. (An integer past 64 bits
    comes back a float: no card carries one, and a float is refused where an int is due.)"""
    try:
        return orjson.loads(body), ""
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc):  # 256 KB of "[[[[…": orjson reads 1024 levels at most
            return None, "body is nested too deeply"
    try:
        return json.loads(body), ""
    except (ValueError, UnicodeDecodeError):
        return None, "body is not valid JSON"
    except RecursionError:
        return None, "body is nested too deeply"


async def messages(request: web.Request) -> web.StreamResponse:
    started = time.perf_counter()
    correlation_id.set(new_correlation_id())  # aiohttp runs each request in its own task
    if request.content_type != "application/json":
        return _problem(415, "Content-Type must be application/json")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _problem(413, "request body too large")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _problem(413, "request body too large")
    activity, problem = parse_json(body)
    if problem:
        return _problem(400, problem)
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        return _problem(400, "body is not a Bot Framework activity")
    auth = request.headers.get("Authorization")
    if auth is not None and not _BEARER.match(auth):
        return _problem(401, "malformed Authorization header")
    if auth is None and not request.app[CONFIG].anonymous:
        return _problem(401, "missing bearer token")
    try:
        async with request.app[TURNS]:  # saturated: wait here, bounded, not on the Redis pool
            return await request.app[ENDPOINT].process(activity, auth or "")
    except web.HTTPException as exc:
        return _problem(exc.status, exc.reason)
    except Exception:
        logger.exception("request_failed")
        return _problem(500, f"internal error (ref {correlation_id.get()})")
    finally:
        request.app[METRICS].handled(activity["type"], time.perf_counter() - started)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    try:
        async with asyncio.timeout(2):
            await request.app[STORES].store.ping()
    except Exception:  # noqa: BLE001 - any failure to reach Redis means not ready
        return web.json_response({"status": "redis unreachable"}, status=503)
    return web.json_response({"status": "ready"})


def _scrape_source(app: web.Application) -> metrics_server.Scrape:
    config = app[CONFIG]
    return metrics_server.Scrape(
        config.metrics_host, config.metrics_port, app[METRICS], app[CENSUS]
    )


def create_app(config: Config, *, clock: Clock | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[CONFIG] = config
    app[CLOCK] = clock or SystemClock(config.test_clock_skew_ms)
    app[METRICS] = Metrics(CollectorRegistry())
    app[TURNS] = asyncio.Semaphore(MAX_TURNS_IN_FLIGHT)
    app[privacy.FACTS] = privacy.Facts(
        retention_days=config.retention_days,
        idle_days=config.session_idle_days,
    )
    app.cleanup_ctx.extend(
        [redis_ctx, service_ctx, background_ctx, metrics_server.context(_scrape_source)]
    )
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/export/{name}", export_route.handler(lambda a: a[SERVICE].deps))
    app.router.add_get("/privacy", privacy.privacy)  # the Teams manifest links here
    app.router.add_get("/terms", privacy.terms)
    if config.anonymous:
        logger.warning(
            "auth_disabled: MicrosoftAppId is not set, so inbound requests are "
            "not authenticated. Use this only with a local emulator."
        )
    if not reachable(config.public_base_url):
        logger.warning(
            "no_public_url: PUBLIC_BASE_URL is not set to a public address, so `eksport` "
            "sends no links (they would point at this machine): the host is told so instead."
        )
    return app
