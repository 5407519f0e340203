"""Every store the service works with, on one Redis client: what `Deps` takes (its fields
are named as Deps names them), made in one place for the app and the tests."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from redis.asyncio import Redis

from bot.store.action_items import ActionItemStore
from bot.store.ballots import BallotStore
from bot.store.follow_ups import FollowUpStore
from bot.store.groups import GroupStore
from bot.store.merges import MergeStore
from bot.store.moderation import ModerationStore
from bot.store.outbox import OutboxStore
from bot.store.sessions import SessionStore
from bot.store.timers import TimerStore


@dataclass(frozen=True, slots=True)
class Stores:
    store: SessionStore
    outbox: OutboxStore
    timers: TimerStore
    ballots: BallotStore
    action_items: ActionItemStore
    follow_ups: FollowUpStore
    groups: GroupStore
    moderation: ModerationStore
    merges: MergeStore

    @classmethod
    def on(cls, redis: Redis) -> Stores:
        return cls(
            SessionStore(redis),
            OutboxStore(redis),
            TimerStore(redis),
            BallotStore(redis),
            ActionItemStore(redis),
            FollowUpStore(redis),
            GroupStore(redis),
            ModerationStore(redis),
            MergeStore(redis),
        )

    def as_fields(self) -> dict[str, Any]:
        """Keyword arguments for Deps."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
