"""Continue another day (issue 10 §4): the rules of adjourning a Digikok and resuming it.

An adjourned session keeps everything (ideas, groups, votes, actions) and its phase; its
status is `adjourned`, so every participant script refuses to write (they all require
`active`) and no timer effect can land (HOST_UPDATE requires `active` too, and adjourning
bumps the timer version, so timers planned before do nothing even after the resume).

Time: resume gives the phase the time it had left when it was adjourned (as pause/resume
does), at least MIN_LEFT_MS so nobody is greeted by "time is up" days later. A phase whose
time had already run out, or an untimed one, resumes untimed: the host moves on. A timer
that fell due while adjourned is never fired later. A paused phase resumes running.

A day and month without a year mean this year. When that day has passed, the host is asked
back ("3 Dec has passed: did you mean 3 Dec 2027?", `adjourn.passed`) and confirms by saying
it again with the year; it is never taken silently as next year. 29 Feb without a year, in
a year that has none, is the next one, if it is within MAX_DAYS_AHEAD.

Retention counts from the final end: an adjourned session's keys carry no TTL (like an
active one); `end` sets the retention TTL, whether it comes after a resume or directly on
an adjourned session.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.refusal import Refusal
from bot.domain.session import ACTIVE, ADJOURNED, ResumePlan

MIN_LEFT_MS = 60_000
NOTE_MAX = 100
DEFAULT_ZONE = "Europe/Oslo"  # when Teams tells us neither the zone nor the offset
MAX_DAYS_AHEAD = 366


def check_adjourn(status: str, phase: str) -> Refusal | None:
    if status == ADJOURNED:
        return Refusal.of("adjourn.already")
    if status != ACTIVE or phase == "ended":
        return Refusal.of("adjourn.ended")
    if phase == "setup":
        return Refusal.of("adjourn.setup")
    return None


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]+(.+))?$")
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4})?)?(?:[ ,]+(.+))?$")
_TIME = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?$")
_TOMORROW = ("tomorrow", "i morgen", "imorgen", "i morgon", "imorgon")


def _zone(tz_name: str, offset_min: int | None) -> tzinfo:
    if tz_name:
        try:
            return ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if offset_min is not None:
        return timezone(timedelta(minutes=offset_min))
    try:
        return ZoneInfo(DEFAULT_ZONE)
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=1))


def _time_of_day(text: str | None) -> tuple[int, int] | None | Refusal:
    if not text:
        return None
    found = _TIME.match(text.strip().casefold())
    if not found:
        return Refusal.of("adjourn.bad_time")
    hour, minute = int(found[1]), int(found[2] or 0)
    if hour > 23 or minute > 59:
        return Refusal.of("adjourn.bad_time")
    return hour, minute


def _day_and_rest(text: str, today: date) -> tuple[date, str | None] | None | Refusal:
    """The date in text and what follows it; None when text does not start with a date."""
    lowered = text.casefold()
    for word in _TOMORROW:
        if lowered == word or lowered.startswith(word + " "):
            return today + timedelta(days=1), text[len(word) :].strip() or None
    if found := _ISO.match(lowered):
        y, m, d, rest = int(found[1]), int(found[2]), int(found[3]), found[4]
    elif found := _DOTTED.match(lowered):
        d, m, rest = int(found[1]), int(found[2]), found[4]
        if not found[3]:
            return _day_without_year(d, m, today, rest)
        y = int(found[3])
        y = y + 2000 if y < 100 else y
    else:
        return None
    try:
        day = date(y, m, d)
    except ValueError:
        return Refusal.of("adjourn.bad_date")
    return day, rest


def _day_without_year(
    d: int, m: int, today: date, rest: str | None
) -> tuple[date, str | None] | Refusal:
    """This year's day; a passed one is asked back with the next year it exists in."""
    if not 1 <= m <= 12 or not 1 <= d <= 31:
        return Refusal.of("adjourn.bad_date")
    ahead = [y for y in range(today.year, today.year + 9) if _exists(y, m, d)]
    if not ahead:
        return Refusal.of("adjourn.bad_date")  # 31.4., 30.2.: no year has it
    this_year = ahead[0] == today.year
    if this_year and date(today.year, m, d) >= today:
        return date(today.year, m, d), rest
    later = [y for y in ahead if date(y, m, d) > today]
    if not later or date(later[0], m, d) - today > timedelta(days=MAX_DAYS_AHEAD):
        return Refusal.of("adjourn.past" if this_year else "adjourn.too_far", days=MAX_DAYS_AHEAD)
    if not this_year:  # 29.2. in a year without one: the coming 29 Feb, nothing passed
        return date(later[0], m, d), rest
    again = f"{d}.{m}.{later[0]}" + (f" {rest}" if rest else "")
    return Refusal.of("adjourn.passed", d=d, m=m, year=later[0], again=again)


