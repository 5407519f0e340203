"""The vote card (SPEC §3 phase 6): its own message, posted when a vote round opens.

Nobody's dots are on the shared card: each person sees their own dots and how many are
left in the answer to their own click. Totals stay hidden until the round closes (to avoid
herding) unless the host chose to show them live; then the card turns into the ranking.
Pages of 20 keep it under 28 KB however many ideas are in play.
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Column,
    ColumnSet,
    ExecuteAction,
)

from bot.domain.voting import PAGE_SIZE
from bot.i18n import Translator
from cards.text import action_data, card, line, notice_block, plain
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
        data = action_data(
            "vote.cast",
            view.sid,
            view.rev,
            idea=item.idea_id,
            delta=delta,
            round=view.round,
            start=view.start,
        )
        return ActionSet(
            actions=[
                ExecuteAction(
                    title=title,
                    verb="vote.cast",
                    data=data,
                    tooltip=t("vote.plus_tip" if delta > 0 else "vote.minus_tip"),
                )
            ]
        )

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


def build(view: VoteView, t: Translator) -> AdaptiveCard:
    title = t("vote.title_round", n=view.round) if view.round > 1 else t("vote.title")
    body: list[Any] = [line(title, weight="Bolder", size="Medium", color="Accent")]
    if view.notice:
        body.append(notice_block(view.notice, t))
    if not view.open:
        return card(body + _results(view, t), t)
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
            actions.append(
                ExecuteAction(
                    title=t("vote.prev"),
                    verb="vote.page",
                    data=action_data(
                        "vote.page",
                        view.sid,
                        view.rev,
                        round=view.round,
                        start=max(0, view.start - PAGE_SIZE),
                    ),
                )
            )
        if end < view.total_ideas:
            actions.append(
                ExecuteAction(
                    title=t("vote.next", n=min(PAGE_SIZE, view.total_ideas - end)),
                    verb="vote.page",
                    data=action_data("vote.page", view.sid, view.rev, round=view.round, start=end),
                )
            )
    return card(body, t, actions=actions)
