"""Text commands (SPEC §4): English and Norwegian words, any case, mention tags ignored."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping

from bot.domain.text import clean_text, strip_mentions


class Verb(StrEnum):
    START = "start"
    HELP = "help"
    STATUS = "status"
    NEXT = "next"
    END = "end"
    UNKNOWN = "unknown"


WORDS: Mapping[str, Verb] = MappingProxyType(
    {
        "start": Verb.START,
        "begin": Verb.START,
        "help": Verb.HELP,
        "hjelp": Verb.HELP,
        "?": Verb.HELP,
        "status": Verb.STATUS,
        "next": Verb.NEXT,
        "neste": Verb.NEXT,
        "end": Verb.END,
        "avslutt": Verb.END,
        "slutt": Verb.END,
    }
)


@dataclass(frozen=True, slots=True)
class TextCommand:
    verb: Verb
    arg: str  # the rest of the line, cleaned; the original case is kept


def parse_command(text: object) -> TextCommand:
    """Never raises: anything that is not a known command word is UNKNOWN (→ help card)."""
    if not isinstance(text, str):
        return TextCommand(Verb.UNKNOWN, "")
    words = clean_text(strip_mentions(text)).split(None, 1)
    if not words:
        return TextCommand(Verb.HELP, "")
    verb = WORDS.get(words[0].casefold().strip(".,:;!"), Verb.UNKNOWN)
    return TextCommand(verb, words[1].strip() if len(words) > 1 else "")
