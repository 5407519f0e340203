"""Follow-up of actions (issue 10 §3): after the end, each responsible person gets a
personal message, answers Done / Need more time / Not me, and is reminded on the due date.

The 1:1 chat is created with the owner's AAD object id and the tenant id, so it works for
someone who never talked to the bot (if the app is installed for them; if Teams refuses,
the host is told whom to remind). Owner answers ride in the invoke response; the host's
status card is a card of its own, updated through the outbox (mark "<sid>|f"), so clicks
never send from the invoke path. Reminders and the host's "handed back" notice are timers
of the shared queue (exactly once across replicas, kept across restarts).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.domain.action_items import ActionItem
from bot.domain.follow_up import (
    CLOSED,
    Answer,
    FollowJob,
    FollowState,
    FollowUp,
    JobKind,
    day_of,
    last_day,
    reminder_ms,
)
from bot.domain.session import Session
from bot.i18n import Translator, translator
from bot.service.deps import Deps
from bot.service.ports import Actor, Card, ConvRef
from bot.service.views import conv_ref
from cards import follow_up as cards
from cards.views import Notice

logger = logging.getLogger(__name__)

HOST_MARK = "|f"


def host_mark(sid: str) -> str:
    """The publisher's mark for the host's follow-up card."""
    return f"{sid}{HOST_MARK}"


def personal_ref(meta: dict[str, str], conversation_id: str) -> ConvRef:
    return replace(conv_ref(meta), conversation_id=conversation_id, conversation_type="personal")


async def owner_view(
    deps: Deps,
    session: Session,
    item: ActionItem,
    follow: FollowUp,
    *,
    reminder: bool = False,
    notice: Notice | None = None,
    errors: tuple[Notice, ...] = (),
) -> cards.OwnerView:
    expires = await deps.follow_ups.expires_in_ms(session.sid)
    return cards.OwnerView(
        sid=session.sid,
        rev=session.rev,
        item_id=item.item_id,
        ver=follow.ver,
        topic=session.topic,
        text=item.text,
        due=follow.due,
        state=follow.state,
        today=day_of(deps.clock.now_ms()),
        last_day=last_day(deps.clock.now_ms() + expires if expires else 0),
        reminder=reminder,
        notice=notice,
        errors=errors,
    )


async def schedule_reminder(deps: Deps, sid: str, follow: FollowUp) -> None:
    """The due-date reminder; none without a date, or when that morning is already past."""
    due_at = reminder_ms(follow.due)
    if follow.state in CLOSED or due_at <= deps.clock.now_ms():
        return
    job = FollowJob(sid, follow.item_id, follow.ver, JobKind.DUE)
    await deps.timers.schedule([(job.id, due_at)])


async def schedule_start(deps: Deps, sid: str) -> None:
    """The personal messages go out from the timer queue, not the end command: up to 50
    owners must not hold up the host's answer, and a replica dying midway is taken over."""
    if not await deps.action_items.all(sid):
        return  # no actions, nothing to follow up
    job = FollowJob(sid, "0", 0, JobKind.START)
    await deps.timers.schedule([(job.id, deps.clock.now_ms())])


async def start(deps: Deps, sid: str, meta: dict[str, str]) -> None:
    """One personal message per action, then the host's status card. A rerun (a replica
    died midway) sends only what has no recorded place yet: a message twice beats none."""
    items = await deps.action_items.all(sid)
    if not items:
        return
    session = Session.from_meta(sid, meta)
    t = translator(session.locale)
    store = deps.follow_ups
    places = await store.places(sid)
    unreached: list[str] = []
    for item in items:
        state = FollowState.OPEN if item.owner_aad else FollowState.UNREACHED
        follow = FollowUp(item.item_id, item.owner_aad, item.due, state, 1)
        if not await store.open(sid, follow):
            known = await store.get(sid, item.item_id)
            if known is not None and known.state is FollowState.UNREACHED:
                unreached.append(item.owner_name)
                continue
            if known != follow or item.item_id in places:
                continue  # sent (or answered) on an earlier run
        if not item.owner_aad:
            unreached.append(item.owner_name)
            continue
        try:
            chat = await deps.sender.personal(conv_ref(meta), item.owner_aad)
            view = await owner_view(deps, session, item, follow)
            await deps.sender.send(chat, card=cards.owner_card(view, t))
        except Exception:  # noqa: BLE001 - 403/404: not installed for them; nothing may crash
            logger.warning("follow_up_unreached", extra={"sid": sid}, exc_info=True)
            await store.answer(
                sid, f"unreached:{item.item_id}", item.item_id, item.owner_aad, None, "", 1
            )
            unreached.append(item.owner_name)
            continue
        await store.set_place(sid, item.item_id, chat.conversation_id)
        await schedule_reminder(deps, sid, follow)
    logger.info(
        "follow_up_started", extra={"sid": sid, "n": len(items), "unreached": len(unreached)}
    )
    if "host" not in places:
        await post_host_card(deps, session, meta, t, unreached)


