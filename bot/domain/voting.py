"""Dot voting (SPEC §3 phase 6): N dots a person, at most M on one idea, movable until close.

Whether a dot counts is decided by CAST_VOTE (bot/store/lua/cast_vote.lua), in the same step
as the write; its Python oracle is tests/oracles.py `decide_vote`. Here: ranking the result.
"""

from __future__ import annotations

from typing import Mapping

DEFAULT_TOP_K = 10
PAGE_SIZE = 20


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
