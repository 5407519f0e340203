"""Observability (issue 7): a whole session leaves no personal data in any log record, and
`GET /metrics` counts it: activities, latency, connector calls, 429s, timers, sessions.

Metrics are served on their own listener (METRICS_HOST:METRICS_PORT, issue 15), never on
the bot's public port: each app here gets a free METRICS_PORT and is scraped there."""

from __future__ import annotations

import io
import json
import logging
import math
from pathlib import Path
from typing import Any, Iterator

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from bot.logs import QUIET_LOGGERS, JsonFormatter
from bot.store.census import SessionCensus
from bot.store.connection import client_for
from bot.web import create_app
from tests.e2e.conftest import Bot, BotMaker, app_config
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text
from tests.fakes.clock import FakeClock

HOST = Person("Hanne Vertsdatter")
KARI = Person("Kari Innbyggersen")
OLE = Person("Ole Ansattsen")
PEOPLE = (HOST, KARI, OLE)
DEPARTMENT = "Foreldreutvalget ved Nordnes"
IDEAS = (
    "Gå-buss med voksne hver morgen",
    "Flere fotgjengerfelt ved Klostergaten",
    "Sykkelparkering under tak",
)
# Attributes every LogRecord has; the rest came in through `extra`.
STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Every record at DEBUG (libraries as quiet as setup_logging makes them), also as the
    JSON lines the app writes: formatted when emitted, so each carries its own cid."""
    for name in QUIET_LOGGERS:
        caplog.set_level(logging.WARNING, logger=name)
    caplog.set_level(logging.DEBUG)  # last: set_level also sets the capturing handler's level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def secrets_of(people: tuple[Person, ...]) -> list[str]:
    found = [DEPARTMENT, *IDEAS]
    for person in people:
        found += [person.name, *person.name.split(), person.aad, person.uid]
        found += [person.aad.replace("-", ""), person.uid.removeprefix("29:")]
    return found


def record_texts(record: logging.LogRecord) -> list[str]:
    texts = [record.getMessage(), str(record.msg), repr(record.args)]
    texts += [f"{k}={v!r}" for k, v in vars(record).items() if k not in STANDARD]
    if record.exc_info and record.exc_info[1] is not None:
        texts += [repr(record.exc_info[1]), logging.Formatter().formatException(record.exc_info)]
    texts += [record.exc_text or "", record.stack_info or ""]
    return texts


@pytest.fixture
def metrics_port() -> int:
    return unused_port()


@pytest.fixture
async def bot(make_bot: BotMaker, metrics_port: int) -> Bot:
    return await make_bot(METRICS_PORT=str(metrics_port))


async def scrape(port: int, accept: str | None = None) -> tuple[Samples, str]:
    """GET /metrics on the internal listener at 127.0.0.1:`port`."""
    headers = {"Accept": accept} if accept else {}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/metrics", headers=headers) as response:
            assert response.status == 200
            text = await response.text()
            content_type = response.headers["Content-Type"]
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples, content_type


def value(samples: Samples, metric: str, /, **labels: str) -> float:
    return samples.get((metric, frozenset(labels.items())), 0.0)


def activities(samples: Samples, type_: str, name: str = "", verb: str = "") -> float:
    return value(samples, "digikok_activities_total", type=type_, name=name, verb=verb)


async def run_session(bot: Bot, clock: FakeClock, metrics_port: int) -> Samples:
    """Start, check in, ideas, a timer running out, end. Returns /metrics mid-session."""
    bot.connector.failures.append(("update", 429, {"Retry-After": "0"}))
    await bot.say(HOST, "start Bedre skolevei for barn")
    card = bot.session_card()
    host_view = await bot.host_view(HOST)
    form = await bot.click(KARI, actions(card)["join.open"])
    await bot.click(
        KARI, actions(form)["join.confirm"], {"role": "citizen", "department": DEPARTMENT}
    )
    await bot.click(OLE, actions(form)["join.confirm"], {"role": "employee"})
    await bot.session_shows("Sjekket inn: 2")
    await bot.click(HOST, actions(host_view)["phase.next"])  # → pitch
    await bot.say(HOST, "neste")  # → idea round
    submit = await bot.idea_submit()
    for person, idea in zip((KARI, KARI, OLE), IDEAS, strict=True):
        await bot.click(person, submit, {"idea": idea})
    await bot.session_shows("Ideer sendt inn: 3")
    during, _ = await scrape(metrics_port)
    clock.advance(11 * 60)  # past the idea round's end: the reminder, then the time-up prompt
    await bot.wait_card("Tiden er ute for «Idémyldring».")
    await bot.say(HOST, "avslutt")
    await bot.connector.wait_for(
        lambda: [s for s in bot.connector.of("send") if "Oppsummering" in all_text(s.card or {})]
    )
    await bot.connector.wait_for(lambda: "avsluttet" in all_text(bot.session_card()))
    return during


async def test_a_session_logs_no_personal_data_and_shows_in_metrics(
    logs: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    bot: Bot,
    clock: FakeClock,
    metrics_port: int,
) -> None:
    during = await run_session(bot, clock, metrics_port)
    # 11 minutes passed on the app's clock: the census (cached for a minute) counts again.
    after, content_type = await scrape(metrics_port)

    leaks = [
        (record.name, record.getMessage(), secret)
        for record in caplog.records
        for text in record_texts(record)
        for secret in secrets_of(PEOPLE)
        if secret in text
    ]
    assert caplog.records and not leaks
    lines = [json.loads(raw) for raw in logs.getvalue().splitlines()]
    assert not [s for s in secrets_of(PEOPLE) if s in logs.getvalue()]
    events = {line["event"]: line for line in lines if line["logger"].startswith("bot.")}
    assert {"participant_joined", "idea_submitted", "timer_ended_phase", "session_ended"} <= set(
        events
    )
    # One id per activity, a fresh one per background job: none of our lines goes without.
    submitted = [line["cid"] for line in lines if line["event"] == "idea_submitted"]
    assert len(set(submitted)) == 3 and "-" not in submitted
    assert events["timer_ended_phase"]["cid"] not in ("-", *submitted)

    assert content_type.startswith("text/plain; version=0.0.4")
    assert value(during, "digikok_active_sessions") == 1
    assert value(after, "digikok_active_sessions") == 0
    assert activities(after, "message") == 3  # start, neste, avslutt
    card_action = "adaptiveCard/action"
    assert activities(after, "invoke", card_action, "join.confirm") == 2
    assert activities(after, "invoke", card_action, "idea.submit") == 3
    assert activities(after, "invoke", card_action, "card.refresh") >= 1
    latency = "digikok_handler_latency_seconds_count"
    assert value(after, latency, type="message") == 3
    assert value(after, latency, type="invoke") >= 6
    calls = "digikok_connector_calls_total"
    assert value(after, calls, operation="send", status="2xx") >= 4
    assert value(after, calls, operation="create_conversation", status="2xx") == 1
    assert value(after, calls, operation="update", status="2xx") >= 1
    assert value(after, calls, operation="update", status="4xx") == 1
    assert value(after, "digikok_connector_throttled_total", operation="update") == 1
    assert value(after, "digikok_card_updates_total", outcome="sent") >= 1
    assert value(after, "digikok_card_updates_total", outcome="failed") == 0
    assert value(after, "digikok_timer_lag_seconds_count", kind="end") >= 1
    assert value(after, "digikok_timer_lag_seconds_sum", kind="end") >= 60  # due 10:10, ran 10:11
    assert value(after, "digikok_timer_lag_seconds_count", kind="reminder") >= 1
    assert value(after, "digikok_background_failures_total", loop="timer") == 0


async def test_label_values_stay_bounded_whatever_teams_sends(bot: Bot, metrics_port: int) -> None:
    odd = bot.place.message(KARI, "hei")
    odd["type"] = "somethingNew"
    await bot.post(odd)
    answer = await bot.click(KARI, {"action": f"forged.{KARI.name}", "sid": "x", "rev": 1})
    assert answer  # a clear "unknown card" answer, and no new label value
    samples, _ = await scrape(metrics_port)
    assert activities(samples, "other") == 1
    assert activities(samples, "invoke", "adaptiveCard/action", "other") == 1
    assert value(samples, "digikok_handler_latency_seconds_count", type="other") == 1
    assert not [key for key in samples if any(KARI.name in v for _, v in key[1])]


async def test_metrics_need_no_bot_token_and_speak_openmetrics_on_request(
    aiohttp_client: Any, redis: Redis, redis_url: str, tmp_path: Path
) -> None:
    port = unused_port()
    config = app_config(
        redis_url,
        tmp_path,
        MicrosoftAppId="app",
        MicrosoftAppPassword="pw",
        METRICS_PORT=str(port),
    )
    client = await aiohttp_client(create_app(config))
    refused = await client.post("/api/messages", json={"type": "message"})
    assert refused.status == 401
    samples, content_type = await scrape(port, accept="application/openmetrics-text")
    assert content_type.startswith("application/openmetrics-text")
    assert value(samples, "digikok_active_sessions") == 0


async def test_each_app_counts_on_its_own_registry(
    bot: Bot, metrics_port: int, aiohttp_client: Any, redis_url: str, tmp_path: Path
) -> None:
    await bot.say(HOST, "hjelp")
    other_port = unused_port()
    config = app_config(redis_url, tmp_path / "other", METRICS_PORT=str(other_port))
    await aiohttp_client(create_app(config))
    mine, _ = await scrape(metrics_port)
    theirs, _ = await scrape(other_port)
    assert activities(mine, "message") == 1 and activities(theirs, "message") == 0


@pytest.mark.parametrize("path", ["/metrics", "/%6detrics", "/METRICS", "/metrics/"])
async def test_the_public_port_serves_no_metrics(bot: Bot, metrics_port: int, path: str) -> None:
    """The bot's port faces the internet; `/%6detrics` is what aiohttp decodes to `/metrics`
    (a proxy's `path_beg /metrics` rule misses it). The listener answers, the bot does not."""
    response = await bot.client.get(path)
    assert response.status == 404
    assert "digikok_" not in await response.text()
    samples, _ = await scrape(metrics_port)
    assert ("digikok_active_sessions", frozenset()) in samples


async def test_metrics_port_zero_turns_the_listener_off(
    aiohttp_client: Any, redis_url: str, tmp_path: Path
) -> None:
    port = unused_port()
    client = await aiohttp_client(create_app(app_config(redis_url, tmp_path, METRICS_PORT="0")))
    assert (await client.get("/healthz")).status == 200
    with pytest.raises(aiohttp.ClientConnectionError):
        await scrape(port)


async def test_active_sessions_is_nan_when_redis_does_not_answer() -> None:
    dead = client_for("redis://127.0.0.1:1")
    try:
        assert math.isnan(await SessionCensus(dead, budget_s=2.0).measure())
    finally:
        await dead.aclose()
