"""Anonymous readiness (SPEC §3 facilitation aids, issue 10): when every checked-in person is
done with the idea round or the vote, the conversation is told once, so the host can move
on early. Counts come from the scripts (bot/store/scripts.py); nobody is ever named."""

from __future__ import annotations

import logging

from bot.domain.phases import Phase
from bot.domain.session import Session
from bot.i18n import translator
from bot.service.delivery import send_once
from bot.service.deps import Deps
from bot.service.ports import SendError
from bot.service.views import conv_ref
from bot.service.voting.rounds import round_of

logger = logging.getLogger(__name__)

SAID = {Phase.IDEAS: "ready.everyone_ideas", Phase.VOTING: "ready.everyone_votes"}


async def tell_when_everyone_is_done(deps: Deps, session: Session) -> None:
    """After an idea or a last vote: if all are done, say so once per phase (any replica).
    `session` is the one the click was handled with: the counts are read fresh."""
    if not session.active or not session.settings.suggest_move_on or session.phase not in SAID:
        return
    vote_round = round_of(session) if session.phase is Phase.VOTING else None
    done, joined = await deps.store.readiness(session.sid, vote_round)
    if not joined or done < joined:
        return
    t = translator(session.locale)
    try:
        said = await send_once(
            deps,
            session.sid,
            f"ready-{session.step}-{session.rev}",
            conv_ref(await deps.store.meta(session.sid)),
            text=t(SAID[session.phase]),
        )
    except SendError as exc:  # a nudge only: the card shows the count regardless
        logger.warning("readiness_note_failed", extra={"sid": session.sid, "status": exc.status})
        return
    if said:
        logger.info("everyone_done", extra={"sid": session.sid, "phase": session.phase.value})
