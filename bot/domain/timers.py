"""Timeboxes (SPEC §3 Timers): an absolute end time, a reminder before it, an end job.

A timer's id says what it is for, including the session's timer version: extend, pause,
resume, back and next all bump that version, so a job planned before them does nothing
(STYLE 2.8). Every replica computes the same id, so scheduling twice makes one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.refusal import Refusal

MAX_EXTEND_MINUTES = 120
DEFAULT_REMINDER_S = 60


class TimerKind(StrEnum):
    REMINDER = "reminder"
    END = "end"


@dataclass(frozen=True, slots=True)
class TimerJob:
    sid: str
    tver: int
    kind: TimerKind

    @property
    def id(self) -> str:
        return f"{self.sid}:{self.tver}:{self.kind.value}"

    @classmethod
    def parse(cls, raw: str) -> TimerJob | None:
        parts = raw.split(":")
        if (
            len(parts) != 3
            or not is_whole(parts[1], 15)
            or parts[2] not in TimerKind._value2member_map_
        ):
            return None
        return cls(parts[0], int(parts[1]), TimerKind(parts[2]))


def plan(sid: str, tver: int, ends_ms: int, now_ms: int, reminder_s: int) -> list[tuple[str, int]]:
    """(timer id, due ms) for a phase that ends at ends_ms; none for an untimed phase."""
    if not ends_ms:
        return []
    jobs = [(TimerJob(sid, tver, TimerKind.END).id, ends_ms)]
    remind_at = ends_ms - reminder_s * 1000
    if reminder_s and remind_at > now_ms:
        jobs.append((TimerJob(sid, tver, TimerKind.REMINDER).id, remind_at))
    return jobs


def decide_extension(raw: object) -> int | Refusal:
    """Minutes to add: a whole number from 1 to 120, typed or from a button."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 5
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        return Refusal.of("timer.bad_minutes", max=MAX_EXTEND_MINUTES)
    if isinstance(raw, int):
        text = str(raw) if 0 < raw <= MAX_EXTEND_MINUTES else ""
    else:
        text = raw.strip()
    if not is_whole(text, 3) or not 1 <= int(text) <= MAX_EXTEND_MINUTES:
        return Refusal.of("timer.bad_minutes", max=MAX_EXTEND_MINUTES)
    return int(text)


def is_whole(text: str, most_digits: int) -> bool:
    """ASCII digits, at most `most_digits` of them. `str.isdigit()` takes "²" and int()
    then raises; int() also raises on more than 4,300 digits, and takes "٣" as 3."""
    return 0 < len(text) <= most_digits and text.isascii() and text.isdecimal()


IDLE_SUFFIX = ":idle"


def idle_timer_id(sid: str) -> str:
    """A session's idle end: one timer per session, moved out by every host action."""
    return f"{sid}{IDLE_SUFFIX}"


def is_idle_timer(timer_id: str) -> bool:
    return timer_id.endswith(IDLE_SUFFIX) and timer_id.count(":") == 1
