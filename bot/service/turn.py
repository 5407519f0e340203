"""The ground floor of every feature: a click, who steers, and the one map from the scripts'
refusal codes to what the person is told."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Awaitable, Callable, Mapping

from bot.domain.session import Session
from bot.i18n import Translator
from bot.service.deps import Deps
from bot.service.ports import Actor
from bot.store.answers import Answer, Refused
from cards.views import Notice


@dataclass(frozen=True, slots=True)
class Steer:
    """Who steers: a host (member tag) or the bot itself (tag '') on a timer."""

    tag: str
    activity_id: str
    expected_tver: int | None = None


# One host step on the session (session/steering.py), whether typed or pressed.
Steering = Callable[[Deps, Session, Steer, int], Awaitable[Notice]]


@dataclass(frozen=True, slots=True)
class Click:
    actor: Actor
    sid: str
    rev: int
    data: dict[str, Any]
    session: Session
    t: Translator
    tag: str  # the clicking person's member tag in this session

    @property
    def steer(self) -> Steer:
        return Steer(self.tag, self.actor.activity_id)


@dataclass(frozen=True, slots=True)
class Typed:
    """A text command that passed its guard (handlers.COMMANDS): who typed it, the words
    after the verb, the conversation's session, the language to answer in, and the typist's
    member tag in that session ('' without one)."""

    actor: Actor
    arg: str
    session: Session | None
    t: Translator
    me: str = ""

    @property
    def hosted(self) -> Session:
        """The session a host's command acts on: its guard has made sure there is one."""
        assert self.session is not None, "a host guard admits only with a session"
        return self.session


# What a refusing script's answer code (bot/store/scripts.py) tells the person, by the place
# it was refused in. A code the place does not name answers as it does everywhere (the ""
# row); a code nobody names is a generic error.
REFUSALS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        place: MappingProxyType(answers)
        for place, answers in {
            "": {
                "ended": "card.ended",
                "stale": "card.stale",
                "wrong_phase": "card.stale",
                "not_host": "host.only",
                "gone": "card.gone",
            },
            "idea": {"limit": "idea.limit"},
            "own_idea": {  # editing or withdrawing one's own idea
                "not_yours": "idea.not_yours",
                "hidden": "idea.hidden_no_edit",
                "wrong_phase": "ideas.over",
                "stale": "ideas.over",
            },
            "vote": {
                "unknown_idea": "vote.unknown_idea",
                "no_votes_left": "vote.none_left",
                "idea_full": "vote.idea_full",
                "none_here": "vote.none_here",
                "bad_input": "vote.bad_input",
                "stale": "vote.closed",
                "wrong_phase": "vote.closed",
            },
            "groups": {
                "not_member": "groups.not_member",
                "wrong_phase": "groups.closed",
                "stale": "groups.closed",
                "limit": "groups.limit",
                "unknown_input": "groups.unknown_input",
                "unknown_idea": "groups.unknown_input",
                "no_votes_left": "groups.votes_spent",
                "idea_full": "groups.votes_spent",
                "none_here": "vote.none_here",
                "bad_input": "vote.bad_input",
            },
            "merge": {
                "vote_open": "merge.vote_open",
                "unknown": "merge.unknown",
                "hidden": "merge.hidden",
                "too_few": "merge.too_few",
                "not_merged": "merge.not_merged",
            },
            "moderation": {
                "already": "moderation.already",
                "not_hidden": "moderation.not_hidden",
                "unknown_item": "moderation.unknown",
            },
            "adjourn": {
                "adjourned": "adjourn.already",
                "ended": "adjourn.ended",
                "setup": "adjourn.setup",
                "not_adjourned": "adjourn.nothing_to_resume",
            },
            "timer": {
                "already_paused": "timer.already_paused",
                "untimed": "timer.untimed",
                "not_paused": "timer.not_paused",
            },
            "action": {"limit": "action.limit", "unknown_item": "action.unknown_item"},
        }.items()
    }
)


def refused_key(code: str | Answer, place: str = "") -> str:
    """The catalogue key for a script's refusal `code` met in `place` (a row of REFUSALS)."""
    if not isinstance(code, str):
        code = code.reason if isinstance(code, Refused) else ""
    return REFUSALS[place].get(code) or REFUSALS[""].get(code, "error.generic")


def refusal_notice(code: str | Answer, place: str = "", **params: object) -> Notice:
    return Notice(refused_key(code, place), dict(params), good=False)


def succeeded(result: str | Answer) -> bool:
    """The write happened: now, or on an earlier delivery of the same activity."""
    if not isinstance(result, str):
        return result.ok
    return result.startswith(("ok:", "again:ok:"))


def first_time(result: str | Answer) -> bool:
    """Only the delivery that wrote runs side effects (announcements, the summary)."""
    if not isinstance(result, str):
        return result.ok and not result.again
    return result.startswith("ok:")
