"""What happens when a phase begins: the shared card changes, the conversation is told, and
the phase's own cards are posted (the idea card for the idea round)."""

from __future__ import annotations

import logging

from bot.domain.phases import Move, Phase
from bot.domain.session import Session
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.views import conv_ref, idea_view
from cards import idea_round
from cards.text import to_json

logger = logging.getLogger(__name__)


async def enter_phase(deps: Deps, sid: str, move: Move) -> None:
    await deps.outbox.mark(sid)
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    t = translator(session.locale)
    logger.info("phase_advanced", extra={"sid": sid, "phase": move.phase.value})
    text = (
        t("phase.started", phase=t(f"phase.{move.phase.value}"))
        + " "
        + t(f"phase.{move.phase.value}.howto")
    )
    ref = conv_ref(meta)
    await deps.sender.send(ref, text=text)
    if move.phase is Phase.IDEAS:
        # Its own message, never updated by the publisher: a shared-card update would wipe
        # what people are typing. Each person's receipt replaces it for them alone.
        view = idea_view(deps, session, [], None)
        await deps.sender.send(ref, card=to_json(idea_round.build(view, t)))
