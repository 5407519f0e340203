"""Moderation without de-anonymising (SPEC §3 facilitation aids, issue 10).

A host hides an idea or group input from every shared card, the vote and the summary, and
may restore it. The host's card lists texts only; the store never knew authors. Hiding in
an open vote gives the item's dots back to their voters (bot/store/scripts.py MODERATE);
the shared cards that showed it are re-rendered: the session card (counts), the group's
board, and the vote card while a vote is open. During the idea round the idea card is
marked too (`idea_mark`, rendered by `render_idea_card`): the publisher updates it, and each
author's Teams then fetches their own view of it.
"""

from __future__ import annotations

import json
import logging

from bot.domain.phases import Phase
from bot.domain.session import Session
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.groups.breakout import PARTS, board_mark, part_of
from bot.service.ports import Card, ConvRef
from bot.service.turn import Click, first_time, refusal_notice, succeeded
from bot.service.views import agenda_item, announcement, conv_ref, idea_view
from bot.service.voting.rounds import candidates_without, round_of, vote_mark
from bot.store.moderation import GROUP_ITEM
from cards import idea_round, moderation
from cards.moderation import ModerationView, ModItem
from cards.views import Notice

logger = logging.getLogger(__name__)


async def items(deps: Deps, sid: str) -> tuple[ModItem, ...]:
    """Every idea and group input, hidden ones first (newest hidden first), then in order."""
    hidden = await deps.moderation.hidden(sid)
    found = [
        ModItem(i.idea_id, i.text, 0, i.hidden)
        for i in await deps.store.ideas(sid, with_hidden=True)
    ]
    found += [
        ModItem(GROUP_ITEM + i.input_id, i.text, i.group, GROUP_ITEM + i.input_id in hidden)
        for i in await deps.groups.inputs(sid, with_hidden=True)
    ]
    shut = sorted((i for i in found if i.hidden), key=lambda i: -hidden.get(i.item_id, 0))
    return (*shut, *(i for i in found if not i.hidden))


def _start(click: Click) -> int:
    start = click.data.get("start")
    return start if isinstance(start, int) and not isinstance(start, bool) and start > 0 else 0


async def _card(deps: Deps, click: Click, notice: Notice | None = None) -> Card:
    view = ModerationView(
        click.sid, click.session.rev, await items(deps, click.sid), _start(click), notice
    )
    return moderation.build(view, click.t)


async def open_card(deps: Deps, click: Click) -> Card:
    return await _card(deps, click)


def _open_votes(click: Click) -> dict[str, int]:
    """The votes running now, each with the dots that make a voter ready in it."""
    session = click.session
    if session.phase is Phase.VOTING:
        return {str(round_of(session)): session.settings.votes_per_person}
    if session.phase is Phase.GROUPS and part_of(session) == 2:
        return {"g": 1}
    return {}


async def _group_of(deps: Deps, sid: str, item_id: str) -> int:
    if not item_id.startswith(GROUP_ITEM):
        return 0
    wanted = item_id[len(GROUP_ITEM) :]
    found = [
        i.group for i in await deps.groups.inputs(sid, with_hidden=True) if i.input_id == wanted
    ]
    return found[0] if found else 0


async def _candidate_now(deps: Deps, click: Click, item_id: str) -> bool:
    """Would the open vote have taken this item, had it not been hidden when it opened?"""
    session = click.session
    if session.phase is Phase.GROUPS:  # its group's top-3 vote: inputs of question 2
        wanted = item_id[len(GROUP_ITEM) :]
        inputs = await deps.groups.inputs(click.sid, with_hidden=True)
        return any(i.input_id == wanted and i.part == 2 for i in inputs)
    round_ = round_of(session)
    hidden = set(await deps.moderation.hidden(click.sid)) - {item_id}
    left_out = set(json.loads((await deps.store.meta(click.sid)).get(f"vote_out:{round_}", "[]")))
    in_play = await candidates_without(deps, session, round_, hidden)
    return item_id in in_play and item_id not in left_out


IDEA_MARK = "|ideas"  # an outbox mark "<sid>|ideas": the idea card (a hide, a restore, the end)


def idea_mark(sid: str) -> str:
    return f"{sid}{IDEA_MARK}"


async def render_idea_card(deps: Deps, mark: str) -> tuple[ConvRef, str, Card, str] | None:
    """The publisher's render of the idea card after a host hid or restored an idea while
    the round is open (the host's click only marks it, so it never waits on Teams). Its
    `refresh` lists the hosts and the people checked in (their Teams ids are in the roster
    already; who wrote what is not, anywhere): Teams then asks us, per listed person, for
    their own view, and an author finds their hidden idea marked without sending another.
    The rest see the card as it was; "My ideas" shows anyone their own list. The message's
    text, the round's announcement, goes with it (an update without it would drop it).
    An update wipes what people were typing on the card, so it is made only for this and
    for the round's end (phase_entry.close_idea_card marks it too): then the card closes,
    formless and without `refresh`. One mark for both, so a slow update after a hide can
    never land after the close and open the card again."""
    sid = mark.removesuffix(IDEA_MARK)
    meta = await deps.store.meta(sid)
    if not meta.get("idea_card_id"):
        return None
    session = Session.from_meta(sid, meta)
    view = idea_view(deps, session, [], None)
    t = translator(session.locale)
    text = announcement(t, agenda_item(session, Phase.IDEAS))
    if not session.active or session.phase is not Phase.IDEAS:
        return conv_ref(meta), meta["idea_card_id"], idea_round.build(view, t), text
    roster = await deps.store.roster(sid)
    people = (*session.host_uids, *(e.user_id for e in roster.values() if e.user_id))
    # each hide or restore moves the count by one: this update differs from the last
    version = len(await deps.moderation.hidden(sid))
    card = idea_round.build(view, t, tuple(dict.fromkeys(people)), version)
    return conv_ref(meta), meta["idea_card_id"], card, text


async def change(deps: Deps, click: Click, hide: bool) -> Card:
    item_id = click.data.get("item")
    if not isinstance(item_id, str) or not 0 < len(item_id) <= 20:
        return await _card(deps, click, Notice("moderation.unknown", good=False))
    group = await _group_of(deps, click.sid, item_id)
    open_votes = _open_votes(click)
    join_open = not hide and bool(open_votes) and await _candidate_now(deps, click, item_id)
    result = await deps.moderation.change(
        click.sid,
        click.actor.activity_id,
        click.tag,
        item_id,
        hide,
        deps.clock.now_ms(),
        open_votes,
        group,
        join_open,
    )
    if not succeeded(result):
        return await _card(deps, click, refusal_notice(result, "moderation"))
    if first_time(result):
        await deps.outbox.mark(click.sid)
        if group:  # the open question's board, and each question's own (closed ones too)
            await deps.outbox.mark(board_mark(click.sid, group))
            for part in PARTS:
                await deps.outbox.mark(board_mark(click.sid, group, part))
        if click.session.phase is Phase.VOTING:
            await deps.outbox.mark(vote_mark(click.sid, round_of(click.session)))
        if click.session.phase is Phase.IDEAS and not group:
            await deps.outbox.mark(idea_mark(click.sid))
        logger.info("item_hidden" if hide else "item_restored", extra={"sid": click.sid})
    return await _card(deps, click, Notice("moderation.hidden" if hide else "moderation.restored"))


async def hide(deps: Deps, click: Click) -> Card:
    return await change(deps, click, hide=True)


async def restore(deps: Deps, click: Click) -> Card:
    return await change(deps, click, hide=False)
