"""The host's merge buttons on the vote prep card (issue 18). Each is one script in
bot/store/merges.py, checked against the card's rev and refused once round 1 has opened;
each answers with the prep card again, with what happened on top."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Mapping

from bot.service.deps import Deps
from bot.service.ideas.merging import current
from bot.service.ports import Card
from bot.service.session.clicks import view_card
from bot.service.turn import Click, refusal_notice, succeeded
from bot.service.voting.clicks import _prep_card, merge_round
from cards.views import Notice

DONE: Mapping[str, str] = MappingProxyType(
    {"merged": "merge.merged", "undone": "merge.undone", "apart": "merge.kept_apart"}
)
ID = re.compile(r"g?\d{1,9}")
MAX_IDS = 300


def _ids(raw: object) -> list[str] | None:
    """Vote ids from card data ("3,g7,12"): None when any is not one."""
    if not isinstance(raw, str):
        return None
    ids = [i.strip().lower().lstrip("#") for i in re.split(r"[,;\s]+", raw) if i.strip()]
    if not ids or len(ids) > MAX_IDS or not all(ID.fullmatch(i) for i in ids):
        return None
    return list(dict.fromkeys(ids))


async def _answer(deps: Deps, click: Click, result: str) -> Card:
    if succeeded(result):
        notice = Notice(DONE.get(result.rpartition(":")[2], "prep.saved"))
    else:
        notice = refusal_notice(result, "merge")
    return await _prep_card(deps, click, 1, notice)


async def _round_one(deps: Deps, click: Click) -> Card | None:
    """Merges are made before round 1 only (round 2 is among its tally)."""
    if merge_round(click) != 1:
        return await view_card(deps, click, Notice("merge.vote_open", good=False))
    return None


async def _merge(deps: Deps, click: Click, ids: list[str] | None, keep: object) -> Card:
    if (early := await _round_one(deps, click)) is not None:
        return early
    if ids is None:
        return await _prep_card(deps, click, 1, Notice("merge.unknown", good=False))
    into = {m: c for c, members in (await current(deps, click.sid)).items() for m in members}
    ids = list(dict.fromkeys(into.get(i, i) for i in ids))  # a member stands for its merge
    candidate = into.get(keep, keep) if isinstance(keep, str) else ids[0]
    if candidate not in ids:
        candidate = ids[0]
    result = await deps.merges.merge(
        click.sid, click.actor.activity_id, click.tag, click.rev, candidate, ids
    )
    return await _answer(deps, click, result)


async def merge_group(deps: Deps, click: Click) -> Card:
    """Merge a suggested group; the vote shows the text the host picked in its list."""
    pick = click.data.get("pick")
    keep = click.data.get(pick) if isinstance(pick, str) and pick.startswith("pick") else None
    return await _merge(deps, click, _ids(click.data.get("ids")), keep)


async def merge_by_hand(deps: Deps, click: Click) -> Card:
    """Merge ideas by their numbers; the first one's text stays."""
    ids = _ids(click.data.get("merge_ids"))
    return await _merge(deps, click, ids, ids[0] if ids else None)


async def undo(deps: Deps, click: Click) -> Card:
    if (early := await _round_one(deps, click)) is not None:
        return early
    item = click.data.get("item")
    if not isinstance(item, str) or not ID.fullmatch(item):
        return await _prep_card(deps, click, 1, Notice("merge.not_merged", good=False))
    result = await deps.merges.undo(click.sid, click.actor.activity_id, click.tag, click.rev, item)
    return await _answer(deps, click, result)


async def _apart(deps: Deps, click: Click, one: str) -> Card:
    if (early := await _round_one(deps, click)) is not None:
        return early
    ids = _ids(click.data.get("ids"))
    if ids is None or len(ids) < 2 or (one and one not in ids):
        return await _prep_card(deps, click, 1, Notice("merge.unknown", good=False))
    result = await deps.merges.keep_apart(
        click.sid, click.actor.activity_id, click.tag, click.rev, ids, one
    )
    return await _answer(deps, click, result)


async def take_out(deps: Deps, click: Click) -> Card:
    """One idea out of a suggested group: it is not suggested with those ideas again."""
    item = click.data.get("item")
    return await _apart(deps, click, item if isinstance(item, str) and item else "\x00")


async def ignore(deps: Deps, click: Click) -> Card:
    """The whole suggestion ignored: none of its ideas are suggested together again."""
    return await _apart(deps, click, "")
