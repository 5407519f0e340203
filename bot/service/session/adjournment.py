"""Continue another day (issue 10 §4): adjourn, resume, and what everyone else meets meanwhile.

Adjourn and resume are one script each (bot/store/scripts.py ADJOURN, RESUME_ADJOURNED),
idempotent by activity id; only the call that wrote plans timers, marks the session card
and posts the message. The rules and the time decisions are in bot/domain/adjournment.py.
While adjourned, clicks other than OPEN_WHILE_ADJOURNED are answered here, on the card
that was pressed where it has a form (so it still works after the resume), and change
nothing; the scripts refuse the same writes atomically, since they require `active`.
"""

from __future__ import annotations

import dataclasses
import logging

from bot.domain.adjournment import (
    MIN_LEFT_MS,
    check_adjourn,
    decide_resume_form,
    decide_resume_plan,
)
from bot.domain.refusal import Refusal
from bot.domain.session import ACTIVE, ResumePlan, Session
from bot.domain.tags import Purpose, tag
from bot.i18n import Translator, translator
from bot.service.deps import Deps
from bot.service.groups import breakout
from bot.service.ideas.clicks import my_merges
from bot.service.ports import Actor, Card
from bot.service.session.clicks import answer, open_join
from bot.service.session.steering import Steer, touch
from bot.service.turn import Click, Typed, first_time, refusal_notice, succeeded
from bot.service.views import author_of, conv_ref, idea_view, shared_view
from bot.service.voting import rounds
from cards import adjournment as cards
from cards import groups as group_cards
from cards import idea_round
from cards import voting as vote_cards
from cards.views import Notice

logger = logging.getLogger(__name__)

# Clicks that still work while adjourned: reading, the host's resume and end, deleting.
OPEN_WHILE_ADJOURNED: frozenset[str] = frozenset(
    {
        "card.refresh",
        "session.resume",
        "session.end",
        "session.delete",
        "history.summary",
        "vote.page",
        "join.open",
    }
)


def refusal(session: Session) -> Notice:
    """What a click or a command meets while the session is adjourned."""
    key, params = cards.refusal_params(session.resume)
    return Notice(key, params, good=False)


def _view(session: Session, **extra: int) -> cards.AdjournmentView:
    """The session as the adjourned and resumed messages tell it (`extra`: ends_ms, left_ms)."""
    s = session
    return cards.AdjournmentView(s.sid, s.rev, s.topic, s.phase, s.resume, **extra)


async def adjourn(deps: Deps, session: Session, steer: Steer, rev: int, when: ResumePlan) -> Notice:
    refused = check_adjourn(session.status, session.phase.value)
    if refused is not None:
        return Notice(refused.key, refused.params, good=False)
    now = deps.clock.now_ms()
    result = await deps.store.adjourn(session.sid, steer.activity_id, steer.tag, rev, now, when)
    if not succeeded(result):
        return refusal_notice(result, "adjourn")
    await touch(deps, session.sid)  # an adjourned session too ends itself when abandoned
    if first_time(result):
        logger.info(
            "session_adjourned",
            extra={"sid": session.sid, "phase": session.phase.value, "dated": bool(when.at_ms)},
        )
    await deps.effects.carry_out(session.sid)  # its card and the shared card (ADJOURN)
    return Notice("adjourn.done")


async def resume(deps: Deps, session: Session, steer: Steer) -> Notice:
    if not session.adjourned:
        return Notice("adjourn.nothing_to_resume", good=False)
    now = deps.clock.now_ms()
    result = await deps.store.resume_adjourned(
        session.sid, steer.activity_id, steer.tag, now, MIN_LEFT_MS, session.settings.reminder_s
    )
    if not succeeded(result):
        return refusal_notice(result, "adjourn")
    await touch(deps, session.sid)
    if first_time(result):
        logger.info("session_resumed", extra={"sid": session.sid, "phase": session.phase.value})
    await deps.effects.carry_out(session.sid)  # fresh timers, the cards (RESUME_ADJOURNED)
    return Notice("adjourn.resumed")


# -- text commands ---------------------------------------------------------------------------


async def _say(deps: Deps, actor: Actor, t: Translator, said: Notice) -> None:
    await deps.sender.send(actor.conv, text=t(said.key, **said.params))


def _named_month(params: dict[str, object], t: Translator) -> dict[str, object]:
    """`adjourn.passed` says the month by name ("3. des."): the domain gives its number."""
    month = params.get("m")
    names = t("adjourn.months").split("|")
    if isinstance(month, int) and 1 <= month <= len(names):
        return params | {"month": names[month - 1]}
    return params


