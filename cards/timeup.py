"""'Time is up — move on?' (SPEC §3 Timers): posted when a timebox ends without auto-advance.

Everybody sees it; only hosts' presses count (the route checks, the script checks again).
Every button carries `card: "timeup"`, so a press is answered on this card: the host's press
turns it into its done state ("Moved on to …"), anyone else's into one polite line.
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import ExecuteAction

from bot.i18n import Translator
from cards.text import Card, execute, finished, item_name, line, notice_block
from cards.views import Notice, TimeUpView

EXTEND_MINUTES = 5
MARKER = "timeup"  # the `card` field session/clicks.answer and handlers._stale look for


def _title(view: TimeUpView, t: Translator) -> object:
    return line(
        t("timer.up_title", phase=item_name(t, view.item)),
        weight="Bolder",
        color="Attention",
    )


def build(view: TimeUpView, t: Translator) -> Card:
    target = item_name(t, view.next_item) if view.next_item else t("phase.summary")
    body = [_title(view, t), line(t("timer.up_ask"))]

    def press(title: str, verb: str, **extra: Any) -> ExecuteAction:
        return execute(title, verb, view.sid, view.rev, card=MARKER, **extra)  # answered here

    actions = [
        press(t("host.next", phase=target), "phase.next", style="positive"),
        press(t("timer.extend_button", n=EXTEND_MINUTES), "timer.extend", minutes=EXTEND_MINUTES),
    ]
    return finished(body, t, actions=actions)


def answered(view: TimeUpView, notice: Notice, t: Translator) -> Card:
    """The card after a host's press: what was decided, and no buttons to press twice.
    `view.item` is the one whose time ran out (the session as the press found it)."""
    if notice.key == "host.moved":  # "Moved on to …" reads right under "Time is up"
        notice = Notice("timer.moved_on", notice.params, notice.good)
    return finished([_title(view, t), notice_block(notice, t)], t)
