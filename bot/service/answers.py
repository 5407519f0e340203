"""Store answers → what the person is told, for the refusal codes most scripts share.
Scripts with codes of their own (votes, group work, moderation) map them beside their
handlers."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from cards.views import Notice

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
