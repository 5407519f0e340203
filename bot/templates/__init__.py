"""Session templates are data (issue 3): one JSON file each beside this module.

Loaded once at import into read-only values; `settings_from` turns one into the settings a
new session starts with, in the session's language. `localise` carries a session's template
texts into another language when the host changes it, and keeps what the host typed.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from bot.domain.phases import AgendaItem, Phase, check_agenda
from bot.domain.settings import Settings
from bot.domain.voting import DEFAULT_TOP_K

DEFAULT_TEMPLATE = "standard"


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    order: int
    data: Mapping[str, Any]

    def text(self, field: str, lang: str) -> str:
        return str(self.data[field].get(lang) or self.data[field]["nb"])

    def name(self, lang: str) -> str:
        return self.text("name", lang)


def _load(path: Path) -> Template:
    data = json.loads(path.read_text(encoding="utf-8"))
    template = Template(data["id"], int(data["order"]), MappingProxyType(data))
    problem = check_agenda(agenda_of(template))
    if problem is not None:
        raise ValueError(f"template {path.name}: {problem.key}")
    return template


def agenda_of(template: Template) -> tuple[AgendaItem, ...]:
    return tuple(
        AgendaItem(Phase(i["phase"]), int(i["minutes"]), int(i.get("part", 0)))
        for i in template.data["agenda"]
    )


TEMPLATES: Mapping[str, Template] = MappingProxyType(
    {
        t.id: t
        for t in sorted(
            (_load(p) for p in Path(__file__).parent.glob("*.json")), key=lambda t: t.order
        )
    }
)


def second_round_size(template_id: str) -> int:
    """How many of round 1's ideas go on to a second vote round (the template's `top_k`)."""
    template = TEMPLATES.get(template_id)
    return int(template.data.get("top_k", DEFAULT_TOP_K)) if template else DEFAULT_TOP_K


def settings_from(template_id: str, lang: str, topic: str = "") -> Settings:
    template = TEMPLATES.get(template_id) or TEMPLATES[DEFAULT_TEMPLATE]
    return Settings(
        template=template.id,
        topic=topic,
        need="",
        pitchers="",
        idea_prompt=template.text("idea_prompt", lang),
        q1=template.text("q1", lang),
        q2=template.text("q2", lang),
        categories=tuple(
            template.data["categories"].get(lang) or template.data["categories"]["nb"]
        ),
        groups=int(template.data["groups"]),
        votes_per_person=int(template.data["votes_per_person"]),
        votes_per_idea=int(template.data["votes_per_idea"]),
        language=lang,
        auto_advance=bool(template.data["auto_advance"]),
        reminder_s=int(template.data.get("reminder_seconds", 60)),
        show_live=bool(template.data.get("show_live", False)),
        agenda=agenda_of(template),
        suggest_move_on=bool(template.data.get("suggest_move_on", True)),
    )


LOCALISED = ("idea_prompt", "q1", "q2")


def _translation(field: str, value: object, lang: str, first: str) -> object | None:
    """The template text in `lang` for a value some template gives `field` in any language
    (the session's own template first); None when none has it: the host typed their own."""
    for template in sorted(TEMPLATES.values(), key=lambda t: t.id != first):
        texts = template.data[field]
        if field == "categories":
            if any(tuple(v) == value for v in texts.values()):
                return tuple(texts.get(lang) or texts["nb"])
        elif any(v == value for v in texts.values()):
            return template.text(field, lang)
    return None


def category_aliases(categories: tuple[str, ...]) -> Mapping[str, str]:
    """Names an input may have been sorted under before a change of language, mapped to the
    name it has now: an input sorted as "Barrierer" shows under "Barriers" after `språk en`."""
    for template in TEMPLATES.values():
        variants = [tuple(v) for v in template.data["categories"].values()]
        if categories in variants:
            return MappingProxyType(
                {
                    old: new
                    for v in variants
                    if len(v) == len(categories)
                    for old, new in zip(v, categories, strict=True)
                }
            )
    return MappingProxyType({})


def localise(settings: Settings, lang: str) -> Settings:
    """The settings in another language: catalogued template texts (idea prompt, questions,
    category names) follow the language; a text the host wrote stays as written."""
    changes: dict[str, Any] = {"language": lang}
    for field in (*LOCALISED, "categories"):
        found = _translation(field, getattr(settings, field), lang, settings.template)
        if found is not None:
            changes[field] = found
    return dataclasses.replace(settings, **changes)
