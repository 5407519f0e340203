"""A session's record after the fact (issue 6): export, history, and deletion on request.

These work on the conversation's current or last session, ended or not, for as long as its
data is kept (RETENTION_DAYS after it ended).
"""

from __future__ import annotations

import logging

from bot.domain.links import export_path, reachable
from bot.domain.session import Session
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.ports import Card
from bot.service.records.summary import summary_card
from bot.service.session import effects
from bot.service.turn import Click, Typed
from cards import notice, records

logger = logging.getLogger(__name__)


async def export_(deps: Deps, typed: Typed) -> None:
    """`export`: the conversation's latest session, even ended, for a host (its guard)."""
    session, actor = typed.hosted, typed.actor
    await effects.offer_summary_again(deps, session)  # its posting had failed: post it too
    t = translator(session.locale)
    base = deps.rules.export_base_url.rstrip("/")
    if not reachable(base):  # a link to this machine works for nobody in Teams: say why
        logger.warning("export_without_public_url", extra={"sid": session.sid})
        await deps.sender.send(actor.conv, text=t("export.no_public_url"))
        return
    now_s = deps.clock.now_ms() // 1000
    expires = now_s + deps.rules.export_ttl_s
    md, csv = (
        base + export_path(deps.rules.anon_key, session.sid, fmt, expires) for fmt in ("md", "csv")
    )
    card = records.export_card(session.topic, md, csv, expires * 1000, t)
    if actor.conv.conversation_type == "personal":
        await deps.sender.send(actor.conv, card=card)
        return
    personal = await deps.sender.personal(actor.conv, actor.user_id)
    await deps.sender.send(personal, card=card)
    await deps.sender.send(actor.conv, text=t("export.sent"))
    logger.info("export_linked", extra={"sid": session.sid})


async def history(deps: Deps, typed: Typed) -> None:
    """The conversation's past sessions, in the language of the one running here (if any),
    else in the asker's."""
    actor = typed.actor
    past = []
    for sid in await deps.store.history(actor.conv_key):
        meta = await deps.store.meta(sid)
        if not meta:
            continue  # expired or deleted since
        session = Session.from_meta(sid, meta)
        past.append(
            records.PastSession(
                sid, session.rev, session.topic, session.ended_ms, await deps.store.idea_count(sid)
            )
        )
    await deps.sender.send(actor.conv, card=records.history_card(tuple(past), typed.t))


async def delete(deps: Deps, typed: Typed) -> None:
    session = typed.hosted
    card = records.delete_check(session.sid, session.rev, session.topic, typed.t)
    await deps.sender.send(typed.actor.conv, card=card)


async def show_summary(deps: Deps, click: Click) -> Card:
    """History's button: the summary, in the answer to the one who asked."""
    return await summary_card(deps, click.sid, await deps.store.meta(click.sid))


async def confirm_delete(deps: Deps, click: Click) -> Card:
    removed = await deps.store.delete_session(click.sid, click.actor.conv_key)
    logger.info("session_deleted", extra={"sid": click.sid, "keys": removed})
    return notice.message(click.t, "delete.done", topic=click.session.topic)
