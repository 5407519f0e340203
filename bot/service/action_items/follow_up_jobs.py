"""Follow-up timers (issue 10 §3): the start after the end, the owner's reminder on the due
date, and the host's "handed back" notice. Jobs of the shared queue (bot/store/timers.py):
any replica runs them, a claimed job whose runner died runs again, and only the run that
wins `fire_once` posts, so each message goes out once across replicas and restarts.
"""

from __future__ import annotations

import logging

from bot.domain.follow_up import CLOSED, FollowJob, FollowState, JobKind
from bot.domain.session import Session
from bot.i18n import translator
from bot.service.action_items.follow_up import owner_view, personal_ref, start
from bot.service.delivery import send_once
from bot.service.deps import Deps
from bot.service.ports import Card, ConvRef
from bot.service.views import conv_ref
from cards import follow_up as cards

logger = logging.getLogger(__name__)


async def run_job(deps: Deps, job: FollowJob) -> None:
    """A follow-up timer: may run twice (lost lease); only the fire_once winner sends."""
    meta = await deps.store.meta(job.sid)
    if job.kind is JobKind.START:
        if meta and meta.get("status") == "ended":
            await start(deps, job.sid, meta)
        return
    follow = await deps.follow_ups.get(job.sid, job.item_id)
    if follow is None or not meta or follow.ver != job.ver:
        return  # answered since, or the session's data is gone
    session = Session.from_meta(job.sid, meta)
    t = translator(session.locale)
    item = next((i for i in await deps.action_items.all(job.sid) if i.item_id == job.item_id), None)
    if item is None:
        return
    places = await deps.follow_ups.places(job.sid)
    if job.kind is JobKind.DUE:
        conv = places.get(job.item_id)
        if follow.state in CLOSED or not conv:
            return
        view = await owner_view(deps, session, item, follow, reminder=True)
        card = cards.owner_card(view, t)
        await _send_once(deps, job, personal_ref(meta, conv), card=card)
        return
    if follow.state is not FollowState.BACK:
        return
    host = places.get("host")
    where = personal_ref(meta, host) if host else conv_ref(meta)
    text = t("followup.handed_back_host", name=item.owner_name, text=item.text)
    await _send_once(deps, job, where, text=text)


async def _send_once(
    deps: Deps, job: FollowJob, where: ConvRef, card: Card | None = None, text: str | None = None
) -> None:
    """Once across replicas and reruns; a cut send is retried (bot/service/delivery.py)."""
    if await send_once(deps, job.sid, job.id, where, card=card, text=text):
        logger.info("follow_up_sent", extra={"sid": job.sid, "kind": job.kind.value})
