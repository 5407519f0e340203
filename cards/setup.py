"""The setup card (SPEC §3 phase 0, issue 3): every setting the host may change before
check-in ends, prefilled from the chosen template, with each error next to its field."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ChoiceSetInput,
    NumberInput,
    TextInput,
    ToggleInput,
)
from microsoft_teams.cards.core import Choice

from bot.domain.phases import MAX_MINUTES
from bot.domain.settings import CATEGORY_MAX, LANGUAGE_CODES, MAX_GROUPS, TEXT_LIMITS
from bot.i18n import Translator
from cards.text import (
    Card,
    error_under,
    execute,
    finished,
    item_name,
    line,
    notice_block,
    plain,
    with_error,
)
from cards.views import SetupView


def _text(
    view: SetupView,
    t: Translator,
    name: str,
    value: str,
    *,
    multiline: bool = False,
    required: bool = False,
) -> list[Any]:
    field = TextInput(
        id=name,
        label=t(f"setup.field.{name}"),
        value=value or None,
        is_multiline=multiline or None,
        max_length=TEXT_LIMITS[name],
        is_required=required or None,
        error_message=t("setup.required") if required else None,
    )
    return with_error(field, view.errors, t)


def _number(
    view: SetupView, t: Translator, name: str, label: str, value: int, low: int, high: int
) -> list[Any]:
    field = NumberInput(id=name, label=label, value=value, min=low, max=high)
    return with_error(field, view.errors, t)


def _choice(name: str, t: Translator, value: str, choices: list[tuple[str, str]]) -> Any:
    """A compact pick of one: (title, value) each."""
    return ChoiceSetInput(
        id=name,
        label=t(f"setup.field.{name}"),
        value=value,
        style="compact",
        choices=[Choice(title=title, value=v) for title, v in choices],
    )


def _toggle(name: str, title: str, on: bool) -> ToggleInput:
    return ToggleInput(
        id=name,
        title=title,
        value="true" if on else "false",
        value_on="true",
        value_off="false",
    )


def build(view: SetupView, t: Translator) -> Card:
    s = view.settings
    body: list[Any] = [
        line(t("setup.title"), weight="Bolder", size="Medium"),
        line(t("setup.intro"), is_subtle=True),
    ]
    if view.notice:
        body.append(notice_block(view.notice, t))
    chosen = next((c for c in view.templates if c.id == s.template), None)
    body.append(_choice("template", t, s.template, [(c.name, c.id) for c in view.templates]))
    if chosen:
        body.append(plain(chosen.description, subtle=True, spacing="None"))
    body.append(line(t("setup.template_hint"), is_subtle=True, size="Small"))
    body += _text(view, t, "topic", s.topic, required=True)
    body += _text(view, t, "need", s.need, multiline=True)
    body += _text(view, t, "pitchers", s.pitchers)
    body += _text(view, t, "idea_prompt", s.idea_prompt)
    body += _text(view, t, "q1", s.q1, multiline=True)
    body += _text(view, t, "q2", s.q2, multiline=True)
    categories = TextInput(
        id="categories",
        label=t("setup.field.categories", length=CATEGORY_MAX),
        value=", ".join(s.categories),
    )
    body += with_error(categories, view.errors, t)
    body += _number(view, t, "groups", t("setup.field.groups"), s.groups, 1, MAX_GROUPS)
    body += _number(
        view, t, "votes_per_person", t("setup.field.votes_per_person"), s.votes_per_person, 1, 20
    )
    body += _number(
        view, t, "votes_per_idea", t("setup.field.votes_per_idea"), s.votes_per_idea, 1, 20
    )
    languages = [(t(f"language.{code}"), code) for code in LANGUAGE_CODES]
    body += with_error(_choice("language", t, s.language, languages), view.errors, t)
    for name in ("auto_advance", "show_live", "suggest_move_on"):
        body.append(_toggle(name, t(f"setup.field.{name}"), bool(getattr(s, name))))
    body.append(line(t("setup.timeboxes"), weight="Bolder", spacing="Medium"))
    for index, item in enumerate(s.agenda):
        name = item_name(t, item)
        body += _number(
            view,
            t,
            f"min_{index}",
            t("setup.field.minutes", phase=name),
            item.minutes,
            0,
            MAX_MINUTES,
        )
    body += error_under(view.errors, "agenda", t)
    save = "setup.save_open" if view.starting else "setup.save"
    actions = [
        execute(t(save), "setup.save", view.sid, view.rev, style="positive"),
        execute(t("setup.use_template"), "setup.template", view.sid, view.rev),
    ]
    return finished(body, t, actions=actions)
