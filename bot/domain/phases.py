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


class Open(StrEnum):
    """What may be done in a phase: the card actions' phase sets (handlers.ROUTES) and the
    phases the service passes to the scripts are read from RULES by these."""

    JOIN = "join"  # check in (late joiners are welcome)
    IDEA = "idea"  # send, edit or withdraw an idea
    GROUP_INPUT = "group_input"  # add, sort and pick a group's inputs
    VOTE = "vote"  # place and move dots
    SETUP = "setup"  # the host's setup card
    STEER = "steer"  # the host's controls on a running session: phases, timer, co-hosts, prep
    END = "end"  # end the session
    CAPTURE = "capture"  # the host writes down actions
    RECORDS = "records"  # what an ended session leaves: its summary


@dataclass(frozen=True, slots=True)
class PhaseRule:
    default_minutes: int  # 0 = untimed: runs until the host moves on
    skippable: bool
    open: frozenset[Open]  # what may be done in it


_RUNNING = frozenset({Open.JOIN, Open.STEER, Open.END})

RULES: Mapping[Phase, PhaseRule] = MappingProxyType(
    {
        Phase.SETUP: PhaseRule(0, False, frozenset({Open.SETUP, Open.END})),
        Phase.CHECKIN: PhaseRule(0, False, _RUNNING | {Open.SETUP}),
        Phase.PITCH: PhaseRule(10, True, _RUNNING),
        Phase.IDEAS: PhaseRule(10, True, _RUNNING | {Open.IDEA}),
        Phase.GROUPS: PhaseRule(15, True, _RUNNING | {Open.GROUP_INPUT}),
        Phase.PRESENTATIONS: PhaseRule(10, True, _RUNNING),
        Phase.VOTING: PhaseRule(5, True, _RUNNING | {Open.VOTE}),
        Phase.ACTIONS: PhaseRule(0, False, frozenset({Open.STEER, Open.END, Open.CAPTURE})),
        Phase.ENDED: PhaseRule(0, False, frozenset({Open.RECORDS})),
    }
)


def open_in(what: Open) -> frozenset[Phase]:
    """The phases in which `what` may be done."""
    return frozenset(p for p, r in RULES.items() if what in r.open)


ANY_PHASE: frozenset[Phase] = frozenset(Phase)  # a card that checks its phase itself
JOINABLE: frozenset[Phase] = open_in(Open.JOIN)
LIVE: frozenset[Phase] = open_in(Open.END)
RUNNING: frozenset[Phase] = open_in(Open.STEER)
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
