"""What a host may set before check-in ends (issue 3): texts, groups, votes, timeboxes.

`decide_settings` reads an untrusted setup form and gives either complete new settings or
one refusal per field, so the card can show each error next to its field.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from bot.domain.phases import MAX_MINUTES, Agenda, check_agenda
from bot.domain.refusal import Refusal
from bot.domain.text import clean_text

LANGUAGE_CODES = ("nb", "nn", "en")
TEXT_LIMITS: Mapping[str, int] = MappingProxyType(
    {"topic": 200, "need": 1000, "pitchers": 300, "q1": 500, "q2": 500, "idea_prompt": 300}
)
MAX_GROUPS = 12
NUMBER_CHARS = 12  # a setup number is short; longer is refused unread
MAX_CATEGORIES = 8
CATEGORY_MAX = 40


@dataclass(frozen=True, slots=True)
class Settings:
    template: str
    topic: str
    need: str
    pitchers: str
    idea_prompt: str
    q1: str
    q2: str
    categories: tuple[str, ...]
    groups: int
    votes_per_person: int
    votes_per_idea: int
    language: str
    auto_advance: bool
    reminder_s: int
    show_live: bool  # vote totals visible while voting (default hidden: no herding)
    agenda: Agenda
    suggest_move_on: bool = True  # tell the host when every checked-in person is done


FieldErrors = dict[str, Refusal]


def _text(
    form: Mapping[str, Any], name: str, current: str, errors: FieldErrors, required: bool = False
) -> str:
    raw = form.get(name, current)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        errors[name] = Refusal.of("setup.not_text")
        return current
    text = clean_text(raw)
    if name == "topic":
        text = " ".join(text.split())
    if required and not text:
        errors[name] = Refusal.of("setup.required")
    elif len(text) > TEXT_LIMITS[name]:
        errors[name] = Refusal.of("setup.too_long", max=TEXT_LIMITS[name])
    return text


def _number(
    form: Mapping[str, Any], name: str, current: int, low: int, high: int, errors: FieldErrors
) -> int:
    raw = form.get(name, current)
    text = (
        str(raw).strip() if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) else ""
    )
    try:
        value = float(text) if len(text) <= NUMBER_CHARS else math.nan
    except ValueError:
        value = math.nan
    # "inf", "nan" and "1e400" parse as floats that int() cannot take: a clear refusal.
    if not math.isfinite(value) or value != int(value) or not low <= value <= high:
        errors[name] = Refusal.of("setup.whole_number", low=low, high=high)
        return current
    return int(value)


def _categories(
    form: Mapping[str, Any], current: tuple[str, ...], errors: FieldErrors
) -> tuple[str, ...]:
    raw = form.get("categories", ", ".join(current))
    if not isinstance(raw, str):
        errors["categories"] = Refusal.of("setup.not_text")
        return current
    names = tuple(dict.fromkeys(" ".join(c.split()) for c in clean_text(raw).split(",")))
    names = tuple(n for n in names if n)
    if not names or len(names) > MAX_CATEGORIES or any(len(n) > CATEGORY_MAX for n in names):
        errors["categories"] = Refusal.of(
            "setup.categories", max=MAX_CATEGORIES, length=CATEGORY_MAX
        )
        return current
    return names


def _toggle(form: Mapping[str, Any], name: str, current: bool, errors: FieldErrors) -> bool:
    """A card toggle answers "true"/"false" (a test client may send a bool)."""
    value = form.get(name, current)
    if value not in ("true", "false", True, False):
        errors[name] = Refusal.of("setup.yes_no")
        return current
    return value in ("true", True)


def decide_settings(form: Mapping[str, Any], current: Settings) -> Settings | FieldErrors:
    errors: FieldErrors = {}
    agenda = tuple(
        dataclasses.replace(
            item, minutes=_number(form, f"min_{i}", item.minutes, 0, MAX_MINUTES, errors)
        )
        for i, item in enumerate(current.agenda)
    )
    language = form.get("language", current.language)
    if language not in LANGUAGE_CODES:
        errors["language"] = Refusal.of("setup.language")
        language = current.language
    votes_n = _number(form, "votes_per_person", current.votes_per_person, 1, 20, errors)
    votes_m = _number(form, "votes_per_idea", current.votes_per_idea, 1, 20, errors)
    if "votes_per_idea" not in errors and "votes_per_person" not in errors and votes_m > votes_n:
        errors["votes_per_idea"] = Refusal.of("setup.votes_cap", n=votes_n)
    settings = Settings(
        template=current.template,
        **{
            name: _text(form, name, getattr(current, name), errors, required=name == "topic")
            for name in TEXT_LIMITS
        },
        categories=_categories(form, current.categories, errors),
        groups=_number(form, "groups", current.groups, 1, MAX_GROUPS, errors),
        votes_per_person=votes_n,
        votes_per_idea=votes_m,
        language=str(language),
        auto_advance=_toggle(form, "auto_advance", current.auto_advance, errors),
        reminder_s=current.reminder_s,
        show_live=_toggle(form, "show_live", current.show_live, errors),
        agenda=agenda,
        suggest_move_on=_toggle(form, "suggest_move_on", current.suggest_move_on, errors),
    )
    if (problem := check_agenda(agenda)) is not None:
        errors["agenda"] = problem
    return errors or settings
