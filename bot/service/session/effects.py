"""What a state change causes, as data, and who carries it out (issue 14, STYLE 2.2).

The transition (bot/service/session/steering.py) names its effects; HOST_UPDATE records them in the
same step as the change (bot/store/effects.py). `EffectRunner`, on any replica, carries them
out in the order they were recorded, retries each with backoff, and removes it once done.
Every handler may run twice (a replica dying between the effect and its removal), so each
is harmless when repeated, or at worst repeats one message.

A new effect: a payload builder here, a handler, one line in EFFECTS.
"""

from __future__ import annotations

import asyncio
import json
import logging
from types import MappingProxyType
from typing import Any, Awaitable, Callable, Mapping

from bot.domain.phases import AgendaItem, Move, Phase
from bot.domain.session import Session
from bot.domain.timers import plan
from bot.i18n import translator
from bot.logs import correlated, raise_if_cancelled, run_loop
from bot.service.action_items import follow_up
from bot.service.deps import Deps
from bot.service.groups import breakout
from bot.service.records.summary import post_summary
from bot.service.session import readiness
from bot.service.session.phase_entry import enter_phase, leave_phase
from bot.service.views import conv_ref
from bot.store.effects import EffectStore

logger = logging.getLogger(__name__)

Effect = tuple[str, str]  # (id, JSON payload), "$TVER"/"$REV" filled in by the script

MAX_TRIES = 12  # with the delays below: about 8 minutes of a Teams outage
RETRY_MS = (1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000)
LEASE_MS = 15_000  # renewed at every poll while they run: a dead replica holds them <= 15 s
WAIT_S = 10.0  # how long a turn waits for its own effects (they go on after it)


def _effect(kind: str, seq: int, **args: Any) -> Effect:
    return f"{kind}:$TVER", json.dumps({"kind": kind, "tver": "$TVER", "seq": seq, **args})


# -- what transitions cause (RETIME in bot/store/scripts.py records its own) -----------


def phase_moved(left: AgendaItem | None, move: Move, now_ms: int, reminder_s: int) -> list[Effect]:
    item = move.item
    out = [_effect("timers", 0, ends=move.ends_ms(now_ms), now=now_ms, reminder=reminder_s)]
    if left is not None:
        out.append(_effect("left", 1, item=[left.phase.value, left.minutes, left.part]))
    if item is not None:
        entered = [item.phase.value, item.minutes, item.part]
        out.append(_effect("entered", 2, step=move.step, item=entered))
    return out


def presenter_changed(group: int, ends_ms: int, now_ms: int, reminder_s: int) -> list[Effect]:
    return [
        _effect("timers", 0, ends=ends_ms, now=now_ms, reminder=reminder_s),
        _effect("card", 1),
        _effect("presenter", 2, group=group),
    ]


def session_ended(left: AgendaItem | None) -> list[Effect]:
    out = [_effect("closed", 0)]
    if left is not None:
        out.append(_effect("left", 1, item=[left.phase.value, left.minutes, left.part]))
    out += [_effect("summary", 2), _effect("follow_ups", 3)]
    return out


def everyone_done(session: Session) -> dict[str, str]:
    """The last idea or dot of a phase step came in: say so once (readiness.py), off the
    click's path. One id per step and rev: recorded twice, it is there once."""
    payload = json.dumps({"kind": "ready", "tver": str(session.tver), "seq": 0})
    return {f"ready:{session.step}:{session.rev}": payload}


def summary_again() -> dict[str, str]:
    """A host asks for a summary whose posting had failed: recorded once, however often."""
    return {"summary:again": json.dumps({"kind": "summary", "tver": "0", "seq": 0})}


async def offer_summary_again(deps: Deps, session: Session) -> bool:
    """`status` or `eksport` after an end whose summary could not be posted: post it now
    (recorded as an effect like the first time, so it is retried the same way)."""
    meta = await deps.store.meta(session.sid)
    if session.phase is not Phase.ENDED or meta.get("summary_failed") != "1":
        return False
    await deps.store.save_settings(session.sid, {"summary_failed": "0"})
    await deps.effects.record(session.sid, summary_again())
    return True


