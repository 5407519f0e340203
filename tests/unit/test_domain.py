"""The Digikok rules, without I/O."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.commands import Verb, parse_command
from bot.domain.ideas import IDEA_MAX, decide_idea, decide_topic
from bot.domain.participants import CheckIn, Role, decide_check_in
from bot.domain.phases import (
    ANY_PHASE,
    DEFAULT_AGENDA,
    ENDING,
    JOINABLE,
    AgendaItem,
    Open,
    Phase,
    back_step,
    check_agenda,
    decode_agenda,
    encode_agenda,
    next_step,
    open_in,
    skip_step,
)
from bot.domain.refusal import Refusal
from bot.domain.settings import Settings, decide_settings
from bot.domain.tags import Purpose, tag
from bot.domain.text import clean_text
from bot.domain.timers import TimerJob, TimerKind, decide_extension, plan
from bot.domain.voting import rank, top
from bot.templates import TEMPLATES, settings_from
from tests.oracles import Ballot, VoteOk, decide_vote, extended_end


def test_agenda_round_trips_and_runs_in_order() -> None:
    assert decode_agenda(encode_agenda(DEFAULT_AGENDA)) == DEFAULT_AGENDA
    now = 1_000_000
    move = next_step(DEFAULT_AGENDA, 0)
    assert (move.phase, move.step, move.ends_ms(now)) == (Phase.PITCH, 1, now + 600_000)
    assert next_step(DEFAULT_AGENDA, 3).item == AgendaItem(Phase.GROUPS, 15, 2)
    assert next_step(DEFAULT_AGENDA, len(DEFAULT_AGENDA) - 1) == ENDING
    assert next_step(DEFAULT_AGENDA, 6).ends_ms(now) == 0  # actions: untimed


def test_back_and_skip_respect_the_method() -> None:
    assert back_step(DEFAULT_AGENDA, 0) == Refusal.of("phase.no_back")
    assert back_step(DEFAULT_AGENDA, 2).phase is Phase.PITCH
    assert skip_step(DEFAULT_AGENDA, 4).phase is Phase.VOTING  # presentations skipped
    last = len(DEFAULT_AGENDA) - 1
    assert skip_step(DEFAULT_AGENDA, last) == Refusal.of("phase.nothing_to_skip")
    assert skip_step(DEFAULT_AGENDA, 6) == Refusal.of("phase.not_skippable", phase="actions")


def test_who_may_join_when() -> None:
    assert JOINABLE >= {Phase.CHECKIN, Phase.PITCH, Phase.IDEAS, Phase.GROUPS}
    assert Phase.ACTIONS not in JOINABLE


def test_the_phase_rules_say_what_is_open_where() -> None:
    assert open_in(Open.STEER) == frozenset(Phase) - {Phase.SETUP, Phase.ENDED}
    assert open_in(Open.END) == frozenset(Phase) - {Phase.ENDED}
    assert open_in(Open.SETUP) == {Phase.SETUP, Phase.CHECKIN}
    assert open_in(Open.IDEA) == {Phase.IDEAS} and open_in(Open.VOTE) == {Phase.VOTING}
    assert open_in(Open.CAPTURE) == {Phase.ACTIONS} and open_in(Open.RECORDS) == {Phase.ENDED}


def test_every_button_works_in_phases_the_rules_name() -> None:
    """ROUTES writes no phase set of its own: each is one of RULES' (or any phase, for a
    card that checks its phase in its script)."""
    from bot.service.handlers import ROUTES

    named = {ANY_PHASE} | {open_in(what) for what in Open}
    assert {verb for verb, route in ROUTES.items() if route.phases not in named} == set()


def test_every_text_command_has_a_guard() -> None:
    from bot.service.handlers import COMMANDS
    from bot.service.session.commands import Guard

    assert set(COMMANDS) == set(Verb)
    hosts_only = {v for v, c in COMMANDS.items() if c.guard is not Guard.ANYONE}
    assert {Verb.NEXT, Verb.ADJOURN, Verb.EXPORT, Verb.DELETE, Verb.MOVE} <= hosts_only
    assert not hosts_only & {Verb.START, Verb.HELP, Verb.STATUS, Verb.HISTORY, Verb.UNKNOWN}


def test_agenda_checks() -> None:
    assert check_agenda(DEFAULT_AGENDA) is None
    assert check_agenda(DEFAULT_AGENDA[1:]) == Refusal.of("setup.agenda_start")
    too_long = (AgendaItem(Phase.CHECKIN, 0), AgendaItem(Phase.IDEAS, 241))
    assert check_agenda(too_long) == Refusal.of("setup.minutes_range", max=240)


def test_timers_plan_reminder_and_end_with_versioned_ids() -> None:
    jobs = plan("s1", 4, ends_ms=1_000_000, now_ms=0, reminder_s=60)
    assert sorted(jobs) == [("s1:4:end", 1_000_000), ("s1:4:reminder", 940_000)]
    assert plan("s1", 4, ends_ms=50_000, now_ms=0, reminder_s=60) == [("s1:4:end", 50_000)]
    assert plan("s1", 4, ends_ms=0, now_ms=0, reminder_s=60) == []
    assert TimerJob.parse("s1:4:end") == TimerJob("s1", 4, TimerKind.END)
    assert TimerJob.parse("s1:x:end") is None and TimerJob.parse("nonsense") is None
    assert extended_end(ends_ms=100, now_ms=50, minutes=1) == 60_100
    assert extended_end(ends_ms=100, now_ms=1000, minutes=1) == 61_000  # overrun: from now
    assert decide_extension("") == 5 and decide_extension(" 10 ") == 10 and decide_extension(3) == 3
    for bad in ("-1", "0", "121", "fem", True, 2.5):
        assert decide_extension(bad) == Refusal.of("timer.bad_minutes", max=120)


def test_settings_are_validated_field_by_field() -> None:
    base = settings_from("standard", "nb", "Tema")
    form = {
        "topic": "  Ny   skolevei ",
        "groups": "4",
        "votes_per_person": 5,
        "votes_per_idea": "2",
        "language": "nn",
        "auto_advance": "true",
        "min_2": "12",
        "categories": "Hindre, Muligheter,  Hindre ",
    }
    settings = decide_settings(form, base)
    assert isinstance(settings, Settings)
    assert (settings.topic, settings.groups, settings.votes_per_person, settings.language) == (
        "Ny skolevei",
        4,
        5,
        "nn",
    )
    assert settings.auto_advance and settings.agenda[2].minutes == 12
    assert settings.categories == ("Hindre", "Muligheter")
    errors = decide_settings(
        {
            "topic": " ",
            "groups": "0",
            "votes_per_idea": "9",
            "min_1": "2.5",
            "language": "sv",
            "categories": ",",
        },
        base,
    )
    assert set(errors) == {"topic", "groups", "votes_per_idea", "min_1", "language", "categories"}
    assert errors["votes_per_idea"] == Refusal.of("setup.votes_cap", n=3)
    assert decide_settings({}, base) == base


def test_templates_are_data_with_the_method_in_them() -> None:
    assert list(TEMPLATES) == ["standard", "workshop", "problems_first"]
    standard = settings_from("standard", "en")
    assert standard.agenda == DEFAULT_AGENDA and standard.groups == 3
    workshop = settings_from("workshop", "nb")
    assert [i.minutes for i in workshop.agenda if i.phase is Phase.GROUPS] == [15, 15]
    assert "barrierer" in workshop.q1 and "tre beste" in workshop.q2
    problems = settings_from("problems_first", "nb")
    votes = [i for i in problems.agenda if i.phase is Phase.VOTING]
    assert [v.part for v in votes] == [1, 2]
    assert problems.agenda.index(votes[0]) < problems.agenda.index(
        next(i for i in problems.agenda if i.phase is Phase.GROUPS)
    )


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


def test_dot_voting_rules() -> None:
    in_play = frozenset({"1", "2", "3"})
    empty = Ballot(3, 2)
    assert decide_vote(empty, "1", in_play, 1) == VoteOk("1", 2)
    assert decide_vote(empty, "9", in_play, 1) == Refusal.of("vote.unknown_idea")
    assert decide_vote(empty, "1", in_play, -1) == Refusal.of("vote.none_here")
    assert decide_vote(empty, "1", in_play, 2) == Refusal.of("vote.bad_input")
    full_here = Ballot(3, 2, {"1": 2})
    assert decide_vote(full_here, "1", in_play, 1) == Refusal.of("vote.idea_full", m=2)
    assert decide_vote(full_here, "1", in_play, -1) == VoteOk("1", 2)
    spent = Ballot(3, 2, {"1": 2, "2": 1})
    assert decide_vote(spent, "3", in_play, 1) == Refusal.of("vote.none_left", n=3)


def test_ranking_and_the_top_that_goes_on() -> None:
    tally = {"1": 2, "2": 5, "3": 2, "10": 0, "4": 7}
    assert rank(tally) == [("4", 7), ("2", 5), ("1", 2), ("3", 2), ("10", 0)]
    assert top(tally, 2) == ["4", "2"]
    assert top(tally, 3) == ["4", "2", "1"]  # a tie at the cut: the earlier idea goes on
    assert top(tally, 10) == ["4", "2", "1", "3", "10"]
    assert top({"1": 0, "2": 0}, 1) == ["1"]
    # issue 16: nine ideas with votes and three tied at 0 for 10th place: still ten go on
    nine_and_ties = {str(i): 10 - i for i in range(1, 10)} | {"10": 0, "11": 0, "12": 0}
    assert top(nine_and_ties, 10) == [str(i) for i in range(1, 11)]


@settings(max_examples=200, deadline=None, database=None)
@given(st.dictionaries(st.integers(1, 400).map(str), st.integers(0, 6)), st.integers(1, 15))
def test_the_top_k_is_exactly_k_and_no_one_left_out_has_more_dots(
    tally: dict[str, int], k: int
) -> None:
    chosen = top(tally, k)
    assert len(chosen) == min(k, len(tally))
    left_out = set(tally) - set(chosen)
    assert all(tally[i] >= tally[j] for i in chosen for j in left_out)
    assert all(  # ties at the cut: the earlier idea (lower id) goes on
        int(i) < int(j) for i in chosen for j in left_out if tally[i] == tally[j]
    )
