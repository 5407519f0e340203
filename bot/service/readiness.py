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
from bot.service.voting import round_of

logger = logging.getLogger(__name__)

SAID = {Phase.IDEAS: "ready.everyone_ideas", Phase.VOTING: "ready.everyone_votes"}


async def counts(deps: Deps, session: Session, meta: dict[str, str]) -> tuple[int, int]:
    """(done, checked in) for the phase running now; (0, 0) where nothing is counted."""
    if session.phase not in SAID:
        return 0, 0
    joined = sum(
        max(0, n) for n in (await deps.store.snapshot(session.sid, "-", "-")).roles.values()
    )
    if session.phase is Phase.IDEAS:
        return int(meta.get("ready_ideas", 0)), joined
    return await deps.ballots.ready(session.sid, round_of(session)), joined


async def tell_when_everyone_is_done(deps: Deps, sid: str) -> None:
    """After an idea or a last vote: if all are done, say so once per phase (any replica)."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    if not session.active or not session.settings.suggest_move_on or session.phase not in SAID:
        return
    done, joined = await counts(deps, session, meta)
    if not joined or done < joined:
        return
    t = translator(session.locale)
    try:
        said = await send_once(
            deps,
            sid,
            f"ready-{session.step}-{session.rev}",
            conv_ref(meta),
            text=t(SAID[session.phase]),
        )
    except SendError as exc:  # a nudge only: the card shows the count regardless
        logger.warning("readiness_note_failed", extra={"sid": sid, "status": exc.status})
        return
    if said:
        logger.info("everyone_done", extra={"sid": sid, "phase": session.phase.value})