def _exists(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def decide_resume_plan(
    text: str, now_ms: int, tz_name: str = "", offset_min: int | None = None
) -> ResumePlan | Refusal:
    """`adjourn 3.12. 09:00`, `adjourn 2026-12-03 9`, `utsett i morgen kl 9`, or a note.

    Dates and times are the host's local time (Teams sends the zone or the offset with each
    activity). A date in the past is refused; text that is not a date is kept as a note.
    """
    text = " ".join(text.split())
    if not text:
        return ResumePlan()
    zone = _zone(tz_name, offset_min)
    now = datetime.fromtimestamp(now_ms / 1000, tz=zone)
    found = _day_and_rest(text, now.date())
    time_alone = found is None and bool(_TIME.match(text.casefold()))
    if time_alone:  # a time alone: today, or tomorrow if it has passed
        found = (now.date(), text)
    elif found is None:
        return ResumePlan(note=text[:NOTE_MAX])
    if isinstance(found, Refusal):
        return found
    day, rest = found
    clock = _time_of_day(rest)
    if isinstance(clock, Refusal):
        return clock
    return plan_at(day, clock, now, zone, roll_over=time_alone)


def decide_resume_form(
    day: object, clock: object, now_ms: int, tz_name: str = "", offset_min: int | None = None
) -> ResumePlan | Refusal:
    """The card's Input.Date ("2026-12-03") and Input.Time ("09:00"), both optional."""
    day_text = day.strip() if isinstance(day, str) else ""
    time_text = clock.strip() if isinstance(clock, str) else ""
    if not day_text and not time_text:
        return ResumePlan()
    zone = _zone(tz_name, offset_min)
    now = datetime.fromtimestamp(now_ms / 1000, tz=zone)
    when = now.date()
    if day_text:
        found = _ISO.match(day_text)
        if not found or found[4]:
            return Refusal.of("adjourn.bad_date")
        try:
            when = date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return Refusal.of("adjourn.bad_date")
    parsed = _time_of_day(time_text)
    if isinstance(parsed, Refusal):
        return parsed
    return plan_at(when, parsed, now, zone, roll_over=not day_text)


def plan_at(
    day: date,
    clock: tuple[int, int] | None,
    now: datetime,
    zone: tzinfo,
    roll_over: bool = False,
) -> ResumePlan | Refusal:
    if clock is None:
        if day <= now.date():
            return Refusal.of("adjourn.past")
        # Noon: the day reads the same in every zone from UTC-11 to UTC+11.
        at = datetime(day.year, day.month, day.day, 12, 0, tzinfo=zone)
        plan = ResumePlan(at_ms=int(at.timestamp() * 1000), day_only=True)
    else:
        at = datetime(day.year, day.month, day.day, clock[0], clock[1], tzinfo=zone)
        if at <= now:
            if not roll_over:
                return Refusal.of("adjourn.past")
            at += timedelta(days=1)  # "kl 9" alone, said at noon, means tomorrow at nine
        plan = ResumePlan(at_ms=int(at.timestamp() * 1000))
    if at - now > timedelta(days=MAX_DAYS_AHEAD):
        return Refusal.of("adjourn.too_far", days=MAX_DAYS_AHEAD)
    return plan
