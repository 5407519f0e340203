"""Fire a list of activities at POST /api/messages: closed loop (fixed count, fixed
concurrency) or open loop (each request at its scheduled time, no cap), bounded.

Closed loop (`fire`): one aiohttp ClientSession whose connector allows `concurrency`
connections, and as many workers taking the next request from one shared iterator.
Open loop (`fire_open`, issue 13): every request is sent at its own scheduled time whether
or not earlier ones were answered, on a ClientSession with no connection limit; its latency
is counted from the scheduled time (so a client that falls behind cannot hide a slow
server: no coordinated omission). Bodies are serialized before the clock starts and answers
parsed after it stops, so the client spends as little as it can inside the measured window.
Stamps are `time.monotonic()`, the fake connector's clock too.
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
    send_lag_s: float = 0.0  # open loop: how late the client really sent it (0 closed loop)

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
    # connections that took this long to open (s), slowest first: a listen backlog that
    # overflows shows as ~1 s and ~3 s (SYN retransmits)
    slow_connects_s: tuple[float, ...] = ()

    @property
    def wall_s(self) -> float:
        return self.ended - self.started

    @property
    def ok(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if 200 <= o.status < 300)

    @property
    def rps(self) -> float:
        return len(self.ok) / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def max_ms(self) -> float:
        lat = [o.latency_s for o in self.outcomes if o.status]
        return max(lat) * 1000 if lat else float("nan")

    def later_than(self, seconds: float) -> int:
        """Requests answered (or failed) more than `seconds` after they were due."""
        return sum(1 for o in self.outcomes if o.latency_s > seconds)

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
    http: aiohttp.ClientSession,
    url: str,
    jobs: Iterator[tuple[int, bytes]],
    out: list[Outcome],
    headers: dict[str, str],
) -> None:
    for index, body in jobs:  # the iterator is shared: each job is taken by one worker
        out.append(await _send(http, url, headers, index, body, time.monotonic()))


async def _send(
    http: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    index: int,
    body: bytes,
    sent_at: float,
    lag: float = 0.0,
) -> Outcome:
    """One request, done when its answer is read (a failed request is an outcome too)."""
    try:
        async with http.post(url, data=body, headers=headers) as resp:
            raw = await resp.read()
            return Outcome(index, sent_at, time.monotonic(), resp.status, raw, "", lag)
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        return Outcome(index, sent_at, time.monotonic(), 0, b"", type(exc).__name__, lag)


async def _timed_out(tasks: list[asyncio.Task[None]], within_s: float) -> bool:
    """Waits for every task, at most within_s; whatever is left then is cancelled and
    awaited, so nothing outlives the burst. True if time ran out."""
    try:
        async with asyncio.timeout(within_s):
            await asyncio.gather(*tasks)
    except TimeoutError:
        return True
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return False


async def fire(
    url: str,
    activities: list[dict[str, Any]],
    concurrency: int,
    *,
    request_timeout_s: float = 30.0,
    burst_timeout_s: float = 300.0,
    auth: dict[str, str] | None = None,
) -> BurstResult:
    bodies = [json.dumps(a, ensure_ascii=False).encode() for a in activities]
    headers = JSON | (auth or {})
    jobs = iter(enumerate(bodies))
    out: list[Outcome] = []
    limit = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    timeout = aiohttp.ClientTimeout(total=request_timeout_s)
    async with aiohttp.ClientSession(connector=limit, timeout=timeout) as http:
        started = time.monotonic()
        workers = [
            asyncio.create_task(_worker(http, url, jobs, out, headers))
            for _ in range(min(concurrency, len(bodies)))
        ]
        timed_out = await _timed_out(workers, burst_timeout_s)
        ended = max((o.done_at for o in out), default=time.monotonic())
    return BurstResult(len(bodies), tuple(out), started, ended, timed_out)


def _connect_timer(slow: list[float], over_s: float) -> aiohttp.TraceConfig:
    """Times each new connection; keeps those slower than `over_s`."""
    trace = aiohttp.TraceConfig()

    async def start(_s: Any, ctx: Any, _p: Any) -> None:
        ctx.connect_started = time.monotonic()

    async def end(_s: Any, ctx: Any, _p: Any) -> None:
        took = time.monotonic() - getattr(ctx, "connect_started", time.monotonic())
        if took > over_s:
            slow.append(took)

    trace.on_connection_create_start.append(start)
    trace.on_connection_create_end.append(end)
    return trace


async def fire_open(
    url: str,
    activities: list[dict[str, Any]],
    due_s: list[float],
    *,
    request_timeout_s: float = 30.0,
    burst_timeout_s: float = 300.0,
    auth: dict[str, str] | None = None,
    slow_connect_s: float = 0.5,
) -> BurstResult:
    """Open loop: activity i is sent `due_s[i]` seconds after the start, whatever the
    answers so far; no cap on requests in flight. Latency = answer − due time."""
    if len(due_s) != len(activities):
        raise ValueError("one due time per activity")
    bodies = [json.dumps(a, ensure_ascii=False).encode() for a in activities]
    headers = JSON | (auth or {})
    out: list[Outcome] = []
    slow: list[float] = []
    limit = aiohttp.TCPConnector(limit=0, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=request_timeout_s)
    async with aiohttp.ClientSession(
        connector=limit, timeout=timeout, trace_configs=[_connect_timer(slow, slow_connect_s)]
    ) as http:
        started = time.monotonic() + 0.05  # every task exists before the first is due

        async def one(index: int, body: bytes, due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            lag = time.monotonic() - due
            out.append(await _send(http, url, headers, index, body, due, lag))

        tasks = [
            asyncio.create_task(one(i, body, started + due_s[i])) for i, body in enumerate(bodies)
        ]
        timed_out = await _timed_out(tasks, burst_timeout_s)
        ended = max((o.done_at for o in out), default=time.monotonic())
    return BurstResult(
        len(bodies), tuple(out), started, ended, timed_out, tuple(sorted(slow, reverse=True))
    )
