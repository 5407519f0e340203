"""The ground floor of every feature: a click, who steers, and what the scripts' answer codes
tell the person (the refusal codes most scripts share; features with codes of their own
extend `REFUSALS` beside their handlers)."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from bot.domain.session import Session
from bot.i18n import Translator
from bot.service.ports import Actor
from cards.views import Notice


@dataclass(frozen=True, slots=True)
class Steer:
    """Who steers: a host (member tag) or the bot itself (tag '') on a timer."""

    tag: str
    activity_id: str
    expected_tver: int | None = None


@dataclass(frozen=True, slots=True)
class Click:
    actor: Actor
    sid: str
    rev: int
    data: dict[str, Any]
    session: Session
    t: Translator
    tag: str  # the clicking person's member tag in this session

    @property
    def steer(self) -> Steer:
        return Steer(self.tag, self.actor.activity_id)


# Answer codes of the Lua scripts (bot/store/scripts.py) that refuse.
REFUSALS: Mapping[str, str] = MappingProxyType(
    {
        "ended": "card.ended",
        "stale": "card.stale",
        "wrong_phase": "card.stale",
        "not_host": "host.only",
        "gone": "card.gone",
        "limit": "idea.limit",
    }
)


def refusal_notice(code: str, **params: object) -> Notice:
    return Notice(REFUSALS.get(code, "error.generic"), dict(params), good=False)


def succeeded(result: str) -> bool:
    """The write happened: now, or on an earlier delivery of the same activity."""
    return result.startswith(("ok:", "again:ok:"))


def first_time(result: str) -> bool:
    """Only the delivery that wrote runs side effects (announcements, the summary)."""
    return result.startswith("ok:")
