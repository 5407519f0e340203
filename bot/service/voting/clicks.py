"""Vote card clicks: cast or take back a dot, turn a page. Each answers with the person's
own view of the vote card (bot/service/voting/rounds.py builds it)."""

from __future__ import annotations

import json
import logging

from bot.domain.ideas import decide_idea
from bot.domain.phases import Phase
from bot.domain.refusal import Refusal
from bot.domain.session import Session
from bot.domain.tags import Purpose, tag
from bot.domain.voting import PAGE_SIZE
from bot.i18n import Translator, language_for, translator
from bot.service.deps import Deps
from bot.service.ideas import merging
from bot.service.ports import Actor, Card
from bot.service.session import effects
from bot.service.session.adjournment import refuse_click
from bot.service.session.clicks import view_card
from bot.service.turn import Click, refusal_notice, succeeded
from bot.service.views import session_of
from bot.service.voting.rounds import candidates, round_of, texts_for, view, vote_view, voter_tag
from bot.store.ballots import VoteClick
from bot.store.keys import VOTE_ROUNDS
from cards import notice as notice_card
from cards import vote_prep, voting
from cards.views import Notice, VoteItem

logger = logging.getLogger(__name__)


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _notice_for(result: VoteClick, delta: int, session: Session) -> Notice | None:
    if result.code == "look":
        return None
    cast = result.cast
    if cast.counted:
        return Notice("vote.counted" if delta == 1 else "vote.taken_back", {"n": cast.left})
    params = {"n": session.settings.votes_per_person, "m": session.settings.votes_per_idea}
    return refusal_notice(cast.refusal, "vote", **params)


async def click(deps: Deps, actor: Actor, data: dict[str, object]) -> Card:
    """`vote.cast` and `vote.page`, the burst's hot path (issue 13): one round trip
    (VOTE_CLICK) checks, counts and reads the person's page; the page's shared rows come
    from a template built once. Once the dot is in the store the answer says so, whatever
    happens after."""
    sid, rev = str(data["sid"]), int(str(data["rev"]))
    round_, start = _int(data.get("round"), 1), _int(data.get("start"), 0)
    idea_id, delta = data.get("idea"), data.get("delta")
    bad = False
    if data.get("action") == "vote.page":
        idea_id, delta = "", 0
    elif not isinstance(idea_id, str) or isinstance(delta, bool) or delta not in (1, -1):
        idea_id, delta, bad = "", 0, True
    if round_ not in VOTE_ROUNDS:
        round_, bad = 1, True
    voter = voter_tag(deps, sid, actor.aad_id)
    member = tag(deps.rules.anon_key, Purpose.MEMBER, sid, actor.aad_id)
    result = await deps.ballots.click(
        sid,
        round_,
        actor.conv_key,
        actor.activity_id,
        voter,
        member,
        str(idea_id),
        rev,
        int(str(delta)),
        start,
        PAGE_SIZE,
    )
    if result.code == "gone" or result.meta is None:
        t = translator(language_for(actor.locale))
        return notice_card.message(t, "card.gone", False)
    session = session_of(deps, sid, result.meta)
    t = translator(session.locale)
    if session.adjourned and not result.counted:
        return await refuse_click(deps, Click(actor, sid, rev, dict(data), session, t, member))
    notice = _notice_for(result, int(str(delta)), session)
    if bad:
        notice = Notice("vote.bad_input", good=False)
    try:
        if result.code.startswith("ok:") and 0 < result.joined <= result.ready:
            await deps.effects.record(sid, effects.everyone_done(session), wait=False)
        return await _personal(deps, session, round_, voter, result, notice, t)
    except Exception:  # noqa: BLE001 - the dot is counted: say so, never "unavailable"
        if not result.counted:
            raise
        logger.warning("vote_answer_degraded", extra={"sid": sid}, exc_info=True)
        return notice_card.message(t, notice.key, True, **notice.params)


async def _personal(
    deps: Deps,
    session: Session,
    round_: int,
    voter: str,
    result: VoteClick,
    notice: Notice | None,
    t: Translator,
) -> Card:
    if not (session.live and session.phase is Phase.VOTING and round_of(session) == round_):
        closed = await view(deps, session, round_, 0, voter=voter, notice=notice)
        return voting.build(closed, t)
    page = (round_, result.start, result.page, result.in_play)
    key = ("vote", session.sid, session.rev, *page, t.lang)
    tpl = deps.card_templates.get(key)
    if tpl is None:
        texts = await texts_for(deps, session.sid, list(result.page))
        items = tuple(VoteItem(i, texts[i]) for i in result.page if i in texts)
        shared = vote_view(session, round_, True, items, result.start, result.in_play)
        tpl = voting.template(shared, t)
        deps.card_templates.put(key, tpl)
    return voting.personalise(
        tpl,
        t,
        left=session.settings.votes_per_person - result.used,
        allowance=session.settings.votes_per_person,
        mine=dict(zip(result.page, result.mine, strict=True)),
        totals=dict(zip(result.page, result.totals, strict=True))
        if session.settings.show_live
        else None,
        notice=notice,
    )


