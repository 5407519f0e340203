"""What a card shows, as plain frozen data. The service fills these from the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.action_items import ActionItem
from bot.domain.participants import Role
from bot.domain.phases import AgendaItem, Phase
from bot.domain.session import ResumePlan
from bot.domain.settings import Settings
from bot.domain.voting import DEFAULT_TOP_K


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
    next_item: AgendaItem | None  # what "Next" leads to; None = the session ends
    refresh_user_ids: tuple[str, ...]  # hosts: Teams fetches their host view
    votes_cast: int = 0  # dots cast in the running vote round (never where they went)
    voters: int = 0
    ready: int = 0  # checked-in people done with this phase (ideas sent, all votes used)
    groups: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (group number, member names)
    threads: bool = False  # each group works in its own channel thread
    presenting: int = 0
    top_k: int = DEFAULT_TOP_K  # ideas going on to a second vote round, if there is one
    adjourned: bool = False  # continues another day (active is False meanwhile)
    resume: ResumePlan = ResumePlan()  # when it continues, if the host said (note: user text)
    adjourned_left_ms: int = 0
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
    my_hidden: tuple[bool, ...] = ()  # per own idea: a host hid it (only its author sees)
    my_merged: tuple[str, ...] = ()  # per own idea: the text it was merged into ('' = none)
    my_ids: tuple[str, ...] = ()  # per own idea: its id, for edit and withdraw (author only)


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
    item: AgendaItem  # whose time ran out
    next_item: AgendaItem | None  # what "Next" leads to; None = the session ends


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
    # per group: (number, (category, the texts of its inputs) pairs, top-3 texts)
    groups: tuple[tuple[int, tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]], ...] = ()
    inputs: int = 0


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


@dataclass(frozen=True, slots=True)
class BoardInput:
    input_id: str
    text: str
    category: str
    votes: int | None = None  # shown once question 2 has closed
    mine: int = 0


@dataclass(frozen=True, slots=True)
class BoardView:
    """One group's shared board: its question, its inputs, and how they are sorted or voted."""

    sid: str
    rev: int
    group: int
    part: int  # 1 = note and categorise, 2 = note and pick the 3 best
    question: str
    categories: tuple[str, ...]
    members: tuple[tuple[str, str], ...]  # (name, Teams user id): mentioned on the first post
    inputs: tuple[BoardInput, ...]
    open: bool
    ends_ms: int
    top: tuple[str, ...] = ()  # input ids of the group's top 3, once fixed
    tied: tuple[str, ...] = ()  # input ids tied at the edge of the top 3
    left: int | None = None  # my top-3 votes left (personal view only)
    notice: Notice | None = None
    mention: bool = False  # notify the members (the first post in their thread)
    voted: tuple[int, int] | None = None  # (members who voted, members): open question 2
