"""Every card the bot can send validates against the official Adaptive Cards 1.5 schema,
stays under 28 KB, carries no unknown (typo) fields, and every button has a route."""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from importlib import resources
from typing import Any, Iterator

import jsonschema
import pytest

from bot.domain.action_items import ActionItem
from bot.domain.follow_up import FollowState
from bot.domain.participants import Role
from bot.domain.phases import DEFAULT_AGENDA, AgendaItem, Phase
from bot.domain.session import Session, settings_meta
from bot.i18n import LANGUAGES, Translator
from bot.service.handlers import ROUTES, verbs_in
from bot.service.views import setup_view
from bot.templates import TEMPLATES, settings_from
from cards import (
    action_items,
    follow_up,
    groups,
    idea_round,
    join,
    moderation,
    notice,
    records,
    roster,
    session,
    setup,
    summary,
    timeup,
    vote_prep,
    voting,
)
from cards.text import MAX_CARD_BYTES, Card, card_bytes
from cards.views import (
    BoardInput,
    BoardView,
    IdeaView,
    JoinView,
    Notice,
    SessionView,
    SummaryView,
    TimeUpView,
    VoteItem,
    VoteView,
)
from tests.fakes.cards import walk

HOST_UID = "29:1host"
LONG = "Lang idé med **markdown**, <b>html</b> og <at>Ola</at>. " * 17  # ~1,000 characters


@cache
def validator() -> jsonschema.Draft6Validator:
    schema = json.loads(
        resources.files("adaptive_cards").joinpath("schemas/schema-1.5.json").read_text()
    )
    return jsonschema.Draft6Validator(schema)


def session_view(**changes: Any) -> SessionView:
    """A busy session card's view (long texts, 31 checked in, 70 hosts), in the idea round
    unless changes say otherwise."""
    base = SessionView(
        sid="s1",
        rev=3,
        topic="Bedre skolevei <at>x</at>",
        host_name="Hanne",
        need=LONG,
        pitchers="Hanne og Per",
        phase=Phase.IDEAS,
        part=0,
        question=LONG[:500],
        categories=("Barrierer", "Suksessfaktorer"),
        votes_per_person=3,
        votes_per_idea=2,
        active=True,
        agenda=DEFAULT_AGENDA,
        step=2,
        phase_ends_ms=0,
        paused_left_ms=0,
        joined=31,
        by_role={Role.CITIZEN: 4, Role.EMPLOYEE: 27},
        idea_count=120,
        next_item=AgendaItem(Phase.IDEAS, 10),
        refresh_user_ids=tuple(f"29:{i}" for i in range(70)),
    )
    return dataclasses.replace(base, **changes)


def session_views() -> Iterator[SessionView]:
    timers = ((1_796_119_800_000, 0), (0, 240_000), (0, 0))
    for phase in Phase:
        active = phase is not Phase.ENDED
        for part in (1, 2) if phase is Phase.GROUPS else (0,):
            for ends, paused in timers:
                yield session_view(
                    phase=phase, part=part, active=active, phase_ends_ms=ends, paused_left_ms=paused
                )
            yield session_view(
                phase=phase,
                part=part,
                active=active,
                phase_ends_ms=1,
                is_host=True,
                my_role=Role.CITIZEN,
                notice=Notice("idea.received"),
                ready=31,  # everyone done: the host's "move on" reads so
            )


