"""Clicks on group cards: add an input, sort it into a category, vote for the top 3.

Only the group's members (and hosts) count; the scripts check membership again. Each
answer is the clicking person's own view of the card they pressed.
"""

from __future__ import annotations

import dataclasses

from bot.domain.ideas import decide_idea
from bot.domain.phases import Phase
from bot.domain.refusal import Refusal
from bot.domain.screening import screen
from bot.domain.tags import Purpose, tag
from bot.service.deps import Deps
from bot.service.groups import breakout
from bot.service.groups.breakout import board_mark, board_view, part_of
from bot.service.ports import Card
from bot.service.turn import Click, refusal_notice
from bot.store.ballots import Cast
from cards import groups as group_cards
from cards.views import BoardView, Notice


def _group(click: Click) -> int:
    g = click.data.get("g")
    return g if isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 12 else 0


def _refused(result: str) -> Notice:
    return refusal_notice(result, "groups")


async def _may(deps: Deps, click: Click, group: int) -> bool:
    return await deps.groups.group_of(click.sid, click.tag) == group or await deps.store.is_host(
        click.sid, click.tag
    )


async def add_input(deps: Deps, click: Click) -> Card:
    group, raw = _group(click), click.data.get("input")
    part = click.data.get("part") if click.data.get("part") in (1, 2) else 1
    draft = raw[:2000] if isinstance(raw, str) else ""
    view = await board_view(deps, click.session, group or 1, part=int(part))
    if not group or not await _may(deps, click, group):
        return group_cards.form(_with(view, _refused("not_member")), click.t, draft)
    decided = decide_idea(raw, deps.rules.idea_max_len)
    if not isinstance(decided, Refusal):  # the author alone hears why; nothing is stored
        decided = screen(decided, deps.rules.screening, click.session.locale) or decided
    if isinstance(decided, Refusal):
        notice = Notice(decided.key, decided.params, good=False)
        return group_cards.form(_with(view, notice), click.t, draft)
    if click.session.phase is not Phase.GROUPS or part_of(click.session) != part:
        return group_cards.form(_with(view, _refused("wrong_phase")), click.t, draft)
    result = await deps.groups.submit(
        click.sid,
        click.actor.activity_id,
        click.tag,
        group,
        click.rev,
        int(part),
        decided,
        deps.clock.now_ms(),
    )
    if not result.startswith("ok:"):
        return group_cards.form(_with(view, _refused(result)), click.t, draft)
    await deps.outbox.mark(board_mark(click.sid, group))
    return group_cards.form(_with(view, Notice("groups.added")), click.t)


async def categorize(deps: Deps, click: Click) -> Card:
    group, item, category = _group(click), click.data.get("input"), click.data.get("category")
    if not group or not isinstance(item, str) or category not in click.session.settings.categories:
        notice = _refused("bad_input")
    elif not await _may(deps, click, group):
        notice = _refused("not_member")
    else:
        result = await deps.groups.categorize(
            click.sid, click.actor.activity_id, click.tag, group, item, str(category)
        )
        notice = Notice("groups.sorted", {"name": category}) if result == "ok" else _refused(result)
        if result == "ok":
            await deps.outbox.mark(board_mark(click.sid, group))
    view = await board_view(deps, click.session, group or 1, part=1, notice=notice)
    return group_cards.board(view, click.t)


async def vote(deps: Deps, click: Click) -> Card:
    group, item, delta = _group(click), click.data.get("input"), click.data.get("delta")
    voter = tag(deps.rules.anon_key, Purpose.VOTER, f"{click.sid}:g", click.actor.aad_id)
    if not group or not isinstance(item, str) or delta not in (1, -1) or isinstance(delta, bool):
        notice = _refused("bad_input")
    elif not await _may(deps, click, group):
        notice = _refused("not_member")
    else:
        result = await deps.groups.vote(
            click.sid,
            click.actor.activity_id,
            voter,
            group,
            item,
            click.rev,
            int(delta),
            member_tag=click.tag,
        )
        cast = Cast.of(result)
        if cast.counted:
            said = "vote.counted" if delta == 1 else "vote.taken_back"
            notice = Notice(said, {"n": cast.left})
            await deps.outbox.mark(board_mark(click.sid, group))
        else:
            notice = _refused(cast.refusal)
    view = await board_view(deps, click.session, group or 1, part=2, voter=voter, notice=notice)
    return group_cards.board(view, click.t)


async def pick(deps: Deps, click: Click) -> Card:
    """Settling a tie at the cut of the top 3: any member of the group (or a host)."""
    group, item = _group(click), click.data.get("input")
    if not group or not isinstance(item, str):
        notice = _refused("bad_input")
    elif not await _may(deps, click, group):
        notice = _refused("not_member")
    elif not click.session.active:
        notice = _refused("ended")
    elif await breakout.pick(deps, click.sid, group, item):
        notice = Notice("groups.picked")
    else:
        notice = _refused("unknown_input")
    view = await board_view(deps, click.session, group or 1, part=2, notice=notice)
    return group_cards.board(view, click.t)


def _with(view: BoardView, notice: Notice) -> BoardView:
    return dataclasses.replace(view, notice=notice)
