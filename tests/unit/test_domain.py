"""The Digikok rules, without I/O."""

from __future__ import annotations

from bot.domain.commands import Verb, parse_command
from bot.domain.ideas import IDEA_MAX, decide_idea, decide_topic
from bot.domain.participants import CheckIn, Role, count_by_role, decide_check_in
from bot.domain.phases import (
    DEFAULT_AGENDA,
    Phase,
    Transition,
    decode_agenda,
    encode_agenda,
    next_phase,
)
from bot.domain.refusal import Refusal
from bot.domain.tags import Purpose, tag
from bot.domain.text import clean_text


def test_agenda_round_trips_and_runs_in_order() -> None:
    assert decode_agenda(encode_agenda(DEFAULT_AGENDA)) == DEFAULT_AGENDA
    now = 1_000_000
    assert next_phase(DEFAULT_AGENDA, Phase.CHECKIN, now) == Transition(Phase.PITCH, now + 600_000)
    assert next_phase(DEFAULT_AGENDA, Phase.PITCH, now) == Transition(Phase.IDEAS, now + 600_000)
    assert next_phase(DEFAULT_AGENDA, Phase.IDEAS, now) == Transition(Phase.ENDED, 0)
    assert next_phase(DEFAULT_AGENDA, Phase.ENDED, now) == Refusal.of("session.ended")


def test_idea_text_is_cleaned_and_limited() -> None:
    assert decide_idea("  Gå-buss\r\nhver dag \x00\x07 ") == "Gå-buss\nhver dag"
    assert decide_idea("") == Refusal.of("idea.empty")
    assert decide_idea(" \n\t \u200b ") == Refusal.of("idea.empty")
    assert decide_idea(None) == Refusal.of("idea.empty")
    assert decide_idea(["x"]) == Refusal.of("idea.bad_input")
    assert decide_idea("x" * IDEA_MAX) == "x" * IDEA_MAX
    assert decide_idea("x" * (IDEA_MAX + 1)) == Refusal.of("idea.too_long", max=IDEA_MAX, n=1001)


def test_markup_is_kept_literally_for_plain_rendering() -> None:
    raw = "**fet** <b>html</b> <at>Ola</at> [lenke](https://x.example)"
    assert decide_idea(raw) == raw  # cards render it as a TextRun: shown as typed


def test_check_in_needs_a_known_role() -> None:
    assert decide_check_in("citizen", " Skole  og  SFO ") == CheckIn(Role.CITIZEN, "Skole og SFO")
    assert decide_check_in("student", None) == CheckIn(Role.STUDENT, "")
    assert decide_check_in("director", "") == Refusal.of("join.pick_role")
    assert decide_check_in(None, "") == Refusal.of("join.pick_role")
    assert decide_check_in("other", 5) == Refusal.of("join.bad_department")
    assert decide_check_in("other", "x" * 81) == Refusal.of("join.department_too_long", max=80)


def test_roles_are_counted_in_fixed_order() -> None:
    counts = count_by_role([Role.STUDENT, Role.CITIZEN, Role.CITIZEN])
    assert list(counts.items()) == [(Role.CITIZEN, 2), (Role.STUDENT, 1)]


def test_commands_in_both_languages_any_case_with_mentions() -> None:
    assert parse_command("<at>Digikok</at> start Bedre skolevei") == (
        parse_command("START Bedre skolevei")
    )
    assert parse_command("<at>Digikok</at>   Start   Bedre  skolevei ").arg == "Bedre  skolevei"
    assert parse_command("<at>Digikok</at> neste").verb is Verb.NEXT
    assert parse_command("AVSLUTT").verb is Verb.END
    assert parse_command("Hjelp!").verb is Verb.HELP
    assert parse_command("<at>Digikok</at>").verb is Verb.HELP
    assert parse_command("hva er dette").verb is Verb.UNKNOWN
    assert parse_command(None).verb is Verb.UNKNOWN


def test_topic_is_one_line_and_bounded() -> None:
    assert decide_topic(" Bedre\nskolevei ") == "Bedre skolevei"
    assert decide_topic("x" * 201) == Refusal.of("start.topic_too_long", max=200)


def test_tags_differ_by_purpose_and_session_and_need_the_key() -> None:
    key = b"k" * 32
    member = tag(key, Purpose.MEMBER, "s1", "aad-1")
    assert member == tag(key, Purpose.MEMBER, "s1", "aad-1")
    assert member != tag(key, Purpose.AUTHOR, "s1", "aad-1")
    assert member != tag(key, Purpose.MEMBER, "s2", "aad-1")
    assert member != tag(b"x" * 32, Purpose.MEMBER, "s1", "aad-1")
    assert "aad-1" not in member


def test_clean_text_collapses_blank_lines() -> None:
    assert clean_text("a\n\n\n\nb") == "a\n\nb"
