"""Session state in Redis: one method per operation, each one atomic (STYLE 2.6, 2.7).

SessionStore is the session's repository (SessionRepo: meta and who is in), its moves
(HOST_UPDATE and the timer and adjournment scripts), and the parts it is made of:
IdeaStore (bot/store/ideas.py) and ConversationStore (bot/store/conversations.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Sequence, TypeVar

from redis.asyncio import Redis

from bot.domain.session import ResumePlan, Session
from bot.store import keys, scripts
from bot.store import meta as schema
from bot.store.answers import Moved, Refused, Retimed, moved, retimed
from bot.store.conversations import TURN_CLAIM_S, ConversationStore
from bot.store.ideas import IdeaClick, IdeaStore, StoredIdea

__all__ = [
    "TURN_CLAIM_S",
    "IdeaClick",
    "Moved",
    "Refused",
    "Retimed",
    "RosterEntry",
    "SessionRepo",
    "SessionStore",
    "Snapshot",
    "StoredIdea",
]


Decoded = TypeVar("Decoded", bound=Moved | Retimed | Refused)


@dataclass(frozen=True, slots=True)
class RosterEntry:
    role: str
    department: str
    name: str
    user_id: str
    aad_id: str = ""  # the roster names people on purpose; no idea or vote points here

    @classmethod
    def decode(cls, record: str) -> RosterEntry:
        data = json.loads(record)
        return cls(data["role"], data["dept"], data["name"], data["uid"], data.get("aad", ""))

    def encode(self) -> str:
        fields = {
            "role": self.role,
            "dept": self.department,
            "name": self.name,
            "uid": self.user_id,
            "aad": self.aad_id,
        }
        return json.dumps(fields, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Snapshot:
    meta: dict[str, str]
    host_tags: frozenset[str]
    roles: dict[str, int]
    idea_count: int
    my_role: str | None


class SessionRepo:
    """A session's meta hash (keys.py meta: the fields are listed there) and its people."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def meta(self, sid: str) -> dict[str, str]:
        return await self._redis.hgetall(keys.meta(sid))

    async def get(self, sid: str) -> Session | None:
        """The session as the domain sees it; None when there is none (deleted, expired)."""
        meta = await self.meta(sid)
        return Session.from_meta(sid, meta) if meta else None

    async def set_card(self, sid: str, card_id: str, field: str = "card_id") -> None:
        """Remember a posted card's activity id (card_id, idea_card_id) to update it later."""
        await self._redis.hset(keys.meta(sid), field, card_id)

    async def save_settings(self, sid: str, fields: Mapping[str, str]) -> None:
        """Setup edits before check-in ends: one HSET of complete, validated fields."""
        await self._redis.hset(keys.meta(sid), mapping=schema.checked(fields))

    async def snapshot(self, sid: str, member_tag: str) -> Snapshot:
        """Everything one person's view of the session card needs, in one round trip."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hgetall(keys.meta(sid))
        pipe.smembers(keys.hosts(sid))
        pipe.hgetall(keys.roles(sid))
        pipe.hlen(keys.ideas(sid))
        pipe.hget(keys.roster(sid), member_tag)
        pipe.hget(keys.hidden(sid), "#ideas")
        meta, hosts, roles, count, entry, hidden = await pipe.execute()
        return Snapshot(
            meta=meta,
            host_tags=frozenset(hosts),
            roles={role: int(n) for role, n in roles.items() if int(n) > 0},
            idea_count=int(count) - int(hidden or 0),  # hidden by a host: not shown
            my_role=json.loads(entry)["role"] if entry else None,
        )

    async def is_host(self, sid: str, member_tag: str) -> bool:
        return bool(await self._redis.sismember(keys.hosts(sid), member_tag))

    async def roster(self, sid: str) -> dict[str, RosterEntry]:
        raw = await self._redis.hgetall(keys.roster(sid))
        return {tag: RosterEntry.decode(record) for tag, record in raw.items()}

    async def roster_entry(self, sid: str, member_tag: str) -> RosterEntry | None:
        record = await self._redis.hget(keys.roster(sid), member_tag)
        return None if record is None else RosterEntry.decode(record)

    async def readiness(self, sid: str, vote_round: int | None) -> tuple[int, int]:
        """(done, checked in): ideas sent, or (in a vote round) all dots used; one trip."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hget(keys.meta(sid), "ready_ideas")
        pipe.hvals(keys.roles(sid))
        if vote_round:
            pipe.hget(keys.ballots(sid, vote_round), "#ready")
        ideas, roles, *voted = await pipe.execute()
        done = int((voted[0] if vote_round else ideas) or 0)
        return done, sum(max(0, int(n)) for n in roles)


