"""A user mistake is a value, not an exception: a catalogue key and its parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Refusal:
    """A clear, localized 'no' that changed nothing. `key` names a catalogue entry."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, key: str, **params: Any) -> Refusal:
        return cls(key, dict(params))
