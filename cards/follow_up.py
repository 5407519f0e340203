"""Follow-up cards (issue 10 §3): the owner's personal card with Done / Need more time /
Not me, and the host's status card (also what `status` shows after the end).

The owner's card carries only ids and the follow-up's version; the store checks the owner
against the AAD id Teams sent with the click, so a forwarded or forged card does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import ActionSet, Container, DateInput, ExecuteAction

from bot.domain.follow_up import CLOSED, FollowState
from bot.i18n import Translator
from cards.text import Card, execute, finished, line, notice_block, plain, said
from cards.views import Notice

MAX_ROWS = 40  # of MAX_ITEMS (50) actions; the rest as "and N more" (28 KB, mobile)
TEXT_CHARS = 140  # long action texts are cut on this card (the export has them whole)


@dataclass(frozen=True, slots=True)
class OwnerView:
    sid: str
    rev: int
    item_id: str
    ver: int
    topic: str
    text: str
    due: str
    state: FollowState
    today: str = ""
    last_day: str = ""
    reminder: bool = False  # the due-date reminder, a message of its own
    notice: Notice | None = None
    errors: tuple[Notice, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    owner_name: str  # as the host named them; "" for nobody
    state: FollowState
    due: str


@dataclass(frozen=True, slots=True)
class StatusView:
    topic: str
    rows: tuple[Row, ...]
    notice: Notice | None = None


def _due(due: str, t: Translator) -> str:
    return t("action.due", date=due) if due else t("action.no_due")


def _state_line(view: OwnerView, t: Translator) -> str:
    if view.state is FollowState.DONE:
        return t("followup.state.done")
    if view.state is FollowState.BACK:
        return t("followup.state.back")
    return _due(view.due, t)


def owner_card(view: OwnerView, t: Translator) -> Card:
    body: list[Any] = [
        said(t, "followup.owner_title", {"topic": view.topic}, weight="Bolder", size="Medium")
    ]
    if view.reminder and view.state not in CLOSED:
        body.append(line(t("followup.reminder"), weight="Bolder", color="Attention"))
    if view.notice:
        body.append(notice_block(view.notice, t))
    body += [
        line(t("followup.owner_intro"), is_subtle=True, spacing="Small"),
        plain(view.text, bold=True),
        line(_state_line(view, t), spacing="None"),
    ]
    if view.state in CLOSED:
        return finished(body, t)
    body.append(
        DateInput(
            id="new_due",
            label=t("followup.new_due_label"),
            min=view.today or None,
            max=view.last_day or None,
            spacing="Medium",
        )
    )
    body += [said(t, e.key, e.params, color="Attention", size="Small") for e in view.errors]

    def button(verb: str, title: str, style: str | None = None) -> ExecuteAction:
        return execute(
            t(title), verb, view.sid, view.rev, style=style, item=view.item_id, ver=view.ver
        )

    body.append(ActionSet(actions=[button("followup.later", "followup.later")]))
    actions = [
        button("followup.done", "followup.done", "positive"),
        button("followup.not_me", "followup.not_me", "destructive"),
    ]
    return finished(body, t, actions=actions)


def _row_state(row: Row, t: Translator) -> tuple[str, str | None]:
    """(line, colour) for a row of the host's card."""
    if row.state is FollowState.DONE:
        return t("followup.state.done"), "Good"
    if row.state is FollowState.MOVED:
        return t("followup.state.moved", date=row.due), None
    if row.state is FollowState.BACK:
        return t("followup.state.back"), "Attention"
    if row.state is FollowState.UNREACHED:
        return t("followup.state.unreached"), "Attention"
    return t("followup.state.open", due=_due(row.due, t)), None


def status_card(view: StatusView, t: Translator) -> Card:
    body: list[Any] = [
        said(t, "followup.host_title", {"topic": view.topic}, weight="Bolder", size="Medium")
    ]
    if view.notice:
        body.append(notice_block(view.notice, t))
    counts = {s: sum(r.state is s for r in view.rows) for s in FollowState}
    body.append(
        line(
            t(
                "followup.counts",
                n=len(view.rows),
                done=counts[FollowState.DONE],
                back=counts[FollowState.BACK],
                open=counts[FollowState.OPEN] + counts[FollowState.MOVED],
            ),
            is_subtle=True,
        )
    )
    for row in view.rows[:MAX_ROWS]:
        text, color = _row_state(row, t)
        owner = (
            t("followup.unassigned", name=row.owner_name)
            if row.state is FollowState.BACK
            else t("action.owner_line", name=row.owner_name)
        )
        body.append(
            Container(
                separator=True,
                items=[
                    plain(row.text[:TEXT_CHARS], bold=True),
                    plain(owner, subtle=True, spacing="None"),
                    line(text, color=color, spacing="None"),
                ],
            )
        )
    if len(view.rows) > MAX_ROWS:
        body.append(line(t("followup.more", n=len(view.rows) - MAX_ROWS), is_subtle=True))
    return finished(body, t)