async def adjourn_command(deps: Deps, typed: Typed) -> None:
    """`adjourn [date time | text]` (`utsett`): a host's, on a live session (its guard)."""
    session, t, actor, me = typed.hosted, typed.t, typed.actor, typed.me
    refused = check_adjourn(session.status, session.phase.value)
    now = deps.clock.now_ms()
    when = decide_resume_plan(typed.arg, now, actor.tz_name, actor.utc_offset_min)
    if refused is None and isinstance(when, Refusal):
        refused = when
    if refused is not None:
        await _say(deps, actor, t, Notice(refused.key, _named_month(refused.params, t)))
        return
    assert isinstance(when, ResumePlan)
    said = await adjourn(deps, session, Steer(me, actor.activity_id), session.rev, when)
    if not said.good:  # the posted card says the rest
        await _say(deps, actor, t, said)


async def status(deps: Deps, actor: Actor, session: Session) -> None:
    """`status` while adjourned: a small card, so the date shows in each reader's own time."""
    t = translator(session.locale)
    _, view = await shared_view(deps, session.sid)
    line = t(
        "status.adjourned",
        phase=t(f"phase.{session.phase.value}"),
        joined=view.joined,
        ideas=view.idea_count,
    )
    await deps.sender.send(actor.conv, card=cards.adjourned(_view(session), t, line))


# -- card clicks -----------------------------------------------------------------------------


async def adjourn_click(deps: Deps, click: Click) -> Card:
    when = decide_resume_form(
        click.data.get("adjourn_date"),
        click.data.get("adjourn_time"),
        deps.clock.now_ms(),
        click.actor.tz_name,
        click.actor.utc_offset_min,
    )
    if isinstance(when, Refusal):
        return await answer(deps, click, Notice(when.key, when.params, good=False))
    said = await adjourn(deps, click.session, click.steer, click.rev, when)
    return await answer(deps, click, said)


async def resume_click(deps: Deps, click: Click) -> Card:
    return await answer(deps, click, await resume(deps, click.session, click.steer))


async def refuse_click(deps: Deps, click: Click) -> Card:
    """A press while adjourned: the pressed card, as it will be again, with the reason."""
    verb = click.data.get("action")
    notice = refusal(click.session)
    if verb not in FORMS and await deps.store.is_host(click.sid, click.tag):
        notice = Notice("adjourn.resume_first", good=False)
    live = dataclasses.replace(click.session, status=ACTIVE)  # only to draw the forms open
    raw = click.data.get("idea") if verb == "idea.submit" else click.data.get("input")
    draft = raw[:2000] if isinstance(raw, str) else ""
    if verb == "idea.submit":
        author = author_of(deps, click.sid, click.actor)
        mine = await deps.store.my_ideas(click.sid, author.tag, author.own_key)
        merged = await my_merges(deps, click.sid, await deps.store.meta(click.sid), mine)
        view = idea_view(deps, live, mine, notice, draft, merged)
        return idea_round.build(view, click.t)
    if verb == "vote.cast":
        round_ = click.data.get("round") if isinstance(click.data.get("round"), int) else 1
        start = click.data.get("start") if isinstance(click.data.get("start"), int) else 0
        voter = rounds.voter_tag(deps, click.sid, click.actor.aad_id)
        mine = await rounds.view(deps, live, int(round_), int(start), voter=voter, notice=notice)
        return vote_cards.build(mine, click.t)
    if verb in ("group.input", "group.categorize", "group.vote", "group.pick"):
        g = click.data.get("g")
        group = g if isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 12 else 1
        typed = click.data.get("part") if click.data.get("part") in (1, 2) else 1
        part = {"group.categorize": 1, "group.vote": 2, "group.pick": 2}.get(str(verb), typed)
        voter = None
        if verb in ("group.vote", "group.pick"):  # the group vote's own dots, as vote() shows
            voter = tag(deps.rules.anon_key, Purpose.VOTER, f"{click.sid}:g", click.actor.aad_id)
        board = await breakout.board_view(deps, live, group, part=part, voter=voter, notice=notice)
        if verb == "group.input":
            return group_cards.form(board, click.t, draft)
        return group_cards.board(board, click.t)
    if verb == "join.confirm":
        return await open_join(deps, click, notice, typed=True)
    return await answer(deps, click, notice)


FORMS: frozenset[str] = frozenset(
    {
        "idea.submit",
        "vote.cast",
        "group.input",
        "group.categorize",
        "group.vote",
        "group.pick",
        "join.confirm",
    }
)


async def post_adjourned(deps: Deps, sid: str) -> None:
    """The effect 'adjourned' (bot/service/session/effects.py): the card that says until when."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    if not session.adjourned:
        return  # resumed meanwhile: its own card says so
    card = cards.adjourned(_view(session), translator(session.locale))
    await deps.sender.send(conv_ref(meta), card=card)


async def post_resumed(deps: Deps, sid: str, ends_ms: int, now_ms: int) -> None:
    """The effect 'resumed': the card that says the session goes on, and until when."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    view = _view(session, ends_ms=ends_ms, left_ms=max(0, ends_ms - now_ms))
    await deps.sender.send(conv_ref(meta), card=cards.resumed(view, translator(session.locale)))
