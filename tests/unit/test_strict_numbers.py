"""Issue 15: numbers are parsed strictly. `"²".isdigit()` is True and int("²") raises;
int() raises on more than 4,300 digits; float("inf"), "nan" and "1e400" are no whole
numbers. Each case gets a clear refusal (or a plain 403 on the export link), never a crash."""

from __future__ import annotations

import pytest

from bot.domain.follow_up import FollowJob
from bot.domain.links import check, signature
from bot.domain.refusal import Refusal
from bot.domain.settings import Settings, decide_settings
from bot.domain.timers import TimerJob, decide_extension, is_whole
from bot.templates import settings_from

KEY = b"k" * 48
ODD = ("²", "٣", "³", "1²", "½", "1" * 5000, "1e3", " ", "", "+5", "-0", "0x10", "1_0", "５")


@pytest.mark.parametrize("text", ODD)
def test_whole_numbers_are_ascii_digits_and_short(text: str) -> None:
    assert not is_whole(text, 4)


def test_whole_numbers_that_are() -> None:
    assert is_whole("0", 1) and is_whole("120", 3) and not is_whole("1200", 3)


@pytest.mark.parametrize("text", [t for t in ODD if t.strip()])
def test_extend_refuses_odd_minutes(text: str) -> None:
    assert decide_extension(text) == Refusal.of("timer.bad_minutes", max=120)


def test_extend_refuses_a_huge_number_from_a_card() -> None:
    assert decide_extension(10**5000) == Refusal.of("timer.bad_minutes", max=120)
    assert decide_extension(120) == 120


@pytest.mark.parametrize("text", ODD)
def test_timer_and_follow_up_ids_with_odd_numbers_are_not_jobs(text: str) -> None:
    assert TimerJob.parse(f"s1:{text}:end") is None
    assert FollowJob.parse(f"s1:{text}-1:due") is None
    assert FollowJob.parse(f"s1:1-{text}:due") is None


@pytest.mark.parametrize("expires", [*ODD, "9" * 13, "-1"])
def test_an_odd_export_link_is_refused_not_raised(expires: str) -> None:
    sig = signature(KEY, "s1", "md", 2_000_000_000)
    assert check(KEY, "s1", "md", expires, sig, now_s=1_700_000_000) is False


@pytest.mark.parametrize("sig", ["é" * 64, "é", "", "0" * 65, "²" * 64])
def test_an_odd_export_signature_is_refused_not_raised(sig: str) -> None:
    assert check(KEY, "s1", "md", "2000000000", sig, now_s=1_700_000_000) is False


def test_a_good_export_link_still_opens() -> None:
    sig = signature(KEY, "s1", "md", 2_000_000_000)
    assert check(KEY, "s1", "md", "2000000000", sig, now_s=1_700_000_000) is True


@pytest.mark.parametrize(
    "value",
    [
        "inf",
        "-inf",
        "nan",
        "NaN",
        "1e400",
        "-1e400",
        "Infinity",
        float("inf"),
        float("nan"),
        "²",
        "1" * 5000,
        10**400,
        "4.5",
    ],
)
@pytest.mark.parametrize("field", ["groups", "votes_per_person", "min_1"])
def test_setup_numbers_that_are_not_whole_are_refused_clearly(value: object, field: str) -> None:
    base = settings_from("standard", "nb", "Tema")
    errors = decide_settings({field: value}, base)
    assert not isinstance(errors, Settings)
    assert errors[field].key == "setup.whole_number"


def test_setup_numbers_still_read_plain_and_card_numbers() -> None:
    base = settings_from("standard", "nb", "Tema")
    settings = decide_settings({"groups": "4", "votes_per_person": 5.0, "min_1": " 7 "}, base)
    assert isinstance(settings, Settings)
    assert (settings.groups, settings.votes_per_person, settings.agenda[1].minutes) == (4, 5, 7)
