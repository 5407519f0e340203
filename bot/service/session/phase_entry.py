"""What happens when a phase begins: the shared card changes, the conversation is told, and
the phase's own cards are posted (the idea card for the idea round).

Telling is a new message, because an update notifies nobody in Teams. A phase that posts
its own card in the main thread anyway (the idea card, the vote card, the first group's
presentation) is told on that same message, the announcement's text over the card; group
work's announcement says what grouping found (issue 16: one message where there were two).
"""

from __future__ import annotations

import logging

from bot.domain.phases import AgendaItem, Move, Phase
from bot.domain.session import Session
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.groups import breakout
from bot.service.ideas import moderation
from bot.service.views import announcement, conv_ref, idea_view
from bot.service.voting import rounds
from cards import idea_round

logger = logging.getLogger(__name__)


async def close_idea_card(deps: Deps, sid: str) -> None:
    """The idea round is over: its card becomes closed and formless, through the same mark
    as a host's hide (ideas/moderation.py render_idea_card), so the last update wins."""
    await deps.outbox.mark(moderation.idea_mark(sid))


async def leave_phase(deps: Deps, sid: str, left: AgendaItem | None) -> None:
    """Close what belonged to the phase that is over (its forms become results)."""
    if left is None:
        return
    if left.phase is Phase.IDEAS:
        await close_idea_card(deps, sid)
    elif left.phase is Phase.VOTING:
        await rounds.close_round(deps, sid, max(1, left.part))
    elif left.phase is Phase.GROUPS:
        await breakout.close_part(deps, sid, max(1, left.part))  # its forms close, once
        if left.part >= 2:
            await breakout.finish_groups(deps, sid)


async def post_idea_card(deps: Deps, session: Session, meta: dict[str, str], text: str) -> None:
    """The idea card, with the round's announcement over it: its own message. A count never
    updates it (an update wipes what people are typing); only a host's hide or restore does
    (ideas/moderation.py). Each person's receipt replaces it for them alone."""
    view = idea_view(deps, session, [], None)
    card = idea_round.build(view, translator(session.locale))
    card_id = await deps.sender.send(conv_ref(meta), card=card, text=text)
    await deps.store.set_card(session.sid, card_id, field="idea_card_id")


async def complete_entry(deps: Deps, sid: str) -> None:
    """After a crash between a phase move and its cards, a redelivered move posts the cards
    the phase it led to still lacks (and only those): the move was written once already."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    await deps.outbox.mark(sid)
    item = session.item
    if item is None:
        return
    said = announcement(translator(session.locale), item)  # it is on the card's message
    if session.phase is Phase.IDEAS and not meta.get("idea_card_id"):
        await post_idea_card(deps, session, meta, said)
    elif session.phase is Phase.VOTING:
        if not meta.get(f"vote_card_id:{max(1, item.part)}"):
            await rounds.open_round(deps, sid, announce=said)


async def enter_phase(deps: Deps, sid: str, move: Move) -> None:
    await deps.outbox.mark(sid)
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    t = translator(session.locale)
    logger.info("phase_advanced", extra={"sid": sid, "phase": move.phase.value})
    text = announcement(t, move.item or AgendaItem(move.phase, 0))
    if move.phase is Phase.IDEAS:
        await post_idea_card(deps, session, meta, text)
    elif move.phase is Phase.VOTING:
        await rounds.open_round(deps, sid, announce=text)
    elif move.phase is Phase.GROUPS:  # with what grouping found; the boards go to the groups
        await breakout.start_part(deps, sid, announce=text)
    elif move.phase is Phase.PRESENTATIONS:  # on the first group's results
        await breakout.present(deps, sid, 1, announce=text)
    else:
        await deps.sender.send(conv_ref(meta), text=text)
    await deps.outbox.mark(sid)  # again: what the phase's cards added (groups, their threads)
