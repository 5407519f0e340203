"""Setting a session up (SPEC §3 phase 0): the setup card, templates, and saving settings.

A save is one compare-and-set of complete, validated fields; from the setup phase it also
opens check-in and posts the session card, in the same write.
"""

from __future__ import annotations

import dataclasses
import logging

from bot.domain.phases import Phase
from bot.domain.session import Session, settings_meta
from bot.domain.settings import decide_settings
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.groups.breakout import board_mark
from bot.service.ports import Card, SendError
from bot.service.turn import Click, first_time, refused_key, succeeded
from bot.service.views import conv_ref, setup_view, shared_view
from bot.service.voting.rounds import vote_mark
from bot.templates import TEMPLATES, localise, settings_from
from cards import join, setup
from cards import notice as notice_card
from cards import session as session_card
from cards.views import JoinView, Notice

logger = logging.getLogger(__name__)

CHECKIN_CARD = "checkin_card_id"  # meta field: the standalone check-in card's activity id


async def open_setup(deps: Deps, click: Click) -> Card:
    return setup.build(setup_view(click.session), click.t)


async def use_template(deps: Deps, click: Click) -> Card:
    """Switch the template, keeping the texts that describe this session's need."""
    chosen = click.data.get("template")
    current = click.session.settings
    if not isinstance(chosen, str) or chosen not in TEMPLATES:
        view = setup_view(
            click.session, errors={"template": Notice("setup.template_unknown", good=False)}
        )
        return setup.build(view, click.t)
    fresh = settings_from(chosen, current.language, current.topic)
    keep = {
        name: click.data[name]
        for name in ("topic", "need", "pitchers")
        if isinstance(click.data.get(name), str)
    }
    base = dataclasses.replace(fresh, need=current.need, pitchers=current.pitchers)
    decided = decide_settings(keep, base)
    settings = decided if not isinstance(decided, dict) else base
    result = await deps.store.update(
        click.sid, click.actor.activity_id, click.tag, click.rev, settings_meta(settings)
    )
    if not succeeded(result):
        return notice_card.message(click.t, refused_key(result), good=False)
    session = Session.from_meta(click.sid, await deps.store.meta(click.sid))
    view = setup_view(
        session,
        notice=Notice("setup.template_applied", {"name": TEMPLATES[chosen].name(session.locale)}),
    )
    return setup.build(view, translator(session.locale))


async def save(deps: Deps, click: Click) -> Card:
    decided = decide_settings(click.data, click.session.settings)
    if isinstance(decided, dict):
        errors = {field: Notice(r.key, r.params, good=False) for field, r in decided.items()}
        view = setup_view(
            click.session, errors=errors, notice=Notice("setup.fix_errors", good=False)
        )
        return setup.build(view, click.t)
    relanguaged = decided.language != click.session.settings.language
    if relanguaged:  # the template's texts follow the language; what the host typed stays
        decided = localise(decided, decided.language)
    opening = click.session.phase is Phase.SETUP
    fields = settings_meta(decided)
    if opening:
        now = deps.clock.now_ms()
        fields |= {
            "phase": Phase.CHECKIN.value,
            "step": "0",
            "phase_started_ms": str(now),
            "phase_ends_ms": "0",
            "created_ms": str(now),
        }
    result = await deps.store.update(
        click.sid, click.actor.activity_id, click.tag, click.rev, fields, bump_rev=opening
    )
    t = translator(decided.language)
    if not succeeded(result):
        return notice_card.message(t, refused_key(result), good=False)
    await deps.outbox.mark(click.sid)
    if relanguaged and not opening:
        await rerender_live(deps, click.sid)
    if opening and first_time(result):
        await post_session_card(deps, click.sid)
    logger.info("settings_saved", extra={"sid": click.sid, "opening": opening})
    return notice_card.message(t, "setup.saved_open" if opening else "setup.saved")


async def post_session_card(deps: Deps, sid: str) -> None:
    """The session card goes to where the session lives; later updates replace it in place."""
    session, view = await shared_view(deps, sid)
    meta = await deps.store.meta(sid)
    t = translator(session.locale)
    card_id = await deps.sender.send(conv_ref(meta), card=session_card.build(view, t))
    await deps.store.set_card(sid, card_id)
    # Check-in has its own card, never updated, so a live count never wipes someone's form.
    checkin = JoinView(sid=sid, rev=session.rev, topic=session.topic, role=None, department="")
    checkin_id = await deps.sender.send(conv_ref(meta), card=join.build(checkin, t))
    await deps.store.set_card(sid, checkin_id, field=CHECKIN_CARD)


async def rerender_live(deps: Deps, sid: str) -> None:
    """After a change of language: every shared card still in use is drawn again. The
    publisher redraws the session card, the group boards and the vote cards; the check-in
    card, which the publisher never touches (nobody's typing is wiped by a count), gets one
    update here."""
    await deps.outbox.mark(sid)
    count, _ = await deps.groups.placement(sid)
    for group in range(1, count + 1):
        await deps.outbox.mark(board_mark(sid, group))
    meta = await deps.store.meta(sid)
    for round_ in (1, 2):
        if meta.get(f"vote_card_id:{round_}"):
            await deps.outbox.mark(vote_mark(sid, round_))
    if not meta.get(CHECKIN_CARD):
        return
    session = Session.from_meta(sid, meta)
    checkin = JoinView(sid=sid, rev=session.rev, topic=session.topic, role=None, department="")
    card = join.build(checkin, translator(session.locale))
    try:
        await deps.sender.update(conv_ref(meta), meta[CHECKIN_CARD], card)
    except SendError as exc:  # the language changed regardless; the old card still works
        logger.warning("checkin_card_update_failed", extra={"sid": sid, "status": exc.status})
