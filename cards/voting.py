"""The vote card (SPEC §3 phase 6): its own message, posted when a vote round opens.

Nobody's dots are on the shared card: each person sees their own dots and how many are
left in the answer to their own click. Totals stay hidden until the round closes (to avoid
herding) unless the host chose to show them live; then the card turns into the ranking.
Pages of 20 keep it under 28 KB however many ideas are in play.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from microsoft_teams.cards import (
    ActionSet,
    Column,
    ColumnSet,
)

from bot.domain.voting import PAGE_SIZE
from bot.i18n import Translator
from cards.text import Card, dumped, execute, finished, line, notice_block, plain
from cards.views import VoteItem, VoteView

SHOWN_CHARS = 300  # long ideas are cut on this card; the summary and export have them whole
RESULTS_SHOWN = 20


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1].rstrip() + "…"


def _row(view: VoteView, item: VoteItem, t: Translator) -> ColumnSet:
    info: list[Any] = [plain(_short(item.text))]
    if item.mine:
        info.append(line(t("vote.mine", n=item.mine), is_subtle=True, spacing="None", color="Good"))
    if item.total is not None:
        info.append(line(t("vote.total", n=item.total), is_subtle=True, spacing="None"))

    def button(delta: int, title: str) -> ActionSet:
        tip = t("vote.plus_tip" if delta > 0 else "vote.minus_tip")
        cast = execute(
            title,
            "vote.cast",
            view.sid,
            view.rev,
            tooltip=tip,
            idea=item.idea_id,
            delta=delta,
            round=view.round,
            start=view.start,
        )
        return ActionSet(actions=[cast])

    return ColumnSet(
        separator=True,
        columns=[
            Column(width="stretch", items=info),
            Column(width="auto", items=[button(1, "+")], vertical_content_alignment="Center"),
            Column(width="auto", items=[button(-1, "−")], vertical_content_alignment="Center"),
        ],
    )


def _results(view: VoteView, t: Translator) -> list[Any]:
    body: list[Any] = [line(t("vote.results_title", n=view.voters), weight="Bolder")]
    for place, item in enumerate(view.items[:RESULTS_SHOWN], start=1):
        body.append(
            plain(
                t("vote.result_line", place=place, n=item.total or 0, text=_short(item.text)),
                spacing="Small",
            )
        )
    if len(view.items) > RESULTS_SHOWN:
        body.append(line(t("list.more", n=len(view.items) - RESULTS_SHOWN), is_subtle=True))
    return body


def build(view: VoteView, t: Translator) -> Card:
    title = t("vote.title_round", n=view.round) if view.round > 1 else t("vote.title")
    body: list[Any] = [line(title, weight="Bolder", size="Medium", color="Accent")]
    if view.notice:
        body.append(notice_block(view.notice, t))
    if not view.open:
        return finished(body + _results(view, t), t)
    body.append(line(t("voting.rules", n=view.allowance, m=view.cap)))
    if view.left is not None:
        body.append(line(t("vote.left", n=view.left, total=view.allowance), weight="Bolder"))
    if not view.items:
        body.append(line(t("vote.nothing"), is_subtle=True))
    body += [_row(view, item, t) for item in view.items]
    actions = []
    end = view.start + len(view.items)
    if view.total_ideas > PAGE_SIZE:
        body.append(
            line(t("vote.page", first=view.start + 1, last=end, n=view.total_ideas), is_subtle=True)
        )
        if view.start > 0:
            first = max(0, view.start - PAGE_SIZE)
            actions.append(
                execute(
                    t("vote.prev", first=first + 1, last=first + PAGE_SIZE),
                    "vote.page",
                    view.sid,
                    view.rev,
                    round=view.round,
                    start=max(0, view.start - PAGE_SIZE),
                )
            )
        if end < view.total_ideas:
            actions.append(
                execute(
                    t("vote.next", first=end + 1, last=min(end + PAGE_SIZE, view.total_ideas)),
                    "vote.page",
                    view.sid,
                    view.rev,
                    round=view.round,
                    start=end,
                )
            )
    return finished(body, t, actions=actions)


# -- the shared part built once, the personal part per click (issue 13) -------------------


@dataclass(frozen=True, slots=True)
class Template:
    """An open vote card's page with nobody's dots on it, dumped once; `personalise` fills
    in one person's parts. The positions say where those go in the dumped body."""

    card: dict[str, Any]
    left_at: int  # body index of the "votes left" line
    rows_at: tuple[int, ...]  # body index of each idea's row, in page order
    row_ids: tuple[str, ...]  # the idea of each row
    mine_line: dict[str, Any]  # a dumped "your dots here" line, text to be replaced
    total_line: dict[str, Any]
    left_line: dict[str, Any]


def template(view: VoteView, t: Translator) -> Template:
    """`view` is the open page as everybody sees it (no notice, no dots)."""
    shared = replace(view, notice=None, left=view.allowance)
    shared = replace(shared, items=tuple(replace(i, mine=0, total=None) for i in view.items))
    built = build(shared, t)
    body = built["body"]
    rows = tuple(i for i, block in enumerate(body) if block.get("type") == "ColumnSet")
    left_at = 2  # title, rules, left: see build()
    return Template(
        card=built,
        left_at=left_at,
        rows_at=rows,
        row_ids=tuple(i.idea_id for i in view.items),
        mine_line=dumped(line("-", is_subtle=True, spacing="None", color="Good")),
        total_line=dumped(line("-", is_subtle=True, spacing="None")),
        left_line=body[left_at],
    )


def personalise(
    tpl: Template,
    t: Translator,
    *,
    left: int,
    allowance: int,
    mine: Mapping[str, int],
    totals: Mapping[str, int] | None,
    notice: Any = None,
) -> dict[str, Any]:
    """One person's vote card: the template with their dots, votes left and notice. Only
    the parts that differ are copied; the rest is shared with the template."""
    out = dict(tpl.card)
    body = list(tpl.card["body"])
    body[tpl.left_at] = {
        **tpl.left_line,
        "text": t("vote.left", n=left, total=allowance),
    }
    for idea_id, at in zip(tpl.row_ids, tpl.rows_at, strict=True):
        extra: list[dict[str, Any]] = []
        if mine.get(idea_id):
            extra.append({**tpl.mine_line, "text": t("vote.mine", n=mine[idea_id])})
        if totals is not None:
            extra.append({**tpl.total_line, "text": t("vote.total", n=totals.get(idea_id, 0))})
        if not extra:
            continue
        row = dict(body[at])
        columns = list(row["columns"])
        info = dict(columns[0])
        info["items"] = [*info["items"], *extra]
        columns[0] = info
        row["columns"] = columns
        body[at] = row
    if notice is not None:
        body.insert(1, dumped(notice_block(notice, t)))
    out["body"] = body
    return out
