"""Everything a handler may touch, passed explicitly (no globals, no name-based injection)."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from bot.domain.ideas import IDEA_MAX
from bot.domain.screening import Screening
from bot.service.cache import Lru
from bot.service.ports import Clock, Sender
from bot.store.action_items import ActionItemStore
from bot.store.ballots import BallotStore
from bot.store.follow_ups import FollowUpStore
from bot.store.groups import GroupStore
from bot.store.merges import MergeStore
from bot.store.moderation import ModerationStore
from bot.store.outbox import OutboxStore
from bot.store.sessions import SessionStore
from bot.store.timers import TimerStore


def new_sid() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class Rules:
    anon_key: bytes
    retention_s: int
    max_ideas_per_person: int = 50
    idea_max_len: int = IDEA_MAX
    export_base_url: str = "http://localhost:3978"  # PUBLIC_BASE_URL: where links point
    export_ttl_s: int = 24 * 3600
    screening: Screening = field(default_factory=Screening)  # off unless SCREENING_FILE
    idle_s: int = 30 * 86_400  # SESSION_IDLE_DAYS: an untouched session ends itself
    hosts_away_s: int = 86_400  # after this without a host action, any member may end it


class EffectsPort:
    """How a transition reaches the EffectRunner (bound at start-up; unbound in unit use)."""

    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self._now: Callable[[str], Awaitable[None]] | None = None
        self._record: Callable[[str, dict[str, str]], Awaitable[None]] | None = None

    def bind(
        self,
        now: Callable[[str], Awaitable[None]],
        record: Callable[[str, dict[str, str]], Awaitable[None]],
    ) -> None:
        self._now, self._record = now, record

    async def record(self, sid: str, effects: dict[str, str], *, wait: bool = True) -> None:
        """Effects decided outside a transition (a host asks again for the summary; the
        last vote of a round). `wait=False`: the runner starts at once, the caller goes on
        (a click's answer never waits for Teams)."""
        if self._record is None:
            raise RuntimeError("no EffectRunner is running")
        await self._record(sid, effects)
        if wait:
            await self.carry_out(sid)
        else:
            self.wake.set()

    async def carry_out(self, sid: str) -> None:
        """Start on the session's effects now, and wait briefly for them: the phase is
        announced before the host's next command is read. They go on (and are retried)
        after the wait, whatever happens to this turn."""
        if self._now is None:
            self.wake.set()
        else:
            await self._now(sid)


@dataclass(frozen=True, slots=True)
class Deps:
    store: SessionStore
    outbox: OutboxStore
    timers: TimerStore
    ballots: BallotStore
    action_items: ActionItemStore
    follow_ups: FollowUpStore  # action items after the end (issue 10 §3)
    groups: GroupStore
    moderation: ModerationStore
    merges: MergeStore
    sender: Sender
    clock: Clock
    rules: Rules
    new_sid: Callable[[], str] = field(default=new_sid)
    # shared parts of vote and idea cards, built once per (kind, session, rev, page, language)
    card_templates: Lru[Any] = field(default_factory=Lru)
    sessions: Lru[Any] = field(default_factory=Lru)  # see bot/service/views.py session_of
    # this replica's EffectRunner, told when a transition here recorded effects
    effects: EffectsPort = field(default_factory=lambda: EffectsPort())