class SessionStore(SessionRepo, IdeaStore, ConversationStore):
    """Owns the session keys of keys.py. Scripts are registered once per store."""

    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        SessionRepo.__init__(self, redis)
        IdeaStore.__init__(self, redis, seen_ttl_s)
        ConversationStore.__init__(self, redis, seen_ttl_s)
        self._join = scripts.JOIN.on(redis, seen_ttl_s)
        self._update = scripts.HOST_UPDATE.on(redis, seen_ttl_s)
        self._retime = scripts.RETIME.on(redis, seen_ttl_s)
        self._add_host = scripts.ADD_HOST.on(redis, seen_ttl_s)
        self._point = scripts.POINT_CONVERSATION.on(redis)
        self._adjourn = scripts.ADJOURN.on(redis, seen_ttl_s)
        self._resume = scripts.RESUME_ADJOURNED.on(redis, seen_ttl_s)

    async def create(
        self,
        sid: str,
        conv_key: str,
        replaces: str | None,
        meta: Mapping[str, str | int],
        host_tag: str,
        pending_ttl_s: int = 3600,
    ) -> bool:
        """Write a new session, then point the conversation at it if nobody beat us to it.

        The meta is complete before anything points at it (so no reader sees half a
        session); a lost race deletes the orphan. Two keys, two slots: no cross-slot script.
        """
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(keys.meta(sid), mapping=schema.checked(meta))
        pipe.sadd(keys.hosts(sid), host_tag)
        for key in (keys.meta(sid), keys.hosts(sid)):
            pipe.expire(key, pending_ttl_s)
        await pipe.execute()
        conv = keys.conversation(conv_key)
        if not await self._point(conv=conv, new=sid, replaces=replaces or ""):
            await self._redis.delete(*keys.session_keys(sid))
            return False
        await self._redis.persist(keys.meta(sid))
        await self._redis.persist(keys.hosts(sid))
        return True

    async def join(
        self,
        sid: str,
        activity_id: str,
        member_tag: str,
        entry: RosterEntry,
        joinable: frozenset[str],
        *,
        author_tag: str = "",
        vote: tuple[int, str, int] | None = None,  # running round, voter tag, votes per person
    ) -> str:
        round_, voter, allowance = vote or (1, "", 0)
        return await self._join.first(
            sid,
            activity_id,
            ballots=keys.ballots(sid, round_),
            member=member_tag,
            record=entry.encode(),
            joinable="," + ",".join(sorted(joinable)) + ",",
            role=entry.role,
            author=author_tag,
            voter=voter,
            votes=allowance,
        )

    async def update(
        self,
        sid: str,
        activity_id: str,
        actor_tag: str,
        expected_rev: int,
        fields: Mapping[str, str | int],
        *,
        expected_tver: int | None = None,
        bump_rev: bool = False,
        end: bool = False,
        now_ms: int = 0,
        retention_s: int = 0,
        effects: Sequence[tuple[str, str]] = (),
    ) -> Moved | Refused:
        """HOST_UPDATE: Moved for the call that wrote, and (again=True) a redelivery of it.

        actor_tag '' is the bot itself (a timer): no host check, but the same CAS.
        `effects` are recorded in the same step (bot/store/effects.py); the session is then
        kicked into the effects index, also on a repeat (its first run may have died).
        """
        answer = moved(
            await self._update(
                sid,
                activity_id,
                session=keys.session_keys(sid),
                actor=actor_tag,
                rev=expected_rev,
                tver="" if expected_tver is None else expected_tver,
                bump="1" if bump_rev else "0",
                end="1" if end else "0",
                retention=retention_s,
                now=now_ms,
                recorded=json.dumps([list(e) for e in effects]) if effects else "",
                fields=[x for kv in schema.checked(fields).items() for x in kv],
            )
        )
        return await self._kicked(sid, answer) if effects else answer

    async def retime(
        self,
        sid: str,
        activity_id: str,
        actor_tag: str,
        expected_rev: int,
        op: str,
        minutes: int,
        now_ms: int,
        reminder_s: int,
    ) -> Retimed | Refused:
        """pause / extend / resume in one step (RETIME); the timers follow as effects."""
        answer = retimed(
            await self._retime(
                sid,
                activity_id,
                actor=actor_tag,
                rev=expected_rev,
                op=op,
                minutes=minutes,
                now=now_ms,
                reminder=reminder_s,
            )
        )
        return await self._kicked(sid, answer)

    async def adjourn(
        self,
        sid: str,
        activity_id: str,
        actor_tag: str,
        expected_rev: int,
        now_ms: int,
        when: ResumePlan,
    ) -> Moved | Refused:
        """Continue another day: Moved (again=True for a redelivery), or why not.
        Its card and the shared card's update are recorded as effects (kicked here)."""
        answer = await self._adjourn(
            sid,
            activity_id,
            actor=actor_tag,
            rev=expected_rev,
            now=now_ms,
            resume=when.at_ms,
            day_only="1" if when.day_only else "0",
            note=when.note,
        )
        return await self._kicked(sid, moved(answer))

    async def resume_adjourned(
        self,
        sid: str,
        activity_id: str,
        actor_tag: str,
        now_ms: int,
        min_left_ms: int,
        reminder_s: int = 60,
    ) -> Moved | Refused:
        """Moved (again=True for a redelivery), Refused('not_adjourned'), or why not.
        Fresh timers, the shared card and the "continues" card are recorded as effects."""
        answer = await self._resume(
            sid,
            activity_id,
            actor=actor_tag,
            now=now_ms,
            least_left=min_left_ms,
            reminder=reminder_s,
        )
        return await self._kicked(sid, moved(answer))

    async def _kicked(self, sid: str, answer: Decoded) -> Decoded:
        """After a script that recorded effects: the session into the effects index."""
        if answer.ok:
            await self._redis.zadd(keys.EFFECTS_DUE, {sid: 0}, nx=True)
        return answer

    async def add_host(
        self, sid: str, activity_id: str, actor_tag: str, new_tag: str, new_uid: str
    ) -> str:
        return await self._add_host(
            sid, activity_id, actor=actor_tag, new_tag=new_tag, new_uid=new_uid
        )

    async def delete_session(self, sid: str, conv_key: str) -> int:
        """`delete`: every key of the session now, wherever it is listed. Returns keys removed."""
        found = [k async for k in self._redis.scan_iter(match=keys.session_pattern(sid), count=500)]
        prefix = f"{sid}:"
        timers = [
            t for t in await self._redis.zrange(keys.TIMERS_DUE, 0, -1) if t.startswith(prefix)
        ]
        running = [
            t for t in await self._redis.zrange(keys.TIMERS_RUNNING, 0, -1) if t.startswith(prefix)
        ]
        pipe = self._redis.pipeline(transaction=True)
        if found:
            pipe.delete(*found)
        if timers:
            pipe.zrem(keys.TIMERS_DUE, *timers)
        if running:
            pipe.zrem(keys.TIMERS_RUNNING, *running)
        pipe.lrem(keys.history(conv_key), 0, sid)
        pipe.zrem(keys.OUTBOX_DUE, sid)
        pipe.hdel(keys.OUTBOX_VERSIONS, sid)
        pipe.hdel(keys.OUTBOX_FAILS, sid)
        pipe.delete(keys.publish_lease(sid))  # leased since the scan? (a lease needs meta)
        await pipe.execute()
        if await self._redis.get(keys.conversation(conv_key)) == sid:
            await self._redis.delete(keys.conversation(conv_key))
        return len(found)
