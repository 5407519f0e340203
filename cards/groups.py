"""Breakout group cards (SPEC §3 phase 4, issue 4): the input form and the group's board.

The form is its own message, never updated, so nobody's half-written input is wiped; the
board is updated by the publisher (coalesced, Teams-paced) and carries only buttons, so an
update loses nothing. Inputs are anonymous: members are named as a group, never per input.
"""

from __future__ import annotations

import re
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    Column,
    ColumnSet,
    Container,
    TextBlock,
    TextInput,
)
from microsoft_teams.cards.core import Mention, MentionedEntity, TeamsCardProperties

from bot.domain.ideas import IDEA_MAX
from bot.i18n import Translator
from cards.text import (
    Card,
    card_bytes,
    execute,
    finished,
    line,
    local_time,
    notice_block,
    plain,
    said,
)
from cards.views import BoardInput, BoardView

SHOWN = 40
ROWS_BUDGET = 20_000  # bytes of input rows: the card stays under 28 KB
SHOWN_CHARS = 300


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1].rstrip() + "…"


def _head(view: BoardView, t: Translator) -> list[Any]:
    body: list[Any] = [
        line(
            t("groups.board_title", g=view.group, n=view.part),
            weight="Bolder",
            size="Medium",
            color="Accent",
        ),
        plain(view.question or t("groups.no_question"), bold=True),
    ]
    if view.part == 1 and view.categories:
        body.append(plain(t("groups.categories", names=", ".join(view.categories)), subtle=True))
    if view.open and view.ends_ms:
        body.append(
            line(t("phase.ends_at", time=local_time(view.ends_ms)), is_subtle=True, spacing="None")
        )
    return body


def _over(view: BoardView, t: Translator) -> list[Any]:
    """A question that is over keeps its board, readable and without buttons."""
    return [] if view.open else [line(t("groups.question_over", n=view.part), is_subtle=True)]


_NOT_IN_A_MENTION = re.compile(r"[<>\[\]()*_`~#|\\]")


def mention_name(name: str) -> str:
    """A name fit for `<at>…</at>` in a Markdown TextBlock: no tag, link or emphasis."""
    return " ".join(_NOT_IN_A_MENTION.sub("", name).split()) or "?"


def _members(view: BoardView, t: Translator) -> tuple[list[Any], TeamsCardProperties | None]:
    if not view.members:
        return [], None
    if not view.mention:
        names = ", ".join(name for name, _ in view.members)
        return [plain(t("groups.members", names=names), subtle=True)], None
    # a display name is someone's typing: inside a mention only its letters go through
    members = [(mention_name(name), uid) for name, uid in view.members]
    tags = " ".join(f"<at>{name}</at>" for name, _ in members)
    mentions = [
        Mention(text=f"<at>{name}</at>", mentioned=MentionedEntity(id=uid, name=name))
        for name, uid in members
    ]
    block = TextBlock(text=t("groups.members", names=tags), wrap=True, is_subtle=True)
    return [block], TeamsCardProperties(entities=mentions)


def _row(view: BoardView, item: BoardInput, t: Translator) -> Container:
    info: list[Any] = [plain("• " + _short(item.text))]
    if item.category:
        info.append(  # a typed category name: plain text, never Markdown (cards.text.said)
            said(
                t,
                "groups.in_category",
                {"name": item.category},
                is_subtle=True,
                spacing="None",
                color="Accent",
            )
        )
    if item.votes is not None:
        info.append(line(t("vote.total", n=item.votes), is_subtle=True, spacing="None"))
    if item.mine:
        info.append(line(t("vote.mine", n=item.mine), is_subtle=True, spacing="None", color="Good"))
    if not view.open:
        return Container(items=info, separator=True)
    if view.part == 1:
        buttons = [
            execute(
                name,
                "group.categorize",
                view.sid,
                view.rev,
                g=view.group,
                input=item.input_id,
                category=name,
            )
            for name in view.categories
        ]
        return Container(items=[*info, ActionSet(actions=buttons)], separator=True)
    votes = [
        execute(
            title, "group.vote", view.sid, view.rev, g=view.group, input=item.input_id, delta=delta
        )
        for title, delta in (("+", 1), ("−", -1))
    ]
    return Container(
        separator=True,
        items=[
            ColumnSet(
                columns=[
                    Column(width="stretch", items=info),
                    Column(
                        width="auto",
                        items=[ActionSet(actions=votes)],
                        vertical_content_alignment="Center",
                    ),
                ]
            )
        ],
    )


