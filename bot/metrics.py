"""Prometheus metrics (issue 7), on one registry per app so each test app counts on its own.

Every label value is bounded: an activity type, invoke name or verb that is not on the
lists below counts as "other", because each new label value is a new time series and the
values come from outside. No label carries user text, names or ids.

`GET /metrics` is served without the bot's auth (Prometheus has no Bot Framework token), so
it lives on its own listener, METRICS_HOST:METRICS_PORT (bot/metrics_server.py, default
127.0.0.1:9464), never on the public bot port.
"""

from __future__ import annotations

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
)
from prometheus_client.exposition import choose_encoder

OTHER = "other"
ACTIVITY_TYPES = frozenset(
    {
        "message",
        "messageUpdate",
        "messageDelete",
        "messageReaction",
        "conversationUpdate",
        "installationUpdate",
        "contactRelationUpdate",
        "invoke",
        "event",
        "typing",
        "endOfConversation",
        "deleteUserData",
        "trace",
        "handoff",
        "command",
        "commandResult",
        "suggestion",
    }
)
INVOKE_NAMES = frozenset(
    {
        "adaptiveCard/action",
        "task/fetch",
        "task/submit",
        "signin/verifyState",
        "signin/tokenExchange",
        "signin/failure",
        "config/fetch",
        "config/submit",
        "tab/fetch",
        "tab/submit",
        "fileConsent/invoke",
        "actionableMessage/executeAction",
        "composeExtension/query",
        "composeExtension/queryLink",
        "composeExtension/fetchTask",
        "composeExtension/submitAction",
        "composeExtension/selectItem",
        "composeExtension/setting",
        "composeExtension/querySettingUrl",
        "composeExtension/onCardButtonClicked",
        "healthCheck",
    }
)
CARD_OUTCOMES = ("sent", "unchanged", "failed", "error", "gave_up")
LOOPS = ("refresher", "timer")
# Teams gives up on an invoke answer after about 5 s (15 s for a message turn).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)
# A timer is late by up to the poll interval, more after an outage or a restart.
LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)


def bounded(value: object, known: frozenset[str]) -> str:
    return value if isinstance(value, str) and value in known else OTHER


def status_class(status: int) -> str:
    """HTTP status → "2xx" … "5xx"; 0 (no answer: refused, reset, timed out) → "error"."""
    return f"{status // 100}xx" if 100 <= status < 600 else "error"


class Metrics:
    """The metric objects the handler, sender, publisher and timer runner are given."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self._activities = Counter(
            "digikok_activities",
            "Activities received from Teams (after the token check), by type, invoke name "
            "and card verb",
            ("type", "name", "verb"),
            registry=r,
        )
        self._latency = Histogram(
            "digikok_handler_latency_seconds",
            "Time from entering POST /api/messages to its response, by activity type",
            ("type",),
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self._connector = Counter(
            "digikok_connector_calls",
            "HTTP attempts to the Bot Connector (each retry counts), by operation and status class",
            ("operation", "status"),
            registry=r,
        )
        self._throttled = Counter(
            "digikok_connector_throttled",
            "429 answers received from the Bot Connector, by operation",
            ("operation",),
            registry=r,
        )
        self._cards = Counter(
            "digikok_card_updates",
            "Shared-card updates by the publisher: sent, failed (refused after retries) or "
            "error (could not render or reach Redis)",
            ("outcome",),
            registry=r,
        )
        self._lag = Histogram(
            "digikok_timer_lag_seconds",
            "How late a timer ran: now minus its due time, by timer kind",
            ("kind",),
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self._loop_failures = Counter(
            "digikok_background_failures",
            "Failed ticks of a background loop (each one, also those not logged)",
            ("loop",),
            registry=r,
        )
        self.active_sessions = Gauge(
            "digikok_active_sessions",
            "Sessions with status active, counted in Redis at most once a minute (the same "
            "value on every replica: aggregate with max, not sum; NaN if Redis did not answer "
            "in time)",
            registry=r,
        )
        for standard in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            r.register(standard)  # memory, CPU, open files, GC: what the default registry has
        for outcome in CARD_OUTCOMES:
            self._cards.labels(outcome)
        for loop in LOOPS:
            self._loop_failures.labels(loop)

    def activity(self, type_: object, name: object = None, verb: str = "") -> None:
        """`verb` must already be bounded (the handler checks it against the route table)."""
        kind = bounded(type_, ACTIVITY_TYPES)
        invoke = bounded(name, INVOKE_NAMES) if kind == "invoke" else ""
        self._activities.labels(kind, invoke, verb).inc()

    def handled(self, type_: object, seconds: float) -> None:
        self._latency.labels(bounded(type_, ACTIVITY_TYPES)).observe(seconds)

    def connector_call(self, operation: str, status: int) -> None:
        self._connector.labels(operation, status_class(status)).inc()
        if status == 429:
            self._throttled.labels(operation).inc()

    def card_update(self, outcome: str) -> None:
        self._cards.labels(outcome).inc()

    def timer_ran(self, kind: str, lag_ms: int) -> None:
        self._lag.labels(kind).observe(max(0, lag_ms) / 1000)

    def loop_failed(self, loop: str) -> None:
        self._loop_failures.labels(loop).inc()

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """The registry in the format the scraper asked for (text 0.0.4 by default)."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type


__all__ = ["Metrics", "OTHER", "bounded"]
