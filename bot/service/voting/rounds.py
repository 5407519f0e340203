"""Vote rounds (SPEC §3 phase 6, issue 5): open with the ideas in play, cast, page, close.

A click's answer is that person's own view of the vote card (their dots, votes left):
it rides in the invoke response and costs no message operation. The shared vote card is
posted once and updated once, at close, to the ranking.
"""

from __future__ import annotations

import json
import logging

from bot.domain.phases import Phase
from bot.domain.session import Session
from bot.domain.tags import Purpose, tag
from bot.domain.voting import PAGE_SIZE, rank, top
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.ideas import merging
from bot.service.ports import Card, ConvRef, SendError
from bot.service.views import agenda_item, announcement, conv_ref
from bot.store.moderation import GROUP_ITEM
from bot.templates import second_round_size
from cards import voting
from cards.views import Notice, VoteItem, VoteView

logger = logging.getLogger(__name__)


def round_of(session: Session) -> int:
    item = session.item
    return max(1, item.part) if item and item.phase is Phase.VOTING else 1


def voter_tag(deps: Deps, sid: str, aad_id: str) -> str:
    return tag(deps.rules.anon_key, Purpose.VOTER, sid, aad_id)


GROUP_PICK = GROUP_ITEM  # a group's top-3 input in the vote: "g<input id>" beside idea ids
VOTE_MARK = "|v"  # an outbox mark "<sid>|v<round>": the shared vote card is re-rendered


def vote_mark(sid: str, round_: int) -> str:
    return f"{sid}{VOTE_MARK}{round_}"


async def texts_for(deps: Deps, sid: str, ids: list[str]) -> dict[str, str]:
    """Texts of what is in a vote: ideas by id, group top-3 inputs by "g<input id>"."""
    texts = await deps.store.idea_texts(sid, [i for i in ids if not i.startswith(GROUP_PICK)])
    if any(i.startswith(GROUP_PICK) for i in ids):
        inputs = {f"{GROUP_PICK}{i.input_id}": i.text for i in await deps.groups.inputs(sid)}
        texts |= {i: inputs[i] for i in ids if i in inputs}
    return texts


async def candidates(deps: Deps, session: Session, round_: int) -> list[str]:
    """SPEC §3: by default every group's top 3 plus the idea round's ideas; round 2 takes
    the top K of round 1. Hosts may leave some out before the round opens; what a host hid
    is never a candidate."""
    hidden = set(await deps.moderation.hidden(session.sid))
    return await candidates_without(deps, session, round_, hidden)


async def candidates_without(
    deps: Deps, session: Session, round_: int, hidden: set[str]
) -> list[str]:
    """The candidates with `hidden` left out before round 2's top K is cut, so a hidden
    idea never takes a place from the next best one. In round 1 a merged candidate stands
    in for its members (issue 18); merges are frozen once round 1 opens, so its tally and
    this list agree. Round 2 is among round 1's tally, which knows candidates only."""
    if round_ == 1:
        found = [i.idea_id for i in await deps.store.ideas(session.sid, with_hidden=True)]
        count, _ = await deps.groups.placement(session.sid)
        places = await deps.groups.places(session.sid)
        for group in range(1, count + 1):
            found += [f"{GROUP_PICK}{i}" for i in json.loads(places.get(f"{group}:top", "[]"))]
        found = await merging.fold(deps, session.sid, found, hidden)
        return [i for i in found if i not in hidden]
    k = second_round_size(session.settings.template)
    tally = await deps.ballots.tally(session.sid, round_ - 1)
    return top({i: n for i, n in tally.items() if i not in hidden}, k)


