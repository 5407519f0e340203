"""The phases of a Digikok (SPEC §3) and the agenda a session runs through.

The walking skeleton runs check-in, pitch and the idea round; later phases slot into
`Phase` and into a template's agenda without touching the rules below.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.refusal import Refusal


class Phase(StrEnum):
    CHECKIN = "checkin"
    PITCH = "pitch"
    IDEAS = "ideas"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class AgendaItem:
    phase: Phase
    minutes: int  # 0 = untimed: runs until the host moves on


# SPEC §3 default timeboxes for the phases the skeleton runs.
DEFAULT_AGENDA: tuple[AgendaItem, ...] = (
    AgendaItem(Phase.CHECKIN, 0),
    AgendaItem(Phase.PITCH, 10),
    AgendaItem(Phase.IDEAS, 10),
)

# Phases in which a participant may still check in (late joiners are welcome).
JOINABLE: frozenset[Phase] = frozenset({Phase.CHECKIN, Phase.PITCH, Phase.IDEAS})


def encode_agenda(agenda: tuple[AgendaItem, ...]) -> str:
    return ",".join(f"{item.phase.value}:{item.minutes}" for item in agenda)


def decode_agenda(raw: str) -> tuple[AgendaItem, ...]:
    items = []
    for part in filter(None, raw.split(",")):
        name, _, minutes = part.partition(":")
        items.append(AgendaItem(Phase(name), int(minutes or 0)))
    return tuple(items)


@dataclass(frozen=True, slots=True)
class Transition:
    to: Phase
    ends_ms: int  # 0 when the new phase is untimed or the session ended


def next_phase(agenda: tuple[AgendaItem, ...], current: Phase, now_ms: int) -> Transition | Refusal:
    """The phase after `current`; past the last agenda item the session ends (summary)."""
    if current is Phase.ENDED:
        return Refusal.of("session.ended")
    phases = [item.phase for item in agenda]
    if current not in phases:
        return Refusal.of("phase.unknown")
    index = phases.index(current) + 1
    if index >= len(agenda):
        return Transition(Phase.ENDED, 0)
    item = agenda[index]
    return Transition(item.phase, now_ms + item.minutes * 60_000 if item.minutes else 0)
