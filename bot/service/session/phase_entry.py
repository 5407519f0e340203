"""What happens when a phase begins: the shared card changes, the conversation is told, and
the phase's own cards are posted (the idea card for the idea round)."""

from __future__ import annotations

import logging

from bot.domain.phases import AgendaItem, Move, Phase
from bot.domain.session import Session
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.groups import breakout
from bot.service.ports import SendError
from bot.service.views import conv_ref, idea_view
from bot.service.voting import rounds
from cards import idea_round
from cards.text import to_json

logger = logging.getLogger(__name__)


async def close_idea_card(deps: Deps, sid: str) -> None:
    """The idea round is over: one update turns its card into a closed, formless card."""
    meta = await deps.store.meta(sid)
    if not meta.get("idea_card_id"):
        return
    session = Session.from_meta(sid, meta)
    view = idea_view(deps, session, [], None)
    card = to_json(idea_round.build(view, translator(session.locale)))
    try:
        await deps.sender.update(conv_ref(meta), meta["idea_card_id"], card)
    except SendError as exc:  # the round moved on regardless; a stale form refuses politely
        logger.warning("idea_card_close_failed", extra={"sid": sid, "status": exc.status})


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


async def complete_entry(deps: Deps, sid: str) -> None:
    """After a crash between a phase move and its cards, a redelivered move posts the cards
    the phase it led to still lacks (and only those): the move was written once already."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    await deps.outbox.mark(sid)
    if session.phase is Phase.IDEAS and not meta.get("idea_card_id"):
        view = idea_view(deps, session, [], None)
        t = translator(session.locale)
        card_id = await deps.sender.send(conv_ref(meta), card=to_json(idea_round.build(view, t)))
        await deps.store.set_card(sid, card_id, field="idea_card_id")
    elif session.phase is Phase.VOTING and session.item is not None:
        if not meta.get(f"vote_card_id:{max(1, session.item.part)}"):
            await rounds.open_round(deps, sid)


async def enter_phase(deps: Deps, sid: str, move: Move) -> None:
    await deps.outbox.mark(sid)
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    t = translator(session.locale)
    logger.info("phase_advanced", extra={"sid": sid, "phase": move.phase.value})
    name = t(f"phase.{move.phase.value}")
    if move.item and move.item.part:  # "Ny fase: Gruppearbeid 2.": which question or round
        name = t("agenda.part", phase=name, n=move.item.part)
    text = t("phase.started", phase=name) + " " + t(f"phase.{move.phase.value}.howto")
    ref = conv_ref(meta)
    await deps.sender.send(ref, text=text)
    if move.phase is Phase.IDEAS:
        # Its own message, never updated by the publisher: a shared-card update would wipe
        # what people are typing. Each person's receipt replaces it for them alone.
        view = idea_view(deps, session, [], None)
        card_id = await deps.sender.send(ref, card=to_json(idea_round.build(view, t)))
        await deps.store.set_card(sid, card_id, field="idea_card_id")
    elif move.phase is Phase.VOTING:
        await rounds.open_round(deps, sid)
    elif move.phase is Phase.GROUPS:
        await breakout.start_part(deps, sid)
    elif move.phase is Phase.PRESENTATIONS:
        await breakout.present(deps, sid, 1)
    await deps.outbox.mark(sid)  # again: what the phase's cards added (groups, their threads)
