"""What the session scripts answer, decoded (bot/store/lua/*.lua return strings).

A write answers 'ok:…' the first time, 'again:ok:…' to a redelivery of the same activity
(the first answer, nothing written again), or a refusal code ('stale', 'not_host', …).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


def repeat_as_first(answer: str) -> str:
    """A redelivered click gets the answer of its first delivery (its receipt, again)."""
    return answer.removeprefix("again:")


@dataclass(frozen=True, slots=True)
class Refused:
    """The script wrote nothing: `reason` is its code ('stale', 'not_host', 'gone', …)."""

    reason: str
    ok: ClassVar[bool] = False
    again: ClassVar[bool] = False  # a refusal is never recorded, so never repeated


@dataclass(frozen=True, slots=True)
class Moved:
    """The session moved (HOST_UPDATE, ADJOURN, RESUME_ADJOURNED): its rev and tver now.
    `again`: a redelivery of the activity that moved it (nothing was written this time)."""

    rev: int
    tver: int
    again: bool = False
    ok: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class Retimed:
    """RETIME's answer: the session's timer as it now is."""

    rev: int
    tver: int
    ends_ms: int
    paused_left_ms: int
    again: bool = False
    ok: ClassVar[bool] = True


def moved(raw: object) -> Moved | Refused:
    """'ok:<rev>:<tver>[:…]' or 'again:ok:…' -> Moved; anything else -> Refused."""
    text = str(raw)
    first = repeat_as_first(text)
    if not first.startswith("ok:"):
        return Refused(first)
    rev, tver = first.split(":")[1:3]
    return Moved(int(rev), int(tver), again=first != text)


def retimed(raw: object) -> Retimed | Refused:
    """'ok:<rev>:<tver>:<phase ends ms>:<paused left ms>' (or 'again:…') -> Retimed."""
    text = str(raw)
    first = repeat_as_first(text)
    if not first.startswith("ok:"):
        return Refused(first)
    rev, tver, ends, left = (int(x) for x in first.split(":")[1:5])
    return Retimed(rev, tver, ends, left, again=first != text)


Answer = Moved | Retimed | Refused  # a moving script's answer, decoded
