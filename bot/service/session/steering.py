"""Host controls and timers moving the session: next, back, skip, extend, pause, resume, end.

Each is one compare-and-set on the session (bot/store/scripts.py HOST_UPDATE) followed, for
the one call that wrote, by its side effects: timers planned, shared card marked stale, the
phase announced and its cards posted. A text command, a card button and a timer all come
through here, so they behave the same.
"""

from __future__ import annotations

import logging

from bot.domain.phases import Move, Phase, back_step, next_step, skip_step
from bot.domain.refusal import Refusal
from bot.domain.session import Session
from bot.domain.timers import idle_timer_id
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.session import effects
from bot.service.session.effects import Effect
from bot.service.turn import Steer, refusal_notice, succeeded
from bot.store.answers import Moved, Refused
from cards.text import item_name
from cards.views import Notice

logger = logging.getLogger(__name__)


async def touch(deps: Deps, sid: str) -> None:
    """A host acted: the session's idle end (bot/service/session/idle.py) moves out again."""
    await deps.timers.rearm(idle_timer_id(sid), deps.clock.now_ms() + deps.rules.idle_s * 1000)


async def _write(
    deps: Deps,
    session: Session,
    steer: Steer,
    rev: int,
    fields: dict[str, object],
    *,
    bump_rev: bool = False,
    end: bool = False,
    effects: list[Effect] | None = None,
) -> Moved | Refused:
    result = await deps.store.update(
        session.sid,
        steer.activity_id,
        steer.tag,
        rev,
        {k: str(v) for k, v in fields.items()},
        expected_tver=steer.expected_tver,
        bump_rev=bump_rev,
        end=end,
        now_ms=deps.clock.now_ms(),
        retention_s=deps.rules.retention_s,
        effects=effects or (),
    )
    if succeeded(result):
        await touch(deps, session.sid)
    if effects and succeeded(result):
        await deps.effects.carry_out(session.sid)
    return result


async def move_to(deps: Deps, session: Session, steer: Steer, rev: int, move: Move) -> Notice:
    t = translator(session.locale)
    now = deps.clock.now_ms()
    if move.phase is Phase.ENDED:
        return await end(deps, session, steer, rev)
    fields = {
        "phase": move.phase.value,
        "step": move.step,
        "phase_started_ms": now,
        "phase_ends_ms": move.ends_ms(now),
        "paused_left_ms": 0,
        "presenting": 1 if move.phase is Phase.PRESENTATIONS else 0,
    }
    caused = effects.phase_moved(session.item, move, now, session.settings.reminder_s)
    result = await _write(deps, session, steer, rev, fields, bump_rev=True, effects=caused)
    if not succeeded(result):
        return refusal_notice(result)
    name = item_name(t, move.item) if move.item else t(f"phase.{move.phase.value}")
    return Notice("host.moved", {"phase": name})


async def go_next(deps: Deps, session: Session, steer: Steer, rev: int) -> Notice:
    if session.phase is Phase.PRESENTATIONS:
        count, _ = await deps.groups.placement(session.sid)
        if session.presenting < count:  # the next group presents, with its own timebox
            return await next_presenter(deps, session, steer, rev, session.presenting + 1)
    return await move_to(deps, session, steer, rev, next_step(session.agenda, session.step))


async def next_presenter(
    deps: Deps, session: Session, steer: Steer, rev: int, group: int
) -> Notice:
    now = deps.clock.now_ms()
    minutes = session.item.minutes if session.item else 0
    ends = now + minutes * 60_000 if minutes else 0
    fields = {
        "presenting": group,
        "phase_started_ms": now,
        "phase_ends_ms": ends,
        "paused_left_ms": 0,
    }
    caused = effects.presenter_changed(group, ends, now, session.settings.reminder_s)
    result = await _write(deps, session, steer, rev, fields, bump_rev=True, effects=caused)
    if not succeeded(result):
        return refusal_notice(result)
    return Notice("groups.now_presenting", {"g": group})


async def go_back(deps: Deps, session: Session, steer: Steer, rev: int) -> Notice:
    move = back_step(session.agenda, session.step)
    if isinstance(move, Refusal):
        return Notice(move.key, move.params, good=False)
    return await move_to(deps, session, steer, rev, move)


async def go_skip(deps: Deps, session: Session, steer: Steer, rev: int) -> Notice:
    move = skip_step(session.agenda, session.step)
    if isinstance(move, Refusal):
        t = translator(session.locale)
        params = {**move.params}
        if "phase" in params:
            params["phase"] = t(f"phase.{params['phase']}")
        return Notice(move.key, params, good=False)
    return await move_to(deps, session, steer, rev, move)


async def _retime(
    deps: Deps, session: Session, steer: Steer, rev: int, op: str, minutes: int, said: Notice
) -> Notice:
    """One RETIME step: computed in Redis from the timer as it is now (two hosts pressing
    pause and +5 together both take effect); the timers and the card follow as effects."""
    result = await deps.store.retime(
        session.sid,
        steer.activity_id,
        steer.tag,
        rev,
        op,
        minutes,
        deps.clock.now_ms(),
        session.settings.reminder_s,
    )
    if isinstance(result, Refused):
        return refusal_notice(result, "timer")
    await touch(deps, session.sid)
    await deps.effects.carry_out(session.sid)
    logger.info("timer_changed", extra={"sid": session.sid, "paused": result.paused_left_ms > 0})
    return said


async def extend(deps: Deps, session: Session, steer: Steer, rev: int, minutes: int) -> Notice:
    said = Notice("timer.extended", {"n": minutes})
    return await _retime(deps, session, steer, rev, "extend", minutes, said)


async def pause(deps: Deps, session: Session, steer: Steer, rev: int) -> Notice:
    return await _retime(deps, session, steer, rev, "pause", 0, Notice("timer.paused"))


async def resume(deps: Deps, session: Session, steer: Steer, rev: int) -> Notice:
    return await _retime(deps, session, steer, rev, "resume", 0, Notice("timer.resumed"))


async def end(deps: Deps, session: Session, steer: Steer, rev: int) -> Notice:
    fields = {"step": -1, "phase_ends_ms": 0}
    caused = effects.session_ended(session.item)
    result = await _write(
        deps, session, steer, rev, fields, bump_rev=True, end=True, effects=caused
    )
    if not succeeded(result):
        return refusal_notice(result)
    return Notice("summary.posted")
