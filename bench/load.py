"""Fire a list of activities at POST /api/messages: fixed count, fixed concurrency, bounded.

One aiohttp ClientSession whose connector allows `concurrency` connections, and as many
workers taking the next request from one shared iterator. Bodies are serialized before the
clock starts and answers parsed after it stops, so the client spends as little as it can
inside the measured window. Stamps are `time.monotonic()`, the fake connector's clock too.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass
from typing import Any, Iterator

import aiohttp

JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True, slots=True)
class Outcome:
    index: int
    sent_at: float
    done_at: float
    status: int  # 0 = no HTTP answer (error set)
    raw: bytes
    error: str = ""

    @property
    def latency_s(self) -> float:
        return self.done_at - self.sent_at

    def answer(self) -> Any:
        try:
            return json.loads(self.raw) if self.raw else None
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class BurstResult:
    requested: int
    outcomes: tuple[Outcome, ...]  # in completion order
    started: float
    ended: float
    timed_out: bool

    @property
    def wall_s(self) -> float:
        return self.ended - self.started

    @property
    def ok(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if 200 <= o.status < 300)

    @property
    def rps(self) -> float:
        return len(self.ok) / self.wall_s if self.wall_s > 0 else 0.0

    def percentile_ms(self, q: float) -> float:
        """Nearest-rank percentile of all answered requests' latency, in ms."""
        lat = sorted(o.latency_s for o in self.outcomes if o.status)
        if not lat:
            return float("nan")
        rank = max(1, min(len(lat), math.ceil(q / 100 * len(lat))))
        return lat[rank - 1] * 1000

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return dict(sorted(counts.items()))


async def _worker(
    http: aiohttp.ClientSession, url: str, jobs: Iterator[tuple[int, bytes]], out: list[Outcome]
) -> None:
    for index, body in jobs:  # the iterator is shared: each job is taken by one worker
        sent = time.monotonic()
        try:
            async with http.post(url, data=body, headers=JSON) as resp:
                raw = await resp.read()
                out.append(Outcome(index, sent, time.monotonic(), resp.status, raw))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            out.append(Outcome(index, sent, time.monotonic(), 0, b"", type(exc).__name__))


async def fire(
    url: str,
    activities: list[dict[str, Any]],
    concurrency: int,
    *,
    request_timeout_s: float = 30.0,
    burst_timeout_s: float = 300.0,
) -> BurstResult:
    bodies = [json.dumps(a, ensure_ascii=False).encode() for a in activities]
    jobs = iter(enumerate(bodies))
    out: list[Outcome] = []
    limit = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    timeout = aiohttp.ClientTimeout(total=request_timeout_s)
    timed_out = False
    async with aiohttp.ClientSession(connector=limit, timeout=timeout) as http:
        started = time.monotonic()
        workers = [
            asyncio.create_task(_worker(http, url, jobs, out))
            for _ in range(min(concurrency, len(bodies)))
        ]
        try:
            async with asyncio.timeout(burst_timeout_s):
                await asyncio.gather(*workers)
        except TimeoutError:
            timed_out = True
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        ended = max((o.done_at for o in out), default=time.monotonic())
    return BurstResult(len(bodies), tuple(out), started, ended, timed_out)


async def post_one(
    http: aiohttp.ClientSession, url: str, activity: dict[str, Any]
) -> tuple[int, Any]:
    """A single setup step (a message or a click), outside any measured burst."""
    async with http.post(url, json=activity) as resp:
        raw = await resp.read()
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw.decode(errors="replace")
