"""Small shared pieces: plain user text, timestamps the client localises, size checks."""

from __future__ import annotations

import json
import re
import time
from typing import Any, Mapping

from microsoft_teams.cards import AdaptiveCard, ExecuteAction, RichTextBlock, TextBlock, TextRun

from bot.domain.phases import AgendaItem
from bot.i18n import Translator
from cards.views import Notice

Card = dict[str, Any]  # Adaptive Card JSON: what every builder returns and Teams receives
MAX_CARD_BYTES = 28 * 1024  # Teams takes ~100 KB; small cards render reliably on mobile
SCHEMA_VERSION = "1.5"


# What local_time/local_date below make: the one parameter text kept in a Markdown block.
_CARD_TIME = re.compile(r"\{\{(?:TIME|DATE)\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ(?:, SHORT)?\)\}\}")


def plain(
    text: str,
    *,
    bold: bool = False,
    size: str | None = None,
    subtle: bool = False,
    spacing: str | None = None,
    color: str | None = None,
) -> RichTextBlock:
    """User text as one TextRun: never Markdown, never a mention, never a link."""
    run = TextRun(
        text=text,
        weight="Bolder" if bold else None,
        size=size,
        is_subtle=True if subtle else None,
        color=color,
    )
    return RichTextBlock(inlines=[run], spacing=spacing)


def said(
    t: Translator,
    key: str,
    params: Mapping[str, object],
    *,
    weight: str | None = None,
    size: str | None = None,
    is_subtle: bool | None = None,
    spacing: str | None = None,
    color: str | None = None,
) -> TextBlock | RichTextBlock:
    """A catalogue sentence with parameters. Text parameters may have been typed by someone
    (a topic, a category, a name): then the whole sentence is one plain TextRun, so
    `[Logg inn](https://evil.example/login)` shows as typed and never becomes a link.
    Numbers, and the card's own time functions, keep the Markdown block."""
    text = t(key, **params)
    if any(isinstance(v, str) and not _CARD_TIME.fullmatch(v) for v in params.values()):
        return plain(
            text,
            bold=weight == "Bolder",
            size=size,
            subtle=bool(is_subtle),
            spacing=spacing,
            color=color,
        )
    style = {"weight": weight, "size": size, "is_subtle": is_subtle, "spacing": spacing}
    return line(text, color=color, **{k: v for k, v in style.items() if v is not None})


def item_name(t: Translator, item: AgendaItem) -> str:
    """An agenda item's name as people read it: "Gruppearbeid 2" where a phase has parts."""
    name = t(f"phase.{item.phase.value}")
    return t("agenda.part", phase=name, n=item.part) if item.part else name


def line(text: str, **style: Any) -> TextBlock:
    """Catalogue text (ours, safe Markdown) in a wrapping TextBlock."""
    return TextBlock(text=text, wrap=True, **style)


def local_time(ms: int) -> str:
    """Adaptive Card date/time function: each client shows the time in its own zone."""
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))
    return "{{TIME(" + iso + ")}}"


def local_date(ms: int) -> str:
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))
    return "{{DATE(" + iso + ", SHORT)}}"


def error_under(errors: Mapping[str, Notice], name: str, t: Translator) -> list[Any]:
    """What was wrong with what was typed in a form's field `name` (nothing if all was well)."""
    wrong = errors.get(name)
    if wrong is None:
        return []
    return [said(t, wrong.key, wrong.params, color="Attention", spacing="None", size="Small")]


def with_error(field: Any, errors: Mapping[str, Notice], t: Translator) -> list[Any]:
    """A form field and, under it, what was wrong with what was typed there."""
    return [field, *error_under(errors, field.id, t)]


def notice_block(notice: Notice, t: Translator) -> TextBlock | RichTextBlock:
    return said(
        t, notice.key, notice.params, color="Good" if notice.good else "Attention", weight="Bolder"
    )


def _card(
    body: list[Any], t: Translator, *, actions: list[Any] | None = None, refresh: Any = None
) -> AdaptiveCard:
    """The card as a model, before `finished` dumps it."""
    return AdaptiveCard(
        version=SCHEMA_VERSION,
        body=body,
        actions=actions or None,
        refresh=refresh,
        fallback_text=t("card.fallback"),
        lang=t.lang,
    )


def finished(
    body: list[Any],
    t: Translator,
    *,
    actions: list[Any] | None = None,
    refresh: Any = None,
    msteams: Any = None,
) -> Card:
    """A builder's card, as Teams receives it."""
    built = _card(body, t, actions=actions, refresh=refresh)
    if msteams is not None:
        built.msteams = msteams
    return dumped(built)


def dumped(block: Any) -> dict[str, Any]:
    """A card element as JSON (a template's part filled in per click, or a size check)."""
    return block.model_dump(exclude_none=True)


def card_bytes(data: dict[str, Any]) -> int:
    return len(json.dumps(data, ensure_ascii=False).encode())


def action_data(verb: str, sid: str, rev: int, **extra: Any) -> dict[str, Any]:
    """Every Action.Execute carries the verb, the session and the rev it was drawn for."""
    return {"action": verb, "sid": sid, "rev": rev, **extra}


def execute(
    title: str | None,
    verb: str,
    sid: str,
    rev: int,
    *,
    style: str | None = None,
    mode: str | None = None,
    tooltip: str | None = None,
    associated_inputs: str | None = None,
    **extra: Any,
) -> ExecuteAction:
    """A button: its verb, and the data every press carries (`action_data`, with `extra`)."""
    look = {
        "style": style,
        "mode": mode,
        "tooltip": tooltip,
        "associated_inputs": associated_inputs,
    }
    return ExecuteAction(
        title=title,
        verb=verb,
        data=action_data(verb, sid, rev, **extra),
        **{k: v for k, v in look.items() if v is not None},
    )
