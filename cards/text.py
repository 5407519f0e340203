"""Small shared pieces: plain user text, timestamps the client localises, size checks."""

from __future__ import annotations

import json
import time
from typing import Any

from microsoft_teams.cards import AdaptiveCard, RichTextBlock, TextBlock, TextRun

from bot.i18n import Translator
from cards.views import Notice

MAX_CARD_BYTES = 28 * 1024  # Teams takes ~100 KB; small cards render reliably on mobile
SCHEMA_VERSION = "1.5"


def plain(
    text: str,
    *,
    bold: bool = False,
    size: str | None = None,
    subtle: bool = False,
    spacing: str | None = None,
) -> RichTextBlock:
    """User text as one TextRun: never Markdown, never a mention, never a link."""
    run = TextRun(
        text=text, weight="Bolder" if bold else None, size=size, is_subtle=True if subtle else None
    )
    return RichTextBlock(inlines=[run], spacing=spacing)


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


def notice_block(notice: Notice, t: Translator) -> TextBlock:
    return line(
        t(notice.key, **notice.params),
        color="Good" if notice.good else "Attention",
        weight="Bolder",
    )


def card(
    body: list[Any], t: Translator, *, actions: list[Any] | None = None, refresh: Any = None
) -> AdaptiveCard:
    return AdaptiveCard(
        version=SCHEMA_VERSION,
        body=body,
        actions=actions or None,
        refresh=refresh,
        fallback_text=t("card.fallback"),
        lang=t.lang,
    )


def to_json(adaptive: AdaptiveCard) -> dict[str, Any]:
    return adaptive.model_dump(exclude_none=True)


def card_bytes(data: dict[str, Any]) -> int:
    return len(json.dumps(data, ensure_ascii=False).encode())


def action_data(verb: str, sid: str, rev: int, **extra: Any) -> dict[str, Any]:
    """Every Action.Execute carries the verb, the session and the rev it was drawn for."""
    return {"action": verb, "sid": sid, "rev": rev, **extra}
