"""Optional screening of ideas and group inputs at submit (issue 10), off by default.

An organisation may list words or phrases per language that an idea must not contain, and a
shortest length (SCREENING_FILE, bot/config.py). A screened text is refused to its author
alone, with the reason, and nothing is stored; the text comes back to them to rephrase.
The list of the session's language applies. Matching is on whole words, case-insensitive;
a phrase matches as the same words with any spacing between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from bot.domain.refusal import Refusal


@dataclass(frozen=True, slots=True)
class Screening:
    patterns: Mapping[str, re.Pattern[str]] = field(default_factory=dict)  # language -> words
    min_chars: int = 0

    @property
    def enabled(self) -> bool:
        return self.min_chars > 0 or bool(self.patterns)


def build_screening(words: Mapping[str, Iterable[str]], min_chars: int = 0) -> Screening:
    patterns = {}
    for language, listed in words.items():
        phrases = [r"\s+".join(map(re.escape, w.split())) for w in listed if w.split()]
        if phrases:
            alternatives = "|".join(sorted(phrases, key=len, reverse=True))
            patterns[language] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return Screening(patterns, min_chars)


def screen(text: str, screening: Screening, language: str) -> Refusal | None:
    """Why a cleaned text is not accepted here, or None."""
    if len(text) < screening.min_chars:
        return Refusal.of("screen.too_short", n=screening.min_chars)
    pattern = screening.patterns.get(language)
    if pattern is not None and pattern.search(text):
        return Refusal.of("screen.word")
    return None
