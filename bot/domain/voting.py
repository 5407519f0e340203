"""Dot voting (SPEC §3 phase 6): N dots a person, at most M on one idea, movable until close.

`decide_vote` is the rule; CAST_VOTE (bot/store/scripts.py) is its atomic twin, and a
differential test keeps the two in step (tests/integration/test_voting_store.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from bot.domain.refusal import Refusal

DEFAULT_TOP_K = 10
PAGE_SIZE = 20


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
    """+1 puts a dot on an idea, -1 takes one back (moving a vote is one of each)."""
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


def rank(tally: Mapping[str, int]) -> list[tuple[str, int]]:
    """Most dots first; ties in the order the ideas came in (lower id first)."""
    return sorted(
        tally.items(), key=lambda kv: (-kv[1], int(kv[0]) if kv[0].isdigit() else 0, kv[0])
    )


def top(tally: Mapping[str, int], k: int) -> list[str]:
    """The ideas that go on to a second round: exactly the k with most dots, so "the top 10"
    is ten whenever there are ten. On a tie at the cut the one that came in first goes on
    (the order of `rank`); the cards state this rule (`voting.top_rule`)."""
    return [i for i, _ in rank(tally)[: max(0, k)]]
