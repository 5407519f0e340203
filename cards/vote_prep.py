"""Before a vote opens, hosts choose what is in play (issue 5): every candidate with a button
to leave it out or bring it back. Only hosts get this card, in their invoke answer.

Before round 1 it also shows suggested groups of like ideas (issue 18), each with Merge (the
text to keep is picked in a list, the likeliest first), Ignore, and a way to take one idea
out of the group; a merged candidate has Undo; ideas can be merged by hand by number. What
does not fit in 28 KB is cut with "… and N more"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    Choice,
    ChoiceSetInput,
    Column,
    ColumnSet,
    Container,
    ExecuteAction,
    TextInput,
)

from bot.i18n import Translator
from cards.text import (
    MAX_CARD_BYTES,
    Card,
    card_bytes,
    execute,
    finished,
    line,
    notice_block,
    plain,
)
from cards.views import Notice

SHOWN = 25
SHOWN_CHARS = 150
SUGGESTED_SHOWN = 6
MEMBERS_SHOWN = 6
SUGGESTED_CHARS = 80
ROWS_AT_LEAST = 10  # candidate rows kept when suggestions need the room
HEADROOM = 1024


@dataclass(frozen=True, slots=True)
class PrepView:
    sid: str
    rev: int
    round: int
    candidates: tuple[tuple[str, str, bool], ...]  # (id, text, in play)
    notice: Notice | None = None
    max_len: int = 1000  # of an idea the host adds
    draft: str = ""  # a refused text comes back
    merged: tuple[tuple[str, int], ...] = ()  # (candidate id, ideas merged into it)
    # suggested groups of like ideas, each (id, text) pairs with the likeliest text first
    suggestions: tuple[tuple[tuple[str, str], ...], ...] = ()
    early: bool = False  # during the idea round: like ideas are merged, nothing else yet


def _button(title: str, verb: str, view: PrepView, **extra: Any) -> ExecuteAction:
    return execute(title, verb, view.sid, view.rev, **extra)


def _row(text: Any, status: str, actions: list[ExecuteAction]) -> ColumnSet:
    columns = [Column(width="stretch", items=[text, line(status, is_subtle=True, spacing="None")])]
    if actions:
        columns.append(
            Column(
                width="auto",
                items=[ActionSet(actions=actions)],
                vertical_content_alignment="Center",
            )
        )
    return ColumnSet(separator=True, columns=columns)


def _suggestion(view: PrepView, n: int, group: tuple[tuple[str, str], ...], t: Translator) -> Any:
    ids = ",".join(i for i, _ in group)
    pick = f"pick{n}"
    items: list[Any] = [
        line(t("merge.group_title", n=len(group)), weight="Bolder"),
        ChoiceSetInput(
            id=pick,
            label=t("merge.pick"),
            style="compact",
            value=group[0][0],
            choices=[
                Choice(title=text[:SUGGESTED_CHARS], value=i) for i, text in group[:MEMBERS_SHOWN]
            ],
        ),
    ]
    for item_id, text in group[:MEMBERS_SHOWN]:
        out = _button(t("merge.take_out"), "merge.out", view, ids=ids, item=item_id)
        items.append(_row(plain(text[:SUGGESTED_CHARS]), t("merge.number", id=item_id), [out]))
    if len(group) > MEMBERS_SHOWN:
        items.append(line(t("list.more", n=len(group) - MEMBERS_SHOWN), is_subtle=True))
    merge = _button(t("merge.merge"), "merge.group", view, ids=ids, pick=pick)
    ignore = _button(t("merge.ignore"), "merge.ignore", view, ids=ids)
    items.append(ActionSet(actions=[merge, ignore]))
    return Container(items=items, style="emphasis", spacing="Medium")


def _merging(view: PrepView, t: Translator, shown: int) -> list[Any]:
    body: list[Any] = [
        line(t("merge.suggested", n=len(view.suggestions)), weight="Bolder", spacing="Large"),
    ]
    if not view.suggestions:
        body.append(line(t("merge.none"), is_subtle=True))
    body += [_suggestion(view, n, g, t) for n, g in enumerate(view.suggestions[:shown])]
    if len(view.suggestions) > shown:
        body.append(line(t("list.more", n=len(view.suggestions) - shown), is_subtle=True))
    body.append(TextInput(id="merge_ids", label=t("merge.by_hand"), spacing="Medium"))
    body.append(ActionSet(actions=[_button(t("merge.merge"), "merge.hand", view)]))
    return body


def build(view: PrepView, t: Translator) -> Card:
    """The prep card under 28 KB: suggestions first (one press merges a group), so fewer
    candidate rows are shown before fewer suggestions."""
    most = min(SUGGESTED_SHOWN, len(view.suggestions))
    tries = [(rows, most) for rows in (SHOWN, 15, ROWS_AT_LEAST)]
    tries += [(ROWS_AT_LEAST, n) for n in range(most - 1, -1, -1)]
    for rows, suggested in tries:
        built = _build(view, t, rows, suggested)
        if card_bytes(built) <= MAX_CARD_BYTES - HEADROOM:
            return built
    return built


def _build(view: PrepView, t: Translator, rows: int, suggested: int) -> Card:
    merged = dict(view.merged)
    chosen = sum(1 for *_, on in view.candidates if on)
    body = [
        line(t("prep.title", n=chosen, total=len(view.candidates)), weight="Bolder", size="Medium"),
        line(t("prep.intro"), is_subtle=True),
    ]
    if view.notice:
        body.append(notice_block(view.notice, t))
    for item_id, text, on in view.candidates[:rows]:
        toggle = _button(
            t("prep.leave_out" if on else "prep.bring_back"),
            "vote.toggle",
            view,
            item=item_id,
            round=view.round,
        )
        status = [t("prep.in") if on else t("prep.out")]
        buttons = [] if view.early else [toggle]
        if view.round == 1:
            status.append(t("merge.number", id=item_id))
        if item_id in merged:
            status.append(t("merge.likes", n=merged[item_id]))
            buttons.append(_button(t("merge.undo"), "merge.undo", view, item=item_id))
        body.append(_row(plain(text[:SHOWN_CHARS]), " · ".join(status), buttons))
    if len(view.candidates) > rows:
        body.append(line(t("list.more", n=len(view.candidates) - rows), is_subtle=True))
    if view.round != 1:  # round 2 is among round 1's top ideas only
        return finished(body, t)
    body += _merging(view, t, suggested)
    if view.early:  # what is in the vote is chosen in the phase just before it
        return finished(body, t)
    body.append(
        TextInput(
            id="idea",
            label=t("prep.add_label"),
            is_multiline=True,
            max_length=view.max_len,
            value=view.draft or None,
            spacing="Medium",
        )
    )
    add = execute(t("prep.add"), "vote.add", view.sid, view.rev, round=view.round)
    body.append(ActionSet(actions=[add]))
    return finished(body, t)
