"""What a card shows, as plain frozen data. The service fills these from the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.action_items import ActionItem
from bot.domain.participants import Role
from bot.domain.phases import AgendaItem, Phase
from bot.domain.settings import Settings


@dataclass(frozen=True, slots=True)
class Notice:
    key: str  # catalogue key
    params: dict[str, object] = field(default_factory=dict)
    good: bool = True  # green (received) or attention (refused)


@dataclass(frozen=True, slots=True)
class SessionView:
    sid: str
    rev: int
    topic: str
    host_name: str
    need: str
    pitchers: str
    phase: Phase
    part: int  # question (groups) or round (voting)
    question: str  # the group question of this part, if any
    categories: tuple[str, ...]
    votes_per_person: int
    votes_per_idea: int
    active: bool
    agenda: tuple[AgendaItem, ...]
    step: int
    phase_ends_ms: int
    paused_left_ms: int
    joined: int
    by_role: dict[Role, int]
    idea_count: int
    next_phase: Phase | None  # what "Next" leads to; None = the session ends
    refresh_user_ids: tuple[str, ...]  # hosts: Teams fetches their host view
    votes_cast: int = 0  # dots cast in the running vote round (never where they went)
    voters: int = 0
    # Personal parts: only in an Action.Execute answer for one user.
    is_host: bool = False
    my_role: Role | None = None
    notice: Notice | None = None


@dataclass(frozen=True, slots=True)
class IdeaView:
    sid: str
    rev: int
    topic: str
    prompt: str
    max_len: int
    open: bool  # the idea round is the current phase
    ends_ms: int
    my_ideas: tuple[str, ...] = ()
    notice: Notice | None = None
    draft: str = ""  # the refused text is given back so nothing typed is lost


@dataclass(frozen=True, slots=True)
class JoinView:
    sid: str
    rev: int
    topic: str
    role: Role | None
    department: str
    notice: Notice | None = None
    standalone: bool = True  # its own message (never updated); False inside the session card


@dataclass(frozen=True, slots=True)
class TimeUpView:
    sid: str
    rev: int
    phase: Phase
    next_phase: Phase | None


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class SetupView:
    sid: str
    rev: int
    settings: Settings
    templates: tuple[TemplateChoice, ...]
    starting: bool  # True before check-in opens (the save button opens it)
    errors: dict[str, Notice] = field(default_factory=dict)
    notice: Notice | None = None


@dataclass(frozen=True, slots=True)
class SummaryView:
    topic: str
    host_name: str
    started_ms: int
    ended_ms: int
    joined: int
    by_role: dict[Role, int]
    ideas: tuple[str, ...]
    ranking: tuple[tuple[str, int], ...] = ()  # (idea text, dots) of the last vote round
    need: str = ""
    action_items: tuple[ActionItem, ...] = ()


@dataclass(frozen=True, slots=True)
class VoteItem:
    idea_id: str
    text: str
    mine: int = 0  # my dots on it (personal view only)
    total: int | None = None  # shown after close, or live if the host chose so


@dataclass(frozen=True, slots=True)
class VoteView:
    sid: str
    rev: int
    round: int
    open: bool
    allowance: int
    cap: int
    items: tuple[VoteItem, ...]  # this page (open) or the ranking (closed)
    start: int  # index of the first item of this page
    total_ideas: int
    left: int | None = None  # my dots left (personal view only)
    voters: int = 0
    notice: Notice | None = None