# -- how each is carried out ------------------------------------------------------------


def _item(raw: list[Any]) -> AgendaItem:
    return AgendaItem(Phase(raw[0]), int(raw[1]), int(raw[2]))


async def _timers(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    jobs = plan(sid, int(e["tver"]), int(e["ends"]), int(e["now"]), int(e["reminder"]))
    await deps.timers.schedule(jobs)  # ZADD NX: twice is once


async def _card(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    await deps.outbox.mark(sid)


async def _left(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    await leave_phase(deps, sid, _item(e["item"]))


async def _entered(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    # Also when the host moved on meanwhile: effects run in the order they were recorded,
    # so the phase is announced and its groups made before the next one needs them.
    await enter_phase(deps, sid, Move(int(e["step"]), _item(e["item"])))


async def _presenter(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    await breakout.present(deps, sid, int(e["group"]))


async def _closed(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    logger.info("session_ended", extra={"sid": sid})
    await deps.outbox.mark(sid)
    meta = await deps.store.meta(sid)
    await deps.store.expire_pointer(meta.get("conv_key", ""), sid, deps.rules.retention_s)
    await deps.store.remember_ended(meta.get("conv_key", ""), sid, deps.rules.retention_s)


async def _summary(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    meta = await deps.store.meta(sid)
    if meta:
        await post_summary(deps, sid, meta)
        await deps.store.save_settings(sid, {"summary_failed": "0"})


async def _adjourned(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    from bot.service.session import adjournment  # on steering, which builds on this module

    await adjournment.post_adjourned(deps, sid)


async def _resumed(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    from bot.service.session import adjournment

    await adjournment.post_resumed(deps, sid, int(e["ends"]), int(e["now"]))


async def _ready(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    meta = await deps.store.meta(sid)
    if meta:  # the counts are read again there; the message goes out once (send_once)
        await readiness.tell_when_everyone_is_done(deps, Session.from_meta(sid, meta))


async def _follow_ups(deps: Deps, sid: str, e: dict[str, Any]) -> None:
    await follow_up.schedule_start(deps, sid)  # a timer with a fixed id: twice is once


async def _summary_given_up(deps: Deps, sid: str) -> None:
    """The summary could not be posted for minutes: say so, and how to get it later."""
    meta = await deps.store.meta(sid)
    if not meta:
        return
    await deps.store.save_settings(sid, {"summary_failed": "1"})
    t = translator(Session.from_meta(sid, meta).locale)
    try:
        await deps.sender.send(conv_ref(meta), text=t("summary.failed"))
    except Exception:  # noqa: BLE001 - Teams is still down: status/eksport will offer it
        logger.warning("summary_failure_notice_failed", extra={"sid": sid})


Handler = Callable[[Deps, str, dict[str, Any]], Awaitable[None]]

EFFECTS: Mapping[str, Handler] = MappingProxyType(
    {
        "timers": _timers,
        "card": _card,
        "left": _left,
        "entered": _entered,
        "presenter": _presenter,
        "closed": _closed,
        "summary": _summary,
        "follow_ups": _follow_ups,
        "adjourned": _adjourned,
        "resumed": _resumed,
        "ready": _ready,
    }
)
GIVEN_UP: Mapping[str, Callable[[Deps, str], Awaitable[None]]] = MappingProxyType(
    {"summary": _summary_given_up}
)


def _order(item: tuple[str, str]) -> tuple[int, int]:
    try:
        data = json.loads(item[1])
        return int(data.get("tver", 0)), int(data.get("seq", 0))
    except (ValueError, TypeError):
        return 0, 0


async def run_effects(deps: Deps, store: EffectStore, sid: str) -> int:
    """Carry out a session's effects, oldest first. Returns ms until the rest are due."""
    again_ms = 0
    for effect_id, payload in sorted((await store.pending(sid)).items(), key=_order):
        try:
            data = json.loads(payload)
            handler = EFFECTS[data["kind"]]
        except (ValueError, KeyError, TypeError):
            logger.error("effect_unreadable", extra={"sid": sid, "effect": effect_id})
            await store.settle(sid, effect_id, payload)
            continue
        try:
            await handler(deps, sid, data)
        except Exception as exc:  # noqa: BLE001 - retried with backoff, then given up
            raise_if_cancelled(exc)
            tries = int(data.get("tries", 0)) + 1
            if tries >= MAX_TRIES:
                logger.error("effect_gave_up", extra={"sid": sid, "effect": data["kind"]})
                if await store.settle(sid, effect_id, payload) and data["kind"] in GIVEN_UP:
                    await GIVEN_UP[data["kind"]](deps, sid)
                continue
            logger.warning(
                "effect_failed", extra={"sid": sid, "effect": data["kind"], "tries": tries}
            )
            await store.settle(sid, effect_id, payload, json.dumps({**data, "tries": tries}))
            delay = RETRY_MS[min(tries, len(RETRY_MS)) - 1]
            again_ms = delay if not again_ms else min(again_ms, delay)
            continue
        await store.settle(sid, effect_id, payload)
    return again_ms


class EffectRunner:
    """Polls the effects index, and wakes at once when this replica recorded effects."""

    def __init__(self, deps: Deps, store: EffectStore, poll_s: float) -> None:
        self._deps = deps
        self._store = store
        self.poll_s = poll_s
        self._running: dict[str, asyncio.Task[None]] = {}
        deps.effects.bind(self.now, store.record)

    async def now(self, sid: str) -> None:
        task = self._running.get(sid)
        if task is None or task.done():
            if await self._store.claim_one(sid, LEASE_MS):
                task = asyncio.create_task(self._run(sid), name=f"effects-{sid}")
                self._running[sid] = task
            else:  # the poll loop may have just taken it; else another replica has it
                task = self._running.get(sid)
                if task is None or task.done():
                    return
        await asyncio.wait({task}, timeout=WAIT_S)

    async def _run(self, sid: str) -> None:
        with correlated():
            again_ms = 1_000
            try:
                again_ms = await run_effects(self._deps, self._store, sid)
            except Exception as exc:  # noqa: BLE001 - Redis away: the lease runs out, retried
                raise_if_cancelled(exc)
                logger.warning("effects_run_failed", extra={"sid": sid}, exc_info=True)
            try:
                await self._store.release(sid, again_ms or 1_000)
            except Exception as exc:  # noqa: BLE001
                raise_if_cancelled(exc)

    async def tick(self) -> int:
        done = [sid for sid, task in self._running.items() if task.done()]
        for sid in done:
            self._running.pop(sid)
        sids = await self._store.claim(20, LEASE_MS, list(self._running))
        for sid in sids:
            if sid not in self._running:
                self._running[sid] = asyncio.create_task(self._run(sid), name=f"effects-{sid}")
        return len(sids)

    async def _pause(self, delay: float) -> None:
        """Until the poll interval is up, or this replica recorded effects (EffectsPort)."""
        wake = self._deps.effects.wake
        try:
            await asyncio.wait_for(wake.wait(), timeout=delay)
        except asyncio.TimeoutError:
            pass
        wake.clear()

    async def run(self) -> None:
        try:
            try:
                await self._store.sweep()
            except Exception as exc:  # noqa: BLE001 - swept at the next start
                raise_if_cancelled(exc)
            await run_loop(logger, "effects", self.tick, self.poll_s, pause=self._pause)
        finally:
            for task in self._running.values():
                task.cancel()
            if self._running:
                await asyncio.wait(list(self._running.values()), timeout=5)
