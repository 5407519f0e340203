"""The phases of a Digikok (SPEC §3) as a state machine over the session's agenda.

An agenda is a list of steps; a step is a phase with its timebox and, for phases that
repeat, a part (question 1 or 2 of the group work, vote round 1 or 2). The session keeps
the index of its step, so "next", "back" and "skip" are index moves checked here, and the
store applies them with a compare-and-set on the session's revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping

from bot.domain.refusal import Refusal


class Phase(StrEnum):
    SETUP = "setup"
    CHECKIN = "checkin"
    PITCH = "pitch"
    IDEAS = "ideas"
    GROUPS = "groups"
    PRESENTATIONS = "presentations"
    VOTING = "voting"
    ACTIONS = "actions"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class PhaseRule:
    default_minutes: int  # 0 = untimed: runs until the host moves on
    skippable: bool
    participants_may: frozenset[str]  # what a participant may do in it (hosts may do all)


_ALWAYS = frozenset({"join"})

RULES: Mapping[Phase, PhaseRule] = MappingProxyType(
    {
        Phase.SETUP: PhaseRule(0, False, frozenset()),
        Phase.CHECKIN: PhaseRule(0, False, _ALWAYS),
        Phase.PITCH: PhaseRule(10, True, _ALWAYS),
        Phase.IDEAS: PhaseRule(10, True, _ALWAYS | {"idea"}),
        Phase.GROUPS: PhaseRule(15, True, _ALWAYS | {"group_input"}),
        Phase.PRESENTATIONS: PhaseRule(10, True, _ALWAYS),
        Phase.VOTING: PhaseRule(5, True, _ALWAYS | {"vote"}),
        Phase.ACTIONS: PhaseRule(0, False, frozenset()),
        Phase.ENDED: PhaseRule(0, False, frozenset()),
    }
)

# Phases in which a participant may still check in (late joiners are welcome).
JOINABLE: frozenset[Phase] = frozenset(p for p, r in RULES.items() if "join" in r.participants_may)
LIVE: frozenset[Phase] = frozenset(Phase) - {Phase.ENDED}
RUNNING: frozenset[Phase] = LIVE - {Phase.SETUP}
MAX_MINUTES = 240


@dataclass(frozen=True, slots=True)
class AgendaItem:
    phase: Phase
    minutes: int  # 0 = untimed
    part: int = 0  # question (groups) or round (voting); 0 when the phase happens once


Agenda = tuple[AgendaItem, ...]

# SPEC §3 default agenda (the "Digikok standard" template says the same in data).
DEFAULT_AGENDA: Agenda = (
    AgendaItem(Phase.CHECKIN, 0),
    AgendaItem(Phase.PITCH, 10),
    AgendaItem(Phase.IDEAS, 10),
    AgendaItem(Phase.GROUPS, 15, 1),
    AgendaItem(Phase.GROUPS, 15, 2),
    AgendaItem(Phase.PRESENTATIONS, 10),
    AgendaItem(Phase.VOTING, 5),
    AgendaItem(Phase.ACTIONS, 0),
)


def encode_agenda(agenda: Agenda) -> str:
    return ",".join(f"{i.phase.value}:{i.minutes}:{i.part}" for i in agenda)


def decode_agenda(raw: str) -> Agenda:
    items = []
    for chunk in filter(None, raw.split(",")):
        name, minutes, part = (chunk.split(":") + ["0", "0"])[:3]
        items.append(AgendaItem(Phase(name), int(minutes or 0), int(part or 0)))
    return tuple(items)


def check_agenda(agenda: Agenda) -> Refusal | None:
    """A template or a host's edit must start with check-in and keep every timebox sane."""
    if not agenda or agenda[0].phase is not Phase.CHECKIN:
        return Refusal.of("setup.agenda_start")
    for item in agenda:
        if item.phase in (Phase.SETUP, Phase.ENDED):
            return Refusal.of("setup.agenda_phase")
        if not 0 <= item.minutes <= MAX_MINUTES:
            return Refusal.of("setup.minutes_range", max=MAX_MINUTES)
    return None


@dataclass(frozen=True, slots=True)
class Move:
    """Where a host command or a timer takes the session: a step index, or the end."""

    step: int  # -1 when the session ends
    item: AgendaItem | None  # None when the session ends

    @property
    def phase(self) -> Phase:
        return self.item.phase if self.item else Phase.ENDED

    def ends_ms(self, now_ms: int) -> int:
        return now_ms + self.item.minutes * 60_000 if self.item and self.item.minutes else 0


ENDING = Move(-1, None)


def step_to(agenda: Agenda, step: int) -> Move:
    return Move(step, agenda[step]) if 0 <= step < len(agenda) else ENDING


def next_step(agenda: Agenda, step: int) -> Move:
    """After the last step comes the summary: the session ends."""
    return step_to(agenda, step + 1)


def back_step(agenda: Agenda, step: int) -> Move | Refusal:
    if step <= 0:
        return Refusal.of("phase.no_back")
    return step_to(agenda, step - 1)


def skip_step(agenda: Agenda, step: int) -> Move | Refusal:
    """Skip the phase that would come next (e.g. presentations when time is short)."""
    upcoming = step + 1
    if upcoming >= len(agenda):
        return Refusal.of("phase.nothing_to_skip")
    if not RULES[agenda[upcoming].phase].skippable:
        return Refusal.of("phase.not_skippable", phase=agenda[upcoming].phase.value)
    return step_to(agenda, upcoming + 1)
