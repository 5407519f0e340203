"""Small answer cards: help, a plain message, a refusal. Invoke answers must be cards."""

from __future__ import annotations

from microsoft_teams.cards import Fact, FactSet

from bot.i18n import Translator
from cards.text import Card, finished, line, said

HELP_COMMANDS: tuple[str, ...] = (
    "start",
    "status",
    "next",
    "back",
    "skip",
    "extend",
    "pause",
    "adjourn",
    "cohost",
    "language",
    "setup",
    "end",
    "export",
    "history",
    "delete",
    "help",
)


def message(t: Translator, key: str, good: bool = True, **params: object) -> Card:
    """Parameters may be user text (a topic, a category, a name): see cards.text.said."""
    return finished([said(t, key, params, color=None if good else "Attention")], t)


def help_card(t: Translator, lead_key: str | None = None) -> Card:
    body = [line(t("help.title"), weight="Bolder", size="Medium")]
    if lead_key:
        body.append(line(t(lead_key)))
    body.append(line(t("help.intro")))
    body.append(
        FactSet(
            facts=[Fact(title=t(f"help.cmd.{c}"), value=t(f"help.what.{c}")) for c in HELP_COMMANDS]
        )
    )
    body.append(line(t("help.channel_hint"), is_subtle=True))
    return finished(body, t)
