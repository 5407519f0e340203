"""Every user-visible string comes from a catalogue here (SPEC §6): nb (default), nn, en.

Catalogues are JSON files beside this module, loaded once at import into read-only maps.
`str.format` placeholders; a missing key raises in tests (see tests/unit/test_i18n.py),
and in production falls back to bokmål, then to the key itself, never to a crash.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

logger = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("nb", "nn", "en")
DEFAULT_LANGUAGE = "nb"


def _load(lang: str) -> Mapping[str, str]:
    path = Path(__file__).with_name(f"{lang}.json")
    return MappingProxyType(json.loads(path.read_text(encoding="utf-8")))


CATALOGUES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {lang: _load(lang) for lang in LANGUAGES}
)


def language_for(locale: str | None) -> str:
    """Teams sends e.g. 'nb-NO', 'nn-NO', 'no', 'en-US'. Anything else gets bokmål."""
    base = (locale or "").replace("_", "-").split("-")[0].casefold()
    if base in ("nb", "no"):
        return "nb"
    if base == "nn":
        return "nn"
    if base == "en":
        return "en"
    return DEFAULT_LANGUAGE


class Translator:
    """t('ideas.count', n=3) → 'Antall ideer: 3'. Safe against missing or bad parameters."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in CATALOGUES else DEFAULT_LANGUAGE
        self._own = CATALOGUES[self.lang]
        self._fallback = CATALOGUES[DEFAULT_LANGUAGE]

    def __call__(self, key: str, **params: Any) -> str:
        template = self._own.get(key) or self._fallback.get(key)
        if template is None:
            logger.error("i18n_missing_key", extra={"key": key, "lang": self.lang})
            return key
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            logger.error("i18n_bad_params", extra={"key": key, "lang": self.lang})
            return template


def translator(lang: str) -> Translator:
    return Translator(lang)