async def routed(deps: Deps, click: Click) -> Card:
    """`vote.cast` and `vote.page` through the route table: the same one-round-trip click
    (handlers.py calls `click` directly, before any read; this is its routed twin)."""
    return await click(deps, click.actor, click.data)


def upcoming_round(click: Click) -> int | None:
    """The vote round that opens next, if the next phase is a vote."""
    step = click.session.step + 1
    agenda = click.session.agenda
    if click.session.phase is Phase.VOTING or not 0 <= step < len(agenda):
        return None
    item = agenda[step]
    return max(1, item.part) if item.phase is Phase.VOTING else None


def merge_round(click: Click) -> int | None:
    """1 while like ideas may be merged (issue 18): in the phase just before vote round 1,
    and already during the idea round when round 1 lies ahead ("if cheap": the ideas so far)."""
    if upcoming_round(click) == 1:
        return 1
    ahead = click.session.agenda[click.session.step + 1 :]
    votes = [i for i in ahead if i.phase is Phase.VOTING]
    if click.session.phase is Phase.IDEAS and votes and max(1, votes[0].part) == 1:
        return 1
    return None


SESSION_IDEAS_MAX = 5000  # hosts' added ideas included


async def _prep_card(
    deps: Deps, click: Click, round_: int, notice: Notice | None = None, draft: str = ""
) -> Card:
    meta = await deps.store.meta(click.sid)
    session = Session.from_meta(click.sid, meta)
    left_out = set(json.loads(meta.get(f"vote_out:{round_}", "[]")))
    ids = await candidates(deps, session, round_)
    texts = await texts_for(deps, click.sid, ids)
    items = tuple((i, texts[i], i not in left_out) for i in ids if i in texts)
    merged: tuple[tuple[str, int], ...] = ()
    suggested: tuple[tuple[tuple[str, str], ...], ...] = ()
    if round_ == 1:  # issue 18: like ideas merged before round 1 opens
        standing = await merging.current(deps, click.sid)
        merged = tuple((i, len(standing[i])) for i, _, _ in items if i in standing)
        shown = {i: text for i, text, _ in items}
        found = await merging.suggestions(deps, click.sid, session.locale, shown)
        suggested = tuple(tuple((i, shown[i]) for i in s.ids) for s in found)
    view = vote_prep.PrepView(
        click.sid,
        session.rev,
        round_,
        items,
        notice,
        deps.rules.idea_max_len,
        draft,
        merged=merged,
        suggestions=suggested,
        early=upcoming_round(click) is None,  # the idea round: merging only
    )
    return vote_prep.build(view, click.t)


async def prepare(deps: Deps, click: Click) -> Card:
    round_ = upcoming_round(click) or merge_round(click)
    if round_ is None:
        return await view_card(deps, click, Notice("prep.not_now", good=False))
    return await _prep_card(deps, click, round_)


async def add(deps: Deps, click: Click) -> Card:
    """A host adds an idea of their own to the coming vote (it is in play unless left out)."""
    round_, raw = upcoming_round(click), click.data.get("idea")
    if round_ is None or click.data.get("round") != round_:
        return await view_card(deps, click, Notice("prep.not_now", good=False))
    if round_ != 1:  # round 2 takes round 1's top K: a new idea could not be among them
        return await _prep_card(deps, click, round_, Notice("prep.add_first_round", good=False))
    draft = raw[: 2 * deps.rules.idea_max_len] if isinstance(raw, str) else ""
    decided = decide_idea(raw, deps.rules.idea_max_len)
    if isinstance(decided, Refusal):
        notice = Notice(decided.key, decided.params, good=False)
        return await _prep_card(deps, click, round_, notice, draft)
    result = await deps.store.add_host_idea(
        click.sid,
        click.actor.activity_id,
        click.tag,
        decided,
        deps.clock.now_ms(),
        SESSION_IDEAS_MAX,
    )
    if not succeeded(result):
        notice = refusal_notice(result)
        return await _prep_card(deps, click, round_, notice, draft)
    await deps.outbox.mark(click.sid)  # the idea count
    return await _prep_card(deps, click, round_, Notice("prep.added"))


async def toggle(deps: Deps, click: Click) -> Card:
    """Leave an item out of the coming round or bring it back: one script (issue 14), so two
    hosts toggling at once lose nothing."""
    round_, item = upcoming_round(click), click.data.get("item")
    if round_ is None or not isinstance(item, str) or click.data.get("round") != round_:
        return await view_card(deps, click, Notice("prep.not_now", good=False))
    result = await deps.merges.toggle_out(
        click.sid, click.actor.activity_id, click.tag, click.rev, round_, item
    )
    if not succeeded(result):
        notice = refusal_notice(result)
    else:
        notice = Notice("prep.saved")
    return await _prep_card(deps, click, round_, notice)
