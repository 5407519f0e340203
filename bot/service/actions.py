"""Card actions (Action.Execute): each returns the card the clicking person sees next.

Guards (session exists, same conversation, phase, host) run in handlers.py before these;
the real checks are repeated atomically in the store's scripts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.domain.ideas import decide_idea
from bot.domain.participants import Role, decide_check_in
from bot.domain.phases import JOINABLE, Phase, next_phase
from bot.domain.refusal import Refusal
from bot.domain.session import Session
from bot.i18n import Translator
from bot.service.answers import first_time, refusal_notice, succeeded
from bot.service.deps import Deps
from bot.service.phases import announce_phase
from bot.service.ports import Actor, Card
from bot.service.summary import end_session
from bot.service.views import author_tag, member_tag, personal_view
from bot.store.sessions import RosterEntry
from cards import join
from cards import session as session_card
from cards.text import to_json
from cards.views import JoinView, Notice

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Click:
    actor: Actor
    sid: str
    rev: int
    data: dict[str, Any]
    session: Session
    t: Translator


async def view_card(
    deps: Deps, click: Click, notice: Notice | None = None, draft: str = ""
) -> Card:
    _, view = await personal_view(deps, click.sid, click.actor, notice=notice, draft=draft)
    return to_json(session_card.build(view, click.t))


async def refresh(deps: Deps, click: Click) -> Card:
    return await view_card(deps, click)


async def open_join(deps: Deps, click: Click, notice: Notice | None = None) -> Card:
    entry = await deps.store.roster_entry(click.sid, member_tag(deps, click.sid, click.actor))
    role = click.data.get("role") if notice else (entry.role if entry else None)
    department = click.data.get("department") if notice else (entry.department if entry else "")
    view = JoinView(
        sid=click.sid,
        rev=click.session.rev,
        topic=click.session.topic,
        role=Role(role) if isinstance(role, str) and role in Role.__members__.values() else None,
        department=department if isinstance(department, str) else "",
        notice=notice,
    )
    return to_json(join.build(view, click.t))


async def confirm_join(deps: Deps, click: Click) -> Card:
    decided = decide_check_in(click.data.get("role"), click.data.get("department"))
    if isinstance(decided, Refusal):
        return await open_join(deps, click, Notice(decided.key, decided.params, good=False))
    entry = RosterEntry(
        decided.role.value, decided.department, click.actor.name, click.actor.user_id
    )
    result = await deps.store.join(
        click.sid,
        click.actor.activity_id,
        member_tag(deps, click.sid, click.actor),
        entry,
        frozenset(p.value for p in JOINABLE),
    )
    if result not in ("new", "updated"):
        return await view_card(deps, click, refusal_notice(result))
    await deps.outbox.mark(click.sid)
    logger.info("participant_joined", extra={"sid": click.sid, "fresh": result == "new"})
    role = click.t("role." + decided.role.value)
    return await view_card(deps, click, Notice("join.done", {"role": role}))


async def submit_idea(deps: Deps, click: Click) -> Card:
    raw = click.data.get("idea")
    decided = decide_idea(raw, deps.rules.idea_max_len)
    draft = raw[: 2 * deps.rules.idea_max_len] if isinstance(raw, str) else ""
    if isinstance(decided, Refusal):
        return await view_card(deps, click, Notice(decided.key, decided.params, good=False), draft)
    result = await deps.store.submit_idea(
        click.sid,
        click.actor.activity_id,
        author_tag(deps, click.sid, click.actor),
        decided,
        click.rev,
        deps.clock.now_ms(),
        deps.rules.max_ideas_per_person,
    )
    if not result.startswith("ok:"):
        notice = refusal_notice(result, max=deps.rules.max_ideas_per_person)
        return await view_card(deps, click, notice, draft)
    await deps.outbox.mark(click.sid)
    logger.info("idea_submitted", extra={"sid": click.sid})
    return await view_card(deps, click, Notice("idea.received"))


async def advance(deps: Deps, click: Click) -> Card:
    step = next_phase(click.session.agenda, click.session.phase, deps.clock.now_ms())
    if isinstance(step, Refusal):
        return await view_card(deps, click, Notice(step.key, step.params, good=False))
    if step.to is Phase.ENDED:
        return await end(deps, click)
    result = await deps.store.advance(
        click.sid,
        click.actor.activity_id,
        member_tag(deps, click.sid, click.actor),
        click.rev,
        step.to.value,
        deps.clock.now_ms(),
        step.ends_ms,
        deps.rules.retention_s,
    )
    if not succeeded(result):
        return await view_card(deps, click, refusal_notice(result))
    if first_time(result):
        await announce_phase(deps, click.sid, step)
    phase = click.t(f"phase.{step.to.value}")
    return await view_card(deps, click, Notice("host.moved", {"phase": phase}))


async def end(deps: Deps, click: Click) -> Card:
    result = await end_session(deps, click.sid, click.actor, click.rev)
    if not succeeded(result):
        return await view_card(deps, click, refusal_notice(result))
    return await view_card(deps, click, Notice("summary.posted"))
