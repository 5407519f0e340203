"""Continue another day (issue 10 §4): the rules of adjourning and resuming, and the cards."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest

from bot.domain.adjournment import (
    MIN_LEFT_MS,
    NOTE_MAX,
    ResumePlan,
    check_adjourn,
    decide_resume_form,
    decide_resume_plan,
)
from bot.domain.commands import Verb, parse_command
from bot.domain.phases import AgendaItem, Phase
from bot.domain.refusal import Refusal
from bot.domain.session import Session
from bot.i18n import LANGUAGES, Translator
from bot.service.handlers import verbs_in
from cards import adjournment, session
from cards.text import Card
from cards.views import Notice, SessionView
from tests.oracles import resumed_end_ms, time_left_ms
from tests.unit.test_cards import assert_valid, session_view

# Tuesday 2026-12-01 10:00 UTC = 11:00 in Oslo
NOW = int(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc).timestamp() * 1000)


def utc(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=timezone.utc).timestamp() * 1000)  # type: ignore[misc]


def key(result: object) -> str:
    assert isinstance(result, Refusal), result
    return result.key


# -- the state machine -------------------------------------------------------------------------


def test_only_a_running_session_is_adjourned() -> None:
    assert check_adjourn("active", "ideas") is None
    assert check_adjourn("active", "checkin") is None
    assert check_adjourn("active", "actions") is None
    assert key(check_adjourn("adjourned", "ideas")) == "adjourn.already"
    assert key(check_adjourn("ended", "ended")) == "adjourn.ended"
    assert key(check_adjourn("active", "setup")) == "adjourn.setup"


def test_session_reads_the_adjourned_state_from_meta() -> None:
    meta = {
        "status": "adjourned",
        "phase": "voting",
        "resume_ms": str(NOW + 86_400_000),
        "resume_day_only": "1",
        "resume_note": "etter ferien",
        "adjourned_left_ms": "120000",
    }
    s = Session.from_meta("s1", meta)
    assert s.adjourned and s.live and not s.active
    assert (s.resume.at_ms, s.resume.day_only, s.resume.note) == (
        NOW + 86_400_000,
        True,
        "etter ferien",
    )
    assert s.adjourned_left_ms == 120_000
    running = Session.from_meta("s1", {"status": "active"})
    assert running.live and not running.adjourned
    ended = Session.from_meta("s1", {"status": "ended", "phase": "ended"})
    assert not ended.live and not ended.adjourned


def test_time_left_is_kept_and_given_back_with_a_minimum() -> None:
    assert time_left_ms(NOW + 300_000, 0, NOW) == 300_000  # running: what is left
    assert time_left_ms(0, 90_000, NOW) == 90_000  # paused: the paused time
    assert time_left_ms(NOW - 5_000, 0, NOW) == 0  # overrun: nothing left
    assert time_left_ms(0, 0, NOW) == 0  # untimed
    later = NOW + 3 * 86_400_000
    assert resumed_end_ms(300_000, later) == later + 300_000
    assert resumed_end_ms(10_000, later) == later + MIN_LEFT_MS  # never "time is up" at once
    assert resumed_end_ms(0, later) == 0  # untimed until the host moves on


# -- when it continues -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.12. 09:00", utc(2026, 12, 3, 8, 0)),  # Oslo is UTC+1 in December
        ("03.12.2026 kl 9", utc(2026, 12, 3, 8, 0)),
        ("3/12 9.30", utc(2026, 12, 3, 8, 30)),
        ("2026-12-03 09:00", utc(2026, 12, 3, 8, 0)),
        ("2026-12-03T14:15", utc(2026, 12, 3, 13, 15)),
        ("i morgen kl. 13", utc(2026, 12, 2, 12, 0)),
        ("tomorrow 13:00", utc(2026, 12, 2, 12, 0)),
        ("kl 14", utc(2026, 12, 1, 13, 0)),  # later today
        ("09:00", utc(2026, 12, 2, 8, 0)),  # 9 has passed today: tomorrow
        ("15.6.2027 10:00", utc(2027, 6, 15, 8, 0)),  # summer time, next June
        ("4.1.27 10:00", utc(2027, 1, 4, 9, 0)),  # said in December: next January, with year
    ],
)
def test_typed_dates_are_the_hosts_local_time(text: str, expected: int) -> None:
    plan = decide_resume_plan(text, NOW, "Europe/Oslo")
    assert plan == ResumePlan(at_ms=expected), text


def test_a_day_alone_shows_as_a_day() -> None:
    plan = decide_resume_plan("2026-12-03", NOW, "Europe/Oslo")
    assert isinstance(plan, ResumePlan) and plan.day_only
    assert plan.at_ms == utc(2026, 12, 3, 11, 0)  # noon in Oslo: the same day everywhere near


def test_the_offset_is_used_without_a_zone_and_oslo_without_both() -> None:
    assert decide_resume_plan("3.12. 09:00", NOW, "", -300) == ResumePlan(utc(2026, 12, 3, 14, 0))
    assert decide_resume_plan("3.12. 09:00", NOW, "Not/AZone", 0) == ResumePlan(
        utc(2026, 12, 3, 9, 0)
    )
    assert decide_resume_plan("3.12. 09:00", NOW) == ResumePlan(utc(2026, 12, 3, 8, 0))


def test_nothing_or_words_are_kept_as_they_are() -> None:
    assert decide_resume_plan("", NOW) == ResumePlan()
    assert decide_resume_plan("   ", NOW) == ResumePlan()
    assert decide_resume_plan("etter  vinterferien", NOW) == ResumePlan(note="etter vinterferien")
    long = decide_resume_plan("x" * 500, NOW)
    assert isinstance(long, ResumePlan) and len(long.note) == NOTE_MAX


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("1.12. 09:00", "adjourn.past"),  # today, already gone
        ("2026-11-30 10:00", "adjourn.past"),
        ("2026-12-01", "adjourn.past"),  # a day must be ahead
        ("31.2. 09:00", "adjourn.bad_date"),
        ("2026-13-01", "adjourn.bad_date"),
        ("3.12. 25:00", "adjourn.bad_time"),
        ("3.12. nine", "adjourn.bad_time"),
        ("2030-01-01 10:00", "adjourn.too_far"),
    ],
)
def test_bad_or_past_dates_are_refused(text: str, refusal: str) -> None:
    assert key(decide_resume_plan(text, NOW, "Europe/Oslo")) == refusal


@pytest.mark.parametrize(
    ("text", "day", "again"),
    [
        ("4.1. 10:00", 4, "4.1.2027 10:00"),  # issue 15: not taken silently as next January
        ("30.11.", 30, "30.11.2027"),
        ("15.6. kl 9", 15, "15.6.2027 kl 9"),
    ],
)
def test_a_passed_day_without_a_year_is_asked_back(text: str, day: int, again: str) -> None:
    """Issue 15: "3 Dec has passed: did you mean 3 Dec 2027?" The host confirms by saying it
    again with the year, which is then taken."""
    asked = decide_resume_plan(text, NOW, "Europe/Oslo")
    assert isinstance(asked, Refusal) and asked.key == "adjourn.passed"
    assert asked.params["d"] == day and asked.params["year"] == 2027
    assert asked.params["again"] == again
    assert isinstance(decide_resume_plan(again, NOW, "Europe/Oslo"), ResumePlan)


def test_29_february_never_raises() -> None:
    """Issue 15: `utsett 29.2.` after 29 Feb of a leap year raised (date(2029, 2, 29))."""
    after_leap_day = utc(2028, 3, 1, 9, 0)
    assert key(decide_resume_plan("29.2.", after_leap_day, "Europe/Oslo")) == "adjourn.past"
    assert key(decide_resume_plan("29.2. 10:00", after_leap_day)) == "adjourn.past"
    # In a year without 29 Feb, the coming one (nothing has passed): 2028.
    plan = decide_resume_plan("29.2. 10:00", utc(2027, 12, 7, 9, 0), "Europe/Oslo")
    assert plan == ResumePlan(utc(2028, 2, 29, 9, 0))
    assert key(decide_resume_plan("29.2.", utc(2027, 2, 1, 9, 0))) == "adjourn.too_far"
    assert key(decide_resume_plan("30.2.", NOW)) == "adjourn.bad_date"
    assert key(decide_resume_plan("29.13.", NOW)) == "adjourn.bad_date"


def test_the_card_form_gives_date_and_time_separately() -> None:
    assert decide_resume_form("", None, NOW) == ResumePlan()
    assert decide_resume_form("2026-12-03", "09:00", NOW, "Europe/Oslo") == ResumePlan(
        utc(2026, 12, 3, 8, 0)
    )
    day = decide_resume_form("2026-12-03", "", NOW, "Europe/Oslo")
    assert isinstance(day, ResumePlan) and day.day_only
    assert decide_resume_form(None, "09:00", NOW, "Europe/Oslo") == ResumePlan(
        utc(2026, 12, 2, 8, 0)
    )
    assert key(decide_resume_form("2026-12-01", "09:00", NOW, "Europe/Oslo")) == "adjourn.past"
    assert key(decide_resume_form("3.12.", "", NOW)) == "adjourn.bad_date"
    assert decide_resume_form(["x"], 5, NOW) == ResumePlan()  # forged: as if left empty


def test_command_words() -> None:
    for word in ("adjourn", "Utsett", "utset", "<at>Digikok</at> ADJOURN"):
        assert parse_command(word + " 3.12. 09:00").verb is Verb.ADJOURN
    assert parse_command("utsett i morgen").arg == "i morgen"
    assert parse_command("fortsett").verb is Verb.RESUME


# -- the cards ---------------------------------------------------------------------------------


def views() -> Iterator[SessionView]:
    base = session_view(
        active=False,
        adjourned=True,
        next_item=AgendaItem(Phase.GROUPS, 15, 1),
        refresh_user_ids=("29:host",),
    )
    yield base
    yield dataclasses.replace(base, resume=ResumePlan(NOW + 86_400_000), is_host=True)
    yield dataclasses.replace(
        base, resume=ResumePlan(note="**etter** <at>ferien</at>"), notice=Notice("adjourn.done")
    )
    yield dataclasses.replace(base, resume=ResumePlan(NOW, True), phase=Phase.VOTING)
    yield dataclasses.replace(base, active=True, adjourned=False, is_host=True)  # the form


def all_cards() -> Iterator[tuple[str, Any]]:
    for lang in LANGUAGES:
        t = Translator(lang)
        for n, view in enumerate(views()):
            yield f"session-{lang}-{n}", session.build(view, t)
        for resume_ms, note in ((0, ""), (NOW, ""), (0, "x" * NOTE_MAX)):
            plan = ResumePlan(resume_ms, False, note)
            v = adjournment.AdjournmentView("s1", 3, "Tema", Phase.GROUPS, plan)
            yield f"adjourned-{lang}-{resume_ms}-{bool(note)}", adjournment.adjourned(v, t, "x")
        for ends in (0, NOW):
            v = adjournment.AdjournmentView("s1", 3, "Tema", Phase.IDEAS, ends_ms=ends, left_ms=1)
            yield f"resumed-{lang}-{ends}", adjournment.resumed(v, t)


@pytest.mark.parametrize(
    ("name", "built"), list(all_cards()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_adjournment_cards_are_valid(name: str, built: Card) -> None:
    assert_valid(built)


def test_the_adjourned_card_says_when_in_each_readers_time() -> None:
    t = Translator("en")
    view = next(v for v in views() if v.resume.at_ms and v.is_host)
    data = session.build(view, t)
    text = str(data)
    assert "Adjourned — continues {{DATE(2026-12-02T10:00:00Z, SHORT)}} {{TIME(" in text
    assert verbs_in(data) == {"session.resume", "session.end", "card.refresh"}
    assert "refresh" in data  # hosts still get their view, with Resume
    participant = session.build(dataclasses.replace(view, is_host=False), t)
    assert "actions" not in participant  # no check-in while adjourned
    noted = next(v for v in views() if v.resume.note)
    body = str(session.build(noted, t)["body"])
    assert "'text': '«**etter** <at>ferien</at>»'" in body  # a TextRun: typed, not Markdown
    form = next(v for v in views() if v.active)
    assert "session.adjourn" in verbs_in(session.build(form, t))