def all_cards() -> Iterator[tuple[str, Any]]:
    for lang in LANGUAGES:
        t = Translator(lang)
        for n, view in enumerate(session_views()):
            yield f"session-{lang}-{view.phase}-{n}", session.build(view, t)
        for open_ in (True, False):
            view = IdeaView(
                "s1",
                3,
                "Tema",
                LONG[:300],
                1000,
                open_,
                1_796_119_800_000,
                tuple([LONG] * 50),
                Notice("idea.too_long", {"n": 1001, "max": 1000}, good=False),
                LONG * 2,
                tuple(i % 2 == 0 for i in range(50)),  # some hidden by a host
            )
            yield f"ideas-{lang}-{open_}", idea_round.build(view, t)
        yield (
            f"join-{lang}",
            join.build(
                JoinView(
                    "s1", 3, "Tema", Role.STUDENT, "Skole", Notice("join.pick_role", good=False)
                ),
                t,
            ),
        )
        yield f"join-empty-{lang}", join.build(JoinView("s1", 3, "Tema", None, ""), t)
        for n in (0, 3, 2000):
            view = SummaryView(
                "Tema",
                "Hanne",
                1_796_119_200_000,
                1_796_122_800_000,
                31,
                {Role.CITIZEN: 4},
                tuple([LONG] * n),
            )
            yield f"summary-{lang}-{n}", summary.build(view, t)
        yield f"help-{lang}", notice.help_card(t, "help.welcome")
        yield f"message-{lang}", notice.message(t, "card.gone", good=False)
        ideas, groups_2 = AgendaItem(Phase.IDEAS, 10), AgendaItem(Phase.GROUPS, 15, 2)
        for nxt in (groups_2, None):
            yield f"timeup-{lang}-{nxt}", timeup.build(TimeUpView("s1", 3, ideas, nxt), t)
        moved = Notice("host.moved", {"phase": t("phase.groups")})
        yield (
            f"timeup-done-{lang}",
            timeup.answered(TimeUpView("s1", 3, ideas, groups_2), moved, t),
        )
        for template in TEMPLATES:
            settings = settings_from(template, lang, "Tema")
            sv = setup_view(
                Session.from_meta("s1", settings_meta(settings) | {"phase": "setup"}),
                errors={
                    "topic": Notice("setup.required", good=False),
                    "min_2": Notice("setup.whole_number", {"low": 0, "high": 240}, good=False),
                },
            )
            yield f"setup-{lang}-{template}", setup.build(sv, t)
        items = tuple(VoteItem(str(i), LONG, i % 3, i if i % 2 else None) for i in range(20))
        for open_ in (True, False):
            for left in (None, 0, 3):
                view = VoteView(
                    "s1",
                    3,
                    1 + open_,
                    open_,
                    3,
                    2,
                    items,
                    20,
                    300,
                    left,
                    250,
                    Notice("vote.none_left", {"n": 3}, good=False),
                )
                yield f"vote-{lang}-{open_}-{left}", voting.build(view, t)
        ranking = tuple(VoteItem(str(i), LONG, 0, 300 - i) for i in range(300))
        yield (
            f"vote-results-{lang}",
            voting.build(VoteView("s1", 3, 2, False, 3, 2, ranking, 0, 300, None, 300), t),
        )
        yield f"vote-empty-{lang}", voting.build(VoteView("s1", 3, 1, True, 3, 2, (), 0, 0), t)
        view = SummaryView(
            "Tema",
            "Hanne",
            0,
            1,
            31,
            {Role.CITIZEN: 4},
            tuple([LONG] * 500),
            tuple((LONG, 300 - i) for i in range(300)),
        )
        yield f"summary-ranked-{lang}", summary.build(view, t)
        items_done = tuple(
            ActionItem(str(i), LONG[:500], f"Person {i}", "", "2026-12-24") for i in range(50)
        )
        tops = tuple((str(i), LONG) for i in range(10))
        for errs in (
            {},
            {
                "text": Notice("action.text_required", good=False),
                "owner": Notice("action.owner_required", good=False),
            },
        ):
            view = action_items.ActionsView(
                "s1", 3, items_done[:8], tops, "2", {"text": LONG[:500]}, errs, None, "2026-12-01"
            )
            yield f"actions-{lang}-{bool(errs)}", action_items.build(view, t)
        yield (
            f"actions-empty-{lang}",
            action_items.build(action_items.ActionsView("s1", 3, (), ()), t),
        )
        full = SummaryView(
            "Tema",
            "Hanne",
            0,
            3_600_000,
            31,
            {Role.CITIZEN: 4},
            tuple([LONG] * 500),
            tuple((LONG, 300 - i) for i in range(300)),
            LONG,
            items_done,
            tuple(
                (g, (("Barrierer", (LONG,) * 40), ("Suksessfaktorer", (LONG,) * 40)), (LONG,) * 3)
                for g in range(1, 13)
            ),
            960,
        )
        yield f"summary-full-{lang}", summary.build(full, t)
        yield (
            f"export-{lang}",
            records.export_card(
                "Tema", "https://x.example/export/a.md?x=1", "https://x.example/export/a.csv", 0, t
            ),
        )
        past = tuple(records.PastSession(f"s{i}", 3, LONG[:200], 0, i) for i in range(30))
        yield f"history-{lang}", records.history_card(past, t)
        yield f"history-empty-{lang}", records.history_card((), t)
        yield f"delete-{lang}", records.delete_check("s1", 3, "Tema", t)
        mod_items = tuple(
            moderation.ModItem(f"g{i}" if i % 3 else str(i), LONG, i % 4, i < 20) for i in range(80)
        )
        for start in (0, 45):
            mod = moderation.ModerationView("s1", 3, mod_items, start, Notice("moderation.hidden"))
            yield f"moderation-{start}-{lang}", moderation.build(mod, t)
        empty = moderation.ModerationView("s1", 3, ())
        yield f"moderation-empty-{lang}", moderation.build(empty, t)
        prep = tuple((str(i), LONG, i % 2 == 0) for i in range(60))
        yield f"prep-{lang}", vote_prep.build(vote_prep.PrepView("s1", 3, 1, prep), t)
        board_items = tuple(
            BoardInput(str(i), LONG, "Barrierer" if i % 2 else "", i, i % 3) for i in range(50)
        )
        people = tuple((f"Person {i}", f"29:{i}") for i in range(8))
        for part, open_, mention in ((1, True, True), (2, True, False), (2, False, False)):
            bv = BoardView(
                "s1",
                3,
                2,
                part,
                LONG[:500],
                ("Barrierer", "Suksessfaktorer"),
                people,
                board_items,
                open_,
                1_796_119_800_000,
                ("1", "2"),
                ("3", "4") if not open_ else (),
                2 if open_ else None,
                Notice("groups.added"),
                mention,
            )
            yield f"board-{lang}-{part}-{open_}", groups.board(bv, t)
            yield f"form-{lang}-{part}-{open_}", groups.form(bv, t, LONG)
            yield f"present-{lang}-{part}", groups.presentation(bv, (LONG,) * 3, 3, t)
        people = tuple((f"Person {i}", f"tag{i}", "citizen") for i in range(300))
        yield f"roster-{lang}", roster.build(roster.RosterView("s1", 3, people), t)
        yield f"roster-empty-{lang}", roster.build(roster.RosterView("s1", 3, ()), t)
        yield from follow_up_cards(lang, t)


