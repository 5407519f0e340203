"""Follow-up rules (issue 10 §3): the reminder's hour, timer ids, the new due date."""

from __future__ import annotations

from bot.domain.follow_up import (
    FollowJob,
    JobKind,
    day_of,
    decide_new_due,
    last_day,
    reminder_ms,
)
from bot.domain.refusal import Refusal
from bot.domain.timers import TimerJob


def test_reminder_goes_out_at_eight_in_the_morning_norwegian_time() -> None:
    assert reminder_ms("2026-12-20") == 1_797_750_000_000  # 07:00 UTC (CET, winter)
    assert reminder_ms("2026-06-03") == 1_780_466_400_000  # 06:00 UTC (CEST, summer)
    assert reminder_ms("") == 0 and reminder_ms("20.12.2026") == 0


def test_follow_up_timer_ids_round_trip_and_never_look_like_phase_timers() -> None:
    job = FollowJob("abc123", "7", 2, JobKind.DUE)
    assert job.id == "abc123:7-2:followup" and FollowJob.parse(job.id) == job
    assert job.id.startswith("abc123:")  # `delete` drops every timer of its session
    assert TimerJob.parse(job.id) is None
    assert FollowJob.parse("abc123:4:end") is None and FollowJob.parse("abc:x-1:due") is None
    assert FollowJob.parse("abc:1-1:followup:x") is None


def test_new_due_date_is_real_not_past_and_within_retention() -> None:
    today, last = "2026-12-01", "2026-12-30"
    assert decide_new_due(" 2026-12-10 ", today, last) == "2026-12-10"
    assert decide_new_due("2026-12-01", today, last) == "2026-12-01"
    for raw, key in (
        (None, "followup.date_required"),
        ("", "followup.date_required"),
        ("2026-02-31", "action.bad_date"),
        ("tomorrow", "action.bad_date"),
        ("2026-11-30", "action.date_past"),
        ("2027-01-01", "followup.date_too_late"),
    ):
        refused = decide_new_due(raw, today, last)
        assert isinstance(refused, Refusal) and refused.key == key, raw
    assert decide_new_due("2099-01-01", today, "") == "2099-01-01"  # no expiry known


def test_last_day_leaves_a_day_for_the_reminder() -> None:
    expires = 1_796_119_200_000 + 30 * 86_400_000  # ended 2026-12-01 10:00, 30 days
    assert day_of(expires) == "2026-12-31" and last_day(expires) == "2026-12-30"
    assert last_day(0) == ""
