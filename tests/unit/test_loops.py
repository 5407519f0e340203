"""Background loops stop when cancelled, even when the cancellation is swallowed on the way.

On Python 3.11 a timeout inside a library (redis-py's socket timeouts) can turn the
CancelledError of a shutdown into TimeoutError; a loop that catches Exception would then go
on forever and shutdown would wait for it. The loops check the task's pending cancel.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot.logs import raise_if_cancelled
from bot.metrics import Metrics
from bot.service.session.timer_jobs import TimerRunner


class SwallowingTimers:
    """A store whose call turns a cancellation into TimeoutError, as a library may."""

    def __init__(self) -> None:
        self.calls = 0
        self.busy = asyncio.Event()

    async def claim(self, now_ms: int, lease_ms: int) -> list[str]:
        self.calls += 1
        if self.calls >= 3:
            self.busy.set()
        try:
            await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            raise TimeoutError("read timed out") from None
        return []


async def test_the_timer_loop_stops_although_its_store_swallowed_the_cancel() -> None:
    timers = SwallowingTimers()
    deps = SimpleNamespace(timers=timers, clock=SimpleNamespace(now_ms=lambda: 0))
    runner = TimerRunner(deps, poll_s=0.001, metrics=Metrics())  # type: ignore[arg-type]
    task = asyncio.create_task(runner.run())
    await timers.busy.wait()
    task.cancel()
    await asyncio.wait({task}, timeout=2)  # not wait_for: it would wait for a loop that lives
    assert task.cancelled(), "the loop went on after its cancellation"


async def test_without_a_pending_cancel_nothing_is_raised() -> None:
    raise_if_cancelled(TimeoutError())  # an ordinary failure: the loop backs off and goes on