def follow_up_cards(lang: str, t: Translator) -> Iterator[tuple[str, Any]]:
    """Issue 10 §3: the owner's card in every state, the host's status card at its longest."""
    for state in FollowState:
        view = follow_up.OwnerView(
            "s1", 3, "7", 2, LONG[:200], LONG[:500], "2026-12-24", state, "2026-12-01",
            "2026-12-30", reminder=True, notice=Notice("followup.stale", good=False),
            errors=(Notice("action.date_past", good=False),),
        )  # fmt: skip
        yield f"followup-owner-{lang}-{state}", follow_up.owner_card(view, t)
    rows = tuple(
        follow_up.Row(LONG[:500], f"Person {i}", list(FollowState)[i % 5], "2026-12-24")
        for i in range(50)
    )
    status = follow_up.StatusView(LONG[:200], rows, Notice("followup.moved", {"date": "x"}))
    yield f"followup-status-{lang}", follow_up.status_card(status, t)


def schema_types() -> set[str]:
    return set(validator().schema["definitions"])


def teams_only(node: dict[str, Any]) -> bool:
    """Elements or properties Teams has and the official 1.5 schema does not."""
    return (node.get("type") not in schema_types() and node.get("type") != "Data.Query") or (
        "choices.data" in node
    )


def teams_only_without_fallback(node: Any) -> list[str]:
    """Elements only Teams knows must carry a fallback (msteams.entities are not elements)."""
    found = []
    node = {k: v for k, v in node.items() if k != "msteams"}
    for item in walk(node):
        if isinstance(item.get("type"), str) and teams_only(item) and "fallback" not in item:
            found.append(item["type"])
    return found


