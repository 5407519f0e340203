"""What a burst sends and how its result is read back: one builder per kind of burst.

run.py is generic: it runs a kind's SETUP commands, finds the newest card the bot sent that
offers the kind's verb, asks the builder for the invokes, fires them, and reads the count
back from the shared card and the summary through the Burst's own readers.

The idea round is built today. The vote burst waits for voting (issue 5): see `votes` below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import actions, texts, walk

Catalogue = Mapping[str, str]


def catalogue(app_dir: Path) -> Catalogue:
    """The bokmål catalogue of the app under test (Conversation() speaks nb-NO), read from
    its files rather than imported, so a bench of another checkout reads that one's words."""
    path = app_dir / "bot" / "i18n" / "nb.json"
    return MappingProxyType(json.loads(path.read_text(encoding="utf-8")))


def _pattern(nb: Catalogue, key: str) -> re.Pattern[str]:
    """A catalogue line with its {n} as a number group: 'Ideer sendt inn: {n}' → regex."""
    return re.compile("^" + re.escape(nb[key]).replace(r"\{n\}", r"(\d+)") + "$")


def _count(card: dict[str, Any], pattern: re.Pattern[str]) -> int | None:
    for text in texts(card):
        if m := pattern.match(text):
            return int(m.group(1))
    return None


def offers(card: dict[str, Any], verb: str) -> dict[str, Any] | None:
    """The data of the card's Action.Execute with this verb (body or actions, not refresh)."""
    return actions(card).get(verb)


@dataclass(frozen=True, slots=True)
class SummaryCheck:
    count: int | None  # the number the summary states
    shown: int = 0  # items listed on the card (it is cut near 28 KB)
    more: int = 0  # "… og N til"
    unknown: int = 0  # listed items we never sent
    duplicates: int = 0  # listed items that appear twice


@dataclass(frozen=True, slots=True)
class Burst:
    kind: str
    activities: list[dict[str, Any]]  # Teams-shaped invokes, in the order they are sent
    accepted: Callable[[Any], bool]  # invoke answer (the HTTP JSON) → the bot took it
    count_line: re.Pattern[str]  # the shared card's line that states the count (_pattern)
    summary_check: Callable[[dict[str, Any]], SummaryCheck]
    # (activity, answer) pairs → casts accepted beyond an allowance; None: not a vote burst
    overruns: Callable[[list[tuple[dict[str, Any], Any]]], int] | None = None

    @property
    def expected(self) -> int:
        """What the bot should count if it accepts every one."""
        return len(self.activities)

    def shared_count(self, card: dict[str, Any]) -> int | None:
        """The count the shared card states (None: it states none)."""
        return _count(card, self.count_line)


def answer_card(answer: Any) -> dict[str, Any]:
    """The card in an Action.Execute invoke answer: {statusCode, type, value: card}."""
    if isinstance(answer, dict) and isinstance(answer.get("value"), dict):
        return answer["value"]
    return {}


# -- ideas ---------------------------------------------------------------------------------

NUMBERED = re.compile(r"^(\d+)\. (.*)$", re.S)


def idea_text(person: int, k: int) -> str:
    return f"Bench-idé {person:04d}-{k}: trygg skolevei med gå-buss og flere fotgjengerfelt"


