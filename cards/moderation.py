"""Moderation (issue 10): a host hides an abusive or off-topic idea or group input, or brings
it back. Only hosts get this card, in their invoke answer; it shows texts, never authors
(the bot does not know them either: ideas carry no link to a person)."""

from __future__ import annotations

from dataclasses import dataclass

from microsoft_teams.cards import ActionSet, Column, ColumnSet, ExecuteAction

from bot.i18n import Translator
from cards.text import Card, execute, finished, line, notice_block, plain
from cards.views import Notice

PAGE = 15
SHOWN_CHARS = 300


@dataclass(frozen=True, slots=True)
class ModItem:
    item_id: str  # as in a vote: "12" an idea, "g7" a group input
    text: str
    group: int  # 0 = the idea round
    hidden: bool


@dataclass(frozen=True, slots=True)
class ModerationView:
    sid: str
    rev: int
    items: tuple[ModItem, ...]  # hidden ones first, then the rest in order
    start: int = 0  # first shown of the ones not hidden
    notice: Notice | None = None


def _row(view: ModerationView, item: ModItem, t: Translator) -> ColumnSet:
    verb = "moderate.restore" if item.hidden else "moderate.hide"
    button = execute(
        t("moderation.restore" if item.hidden else "moderation.hide"),
        verb,
        view.sid,
        view.rev,
        item=item.item_id,
        start=view.start,
    )
    text = item.text if len(item.text) <= SHOWN_CHARS else item.text[:SHOWN_CHARS] + "…"
    where = t("moderation.from_group", g=item.group) if item.group else t("moderation.from_ideas")
    return ColumnSet(
        separator=True,
        columns=[
            Column(
                width="stretch",
                items=[plain(text), line(where, is_subtle=True, spacing="None")],
            ),
            Column(
                width="auto",
                items=[ActionSet(actions=[button])],
                vertical_content_alignment="Center",
            ),
        ],
    )


def _pager(view: ModerationView, total: int, t: Translator) -> list[ExecuteAction]:
    def go(start: int, key: str) -> ExecuteAction:
        return execute(t(key, n=PAGE), "moderate.open", view.sid, view.rev, start=start)

    pages = []
    if view.start > 0:
        pages.append(go(max(0, view.start - PAGE), "moderation.prev"))
    if view.start + PAGE < total:
        pages.append(go(view.start + PAGE, "moderation.next"))
    return pages


def build(view: ModerationView, t: Translator) -> Card:
    hidden = [i for i in view.items if i.hidden]
    shown = [i for i in view.items if not i.hidden]
    body: list = [
        line(t("moderation.title"), weight="Bolder", size="Medium"),
        line(t("moderation.intro"), is_subtle=True),
    ]
    if view.notice:
        body.append(notice_block(view.notice, t))
    if hidden:
        body.append(line(t("moderation.hidden_title", n=len(hidden)), weight="Bolder"))
        body += [_row(view, item, t) for item in hidden[:PAGE]]
        if len(hidden) > PAGE:
            body.append(line(t("list.more", n=len(hidden) - PAGE), is_subtle=True))
    body.append(line(t("moderation.shown_title", n=len(shown)), weight="Bolder", spacing="Medium"))
    if not shown:
        body.append(line(t("moderation.nothing"), is_subtle=True))
    body += [_row(view, item, t) for item in shown[view.start : view.start + PAGE]]
    return finished(body, t, actions=_pager(view, len(shown), t))
