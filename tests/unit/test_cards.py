"""Every card the bot can send validates against the official Adaptive Cards 1.5 schema,
stays under 28 KB, carries no unknown (typo) fields, and every button has a route."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Iterator

import jsonschema
import pytest
from pydantic import BaseModel

from bot.domain.participants import Role
from bot.domain.phases import DEFAULT_AGENDA, Phase
from bot.i18n import LANGUAGES, Translator
from bot.service.handlers import ROUTES, verbs_in
from cards import join, notice, session, summary
from cards.text import MAX_CARD_BYTES, card_bytes, to_json
from cards.views import JoinView, Notice, SessionView, SummaryView

HOST_UID = "29:1host"
LONG = "Lang idé med **markdown**, <b>html</b> og <at>Ola</at>. " * 17  # ~1,000 characters


@cache
def validator() -> jsonschema.Draft6Validator:
    schema = json.loads(
        resources.files("adaptive_cards").joinpath("schemas/schema-1.5.json").read_text()
    )
    return jsonschema.Draft6Validator(schema)


def session_views() -> Iterator[SessionView]:
    base = dict(
        sid="s1",
        rev=3,
        topic="Bedre skolevei <at>x</at>",
        host_name="Hanne",
        agenda=DEFAULT_AGENDA,
        phase_ends_ms=1_796_119_800_000,
        joined=31,
        by_role={Role.CITIZEN: 4, Role.EMPLOYEE: 27},
        idea_count=120,
        idea_max_len=1000,
        next_phase=Phase.IDEAS,
        refresh_user_ids=(HOST_UID,),
    )
    for phase in (Phase.CHECKIN, Phase.PITCH, Phase.IDEAS):
        yield SessionView(phase=phase, active=True, **base)
        yield SessionView(
            phase=phase,
            active=True,
            is_host=True,
            my_role=Role.CITIZEN,
            my_ideas=tuple([LONG] * 50),
            notice=Notice("idea.received"),
            draft=LONG,
            **base,
        )
    yield SessionView(phase=Phase.ENDED, active=False, **base)


def all_cards() -> Iterator[tuple[str, Any]]:
    for lang in LANGUAGES:
        t = Translator(lang)
        for view in session_views():
            yield f"session-{lang}-{view.phase}-{view.is_host}", session.build(view, t)
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


def unknown_fields(model: Any) -> Iterator[str]:
    if isinstance(model, BaseModel):
        # Action data is free-form by design (our verb, sid, rev); anywhere else an extra
        # field is a typo that would reach Teams unnoticed.
        if model.model_extra and type(model).__name__ != "SubmitActionData":
            yield f"{type(model).__name__}: {sorted(model.model_extra)}"
        for name in type(model).model_fields:
            yield from unknown_fields(getattr(model, name))
    elif isinstance(model, list):
        for item in model:
            yield from unknown_fields(item)


@pytest.mark.parametrize(
    ("name", "built"), list(all_cards()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_card_is_valid_small_and_typo_free(name: str, built: Any) -> None:
    data = to_json(built)
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator().iter_errors(data)]
    assert not errors, errors
    assert data["version"] == "1.5"
    assert card_bytes(data) <= MAX_CARD_BYTES, card_bytes(data)
    assert not list(unknown_fields(built))
    assert verbs_in(data) <= set(ROUTES), verbs_in(data) - set(ROUTES)


def test_schema_validation_catches_mistakes() -> None:
    """Guard against a schema that accepts anything."""
    bad = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock"}]}
    assert list(validator().iter_errors(bad))


def test_long_summary_is_cut_with_a_count() -> None:
    t = Translator("nb")
    view = SummaryView("Tema", "Hanne", 0, 1, 1, {}, tuple(f"{i} {LONG}" for i in range(500)))
    text = json.dumps(to_json(summary.build(view, t)), ensure_ascii=False)
    assert "… og " in text and " til" in text


def test_user_text_is_never_markdown() -> None:
    """Topics, names and ideas travel in TextRuns, which Teams renders as typed."""
    t = Translator("nb")
    view = next(v for v in session_views() if v.my_ideas)
    data = to_json(session.build(view, t))
    blocks = [json.dumps(b, ensure_ascii=False) for b in data["body"]]
    for block in blocks:
        if "<at>" in block or "**markdown**" in block:
            assert '"type": "RichTextBlock"' in block, block[:200]
