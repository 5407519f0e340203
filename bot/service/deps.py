"""Everything a handler may touch, passed explicitly (no globals, no name-based injection)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Callable

from bot.domain.ideas import IDEA_MAX
from bot.service.ports import Clock, Sender
from bot.store.ballots import BallotStore
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


@dataclass(frozen=True, slots=True)
class Deps:
    store: SessionStore
    outbox: OutboxStore
    timers: TimerStore
    ballots: BallotStore
    sender: Sender
    clock: Clock
    rules: Rules
    new_sid: Callable[[], str] = field(default=new_sid)
