"""Text commands (SPEC §4): English and Norwegian words, any case, mention tags ignored."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping

from bot.domain.text import clean_text, strip_mentions


class Verb(StrEnum):
    START = "start"
    SETUP = "setup"
    HELP = "help"
    STATUS = "status"
    NEXT = "next"
    BACK = "back"
    SKIP = "skip"
    EXTEND = "extend"
    PAUSE = "pause"
    RESUME = "resume"
    ADJOURN = "adjourn"
    COHOST = "cohost"
    LANGUAGE = "language"
    END = "end"
    GROUPS = "groups"
    MOVE = "move"
    EXPORT = "export"
    HISTORY = "history"
    DELETE = "delete"
    UNKNOWN = "unknown"


WORDS: Mapping[str, Verb] = MappingProxyType(
    {
        "start": Verb.START,
        "begin": Verb.START,
        "begynn": Verb.START,
        "setup": Verb.SETUP,
        "oppsett": Verb.SETUP,
        "innstillinger": Verb.SETUP,
        "innstillingar": Verb.SETUP,
        "help": Verb.HELP,
        "hjelp": Verb.HELP,
        "?": Verb.HELP,
        "status": Verb.STATUS,
        "next": Verb.NEXT,
        "neste": Verb.NEXT,
        "videre": Verb.NEXT,
        "vidare": Verb.NEXT,
        "back": Verb.BACK,
        "tilbake": Verb.BACK,
        "skip": Verb.SKIP,
        "hopp": Verb.SKIP,
        "hoppover": Verb.SKIP,
        "extend": Verb.EXTEND,
        "forleng": Verb.EXTEND,
        "forlen": Verb.EXTEND,
        "pause": Verb.PAUSE,
        "resume": Verb.RESUME,
        "fortsett": Verb.RESUME,
        "gjenoppta": Verb.RESUME,
        "adjourn": Verb.ADJOURN,
        "utsett": Verb.ADJOURN,
        "utset": Verb.ADJOURN,
        "cohost": Verb.COHOST,
        "co-host": Verb.COHOST,
        "medvert": Verb.COHOST,
        "language": Verb.LANGUAGE,
        "språk": Verb.LANGUAGE,
        "sprak": Verb.LANGUAGE,
        "mål": Verb.LANGUAGE,
        "groups": Verb.GROUPS,
        "grupper": Verb.GROUPS,
        "move": Verb.MOVE,
        "flytt": Verb.MOVE,
        "export": Verb.EXPORT,
        "eksport": Verb.EXPORT,
        "eksporter": Verb.EXPORT,
        "referat": Verb.EXPORT,
        "history": Verb.HISTORY,
        "historikk": Verb.HISTORY,
        "delete": Verb.DELETE,
        "slett": Verb.DELETE,
        "end": Verb.END,
        "avslutt": Verb.END,
        "slutt": Verb.END,
        "stop": Verb.END,
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
    rest = words[1].strip() if len(words) > 1 else ""
    first = words[0].casefold().strip(".,:;!")
    if first == "hopp" and rest.casefold().startswith("over"):
        rest = rest[4:].strip()  # "hopp over" is one word to a Norwegian
    return TextCommand(WORDS.get(first, Verb.UNKNOWN), rest)
