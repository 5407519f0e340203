"""Ending a session: one compare-and-set, then the summary to the conversation and the host."""

from __future__ import annotations

import logging

from bot.domain.participants import Role
from bot.domain.phases import Phase
from bot.domain.session import Session
from bot.i18n import translator
from bot.service.answers import first_time
from bot.service.deps import Deps
from bot.service.ports import Actor
from bot.service.views import conv_ref, member_tag
from cards import summary
from cards.text import to_json
from cards.views import SummaryView

logger = logging.getLogger(__name__)


async def end_session(deps: Deps, sid: str, actor: Actor, expected_rev: int) -> str:
    """Returns the store's answer; only the one call that ends the session posts the summary."""
    result = await deps.store.advance(
        sid,
        actor.activity_id,
        member_tag(deps, sid, actor),
        expected_rev,
        Phase.ENDED.value,
        deps.clock.now_ms(),
        0,
        deps.rules.retention_s,
    )
    if first_time(result):
        logger.info("session_ended", extra={"sid": sid})
        await deps.outbox.mark(sid)
        meta = await deps.store.meta(sid)
        await deps.store.expire_pointer(meta.get("conv_key", ""), sid, deps.rules.retention_s)
        await post_summary(deps, sid, meta)
    return result


async def summary_card(deps: Deps, sid: str, meta: dict[str, str]) -> dict[str, object]:
    session = Session.from_meta(sid, meta)
    snap = await deps.store.snapshot(sid, "-", "-")
    by_role = {Role(r): n for r, n in snap.roles.items() if r in Role.__members__.values()}
    ideas = await deps.store.ideas(sid)
    view = SummaryView(
        topic=session.topic,
        host_name=session.host_name,
        started_ms=session.created_ms,
        ended_ms=session.ended_ms or deps.clock.now_ms(),
        joined=sum(by_role.values()),
        by_role=by_role,
        ideas=tuple(idea.text for idea in ideas),
    )
    return to_json(summary.build(view, translator(session.locale)))


async def post_summary(deps: Deps, sid: str, meta: dict[str, str]) -> None:
    """In the conversation, and in the host's personal chat (unless that is where it ran)."""
    card = await summary_card(deps, sid, meta)
    ref = conv_ref(meta)
    await deps.sender.send(ref, card=card)
    host_uid = meta.get("host_uid", "")
    if ref.conversation_type == "personal" or not host_uid:
        return
    try:
        personal = await deps.sender.personal(ref, host_uid)
        await deps.sender.send(personal, card=card)
    except Exception:  # the channel has the summary; a refused 1:1 must not undo the end
        logger.warning("summary_personal_failed", extra={"sid": sid}, exc_info=True)
