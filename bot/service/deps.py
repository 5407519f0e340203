"""Everything a handler may touch, passed explicitly (no globals, no name-based injection)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Callable

from bot.domain.ideas import IDEA_MAX
from bot.domain.screening import Screening
from bot.service.cache import Lru
from bot.service.ports import Clock, Sender
from bot.store.action_items import ActionItemStore
from bot.store.ballots import BallotStore
from bot.store.groups import GroupStore
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


@dataclass(frozen=True, slots=True)
class Deps:
    store: SessionStore
    outbox: OutboxStore
    timers: TimerStore
    ballots: BallotStore
    action_items: ActionItemStore
    groups: GroupStore
    moderation: ModerationStore
    sender: Sender
    clock: Clock
    rules: Rules
    new_sid: Callable[[], str] = field(default=new_sid)
    # shared parts of vote cards, built once per (session, rev, round, page, language)
    vote_cards: Lru[Any] = field(default_factory=Lru)
