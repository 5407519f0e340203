"""'Time is up — move on?' (SPEC §3 Timers): posted when a timebox ends without auto-advance.

Everybody sees it; only hosts' presses count (the route checks, the script checks again).
"""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard, ExecuteAction

from bot.i18n import Translator
from cards.text import action_data, card, line
from cards.views import TimeUpView

EXTEND_MINUTES = 5


def build(view: TimeUpView, t: Translator) -> AdaptiveCard:
    target = t(f"phase.{view.next_phase.value}") if view.next_phase else t("phase.summary")
    body = [
        line(
            t("timer.up_title", phase=t(f"phase.{view.phase.value}")),
            weight="Bolder",
            color="Attention",
        ),
        line(t("timer.up_ask")),
    ]
    actions = [
        ExecuteAction(
            title=t("host.next", phase=target),
            verb="phase.next",
            style="positive",
            data=action_data("phase.next", view.sid, view.rev),
        ),
        ExecuteAction(
            title=t("timer.extend_button", n=EXTEND_MINUTES),
            verb="timer.extend",
            data=action_data("timer.extend", view.sid, view.rev, minutes=EXTEND_MINUTES),
        ),
    ]
    return card(body, t, actions=actions)
