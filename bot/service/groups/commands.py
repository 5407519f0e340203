"""`groups` shows who is in which group; `move @person <n>` lets a host move someone."""

from __future__ import annotations

import logging

from bot.domain.grouping import move as decide_move
from bot.domain.phases import Phase
from bot.domain.refusal import Refusal
from bot.domain.timers import is_whole
from bot.i18n import language_for, translator
from bot.service.deps import Deps
from bot.service.groups.breakout import PARTS, as_groups, board_mark, part_of
from bot.service.session import commands, hosts
from bot.service.turn import Typed

logger = logging.getLogger(__name__)


async def show(deps: Deps, typed: Typed) -> None:
    actor, session = typed.actor, typed.session
    t = translator(session.locale if session else language_for(actor.locale))
    count, placement = await deps.groups.placement(session.sid) if session else (0, {})
    if not session or not count:
        await commands.reply(deps, actor, t, "groups.none_yet")
        return
    roster = await deps.store.roster(session.sid)
    lines = [
        t(
            "groups.line",
            g=g,
            n=sum(1 for x in placement.values() if x == g),
            names=", ".join(
                sorted(roster[tag].name for tag, x in placement.items() if x == g and tag in roster)
            ),
        )
        for g in range(1, count + 1)
    ]
    await deps.sender.send(actor.conv, text="\n".join(lines))


async def move(deps: Deps, typed: Typed) -> None:
    """`move @name <group>`: a host's, on a running session (its guard)."""
    session, t, actor, arg = typed.hosted, typed.t, typed.actor, typed.arg
    number = arg.split()[-1] if arg.split() else ""
    if not actor.mentions or not is_whole(number, 3):
        await commands.reply(deps, actor, t, "groups.move_how")
        return
    if session.phase is Phase.GROUPS and part_of(session) == 2:
        # their dots and "has voted" belong to the old group's vote: move before or after it
        await commands.reply(deps, actor, t, "groups.move_while_voting")
        return
    user_id, name = actor.mentions[0]
    tag = await hosts.tag_for_mention(deps, session.sid, actor, user_id)
    groups = await as_groups(deps, session.sid)
    moved = decide_move(groups, tag or "", int(number) - 1)
    if isinstance(moved, Refusal):
        await commands.reply(deps, actor, t, moved.key, **moved.params)
        return
    old = await deps.groups.group_of(session.sid, tag or "")
    await deps.groups.place(session.sid, tag or "", int(number))
    for group in {old, int(number)}:
        for part in (0, *PARTS):  # the open question's board and each question's own
            await deps.outbox.mark(board_mark(session.sid, group, part))
    await deps.outbox.mark(session.sid)
    logger.info("group_member_moved", extra={"sid": session.sid})
    await commands.reply(deps, actor, t, "groups.moved", name=name, group=int(number))
