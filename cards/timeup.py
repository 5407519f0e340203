"""'Time is up — move on?' (SPEC §3 Timers): posted when a timebox ends without auto-advance.

Everybody sees it; only hosts' presses count (the route checks, the script checks again).
Every button carries `card: "timeup"`, so a press is answered on this card: the host's press
turns it into its done state ("Moved on to …"), anyone else's into one polite line.
"""

from __future__ import annotations

from microsoft_teams.cards import ExecuteAction

from bot.i18n import Translator
from cards.text import Card, action_data, finished, line, notice_block
from cards.views import Notice, TimeUpView

EXTEND_MINUTES = 5
MARKER = "timeup"  # the `card` field actions.answer and handlers._stale look for


def _title(view: TimeUpView, t: Translator) -> object:
    return line(
        t("timer.up_title", phase=t(f"phase.{view.phase.value}")),
        weight="Bolder",
        color="Attention",
    )


def build(view: TimeUpView, t: Translator) -> Card:
    target = t(f"phase.{view.next_phase.value}") if view.next_phase else t("phase.summary")
    body = [_title(view, t), line(t("timer.up_ask"))]
    actions = [
        ExecuteAction(
            title=t("host.next", phase=target),
            verb="phase.next",
            style="positive",
            data=action_data("phase.next", view.sid, view.rev, card=MARKER),
        ),
        ExecuteAction(
            title=t("timer.extend_button", n=EXTEND_MINUTES),
            verb="timer.extend",
            data=action_data(
                "timer.extend", view.sid, view.rev, minutes=EXTEND_MINUTES, card=MARKER
            ),
        ),
    ]
    return finished(body, t, actions=actions)


def answered(view: TimeUpView, notice: Notice, t: Translator) -> Card:
    """The card after a host's press: what was decided, and no buttons to press twice.
    `view.phase` is the phase whose time ran out (the session as the press found it)."""
    if notice.key == "host.moved":  # "Moved on to …" reads right under "Time is up"
        notice = Notice("timer.moved_on", notice.params, notice.good)
    return finished([_title(view, t), notice_block(notice, t)], t)
