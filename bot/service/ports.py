"""What the service needs from the outside world, as plain types (no botbuilder here)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from cards.text import Card  # Adaptive Card JSON, as cards/ builds it and Teams receives it


@dataclass(frozen=True, slots=True)
class ConvRef:
    """Where to send: enough to reach a Teams conversation through the Bot Connector."""

    service_url: str
    conversation_id: str
    conversation_type: str  # channel | groupChat | personal
    tenant_id: str
    bot_id: str
    bot_name: str


@dataclass(frozen=True, slots=True)
class Actor:
    """The person behind one incoming activity. `aad_id` is trusted from Teams, never card data."""

    aad_id: str
    user_id: str  # Teams user id (29:…): mentions, refresh.userIds, 1:1 chats
    name: str
    locale: str
    activity_id: str
    conv: ConvRef
    conv_key: str  # the channel or chat a session belongs to (thread suffix removed)
    mentions: tuple[tuple[str, str], ...] = ()  # (Teams user id, name) of people @mentioned
    tz_name: str = ""  # the client's IANA zone (localTimezone), to read typed dates
    utc_offset_min: int | None = None  # the client's offset (localTimestamp), the fallback


class Sender(Protocol):
    async def send(self, ref: ConvRef, card: Card | None = None, text: str | None = None) -> str:
        """Post a new message; returns its activity id."""
        ...

    async def update(
        self, ref: ConvRef, activity_id: str, card: Card, text: str | None = None
    ) -> None:
        """Replace a message's card (and its text: a message posted with text over its card
        loses the text on an update that does not carry it)."""
        ...

    async def member_aad_id(self, ref: ConvRef, user_id: str) -> str | None:
        """The AAD object id of a conversation member, as the Bot Connector reports it."""
        ...

    async def thread(self, ref: ConvRef, channel_id: str, card: Card) -> tuple[ConvRef, str]:
        """A new thread in a channel, opened with a card: (its conversation, card id)."""
        ...

    async def member_name(self, ref: ConvRef, member_id: str) -> str | None:
        """A conversation member's display name (by Teams user id or AAD object id)."""
        ...

    async def personal(self, ref: ConvRef, user_id: str) -> ConvRef:
        """The 1:1 chat between the bot and a user of ref's tenant (created if needed)."""
        ...


class Clock(Protocol):
    def now_ms(self) -> int: ...


class SystemClock:
    """This machine's clock. `skew_ms` is for fault tests only (replicas whose clocks
    disagree): leases and due times use the Redis clock, so a skew cannot double a timer."""

    def __init__(self, skew_ms: int = 0) -> None:
        self._skew_ms = skew_ms

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000 + self._skew_ms


class StoreUnavailable(Exception):
    """The store (Redis, or the network to it) did not answer: the person is told so plainly,
    not that something broke. The store raises it for a lost connection or a timeout."""


class SendError(Exception):
    """The Bot Connector refused a call after our retries. `status` 0 = no HTTP answer."""

    def __init__(self, status: int, operation: str) -> None:
        super().__init__(f"{operation} failed with status {status}")
        self.status = status
        self.operation = operation

    @property
    def permanent(self) -> bool:
        return self.status in (400, 401, 403, 404)
