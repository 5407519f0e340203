"""Near-duplicate ideas merged before the vote (issue 18): what the merges mean for the vote,
the host's suggestions, the summary, the export and an author's own card.

A merge (bot/store/merges.py) is a candidate and the ids merged into it. Round 1's
candidates show the candidate in place of its members; the tally counts the candidate only.
A merge only stands while its candidate is visible: if a host hides the candidate, its
members come back as they were, and a hidden member simply drops out. Nothing is deleted.

Suggestions come from bot/domain/similarity.py (scikit-learn, imported on first use so the
app starts fast) and run in a worker thread: 500 ideas take about 0.1–0.2 s, which must not
stall other turns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.service.deps import Deps
from bot.store.merges import Merges, pair

SUGGESTIONS_MAX = 12  # few and right: a host with 300 ideas and ten minutes


@dataclass(frozen=True, slots=True)
class Suggestion:
    ids: tuple[str, ...]  # in the order shown; the representative first
    representative: str


def standing(merges: Merges, hidden: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The merges in force: candidate -> its visible members (merges with none dropped)."""
    gone = set(hidden)
    out = {}
    for cand, members in merges.groups.items():
        visible = tuple(m for m in members if m not in gone)
        if cand not in gone and visible:
            out[cand] = visible
    return out


async def current(deps: Deps, sid: str) -> dict[str, tuple[str, ...]]:
    hidden = await deps.moderation.hidden(sid)
    return standing(await deps.merges.all(sid), hidden)


async def fold(deps: Deps, sid: str, ids: list[str], hidden: set[str]) -> list[str]:
    """Round 1's candidates with each merge's members folded into its candidate."""
    merged = standing(await deps.merges.all(sid), hidden)
    gone = {m for cand, members in merged.items() if cand in ids for m in members}
    return [i for i in ids if i not in gone]


def _keep_apart(ids: Sequence[str], apart: frozenset[tuple[str, str]]) -> list[str]:
    """A suggested group without what the host kept apart: the ideas least at odds with the
    others stay. One idea taken out leaves the rest; a group ignored keeps one (dropped)."""
    at_odds = {i: sum(pair(i, j) in apart for j in ids if j != i) for i in ids}
    kept: list[str] = []
    for i in sorted(ids, key=lambda x: (at_odds[x], ids.index(x))):
        if not any(pair(i, k) in apart for k in kept):
            kept.append(i)
    return [i for i in ids if i in kept]


def _suggest(
    items: Sequence[tuple[str, str]], lang: str, apart: frozenset[tuple[str, str]]
) -> tuple[Suggestion, ...]:
    from bot.domain.similarity import suggest_groups  # scikit-learn: first use only

    found = []
    for group in suggest_groups(items, lang):
        ids = _keep_apart(list(group.ids), apart)
        if len(ids) < 2:
            continue
        first = group.representative if group.representative in ids else ids[0]
        found.append(Suggestion((first, *[i for i in ids if i != first]), first))
    return tuple(found[:SUGGESTIONS_MAX])


async def suggestions(
    deps: Deps, sid: str, lang: str, texts: dict[str, str]
) -> tuple[Suggestion, ...]:
    """Groups of like candidates (`texts`: the round's candidates, merges folded, hidden
    ones left out) that the host has not kept apart."""
    if len(texts) < 2:
        return ()
    merges = await deps.merges.all(sid)
    return await asyncio.to_thread(_suggest, sorted(texts.items()), lang, merges.apart)


async def merged_into(deps: Deps, sid: str, idea_ids: Sequence[str]) -> tuple[str, ...]:
    """For an author's own ideas: the text each was merged into ('' when not merged; its own
    text when it is the one the vote shows).
    Only the author asks, about their own ideas; the merge itself names nobody."""
    merged = await current(deps, sid)
    into = {m: c for c, members in merged.items() for m in (c, *members)}
    wanted = [into[i] for i in idea_ids if i in into]
    if not wanted:
        return tuple("" for _ in idea_ids)
    from bot.service.voting.rounds import texts_for

    texts = await texts_for(deps, sid, wanted)
    return tuple(texts.get(into.get(i, ""), "") for i in idea_ids)