async def view(
    deps: Deps,
    session: Session,
    round_: int,
    start: int,
    *,
    voter: str | None,
    notice: Notice | None = None,
) -> VoteView:
    """One person's view (voter given) or the shared one: three or four round trips to Redis
    (overview, idea texts, the groups' inputs when a group's pick is in play, own dots). The
    hot path (voting/clicks.py `click`) makes one."""
    is_open = session.live and session.phase is Phase.VOTING and round_of(session) == round_
    show_totals = not is_open or session.settings.show_live
    info = await deps.ballots.overview(session.sid, round_, voter, with_tally=show_totals)
    ids = info.in_play
    if is_open:
        start = max(0, min(start, max(0, len(ids) - 1) // PAGE_SIZE * PAGE_SIZE))
        page = ids[start : start + PAGE_SIZE]
    else:
        start, page = 0, [i for i, _ in rank(info.tally)]
    texts = await texts_for(deps, session.sid, page)
    mine = await deps.ballots.mine(session.sid, round_, voter, page) if voter and is_open else {}
    items = tuple(
        VoteItem(i, texts[i], mine.get(i, 0), info.tally.get(i) if show_totals else None)
        for i in page
        if i in texts
    )
    left = session.settings.votes_per_person - info.used if voter else None
    return vote_view(session, round_, is_open, items, start, len(ids), left, info.voters, notice)


def vote_view(
    session: Session,
    round_: int,
    is_open: bool,
    items: tuple[VoteItem, ...],
    start: int,
    total_ideas: int,
    left: int | None = None,
    voters: int = 0,
    notice: Notice | None = None,
) -> VoteView:
    """A page of a vote round as the card draws it, with the session's dot rules."""
    return VoteView(
        sid=session.sid,
        rev=session.rev,
        round=round_,
        open=is_open,
        allowance=session.settings.votes_per_person,
        cap=session.settings.votes_per_idea,
        items=items,
        start=start,
        total_ideas=total_ideas,
        left=left,
        voters=voters,
        notice=notice,
    )


async def open_round(deps: Deps, sid: str, announce: str | None = None) -> None:
    """The vote card, posted with the phase's announcement as its message text (issue 16)."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    round_ = round_of(session)
    left_out = set(json.loads(meta.get(f"vote_out:{round_}", "[]")))
    in_play = [i for i in await candidates(deps, session, round_) if i not in left_out]
    await deps.ballots.open_round(sid, round_, in_play)
    shared = await view(deps, session, round_, 0, voter=None)
    t = translator(session.locale)
    card = voting.build(shared, t)
    card_id = await deps.sender.send(conv_ref(meta), card=card, text=announce)
    await deps.store.set_card(sid, card_id, field=f"vote_card_id:{round_}")
    logger.info("vote_opened", extra={"sid": sid, "round": round_, "ideas": shared.total_ideas})


async def render_card(deps: Deps, mark: str) -> tuple[ConvRef, str, Card, str] | None:
    """The publisher's render of a shared vote card (after a host hid or restored an idea),
    with its message's text, the round's announcement (an update without it drops it)."""
    sid, _, number = mark.partition(VOTE_MARK)
    round_ = int(number) if number in ("1", "2") else 1
    meta = await deps.store.meta(sid)
    card_id = meta.get(f"vote_card_id:{round_}")
    if not card_id:
        return None
    session = Session.from_meta(sid, meta)
    shared = await view(deps, session, round_, 0, voter=None)
    t = translator(session.locale)
    text = announcement(t, agenda_item(session, Phase.VOTING, round_))
    return conv_ref(meta), card_id, voting.build(shared, t), text


async def close_round(deps: Deps, sid: str, round_: int) -> None:
    """The round is over: the vote card becomes the ranking, for everyone."""
    meta = await deps.store.meta(sid)
    card_id = meta.get(f"vote_card_id:{round_}")
    if not card_id:
        return
    session = Session.from_meta(sid, meta)
    results = await view(deps, session, round_, 0, voter=None)
    t = translator(session.locale)
    card = voting.build(results, t)
    text = announcement(t, agenda_item(session, Phase.VOTING, round_))
    try:
        await deps.sender.update(conv_ref(meta), card_id, card, text)
    except SendError as exc:
        logger.warning("vote_card_close_failed", extra={"sid": sid, "status": exc.status})
    logger.info("vote_closed", extra={"sid": sid, "round": round_, "voters": results.voters})
