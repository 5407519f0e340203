"""The Lua scripts decide (bot/domain/__init__.py says why); these are their Python oracles,
the same rules written plainly, held equal to the scripts by tests.

- `decide_vote`: CAST_VOTE (bot/store/lua/cast_vote.lua), tests/integration/test_voting_store.py
- `extended_end`, `remaining_ms`: RETIME, tests/integration/test_transitions.py
- `time_left_ms`, `resumed_end_ms`: ADJOURN and RESUME_ADJOURNED, stated in
  tests/unit/test_adjournment.py; tests/integration/test_adjourn_store.py holds the scripts to
  the same numbers
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from bot.domain.adjournment import MIN_LEFT_MS
from bot.domain.refusal import Refusal


@dataclass(frozen=True, slots=True)
class Ballot:
    allowance: int
    cap_per_idea: int
    mine: Mapping[str, int] = field(default_factory=dict)  # idea id -> my dots there

    @property
    def used(self) -> int:
        return sum(self.mine.values())

    @property
    def left(self) -> int:
        return self.allowance - self.used


@dataclass(frozen=True, slots=True)
class VoteOk:
    idea_id: str
    votes_left: int


def decide_vote(
    ballot: Ballot, idea_id: str, in_play: frozenset[str], delta: int
) -> VoteOk | Refusal:
    """Dot voting (SPEC §3 phase 6): N dots a person, at most M on one idea, movable until
    close. +1 puts a dot on an idea, -1 takes one back (moving a vote is one of each)."""
    if delta not in (1, -1):
        return Refusal.of("vote.bad_input")
    if idea_id not in in_play:
        return Refusal.of("vote.unknown_idea")
    here = ballot.mine.get(idea_id, 0)
    if delta == -1:
        if here <= 0:
            return Refusal.of("vote.none_here")
        return VoteOk(idea_id, ballot.left + 1)
    if ballot.used >= ballot.allowance:
        return Refusal.of("vote.none_left", n=ballot.allowance)
    if here >= ballot.cap_per_idea:
        return Refusal.of("vote.idea_full", m=ballot.cap_per_idea)
    return VoteOk(idea_id, ballot.left - 1)


def extended_end(ends_ms: int, now_ms: int, minutes: int) -> int:
    """Extending an overrun phase counts from now, not from the time already passed."""
    return max(ends_ms, now_ms) + minutes * 60_000


def remaining_ms(ends_ms: int, now_ms: int) -> int:
    return max(0, ends_ms - now_ms)


def time_left_ms(phase_ends_ms: int, paused_left_ms: int, now_ms: int) -> int:
    """What the phase had left when adjourned: paused time, running time, or 0 (untimed/over)."""
    if paused_left_ms > 0:
        return paused_left_ms
    if phase_ends_ms > 0:
        return max(0, phase_ends_ms - now_ms)
    return 0


def resumed_end_ms(left_ms: int, now_ms: int) -> int:
    """The phase's new end after a resume; 0 = untimed (nothing was left)."""
    return now_ms + max(left_ms, MIN_LEFT_MS) if left_ms > 0 else 0
