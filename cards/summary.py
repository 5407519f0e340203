"""The summary card (SPEC §3 phase 8): what the host takes away. Anonymous, under 28 KB.

Topic, need, date and duration, participants by role, the vote's ranking once: a Teams bar
chart (values on the bars, no axis: small counts read "0… 0…" on an axis) and the same
ranking as one text list (for clients and screen readers without charts); what each group
found (its categories with their inputs, and its top 3); actions with owner and due date;
then the ideas the ranking did not list, in the order they came, with no author. What does
not fit is cut with "… and N more": the export (`export`) has it all.
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    Fact,
    FactSet,
    HorizontalBarChart,
    HorizontalBarChartDataValue,
)

from bot.domain.participants import ROLES
from bot.i18n import Translator
from cards.text import (
    MAX_CARD_BYTES,
    Card,
    card_bytes,
    dumped,
    finished,
    line,
    local_date,
    local_time,
    plain,
)
from cards.views import SummaryView

HEADROOM = 1024  # bytes kept free for the "and N more" line and JSON overhead
RANKED_SHOWN = 10
CHART_LABEL = 40
SHOWN_CHARS = 300
ACTIONS_SHOWN = 15
GROUPS_BUDGET = 9_000  # bytes for what the groups found; the ideas get what is left
MORE_BYTES = 160  # kept back for an "… and N more" line
GROUP_CHARS = 150


def _head(view: SummaryView, t: Translator) -> list[Any]:
    roles = [
        Fact(title=t("role." + r.value), value=str(view.by_role[r]))
        for r in ROLES
        if r in view.by_role
    ]
    minutes = max(0, round((view.ended_ms - view.started_ms) / 60_000))
    body: list[Any] = [
        line(t("summary.title"), size="Small", is_subtle=True),
        plain(view.topic, bold=True, size="Large", spacing="None"),
        plain(t("session.host", name=view.host_name), subtle=True, spacing="None"),
        line(
            t(
                "summary.when",
                date=local_date(view.started_ms),
                start=local_time(view.started_ms),
                end=local_time(view.ended_ms),
            ),
            is_subtle=True,
            spacing="None",
        ),
        line(t("summary.duration", n=minutes), is_subtle=True, spacing="None"),
    ]
    if view.need:
        body += [
            line(t("session.need"), weight="Bolder", spacing="Medium"),
            plain(view.need[: SHOWN_CHARS * 2], spacing="None"),
        ]
    body += [
        line(t("summary.participants", n=view.joined), weight="Bolder", spacing="Medium"),
        FactSet(facts=roles) if roles else line(t("summary.no_participants"), is_subtle=True),
    ]
    return body


def _ranking(view: SummaryView, t: Translator) -> list[Any]:
    if not view.ranking:
        return []
    shown = view.ranking[:RANKED_SHOWN]
    chart = HorizontalBarChart(
        display_mode="AbsoluteNoAxis",
        data=[
            HorizontalBarChartDataValue(x=f"{n}. {text[:CHART_LABEL]}", y=votes)
            for n, (text, votes) in enumerate(shown, start=1)
        ],
        fallback="drop",  # Teams-only element: the text ranking below stands in for it
    )
    body: list[Any] = [
        line(t("summary.ranking"), weight="Bolder", spacing="Medium"),
        line(t("summary.votes", n=sum(v for _, v in view.ranking)), is_subtle=True, spacing="None"),
        chart,
    ]
    body += [
        plain(t("vote.result_line", place=n, n=votes, text=text[:SHOWN_CHARS]), spacing="Small")
        for n, (text, votes) in enumerate(shown, start=1)
    ]
    if len(view.ranking) > RANKED_SHOWN:
        body.append(line(t("list.more", n=len(view.ranking) - RANKED_SHOWN), is_subtle=True))
    return body


def _action_items(view: SummaryView, t: Translator) -> list[Any]:
    body: list[Any] = [
        line(t("export.actions", n=len(view.action_items)), weight="Bolder", spacing="Medium")
    ]
    if not view.action_items:
        return body + [line(t("summary.no_actions"), is_subtle=True)]
    for item in view.action_items[:ACTIONS_SHOWN]:
        due = t("action.due", date=item.due) if item.due else t("action.no_due")
        body.append(plain(f"• {item.text[:SHOWN_CHARS]}", spacing="Small"))
        body.append(
            plain(
                t("action.owner_line", name=item.owner_name) + " · " + due,
                subtle=True,
                spacing="None",
            )
        )
    if len(view.action_items) > ACTIONS_SHOWN:
        more = len(view.action_items) - ACTIONS_SHOWN
        body.append(line(t("list.more", n=more), is_subtle=True))
    return body


def _groups(view: SummaryView, t: Translator, budget: int) -> list[Any]:
    """What each group found, as text: its top 3, then its categories with their inputs.
    Within `budget` bytes; what does not fit is cut with "… and N more"."""
    if not view.groups:
        return []
    body: list[Any] = [
        line(
            t(
                _one_or_many("summary.groups", len(view.groups)),
                n=len(view.groups),
                inputs=view.inputs,
            ),
            weight="Bolder",
            spacing="Medium",
        )
    ]
    budget -= _cost(body[0])
    for shown_groups, (number, categories, top) in enumerate(view.groups):
        head = line(t("summary.group", g=number), weight="Bolder", spacing="Medium")
        if _cost(head) + MORE_BYTES * 2 > budget:  # no room for this group: say how many
            left = len(view.groups) - shown_groups
            body.append(line(t(_one_or_many("summary.groups_more", left), n=left), is_subtle=True))
            break
        body.append(head)
        budget -= _cost(head)
        if top:
            top_blocks = [line(t("groups.top3"), is_subtle=True, spacing="Small")] + [
                plain(f"{n}. {text[:GROUP_CHARS]}", spacing="None")
                for n, text in enumerate(top, start=1)
            ]
            budget = _cut(body, top_blocks, budget, t)
        for name, texts in categories:
            blocks = [plain(f"{name} ({len(texts)})", bold=True, spacing="Small")] + [
                plain("• " + text[:GROUP_CHARS], spacing="None") for text in texts
            ]
            budget = _cut(body, blocks, budget, t)
    return body


def _cut(body: list[Any], blocks: list[Any], budget: int, t: Translator) -> int:
    """Adds the leading blocks (a heading, then its items) that fit, and "… and N more" for
    the items that do not (room for it is kept: MORE_BYTES); returns the budget left."""
    shown, left = _fitting(blocks, budget - MORE_BYTES)
    body += shown
    if len(shown) == len(blocks):
        return left + MORE_BYTES
    more = line(t("list.more", n=len(blocks) - max(1, len(shown))), is_subtle=True)
    body.append(more)
    return left + MORE_BYTES - _cost(more)


def _one_or_many(key: str, n: int) -> str:
    """The catalogue key for a count: "<key>_one" says one without a plural ("én gruppe")."""
    return f"{key}_one" if n == 1 else key


def _cost(block: Any) -> int:
    return card_bytes(dumped(block)) + 2


def _fitting(blocks: list[Any], budget: int) -> tuple[list[Any], int]:
    """The leading blocks that fit in budget bytes, and what is left of it."""
    kept = []
    for block in blocks:
        cost = _cost(block)
        if cost > budget:
            break
        budget -= cost
        kept.append(block)
    return kept, budget


def build(view: SummaryView, t: Translator) -> Card:
    head = _head(view, t) + _ranking(view, t)
    rest_of_it = _action_items(view, t)
    rest_of_it.append(
        line(t("summary.ideas", n=len(view.ideas)), weight="Bolder", spacing="Medium")
    )
    ranked = {text for text, _ in view.ranking[:RANKED_SHOWN]}
    rest = [text for text in view.ideas if text not in ranked]  # the ranking listed the others
    if not view.ideas:
        rest_of_it.append(line(t("summary.no_ideas"), is_subtle=True))
    elif ranked and rest:
        rest_of_it.append(line(t("summary.rest", n=len(rest)), is_subtle=True, spacing="None"))
    tail = [
        line(t("summary.export_hint"), is_subtle=True, spacing="Medium"),
        line(t("summary.anonymous"), is_subtle=True, spacing="Small"),
    ]
    free = MAX_CARD_BYTES - HEADROOM - card_bytes(finished(head + rest_of_it + tail, t))
    groups = _groups(view, t, min(GROUPS_BUDGET, free * 2 // 3))  # ideas get the rest
    body = head + groups + rest_of_it
    budget = MAX_CARD_BYTES - HEADROOM - card_bytes(finished(body + tail, t))
    numbered = [plain(f"{n}. {text}", spacing="Small") for n, text in enumerate(rest, start=1)]
    shown, _ = _fitting(numbered, budget)
    body += shown
    if len(shown) < len(rest):
        body.append(line(t("list.more", n=len(rest) - len(shown)), is_subtle=True))
    return finished(body + tail, t)
