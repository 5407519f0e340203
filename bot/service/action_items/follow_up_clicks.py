"""The owner's buttons on a follow-up card: Done, Need more time, Not me (issue 10 §3).

They arrive from the owner's 1:1 chat, not the session's conversation (the route says
`anywhere`). Only the named owner may answer: checked here and again in ANSWER_FOLLOW_UP
against the AAD id Teams sent, never card data. A click on an older card, or on an action
answered already, says so and changes nothing; a redelivered click gets its first answer.
"""

from __future__ import annotations

import logging

from bot.domain.follow_up import Answer, FollowUp, day_of, decide_new_due, last_day
from bot.domain.phases import Phase
from bot.domain.refusal import Refusal
from bot.service.action_items.follow_up import answered, owner_view
from bot.service.deps import Deps
from bot.service.ports import Card
from bot.service.turn import Click
from cards import follow_up as cards
from cards import notice as notice_card
from cards.views import Notice

logger = logging.getLogger(__name__)

DONE_NOTICES = {
    Answer.DONE: "followup.marked_done",
    Answer.LATER: "followup.moved",
    Answer.NOT_ME: "followup.handed_back",
}


def _message(click: Click, key: str) -> Card:
    return notice_card.message(click.t, key, good=False)


async def _card(
    deps: Deps,
    click: Click,
    follow: FollowUp,
    notice: Notice | None = None,
    errors: tuple[Notice, ...] = (),
) -> Card:
    item = next(
        (i for i in await deps.action_items.all(click.sid) if i.item_id == follow.item_id), None
    )
    if item is None:
        return _message(click, "followup.unknown")
    view = await owner_view(deps, click.session, item, follow, notice=notice, errors=errors)
    return cards.owner_card(view, click.t)


async def _answer(deps: Deps, click: Click, answer: Answer) -> Card:
    item_id, ver = click.data.get("item"), click.data.get("ver")
    if (
        not isinstance(item_id, str)
        or type(ver) is not int
        or click.session.phase is not Phase.ENDED
    ):
        return _message(click, "card.unknown")
    meta = await deps.store.meta(click.sid)
    if click.actor.conv.tenant_id != meta.get("tenant_id"):
        return _message(click, "card.gone")
    store = deps.follow_ups
    follow = await store.get(click.sid, item_id)
    if follow is None:
        return _message(click, "followup.unknown")
    if not follow.owner_aad or follow.owner_aad != click.actor.aad_id:
        logger.info("follow_up_not_owner", extra={"sid": click.sid})
        return _message(click, "followup.not_owner")
    new_due = ""
    if answer is Answer.LATER:
        expires = await store.expires_in_ms(click.sid)
        last = last_day(deps.clock.now_ms() + expires if expires else 0)
        decided = decide_new_due(click.data.get("new_due"), day_of(deps.clock.now_ms()), last)
        if isinstance(decided, Refusal):
            refused = Notice(decided.key, decided.params, good=False)
            return await _card(deps, click, follow, errors=(refused,))
        new_due = decided
    result = await store.answer(
        click.sid, click.actor.activity_id, item_id, click.actor.aad_id, answer, new_due, ver
    )
    now = await store.get(click.sid, item_id) or follow
    if result.startswith("ok:"):  # the first delivery, or a redelivery of it (same answer)
        await answered(deps, click.sid, ver, now, answer)
        logger.info("follow_up_answered", extra={"sid": click.sid, "answer": answer.value})
        said = Notice(DONE_NOTICES[answer], {"date": now.due})
        return await _card(deps, click, now, said)
    if result == "not_owner":
        return _message(click, "followup.not_owner")
    if result == "closed":
        key = f"followup.closed_{now.state.value}"
        return await _card(deps, click, now, Notice(key, good=False))
    if result == "stale":
        return await _card(deps, click, now, Notice("followup.stale", good=False))
    return _message(click, "followup.unknown")


async def done(deps: Deps, click: Click) -> Card:
    return await _answer(deps, click, Answer.DONE)


async def later(deps: Deps, click: Click) -> Card:
    return await _answer(deps, click, Answer.LATER)


async def not_me(deps: Deps, click: Click) -> Card:
    return await _answer(deps, click, Answer.NOT_ME)
