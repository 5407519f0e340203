"""Before a vote opens, hosts choose what is in play (issue 5): every candidate with a button
to leave it out or bring it back. Only hosts get this card, in their invoke answer."""

from __future__ import annotations

from dataclasses import dataclass

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Column,
    ColumnSet,
    ExecuteAction,
    TextInput,
)

from bot.i18n import Translator
from cards.text import action_data, card, line, notice_block, plain
from cards.views import Notice

SHOWN = 25
SHOWN_CHARS = 150


@dataclass(frozen=True, slots=True)
class PrepView:
    sid: str
    rev: int
    round: int
    candidates: tuple[tuple[str, str, bool], ...]  # (id, text, in play)
    notice: Notice | None = None
    max_len: int = 1000  # of an idea the host adds
    draft: str = ""  # a refused text comes back


def build(view: PrepView, t: Translator) -> AdaptiveCard:
    chosen = sum(1 for *_, on in view.candidates if on)
    body = [
        line(t("prep.title", n=chosen, total=len(view.candidates)), weight="Bolder", size="Medium"),
        line(t("prep.intro"), is_subtle=True),
    ]
    if view.notice:
        body.append(notice_block(view.notice, t))
    for item_id, text, on in view.candidates[:SHOWN]:
        toggle = ExecuteAction(
            title=t("prep.leave_out" if on else "prep.bring_back"),
            verb="vote.toggle",
            data=action_data("vote.toggle", view.sid, view.rev, item=item_id, round=view.round),
        )
        status = t("prep.in") if on else t("prep.out")
        body.append(
            ColumnSet(
                separator=True,
                columns=[
                    Column(
                        width="stretch",
                        items=[
                            plain(text[:SHOWN_CHARS]),
                            line(status, is_subtle=True, spacing="None"),
                        ],
                    ),
                    Column(
                        width="auto",
                        items=[ActionSet(actions=[toggle])],
                        vertical_content_alignment="Center",
                    ),
                ],
            )
        )
    if len(view.candidates) > SHOWN:
        body.append(line(t("list.more", n=len(view.candidates) - SHOWN), is_subtle=True))
    if view.round != 1:  # round 2 is among round 1's top ideas only
        return card(body, t)
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
    add = ExecuteAction(
        title=t("prep.add"),
        verb="vote.add",
        data=action_data("vote.add", view.sid, view.rev, round=view.round),
    )
    body.append(ActionSet(actions=[add]))
    return card(body, t)