async def status_card(deps: Deps, session: Session, t: Translator) -> Card:
    follows = await deps.follow_ups.all(session.sid)
    rows = tuple(
        cards.Row(
            item.text, item.owner_name, follows[item.item_id].state, follows[item.item_id].due
        )
        for item in await deps.action_items.all(session.sid)
        if item.item_id in follows
    )
    return cards.status_card(cards.StatusView(session.topic, rows), t)


async def post_host_card(
    deps: Deps, session: Session, meta: dict[str, str], t: Translator, unreached: list[str]
) -> None:
    """To the host's 1:1 (the conversation itself if the session ran there); if Teams refuses
    that, to the session's conversation, so the host still learns whom to remind."""
    ref = conv_ref(meta)
    card = await status_card(deps, session, t)
    for attempt in ("host", "conversation"):
        try:
            place = ref
            if attempt == "host" and ref.conversation_type != "personal":
                place = await deps.sender.personal(ref, session.host_uid)
            card_id = await deps.sender.send(place, card=card)
        except Exception:  # noqa: BLE001 - try the next place; never undo the end
            logger.warning("follow_up_host_failed", extra={"sid": session.sid}, exc_info=True)
            continue
        await deps.follow_ups.set_place(session.sid, "host", place.conversation_id, card_id)
        if unreached:  # a message of its own, so that Teams notifies the host
            names = ", ".join(dict.fromkeys(unreached))
            try:
                await deps.sender.send(place, text=t("followup.remind_these", names=names))
            except Exception:  # noqa: BLE001 - the card names them as well
                logger.warning("follow_up_remind_failed", extra={"sid": session.sid})
        return


async def render_host_card(deps: Deps, mark: str) -> tuple[ConvRef, str, Card] | None:
    """The publisher's render of the host's follow-up card (mark "<sid>|f")."""
    sid = mark.removesuffix(HOST_MARK)
    meta = await deps.store.meta(sid)
    place = await deps.follow_ups.host_card(sid)
    if not meta or place is None:
        return None
    session = Session.from_meta(sid, meta)
    card = await status_card(deps, session, translator(session.locale))
    return personal_ref(meta, place[0]), place[1], card


async def answered(deps: Deps, sid: str, before: int, after: FollowUp, answer: Answer) -> None:
    """What follows an answer; every step is idempotent, so a redelivery repeats it safely."""
    await deps.follow_ups.cancel(FollowJob(sid, after.item_id, before, JobKind.DUE).id)
    if answer is Answer.LATER:
        await schedule_reminder(deps, sid, after)
    if answer is Answer.NOT_ME:
        job = FollowJob(sid, after.item_id, after.ver, JobKind.HANDBACK)
        await deps.timers.schedule([(job.id, deps.clock.now_ms())])
    await deps.outbox.mark(host_mark(sid))


async def show_status(deps: Deps, actor: Actor, session: Session) -> bool:
    """`status` after the end: the actions' follow-up, in the conversation; False if none."""
    if not await deps.follow_ups.all(session.sid):
        return False
    card = await status_card(deps, session, translator(session.locale))
    await deps.sender.send(actor.conv, card=card)
    return True
