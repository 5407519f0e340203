"""Follow-up of actions (issue 10 §3): after the session each responsible person answers
Done, Need more time or Not me, and is reminded on the due date.

"From words to action": the summary is worth what its actions are worth, so the host sees
each one's fate. The rules here are pure; ANSWER_FOLLOW_UP (bot/store/scripts.py) is their
atomic twin, and checks the owner again against the AAD id Teams sent, never card data.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.refusal import Refusal
from bot.domain.timers import is_whole

# The reminder goes out at 08:00 Norwegian time on the due date (the product serves
# Norwegian municipalities): 07:00 UTC in winter, 06:00 UTC in summer. Without time zone
# data on the host it falls back to 07:00 UTC, which is 08:00 or 09:00 in Norway.
REMINDER_ZONE = "Europe/Oslo"
REMINDER_HOUR = 8
FALLBACK_UTC_HOUR = 7
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FollowState(StrEnum):
    OPEN = "open"  # the owner has the message and has not answered yet
    DONE = "done"
    MOVED = "moved"  # Need more time: a new due date
    BACK = "back"  # Not me: handed back to the host, the action has no owner now
    UNREACHED = "unreached"  # no AAD id, or Teams refused the 1:1: the host reminds them


CLOSED = frozenset({FollowState.DONE, FollowState.BACK, FollowState.UNREACHED})


class Answer(StrEnum):
    DONE = "done"
    LATER = "later"
    NOT_ME = "not_me"


class JobKind(StrEnum):
    START = "start"  # after the end: the personal messages, off the end command's clock
    DUE = "followup"  # the owner's reminder on the due date
    HANDBACK = "handback"  # tell the host an action came back (off the invoke's clock)


@dataclass(frozen=True, slots=True)
class FollowUp:
    item_id: str
    owner_aad: str
    due: str  # YYYY-MM-DD or ""
    state: FollowState
    ver: int  # bumps on every answer: a card or timer of an older version does nothing


@dataclass(frozen=True, slots=True)
class FollowJob:
    """A timer of the shared queue. The id starts with the session id like every other
    timer, so `delete` removes it; the item and version make it unique and stale-proof."""

    sid: str
    item_id: str
    ver: int
    kind: JobKind

    @property
    def id(self) -> str:
        return f"{self.sid}:{self.item_id}-{self.ver}:{self.kind.value}"

    @classmethod
    def parse(cls, raw: str) -> FollowJob | None:
        parts = raw.split(":")
        if len(parts) != 3 or parts[2] not in JobKind._value2member_map_:
            return None
        item, _, ver = parts[1].partition("-")
        if not is_whole(item, 15) or not is_whole(ver, 15):
            return None
        return cls(parts[0], item, int(ver), JobKind(parts[2]))


def _zone() -> datetime.tzinfo | None:
    try:
        return ZoneInfo(REMINDER_ZONE)
    except ZoneInfoNotFoundError:
        return None


def reminder_ms(due: str) -> int:
    """When the due-date reminder goes out (epoch ms); 0 for no date."""
    if not due or not _DATE.match(due):
        return 0
    day = datetime.date.fromisoformat(due)
    zone = _zone()
    if zone is None:
        moment = datetime.datetime(
            day.year, day.month, day.day, FALLBACK_UTC_HOUR, tzinfo=datetime.UTC
        )
    else:
        moment = datetime.datetime(day.year, day.month, day.day, REMINDER_HOUR, tzinfo=zone)
    return int(moment.timestamp() * 1000)


def day_of(ms: int) -> str:
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).date().isoformat()


def decide_new_due(raw: object, today: str, last_day: str = "") -> str | Refusal:
    """Need more time: a real date, not before today, and (when the session's data expires)
    no later than its last day, or the reminder could never be sent."""
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        return Refusal.of("followup.date_required")
    if not _DATE.match(value):
        return Refusal.of("action.bad_date")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return Refusal.of("action.bad_date")
    if value < today:
        return Refusal.of("action.date_past")
    if last_day and value > last_day:
        return Refusal.of("followup.date_too_late", date=last_day)
    return value


def last_day(expires_ms: int) -> str:
    """The last due date whose reminder still runs before the data expires (a day's margin)."""
    if expires_ms <= 0:
        return ""
    return day_of(expires_ms - 86_400_000)
