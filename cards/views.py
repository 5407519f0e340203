"""What a card shows, as plain frozen data. The service fills these from the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.participants import Role
from bot.domain.phases import AgendaItem, Phase


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
    phase: Phase
    active: bool
    agenda: tuple[AgendaItem, ...]
    phase_ends_ms: int
    joined: int
    by_role: dict[Role, int]
    idea_count: int
    idea_max_len: int
    next_phase: Phase | None  # what "Next phase" leads to; None = the session ends
    refresh_user_ids: tuple[str, ...]  # hosts: Teams fetches their host view
    # Personal parts: only in an Action.Execute answer for one user.
    is_host: bool = False
    my_role: Role | None = None
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


@dataclass(frozen=True, slots=True)
class SummaryView:
    topic: str
    host_name: str
    started_ms: int
    ended_ms: int
    joined: int
    by_role: dict[Role, int]
    ideas: tuple[str, ...]
