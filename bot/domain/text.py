"""User text is data. These rules decide what of it we keep; cards render it as plain runs."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 control characters except tab and newline; also lone surrogates and BOM-like marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")
_MENTION = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(raw: str) -> str:
    """Normalise newlines, drop control characters, trim. Markup is kept as literal text."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text).replace("\t", " ")
    return _BLANK_LINES.sub("\n\n", text).strip()


def strip_mentions(raw: str) -> str:
    """Teams wraps @mentions in <at>…</at>; a command reads the words, not the tags."""
    return _MENTION.sub(" ", raw)