def with_fallbacks(node: Any) -> Any:
    """The card as a client without Teams' extras renders it: each fallback in its place."""
    if isinstance(node, list):
        out = []
        for item in node:
            if isinstance(item, dict) and "fallback" in item and teams_only(item):
                if item["fallback"] != "drop":
                    out.append(with_fallbacks(item["fallback"]))
            else:
                out.append(with_fallbacks(item))
        return out
    if isinstance(node, dict):
        return {k: with_fallbacks(v) for k, v in node.items()}
    return node


def assert_valid(data: Card) -> None:
    """A card as Teams receives it: every Teams-only element has a fallback; the official
    schema, which knows every field, finds nothing (a typo'd field is an error there, action
    data is free-form by design); it is small; every verb has a route."""
    assert teams_only_without_fallback(data) == []
    # msteams (mention entities, width) is Teams' own card property, unknown to the official
    # schema: validated as a client without it sees the card, like the fallbacks
    checked = with_fallbacks({k: v for k, v in data.items() if k != "msteams"})
    errors = [
        f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator().iter_errors(checked)
    ]
    assert not errors, errors
    assert data["version"] == "1.5"
    assert card_bytes(data) <= MAX_CARD_BYTES, card_bytes(data)
    assert verbs_in(data) <= set(ROUTES), verbs_in(data) - set(ROUTES)


