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
from bot.service.groups.breakout import PARTS, board_key, board_mark, form_key, form_mark
from bot.service.ideas.moderation import idea_mark
from bot.service.ports import Card, ConvRef
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


CHECKIN_MARK = "|checkin"  # an outbox mark "<sid>|checkin": the check-in card, redrawn


def checkin_mark(sid: str) -> str:
    return f"{sid}{CHECKIN_MARK}"


async def post_session_card(deps: Deps, sid: str) -> None:
    """The session card goes to where the session lives; later updates replace it in place."""
    session, view = await shared_view(deps, sid)
    meta = await deps.store.meta(sid)
    t = translator(session.locale)
    card_id = await deps.sender.send(conv_ref(meta), card=session_card.build(view, t))
    await deps.store.set_card(sid, card_id)
    # Check-in has its own card, never updated, so a live count never wipes someone's form.
    checkin_id = await deps.sender.send(conv_ref(meta), card=_checkin_card(session))
    await deps.store.set_card(sid, checkin_id, field=CHECKIN_CARD)


def _checkin_card(session: Session) -> Card:
    view = JoinView(sid=session.sid, rev=session.rev, topic=session.topic, role=None, department="")
    return join.build(view, translator(session.locale))


async def render_checkin_card(deps: Deps, mark: str) -> tuple[ConvRef, str, Card] | None:
    """The publisher's render of the check-in card, after a change of language only (a
    count never redraws it: that would wipe what someone is typing)."""
    sid = mark.removesuffix(CHECKIN_MARK)
    meta = await deps.store.meta(sid)
    if not meta.get(CHECKIN_CARD):
        return None
    return conv_ref(meta), meta[CHECKIN_CARD], _checkin_card(Session.from_meta(sid, meta))


async def rerender_live(deps: Deps, sid: str) -> None:
    """After a change of language: every shared card still in use is drawn again, by the
    publisher (paced, retried): the session card, the check-in card, the idea card, every
    group's boards and input forms (both questions'), and the vote cards."""
    meta = await deps.store.meta(sid)
    marks = [sid]
    if meta.get(CHECKIN_CARD):
        marks.append(checkin_mark(sid))
    if meta.get("idea_card_id"):
        marks.append(idea_mark(sid))
    count, _ = await deps.groups.placement(sid)
    places = await deps.groups.places(sid)
    for group in range(1, count + 1):
        if board_key(group, 2) in places:  # a board per question
            marks += [board_mark(sid, group, part) for part in PARTS]
        else:  # question 1's, or one board for both (sessions begun before): the open one
            marks.append(board_mark(sid, group))
        marks += [form_mark(sid, group, p) for p in PARTS if places.get(form_key(group, p))]
    marks += [vote_mark(sid, r) for r in (1, 2) if meta.get(f"vote_card_id:{r}")]
    for mark in marks:
        await deps.outbox.mark(mark)
