"""The actions phase (SPEC §3 phase 7, issue 6): hosts add, edit and remove action items.

Every answer is the actions card itself, in the host's invoke response; the store's
script checks host and phase again, so a forged press writes nothing.
"""

from __future__ import annotations

import logging
import time

from bot.domain.action_items import OWNER_MAX, ActionDraft, ActionItem, decide_action
from bot.domain.follow_up import last_day
from bot.domain.refusal import Refusal
from bot.domain.voting import rank
from bot.service.deps import Deps
from bot.service.ports import Card
from bot.service.turn import Click, refusal_notice, succeeded
from bot.service.voting import rounds
from bot.store.keys import VOTE_ROUNDS
from cards import action_items
from cards.views import Notice

logger = logging.getLogger(__name__)

TOP_IDEAS = 10


def today(deps: Deps) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(deps.clock.now_ms() / 1000))


async def top_ideas(deps: Deps, sid: str) -> tuple[tuple[str, str], ...]:
    """The ideas to start from: the last vote's ranking, else the ideas as they came."""
    ideas = await deps.store.ideas(sid)
    texts = {i.idea_id: i.text for i in ideas}
    for round_ in reversed(VOTE_ROUNDS):
        tally = await deps.ballots.tally(sid, round_)
        if tally:
            names = texts | await rounds.texts_for(deps, sid, list(tally))
            return tuple((i, names[i]) for i, _ in rank(tally)[:TOP_IDEAS] if i in names)
    return tuple((i.idea_id, i.text) for i in ideas[:TOP_IDEAS])


async def _card(
    deps: Deps,
    click: Click,
    *,
    editing: str = "",
    draft: dict[str, str] | None = None,
    errors: dict[str, Notice] | None = None,
    notice: Notice | None = None,
) -> Card:
    view = action_items.ActionsView(
        sid=click.sid,
        rev=click.session.rev,
        items=tuple(await deps.action_items.all(click.sid)),
        top_ideas=await top_ideas(deps, click.sid),
        editing=editing,
        draft=draft or {},
        errors=errors or {},
        notice=notice,
        today=today(deps),
    )
    return action_items.build(view, click.t)


def _typed(click: Click) -> dict[str, str]:
    return {k: v for k in ("text", "owner_text", "due") if isinstance(v := click.data.get(k), str)}


def _item_id(click: Click) -> str:
    item = click.data.get("item")
    return item if isinstance(item, str) else ""


async def open_card(deps: Deps, click: Click) -> Card:
    return await _card(deps, click)


async def prefill(deps: Deps, click: Click) -> Card:
    chosen = click.data.get("from_idea")
    texts = dict(await top_ideas(deps, click.sid))  # ideas and group top-3 inputs
    draft = _typed(click)
    if isinstance(chosen, str) and chosen in texts:
        draft["text"] = texts[chosen]
    return await _card(deps, click, editing=_item_id(click), draft=draft)


async def edit(deps: Deps, click: Click) -> Card:
    item = next(
        (i for i in await deps.action_items.all(click.sid) if i.item_id == _item_id(click)), None
    )
    if item is None:
        return await _card(deps, click, notice=Notice("action.unknown_item", good=False))
    draft = {
        "text": item.text,
        "owner_text": "" if item.owner_aad else item.owner_name,
        "due": item.due,
    }
    return await _card(deps, click, editing=item.item_id, draft=draft)


async def _owner_name(deps: Deps, click: Click, aad: str, typed: str) -> str:
    if typed:
        return typed
    for entry in (await deps.store.roster(click.sid)).values():
        if entry.aad_id == aad:
            return entry.name
    try:  # not checked in: Teams knows the name (the follow-up names them to the host)
        name = await deps.sender.member_name(click.actor.conv, aad)
    except Exception:  # noqa: BLE001 - a name is nice to have; saving must not fail on it
        logger.warning("owner_name_lookup_failed", extra={"sid": click.sid})
        name = None
    return " ".join(name.split())[:OWNER_MAX] if name else click.t("action.owner_picked")


def latest_due(deps: Deps) -> str:
    """The last due date whose reminder still runs before the record is deleted: the data
    lives `retention` after the end, and the session has not ended yet (so at least that)."""
    return last_day(deps.clock.now_ms() + deps.rules.retention_s * 1000)


def within_retention(
    decided: ActionDraft | dict[str, Refusal], due: object, last: str
) -> ActionDraft | dict[str, Refusal]:
    """A due date after `last` is refused, beside the form's other errors (if any). The
    domain has checked the date's form; its ISO text compares as the date does."""
    if isinstance(decided, dict) and "due" in decided:
        return decided
    due = due.strip() if isinstance(due, str) else ""
    if not due or due <= last:
        return decided
    refused = Refusal.of("followup.date_too_late", date=last)
    return (decided if isinstance(decided, dict) else {}) | {"due": refused}


async def save(deps: Deps, click: Click) -> Card:
    decided = decide_action(click.data, today(deps))
    decided = within_retention(decided, click.data.get("due"), latest_due(deps))
    if isinstance(decided, dict):
        errors = {f: Notice(r.key, r.params, good=False) for f, r in decided.items()}
        return await _card(
            deps,
            click,
            editing=_item_id(click),
            draft=_typed(click),
            errors=errors,
            notice=Notice("setup.fix_errors", good=False),
        )
    name = await _owner_name(deps, click, decided.owner_aad, decided.owner_text)
    item = ActionItem("", decided.text, name, decided.owner_aad, decided.due)
    result = await deps.action_items.save(
        click.sid, click.actor.activity_id, click.tag, _item_id(click), item
    )
    if not succeeded(result):
        notice = refusal_notice(result, "action")
        return await _card(deps, click, draft=_typed(click), notice=notice)
    await deps.outbox.mark(click.sid)
    return await _card(deps, click, notice=Notice("action.saved"))


async def remove(deps: Deps, click: Click) -> Card:
    result = await deps.action_items.save(
        click.sid, click.actor.activity_id, click.tag, _item_id(click), None
    )
    if not succeeded(result):
        return await _card(deps, click, notice=refusal_notice(result, "action"))
    await deps.outbox.mark(click.sid)
    return await _card(deps, click, notice=Notice("action.removed"))
