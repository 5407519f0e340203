"""The roster card, for hosts only: who has checked in, and naming a co-host from it.

Names appear here on purpose (the host needs them); no idea is ever shown next to a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from microsoft_teams.cards import ChoiceSetInput, Fact, FactSet
from microsoft_teams.cards.core import Choice

from bot.i18n import Translator
from cards.text import Card, execute, finished, line, notice_block
from cards.views import Notice

SHOWN = 60


@dataclass(frozen=True, slots=True)
class RosterView:
    sid: str
    rev: int
    people: tuple[tuple[str, str, str], ...]  # (name, member tag, role)
    notice: Notice | None = None


def build(view: RosterView, t: Translator) -> Card:
    body = [line(t("roster.title", n=len(view.people)), weight="Bolder", size="Medium")]
    if view.notice:
        body.append(notice_block(view.notice, t))
    if not view.people:
        body.append(line(t("roster.empty"), is_subtle=True))
        return finished(body, t)
    shown = view.people[:SHOWN]
    body.append(
        FactSet(facts=[Fact(title=name, value=t(f"role.{role}")) for name, _, role in shown])
    )
    if len(view.people) > SHOWN:
        body.append(line(t("list.more", n=len(view.people) - SHOWN), is_subtle=True))
    body.append(
        ChoiceSetInput(
            id="person",
            label=t("cohost.label"),
            style="compact",
            choices=[Choice(title=name, value=tag_) for name, tag_, _ in shown],
        )
    )
    actions = [execute(t("cohost.make"), "cohost.add", view.sid, view.rev)]
    return finished(body, t, actions=actions)
