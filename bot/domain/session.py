"""What a session is, as the cards and rules see it. Built from the store's meta hash."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.domain.phases import AgendaItem, Phase, decode_agenda

ACTIVE = "active"
ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Session:
    sid: str
    topic: str
    host_name: str
    host_uid: str  # Teams user id (29:…) of the host, for refresh.userIds and 1:1 chat
    locale: str
    phase: Phase
    rev: int
    status: str
    agenda: tuple[AgendaItem, ...]
    created_ms: int
    phase_ends_ms: int
    ended_ms: int
    conversation_type: str

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @classmethod
    def from_meta(cls, sid: str, meta: Mapping[str, str]) -> Session:
        return cls(
            sid=sid,
            topic=meta.get("topic", ""),
            host_name=meta.get("host_name", ""),
            host_uid=meta.get("host_uid", ""),
            locale=meta.get("locale", "nb"),
            phase=Phase(meta.get("phase", Phase.CHECKIN.value)),
            rev=int(meta.get("rev", "0")),
            status=meta.get("status", ACTIVE),
            agenda=decode_agenda(meta.get("agenda", "")),
            created_ms=int(meta.get("created_ms", "0")),
            phase_ends_ms=int(meta.get("phase_ends_ms", "0")),
            ended_ms=int(meta.get("ended_ms", "0")),
            conversation_type=meta.get("conversation_type", "channel"),
        )