def board(view: BoardView, t: Translator) -> Card:
    body = _head(view, t) + _over(view, t)
    people, msteams = _members(view, t)
    body += people
    if view.notice:
        body.append(notice_block(view.notice, t))
    if view.open and view.part == 2:
        body.append(line(t("groups.vote_rules"), is_subtle=True))
        if view.voted and view.voted[1]:
            done, total = min(view.voted[0], view.voted[1]), view.voted[1]
            color = "Good" if done == total else None
            body.append(line(t("ready.group", done=done, total=total), color=color))
        if view.left is not None:
            body.append(line(t("vote.left", n=view.left, total=3), weight="Bolder"))
    if view.top:
        by_id = {i.input_id: i for i in view.inputs}
        body.append(line(t("groups.top3"), weight="Bolder", spacing="Medium"))
        body += [
            plain(f"{n}. {_short(by_id[i].text)}", spacing="Small")
            for n, i in enumerate(view.top, start=1)
            if i in by_id
        ]
        if view.tied:  # a tie at the cut: any member settles it, one pick at a time
            texts = {i.input_id: i.text for i in view.inputs}
            body.append(line(t("groups.tied", n=len(view.tied)), is_subtle=True))
            picks = [
                execute(
                    t("groups.pick", text=texts[i][:40]),
                    "group.pick",
                    view.sid,
                    view.rev,
                    g=view.group,
                    input=i,
                )
                for i in view.tied
                if i in texts
            ]
            body.append(ActionSet(actions=picks))
    body.append(line(t("groups.inputs", n=len(view.inputs)), weight="Bolder", spacing="Medium"))
    if not view.inputs:
        body.append(line(t("groups.no_inputs"), is_subtle=True))
    rows: list[Any] = []
    budget = ROWS_BUDGET  # the newest inputs that fit; the export has them all
    for item in reversed(view.inputs[-SHOWN:]):
        row = _row(view, item, t)
        cost = card_bytes(row.model_dump(exclude_none=True))
        if cost > budget:
            break
        budget -= cost
        rows.insert(0, row)
    if len(view.inputs) > len(rows):
        body.append(line(t("list.more", n=len(view.inputs) - len(rows)), is_subtle=True))
    body += rows
    return finished(body, t, msteams=msteams)


def form(view: BoardView, t: Translator, draft: str = "") -> Card:
    """The group's input form for one question: its own message, answered per person."""
    body = _head(view, t)
    if view.notice:
        body.append(notice_block(view.notice, t))
    if not view.open:
        body.append(line(t("groups.closed"), is_subtle=True))
        return finished(body, t)
    body += [
        line(t("groups.form_hint"), is_subtle=True),
        TextInput(
            id="input",
            label=t("groups.input_label"),
            is_multiline=True,
            max_length=IDEA_MAX,
            value=draft or None,
        ),
        ActionSet(
            actions=[
                execute(
                    t("groups.send"),
                    "group.input",
                    view.sid,
                    view.rev,
                    g=view.group,
                    part=view.part,
                    style="positive",
                )
            ]
        ),
    ]
    return finished(body, t)


def presentation(view: BoardView, top: tuple[str, ...], count: int, t: Translator) -> Card:
    """A group's results for the plenary: categories with their inputs, then the top 3."""
    body: list[Any] = [
        line(
            t("groups.presents", g=view.group, n=count),
            weight="Bolder",
            size="Medium",
            color="Accent",
        )
    ]
    if view.ends_ms:
        body.append(
            line(t("phase.ends_at", time=local_time(view.ends_ms)), is_subtle=True, spacing="None")
        )
    by_cat: dict[str, list[BoardInput]] = {}
    for item in view.inputs:
        by_cat.setdefault(item.category or t("groups.uncategorised"), []).append(item)
    for name, items in by_cat.items():
        body.append(plain(name, bold=True, spacing="Medium"))
        body += [plain("• " + _short(i.text), spacing="None") for i in items[:12]]
        if len(items) > 12:
            body.append(line(t("list.more", n=len(items) - 12), is_subtle=True))
    body.append(line(t("groups.top3"), weight="Bolder", spacing="Medium"))
    if not top:
        body.append(line(t("groups.no_top"), is_subtle=True))
    body += [plain(f"{n}. {_short(text)}", spacing="Small") for n, text in enumerate(top, 1)]
    return finished(body, t)
