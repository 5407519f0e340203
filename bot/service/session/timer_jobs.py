"""Timers firing (SPEC §3 Timers): the reminder, and at the end auto-advance or a prompt.

Any replica may claim a due timer (bot/store/timers.py); a claimed timer whose runner died
is run again after its lease. Every effect is idempotent: a move is a compare-and-set on
the session's timer version, and a message is posted only by the run that wins `fire_once`.
Each run has its own correlation id; a failing tick (Redis down) backs off.
"""

from __future__ import annotations

import asyncio
import logging

from bot.domain.follow_up import FollowJob
from bot.domain.phases import Phase
from bot.domain.session import Session
from bot.domain.timers import TimerJob, TimerKind, is_idle_timer
from bot.i18n import translator
from bot.logs import correlated, raise_if_cancelled, run_loop
from bot.metrics import Metrics
from bot.service.action_items import follow_up_jobs
from bot.service.delivery import send_once
from bot.service.deps import Deps
from bot.service.ports import SystemClock
from bot.service.session import idle, steering
from bot.service.views import conv_ref, following
from cards import timeup
from cards.text import item_name
from cards.views import TimeUpView

logger = logging.getLogger(__name__)

LEASE_MS = 30_000
RETRY_MS = 5_000


def due_ms(session: Session, kind: TimerKind) -> int:
    """When this timer was planned to run (timers.plan): the phase end, or before it."""
    if kind is TimerKind.REMINDER:
        return session.phase_ends_ms - session.settings.reminder_s * 1000
    return session.phase_ends_ms


async def run_timer(deps: Deps, timer_id: str, metrics: Metrics) -> None:
    if is_idle_timer(timer_id):
        await idle.end_idle(deps, timer_id)  # nobody steered it for SESSION_IDLE_DAYS
        return
    if (follow_job := FollowJob.parse(timer_id)) is not None:
        await follow_up_jobs.run_job(deps, follow_job)  # after the end: reminders (issue 10 §3)
        return
    job = TimerJob.parse(timer_id)
    if job is None:
        return
    meta = await deps.store.meta(job.sid)
    if not meta:
        return
    session = Session.from_meta(job.sid, meta)
    if not session.active or session.tver != job.tver or session.phase is Phase.SETUP:
        return  # superseded by extend/pause/next/back/end: this timer has nothing to do
    t = translator(session.locale)
    phase = item_name(t, session.current_item)
    lag = deps.clock.now_ms() - due_ms(session, job.kind)
    metrics.timer_ran(job.kind.value, lag)
    if job.kind is TimerKind.REMINDER:
        minutes = max(1, round(session.settings.reminder_s / 60))
        text = t("timer.reminder", n=minutes, phase=phase)
        await send_once(deps, job.sid, timer_id, conv_ref(meta), text=text)
        return
    logger.info(
        "timer_ended_phase",
        extra={"sid": job.sid, "lag_ms": lag, "auto": session.settings.auto_advance},
    )
    if session.settings.auto_advance:
        steer = steering.Steer("", f"timer:{timer_id}", expected_tver=job.tver)
        await steering.go_next(deps, session, steer, session.rev)
    else:
        view = TimeUpView(job.sid, session.rev, session.current_item, following(session))
        card = timeup.build(view, t)
        await send_once(deps, job.sid, timer_id, conv_ref(meta), card=card)


class TimerRunner:
    """Polls the shared queue; late by at most the poll interval, after a restart too."""

    def __init__(self, deps: Deps, poll_s: float, metrics: Metrics) -> None:
        self._deps = deps
        self.poll_s = poll_s
        self._metrics = metrics

    async def tick(self) -> int:
        clock = self._deps.clock
        due = None if isinstance(clock, SystemClock) else clock.now_ms()  # tests drive time
        ids = await self._deps.timers.claim(due, LEASE_MS)
        if not ids:
            return 0
        renewing = asyncio.create_task(self._renew(ids), name="timer-lease")
        try:
            for timer_id in ids:
                with correlated():
                    try:
                        await run_timer(self._deps, timer_id, self._metrics)
                    except Exception as exc:
                        raise_if_cancelled(exc)
                        logger.exception("timer_failed", extra={"timer": timer_id})
                        # put back, due again soon: a failed send is tried again, never lost
                        await self._deps.timers.retry(timer_id, clock.now_ms() + RETRY_MS)
                        continue
                    await self._deps.timers.done(timer_id)
        finally:
            renewing.cancel()
        return len(ids)

    async def _renew(self, ids: list[str]) -> None:
        """While this tick runs, its timers' leases are renewed (a send may wait out
        Teams' pacing and retries for longer than one lease)."""
        while True:
            await asyncio.sleep(LEASE_MS / 3000)
            try:
                await self._deps.timers.renew(ids, LEASE_MS)
            except Exception as exc:  # noqa: BLE001 - the lease then runs out: a rerun is harmless
                raise_if_cancelled(exc)

    async def run(self) -> None:
        failed = lambda: self._metrics.loop_failed("timer")  # noqa: E731
        await run_loop(logger, "timer", self.tick, self.poll_s, failed=failed)
