"""What a session is, as the cards and rules see it. Built from the store's meta hash."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

from bot.domain.phases import Agenda, AgendaItem, Phase, decode_agenda, encode_agenda
from bot.domain.settings import TEXT_LIMITS, Settings

ACTIVE = "active"
ENDED = "ended"
ADJOURNED = "adjourned"  # continues another day: bot/domain/adjournment.py


def settings_meta(settings: Settings) -> dict[str, str]:
    """The settings as meta hash fields (one field each: a setup save is one HSET)."""
    return {
        "template": settings.template,
        **{name: getattr(settings, name) for name in TEXT_LIMITS},  # the host's texts
        "categories": json.dumps(list(settings.categories), ensure_ascii=False),
        "groups": str(settings.groups),
        "votes_n": str(settings.votes_per_person),
        "votes_m": str(settings.votes_per_idea),
        "locale": settings.language,
        "auto_advance": "1" if settings.auto_advance else "0",
        "reminder_s": str(settings.reminder_s),
        "agenda": encode_agenda(settings.agenda),
        "show_live": "1" if settings.show_live else "0",
        "suggest_move_on": "1" if settings.suggest_move_on else "0",
    }


def _int(meta: Mapping[str, str], key: str, default: int = 0) -> int:
    try:
        return int(meta.get(key, default))
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class ResumePlan:
    """When the host says the Digikok continues: a moment, a day, a note, or nothing."""

    at_ms: int = 0  # 0 = no date given
    day_only: bool = False  # a date without a time of day
    note: str = ""  # free text when it was not a date ("after the winter holiday")


@dataclass(frozen=True, slots=True)
class Session:
    sid: str
    settings: Settings
    host_name: str
    host_uid: str  # Teams user id (29:…) of the host, for refresh.userIds and 1:1 chat
    phase: Phase
    step: int
    rev: int  # bumps on every phase move: a card drawn for an older rev is stale
    tver: int  # bumps on every timer change: timers planned for an older tver do nothing
    status: str
    created_ms: int
    phase_ends_ms: int
    paused_left_ms: int  # > 0 while the timer is paused
    ended_ms: int
    conversation_type: str
    cohost_uids: tuple[str, ...] = ()
    presenting: int = 0  # in the presentations phase: the group presenting now (1..N)
    adjourned_left_ms: int = 0  # while adjourned: what the phase had left
    resume: ResumePlan = ResumePlan()  # while adjourned: when the host said it continues
    host_seen_ms: int = 0  # the last host action (HOST_UPDATE, RETIME): 0 = none yet

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def adjourned(self) -> bool:
        return self.status == ADJOURNED

    @property
    def live(self) -> bool:
        """Not ended: running, or adjourned to continue another day."""
        return self.status in (ACTIVE, ADJOURNED)

    @property
    def topic(self) -> str:
        return self.settings.topic

    @property
    def locale(self) -> str:
        return self.settings.language

    @property
    def agenda(self) -> Agenda:
        return self.settings.agenda

    @property
    def item(self) -> AgendaItem | None:
        if self.phase in (Phase.SETUP, Phase.ENDED) or not 0 <= self.step < len(self.agenda):
            return None
        return self.agenda[self.step]

    @property
    def current_item(self) -> AgendaItem:
        """What the session is at, to name it: its agenda item, or the bare phase outside
        the agenda (setup, ended)."""
        return self.item or AgendaItem(self.phase, 0)

    @property
    def paused(self) -> bool:
        return self.paused_left_ms > 0

    @property
    def host_uids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u for u in (self.host_uid, *self.cohost_uids) if u))

    @classmethod
    def from_meta(cls, sid: str, meta: Mapping[str, str]) -> Session:
        try:
            categories = tuple(json.loads(meta.get("categories", "[]")))
        except ValueError:
            categories = ()
        settings = Settings(
            template=meta.get("template", "standard"),
            **{name: meta.get(name, "") for name in TEXT_LIMITS},  # the host's texts
            categories=categories,
            groups=_int(meta, "groups", 3),
            votes_per_person=_int(meta, "votes_n", 3),
            votes_per_idea=_int(meta, "votes_m", 2),
            language=meta.get("locale", "nb"),
            auto_advance=meta.get("auto_advance") == "1",
            reminder_s=_int(meta, "reminder_s", 60),
            show_live=meta.get("show_live") == "1",
            agenda=decode_agenda(meta.get("agenda", "")),
            suggest_move_on=meta.get("suggest_move_on", "1") == "1",
        )
        cohosts = tuple(u for u in meta.get("cohost_uids", "").split(",") if u)
        return cls(
            sid=sid,
            settings=settings,
            host_name=meta.get("host_name", ""),
            host_uid=meta.get("host_uid", ""),
            phase=Phase(meta.get("phase", Phase.CHECKIN.value)),
            step=_int(meta, "step"),
            rev=_int(meta, "rev"),
            tver=_int(meta, "tver"),
            status=meta.get("status", ACTIVE),
            created_ms=_int(meta, "created_ms"),
            phase_ends_ms=_int(meta, "phase_ends_ms"),
            paused_left_ms=_int(meta, "paused_left_ms"),
            ended_ms=_int(meta, "ended_ms"),
            conversation_type=meta.get("conversation_type", "channel"),
            cohost_uids=cohosts,
            presenting=_int(meta, "presenting"),
            adjourned_left_ms=_int(meta, "adjourned_left_ms"),
            resume=ResumePlan(
                _int(meta, "resume_ms"),
                meta.get("resume_day_only") == "1",
                meta.get("resume_note", ""),
            ),
            host_seen_ms=_int(meta, "host_seen_ms"),
        )