def ideas(
    place: Conversation, people: list[Person], per_person: int, card: dict[str, Any], nb: Catalogue
) -> Burst:
    idea_count = _pattern(nb, "ideas.count")  # shared session card: "Ideer sendt inn: N"
    summary_ideas = _pattern(nb, "summary.ideas")  # summary card: "Ideer: N"
    summary_more = _pattern(nb, "list.more")  # "… og N til"
    data = offers(card, "idea.submit")
    if data is None:
        raise ValueError("the card offers no idea.submit")
    # Round-robin (everyone's 1st idea, then everyone's 2nd, …): like people in a room,
    # nobody has two submissions in flight at once.
    activities = [
        place.invoke(person, data, {"idea": idea_text(p, k)})
        for k in range(per_person)
        for p, person in enumerate(people)
    ]
    sent = frozenset(idea_text(p, k) for k in range(per_person) for p in range(len(people)))
    received = nb["idea.received"]

    def accepted(answer: Any) -> bool:
        return received in texts(answer_card(answer))

    def summary_check(summary: dict[str, Any]) -> SummaryCheck:
        listed = [m.group(2) for t in texts(summary) if (m := NUMBERED.match(t))]
        more = _count(summary, summary_more) or 0
        return SummaryCheck(
            count=_count(summary, summary_ideas),
            shown=len(listed),
            more=more,
            unknown=sum(1 for t in listed if t not in sent),
            duplicates=len(listed) - len(set(listed)),
        )

    return Burst(
        kind="ideas",
        activities=activities,
        accepted=accepted,
        count_line=idea_count,
        summary_check=summary_check,
    )


# -- votes (pending) -----------------------------------------------------------------------


def votes(
    place: Conversation, people: list[Person], per_person: int, card: dict[str, Any], nb: Catalogue
) -> Burst:
    """Each person casts `per_person` dots, spread round-robin over the ideas on the vote
    card's first page: allowance 3 and cap 2 (the defaults) are never exceeded by this plan,
    so every cast should be accepted; `overruns` counts accepted casts past an allowance."""
    buttons = [
        n["data"]
        for n in walk(card.get("body", []))
        if n.get("type") == "Action.Execute"
        and n.get("verb") == "vote.cast"
        and n["data"].get("delta") == 1
    ]
    if not buttons:
        raise ValueError("the card offers no vote.cast")
    activities = [
        place.invoke(person, buttons[(p + k) % len(buttons)])
        for k in range(per_person)
        for p, person in enumerate(people)
    ]
    progress = re.compile(
        ".* " + re.escape(nb["voting.progress"].split("{n}")[0].split("· ")[-1]) + r"(\d+)$"
    )
    total = _pattern(nb, "summary.votes")
    counted = nb["vote.counted"].split("{n}")[0]

    def accepted(answer: Any) -> bool:
        return any(t.startswith(counted) for t in texts(answer_card(answer)))

    def summary_check(summary: dict[str, Any]) -> SummaryCheck:
        return SummaryCheck(count=_count(summary, total))

    def overruns(pairs: list[tuple[dict[str, Any], Any]]) -> int:
        per_voter: dict[str, int] = {}
        for activity, answer in pairs:
            if accepted(answer):
                voter = activity["from"]["aadObjectId"]
                per_voter[voter] = per_voter.get(voter, 0) + 1
        return sum(max(0, n - 3) for n in per_voter.values())

    return Burst(
        kind="votes",
        activities=activities,
        accepted=accepted,
        count_line=progress,
        summary_check=summary_check,
        overruns=overruns,
    )


Builder = Callable[[Conversation, list[Person], int, dict[str, Any], Catalogue], Burst]

BUILDERS: Mapping[str, Builder] = MappingProxyType({"ideas": ideas, "votes": votes})
# Kinds whose builder is not written yet: run.py refuses them before starting anything.
PENDING: frozenset[str] = frozenset()
# The verb whose card the builder reads (the newest card that offers it).
VERBS: Mapping[str, str] = MappingProxyType({"ideas": "idea.submit", "votes": "vote.cast"})
# Steps that bring a fresh session to the burst's phase: host commands (channel messages
# with a mention), or "burst:<kind>": that burst, one item per participant, unmeasured.
SETUPS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ideas": ("start Bench", "neste", "neste"),
        # idea round, then groups 1 and 2 and presentations (skipped over) to voting
        "votes": (
            "start Bench",
            "neste",
            "neste",
            "burst:ideas",
            "neste",
            "neste",
            "neste",
            "neste",
        ),
    }
)
