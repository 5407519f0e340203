"""Clicks on the session card (Action.Execute): the host's controls, check-in, a refresh.
Each returns the card the clicking person sees next. Guards (session exists, same
conversation, phase, host) run in handlers.py before these; the real checks are repeated
atomically in the store's scripts.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from bot.domain.grouping import Member
from bot.domain.grouping import place_late_joiner as where
from bot.domain.participants import Role, decide_check_in
from bot.domain.phases import JOINABLE, Phase
from bot.domain.refusal import Refusal
from bot.domain.timers import decide_extension
from bot.service.deps import Deps
from bot.service.groups.breakout import as_groups, board_mark
from bot.service.ports import Card
from bot.service.session import readiness, steering
from bot.service.turn import Click, Steering, refusal_notice
from bot.service.views import (
    author_tag,
    member_tag,
    personal_view,
)
from bot.service.voting.rounds import round_of, voter_tag
from bot.store.sessions import RosterEntry
from cards import join, timeup
from cards import notice as notice_card
from cards import session as session_card
from cards.views import JoinView, Notice, TimeUpView

logger = logging.getLogger(__name__)


async def view_card(deps: Deps, click: Click, notice: Notice | None = None) -> Card:
    _, view = await personal_view(deps, click.sid, click.actor, notice=notice)
    return session_card.build(view, click.t)


async def answer(deps: Deps, click: Click, notice: Notice) -> Card:
    """A host's press on a one-off card (time-up prompt) gets a one-line answer there."""
    if click.data.get("card") == "timeup":
        if notice.good:  # the time-up card in its done state: "Moved on to …", no buttons
            view = TimeUpView(click.sid, click.rev, click.session.current_item, None)
            return timeup.answered(view, notice, click.t)
        return notice_card.message(click.t, notice.key, notice.good, **notice.params)
    return await view_card(deps, click, notice)


async def refresh(deps: Deps, click: Click) -> Card:
    return await view_card(deps, click)


async def open_join(
    deps: Deps, click: Click, notice: Notice | None = None, typed: bool = False
) -> Card:
    """The check-in form: what was typed (after a refusal), or what is on record."""
    entry = await deps.store.roster_entry(click.sid, member_tag(deps, click.sid, click.actor))
    role = click.data.get("role") if typed else (entry.role if entry else None)
    department = click.data.get("department") if typed else (entry.department if entry else "")
    view = JoinView(
        sid=click.sid,
        rev=click.session.rev,
        topic=click.session.topic,
        role=Role(role) if isinstance(role, str) and role in Role.__members__.values() else None,
        department=department if isinstance(department, str) else "",
        notice=notice,
        standalone=click.data.get("card") == "checkin",
    )
    return join.build(view, click.t)


async def confirm_join(deps: Deps, click: Click) -> Card:
    decided = decide_check_in(click.data.get("role"), click.data.get("department"))
    if isinstance(decided, Refusal):
        refused = Notice(decided.key, decided.params, good=False)
        return await open_join(deps, click, refused, typed=True)
    entry = RosterEntry(
        decided.role.value,
        decided.department,
        click.actor.name,
        click.actor.user_id,
        click.actor.aad_id,
    )
    voting_now = click.session.phase is Phase.VOTING
    result = await deps.store.join(
        click.sid,
        click.actor.activity_id,
        member_tag(deps, click.sid, click.actor),
        entry,
        frozenset(p.value for p in JOINABLE),
        author_tag=author_tag(deps, click.sid, click.actor),  # readiness: ideas sent before
        vote=(
            round_of(click.session),
            voter_tag(deps, click.sid, click.actor.aad_id),
            click.session.settings.votes_per_person,
        )
        if voting_now
        else None,
    )
    if result not in ("new", "updated"):
        return await open_join(deps, click, refusal_notice(result), typed=True)
    await deps.outbox.mark(click.sid)
    logger.info("participant_joined", extra={"sid": click.sid, "fresh": result == "new"})
    if result == "new":
        await place_late_joiner(deps, click)
        await readiness.tell_when_everyone_is_done(deps, click.session)
    role = click.t("role." + decided.role.value)
    # The answer is the form itself, confirmed: the shared card's next update cannot wipe it
    # on the standalone check-in card, and the form is there to change one's mind.
    return await open_join(deps, click, Notice("join.done", {"role": role}))


async def place_late_joiner(deps: Deps, click: Click) -> None:
    """Groups made already: a late joiner goes to the smallest group (ties: lacking role)."""
    count, placement = await deps.groups.placement(click.sid)
    if not count or click.tag in placement:
        return
    entry = await deps.store.roster_entry(click.sid, click.tag)
    if entry is None:
        return
    index = where(
        await as_groups(deps, click.sid), Member(click.tag, Role(entry.role), entry.department)
    )
    await deps.groups.place(click.sid, click.tag, index + 1)
    await deps.outbox.mark(board_mark(click.sid, index + 1))


def steered(step: Steering) -> Callable[[Deps, Click], Awaitable[Card]]:
    """A host control pressed on a card: the same step as its text command, answered on
    the card that was pressed."""

    async def pressed(deps: Deps, click: Click) -> Card:
        return await answer(deps, click, await step(deps, click.session, click.steer, click.rev))

    return pressed


go_next, go_back, go_skip = (
    steered(s) for s in (steering.go_next, steering.go_back, steering.go_skip)
)
pause, resume, end = (steered(s) for s in (steering.pause, steering.resume, steering.end))


async def extend(deps: Deps, click: Click) -> Card:
    minutes = decide_extension(click.data.get("minutes"))
    if isinstance(minutes, Refusal):
        return await answer(deps, click, Notice(minutes.key, minutes.params, good=False))
    notice = await steering.extend(deps, click.session, click.steer, click.rev, minutes)
    return await answer(deps, click, notice)
