"""How many sessions are active (the metrics' active-sessions gauge, issue 7), counted in
Redis at scrape time: the store is the one truth all replicas share."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any, Protocol

from bot.domain.session import ACTIVE
from bot.store import keys

logger = logging.getLogger(__name__)

SCAN_COUNT = 1000
CENSUS_BUDGET_S = 1.0
CENSUS_MAX_AGE_S = 60.0  # one SCAN a minute at most, however often Prometheus scrapes


class _Pipeline(Protocol):
    def hget(self, name: str, key: str) -> Any: ...
    def get(self, name: str) -> Any: ...
    async def execute(self, raise_on_error: bool = True) -> list[Any]: ...


class KeyReader(Protocol):
    """The Redis calls the census makes (the app's client from bot/store/connection.py)."""

    async def scan(
        self, cursor: int = 0, match: str | None = None, count: int | None = None
    ) -> tuple[int, list[str]]: ...
    def pipeline(self, transaction: bool = True) -> _Pipeline: ...


class NowMs(Protocol):
    """The app's clock (bot/service/ports.py Clock): epoch milliseconds."""

    def now_ms(self) -> int: ...


class _Monotonic:
    def now_ms(self) -> int:
        return time.monotonic_ns() // 1_000_000


class SessionCensus:
    """How many sessions are active, asked of Redis when Prometheus scrapes, at most once
    per `max_age_s`: a count walks every conversation pointer (a SCAN), so a scrape every
    few seconds, or a scraper gone wild, must not cost that every time. Scrapes arriving
    while a count runs share it.

    A gauge moved up at start and down at end would be wrong across replicas: each one
    holds only its own share, a restart zeroes it, and sessions that expire or are deleted
    never move it. Redis is the one truth all replicas share. The count walks the
    conversation pointers (`dk:conv:*`, one per channel or chat) and reads each pointed
    session's status, in pipelines, within a time budget.
    """

    def __init__(
        self,
        redis: KeyReader,
        budget_s: float = CENSUS_BUDGET_S,
        *,
        clock: NowMs | None = None,
        max_age_s: float = CENSUS_MAX_AGE_S,
    ) -> None:
        self._redis = redis
        self._budget_s = budget_s
        self._clock = clock or _Monotonic()
        self._max_age_ms = int(max_age_s * 1000)
        self._counted_at: int | None = None  # when the cached count was taken
        self._cached = math.nan
        self._lock = asyncio.Lock()
        self.counts = 0  # how many times Redis was walked (tests and debugging)

    async def count(self) -> int:
        self.counts += 1
        sids: set[str] = set()
        cursor = 0
        while True:
            cursor, found = await self._redis.scan(
                cursor, match=keys.conversation("*"), count=SCAN_COUNT
            )
            if found:
                pipe = self._redis.pipeline(transaction=False)
                for key in found:
                    pipe.get(key)
                sids.update(
                    s for s in await pipe.execute(raise_on_error=False) if isinstance(s, str)
                )
            if cursor == 0:
                break
        pipe = self._redis.pipeline(transaction=False)
        ordered = sorted(sids)
        for sid in ordered:
            pipe.hget(keys.meta(sid), "status")
        statuses = await pipe.execute(raise_on_error=False) if ordered else []
        return sum(status == ACTIVE for status in statuses)

    def _fresh(self, now: int) -> bool:
        taken = self._counted_at
        return taken is not None and taken <= now < taken + self._max_age_ms

    async def measure(self) -> float:
        """The count (at most `max_age_s` old), or NaN when Redis is down or slower than the
        budget. A failed count is not cached: the next scrape tries again, within budget."""
        async with self._lock:
            if self._fresh(self._clock.now_ms()):
                return self._cached
            try:
                async with asyncio.timeout(self._budget_s):
                    value = float(await self.count())
            except Exception as exc:  # noqa: BLE001 - a scrape must answer even without Redis
                logger.debug("active_sessions_unknown", extra={"error": type(exc).__name__})
                return math.nan
            self._cached, self._counted_at = value, self._clock.now_ms()
            return value
