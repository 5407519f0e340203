"""The summary card (SPEC §3 phase 8): what the host takes away. Anonymous, under 28 KB.

Ideas are listed in submission order with no author. When they do not fit, the list is
cut with "… and N more" (the export, issue 6, carries everything).
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard, Fact, FactSet

from bot.domain.participants import ROLES
from bot.i18n import Translator
from cards.text import (
    MAX_CARD_BYTES,
    card,
    card_bytes,
    line,
    local_date,
    local_time,
    plain,
    to_json,
)
from cards.views import SummaryView

HEADROOM = 1024  # bytes kept free for the "and N more" line and JSON overhead


def _head(view: SummaryView, t: Translator) -> list[Any]:
    roles = [
        Fact(title=t("role." + r.value), value=str(view.by_role[r]))
        for r in ROLES
        if r in view.by_role
    ]
    return [
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
        line(t("summary.participants", n=view.joined), weight="Bolder", spacing="Medium"),
        FactSet(facts=roles) if roles else line(t("summary.no_participants"), is_subtle=True),
    ]


RANKED_SHOWN = 10


def _ranking(view: SummaryView, t: Translator) -> list[Any]:
    if not view.ranking:
        return []
    body: list[Any] = [
        line(t("summary.ranking"), weight="Bolder", spacing="Medium"),
        line(t("summary.votes", n=sum(v for _, v in view.ranking)), is_subtle=True, spacing="None"),
    ]
    for place, (text, votes) in enumerate(view.ranking[:RANKED_SHOWN], start=1):
        body.append(
            plain(t("vote.result_line", place=place, n=votes, text=text[:300]), spacing="Small")
        )
    if len(view.ranking) > RANKED_SHOWN:
        body.append(line(t("list.more", n=len(view.ranking) - RANKED_SHOWN), is_subtle=True))
    return body


def build(view: SummaryView, t: Translator) -> AdaptiveCard:
    body = _head(view, t)
    body += _ranking(view, t)
    body.append(line(t("summary.ideas", n=len(view.ideas)), weight="Bolder", spacing="Medium"))
    if not view.ideas:
        body.append(line(t("summary.no_ideas"), is_subtle=True))
    budget = MAX_CARD_BYTES - HEADROOM - card_bytes(to_json(card(body, t)))
    shown = 0
    for number, text in enumerate(view.ideas, start=1):
        block = plain(f"{number}. {text}", spacing="Small")
        cost = card_bytes(block.model_dump(exclude_none=True)) + 2
        if cost > budget:
            break
        budget -= cost
        body.append(block)
        shown += 1
    if shown < len(view.ideas):
        body.append(line(t("list.more", n=len(view.ideas) - shown), is_subtle=True))
    body.append(line(t("summary.anonymous"), is_subtle=True, spacing="Medium"))
    return card(body, t)
