"""Actions (tiltak, SPEC §3 phase 7): the host turns top ideas into work with an owner and a
due date. "From words to action": the summary is worth what these are worth.

Named `ActionItem` because "action" already means a card action (STYLE §4).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from bot.domain.refusal import Refusal
from bot.domain.text import clean_text

TEXT_MAX = 500
OWNER_MAX = 120
MAX_ITEMS = 50
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AAD = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True, slots=True)
class ActionItem:
    item_id: str
    text: str
    owner_name: str
    owner_aad: str  # the people picker's AAD object id; "" when typed as free text
    due: str  # YYYY-MM-DD, or "" for no date


@dataclass(frozen=True, slots=True)
class ActionDraft:
    text: str
    owner_aad: str
    owner_text: str
    due: str


FieldErrors = dict[str, Refusal]


def decide_action(form: dict[str, object], today: str) -> ActionDraft | FieldErrors:
    """Text is required; the owner comes from the people picker or, in clients without
    it, as typed text; a due date, if given, is a real date not before today."""
    errors: FieldErrors = {}
    raw = form.get("text")
    text = clean_text(raw) if isinstance(raw, str) else ""
    if not text:
        errors["text"] = Refusal.of("action.text_required")
    elif len(text) > TEXT_MAX:
        errors["text"] = Refusal.of("action.text_too_long", max=TEXT_MAX)
    picked = form.get("owner")
    owner_aad = picked.strip() if isinstance(picked, str) else ""
    if owner_aad and not _AAD.match(owner_aad):
        errors["owner"] = Refusal.of("action.owner_unknown")
        owner_aad = ""
    typed = form.get("owner_text")
    owner_text = " ".join(clean_text(typed).split()) if isinstance(typed, str) else ""
    if len(owner_text) > OWNER_MAX:
        errors["owner_text"] = Refusal.of("action.owner_too_long", max=OWNER_MAX)
    if not owner_aad and not owner_text:
        errors["owner"] = Refusal.of("action.owner_required")
    due = form.get("due")
    due = due.strip() if isinstance(due, str) else ""
    if due and (not _DATE.match(due) or not _real_date(due)):
        errors["due"] = Refusal.of("action.bad_date")
    elif due and due < today:
        errors["due"] = Refusal.of("action.date_past")
    if errors:
        return errors
    return ActionDraft(text, owner_aad, owner_text, due)


def _real_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