@pytest.mark.parametrize(
    ("name", "built"), list(all_cards()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_card_is_valid_small_and_typo_free(name: str, built: Card) -> None:
    assert_valid(built)


def test_schema_validation_catches_mistakes() -> None:
    """Guard against a schema that accepts anything, or a field with a typo in its name."""
    bad = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock"}]}
    assert list(validator().iter_errors(bad))
    typo = {**bad, "body": [{"type": "TextBlock", "text": "x", "wrapp": True}]}
    assert list(validator().iter_errors(typo))
    good = notice.message(Translator("en"), "card.stale", good=False)
    assert not list(validator().iter_errors(good))
    action = {"type": "Action.Execute", "title": "x", "verb": "card.refresh", "dataa": {}}
    assert list(validator().iter_errors({**good, "actions": [action]}))


def test_long_summary_is_cut_with_a_count() -> None:
    t = Translator("nb")
    view = SummaryView("Tema", "Hanne", 0, 1, 1, {}, tuple(f"{i} {LONG}" for i in range(500)))
    text = json.dumps(summary.build(view, t), ensure_ascii=False)
    assert "… og " in text and " til" in text


def test_user_text_is_never_markdown() -> None:
    """Topics, names and ideas travel in TextRuns, which Teams renders as typed."""
    t = Translator("nb")
    view = IdeaView("s1", 3, "Tema <at>x</at>", "", 1000, True, 0, (LONG,))
    data = idea_round.build(view, t)
    blocks = [json.dumps(b, ensure_ascii=False) for b in data["body"]]
    for block in blocks:
        if "<at>" in block or "**markdown**" in block:
            assert '"type": "RichTextBlock"' in block, block[:200]


def test_summary_shows_what_the_groups_found_and_ranks_once() -> None:
    """Issue 16: categories with their inputs as text, the top 3, one ranking (chart + one
    list, no axis for small counts), and no idea listed twice."""
    t = Translator("nb")
    view = SummaryView(
        "Tema",
        "Hanne",
        0,
        1,
        4,
        {},
        ("Gåbuss", "Lys i kryss", "Fartsdumper"),
        (("Gåbuss", 2), ("Lys i kryss", 1)),
        groups=(
            (
                1,
                (("Barrierer", ("Mørke kryss", "Mye trafikk")), ("Suksessfaktorer", ("Voksne",))),
                ("Mørke kryss", "Voksne", "Mye trafikk"),
            ),
        ),  # fmt: skip
        inputs=3,
    )
    data = summary.build(view, t)
    text = json.dumps(data, ensure_ascii=False)
    assert "Barrierer (2)" in text and "• Mørke kryss" in text and "• Mye trafikk" in text
    assert "Suksessfaktorer (1)" in text and "• Voksne" in text
    assert "1. Mørke kryss" in text and "3. Mye trafikk" in text
    assert text.count("Rangert etter stemmer") == 1
    chart = next(b for b in data["body"] if b["type"] == "Chart.HorizontalBar")
    assert chart["displayMode"] == "AbsoluteNoAxis" and "title" not in chart
    assert text.count("Gåbuss") == 2  # the chart's label and the one list, not the idea list
    assert "1. Fartsdumper" in text  # the idea the ranking did not list


def test_the_groups_part_of_the_summary_is_cut_with_a_count() -> None:
    t = Translator("nb")
    many = tuple(f"{i} {LONG}" for i in range(200))
    view = SummaryView("Tema", "Hanne", 0, 1, 1, {}, (), groups=((1, (("Barrierer", many),), ()),))
    data = summary.build(view, t)
    assert card_bytes(data) <= MAX_CARD_BYTES
    assert "… og " in json.dumps(data, ensure_ascii=False)


def test_twelve_full_groups_in_the_summary_say_what_was_cut() -> None:
    """Every group shown has its heading and either all of its top 3 or a count of the
    rest; the groups that find no room are counted, never dropped in silence."""
    t = Translator("nb")
    top = tuple(f"Topp {n} {LONG}" for n in range(1, 4))
    found = (("Barrierer", tuple(f"{i} {LONG}" for i in range(40))),)
    groups = tuple((g, found, top) for g in range(1, 13))
    view = SummaryView("Tema", "Hanne", 0, 1, 1, {}, (), groups=groups)
    data = summary.build(view, t)
    assert card_bytes(data) <= MAX_CARD_BYTES
    texts = [str(b["text"]) for b in walk(data["body"]) if b.get("text")]
    heads = [x for x in texts if x.startswith("Gruppe ") and len(x) <= len("Gruppe 12")]
    assert 1 <= len(heads) < 12
    left = 12 - len(heads)
    assert ("… og én gruppe til" if left == 1 else f"… og {left} grupper til") in texts
    for g in range(1, len(heads) + 1):  # each group shown: its whole top 3, or a count
        after = texts[texts.index(f"Gruppe {g}") + 1 :][:5]
        tops = [x for x in after if x.partition(". ")[2].startswith("Topp ")]
        assert len(tops) == 3 or (tops and after[len(tops) + 1].startswith("… og "))


def test_the_time_up_card_names_the_question_it_is_about() -> None:
    """Group work has two questions: "Tiden er ute for «Gruppearbeid 1»", and Next leads
    to question 2, not to a second "Gruppearbeid"."""
    t = Translator("nb")
    view = TimeUpView("s1", 3, AgendaItem(Phase.GROUPS, 15, 1), AgendaItem(Phase.GROUPS, 15, 2))
    card = timeup.build(view, t)
    assert card["body"][0]["text"] == "Tiden er ute for «Gruppearbeid 1»."
    assert [a["title"] for a in card["actions"]][0] == t("host.next", phase="Gruppearbeid 2")
