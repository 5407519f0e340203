"""Session state in Redis: one method per operation, each one atomic (STYLE 2.6, 2.7)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

from redis.asyncio import Redis

from bot.store import keys, scripts


@dataclass(frozen=True, slots=True)
class StoredIdea:
    idea_id: str
    text: str
    created_ms: int


@dataclass(frozen=True, slots=True)
class RosterEntry:
    role: str
    department: str
    name: str
    user_id: str
    aad_id: str = ""  # the roster names people on purpose; no idea or vote points here


def _ideas_in_order(raw: Mapping[str, str], only: set[str] | None = None) -> list[StoredIdea]:
    ideas = []
    for idea_id, record in raw.items():
        if only is not None and idea_id not in only:
            continue
        data = json.loads(record)
        ideas.append(StoredIdea(idea_id, data["text"], int(data["at"])))
    return sorted(ideas, key=lambda idea: int(idea.idea_id))


@dataclass(frozen=True, slots=True)
class Snapshot:
    meta: dict[str, str]
    host_tags: frozenset[str]
    roles: dict[str, int]
    idea_count: int
    my_role: str | None
    my_ideas: list[StoredIdea]


def repeat_as_first(answer: str) -> str:
    """A redelivered click gets the answer of its first delivery (its receipt, again)."""
    return answer.removeprefix("again:")


TURN_CLAIM_S = 5  # well below Teams' ~15 s redelivery, far above any normal turn


class SessionStore:
    """Owns the session keys of keys.py. Scripts are registered once per store."""

    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._seen_ttl = seen_ttl_s
        self._join = redis.register_script(scripts.JOIN)
        self._submit = redis.register_script(scripts.SUBMIT_IDEA)
        self._update = redis.register_script(scripts.HOST_UPDATE)
        self._add_host = redis.register_script(scripts.ADD_HOST)
        self._point = redis.register_script(scripts.POINT_CONVERSATION)

    # -- conversations -------------------------------------------------------------------

    async def current_sid(self, conv_key: str) -> str | None:
        return await self._redis.get(keys.conversation(conv_key))

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
        pipe.hset(keys.meta(sid), mapping={k: str(v) for k, v in meta.items()})
        pipe.sadd(keys.hosts(sid), host_tag)
        for key in (keys.meta(sid), keys.hosts(sid)):
            pipe.expire(key, pending_ttl_s)
        await pipe.execute()
        pointed = await self._point(keys=[keys.conversation(conv_key)], args=[sid, replaces or ""])
        if not pointed:
            await self._redis.delete(*keys.session_keys(sid))
            return False
        await self._redis.persist(keys.meta(sid))
        await self._redis.persist(keys.hosts(sid))
        return True

    async def set_card(self, sid: str, card_id: str, field: str = "card_id") -> None:
        """Remember a posted card's activity id (card_id, idea_card_id) to update it later."""
        await self._redis.hset(keys.meta(sid), field, card_id)

    # -- reads ---------------------------------------------------------------------------

    async def meta(self, sid: str) -> dict[str, str]:
        return await self._redis.hgetall(keys.meta(sid))

    async def snapshot(self, sid: str, member_tag: str, author_tag: str) -> Snapshot:
        """Everything one person's view of the session card needs, in one round trip."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hgetall(keys.meta(sid))
        pipe.smembers(keys.hosts(sid))
        pipe.hgetall(keys.roles(sid))
        pipe.hlen(keys.ideas(sid))
        pipe.hget(keys.roster(sid), member_tag)
        pipe.hget(keys.by_author(sid), author_tag)
        meta, hosts, roles, count, entry, mine = await pipe.execute()
        my_ideas: list[StoredIdea] = []
        if mine:
            ids = mine.split(",")
            records = await self._redis.hmget(keys.ideas(sid), ids)
            my_ideas = _ideas_in_order({i: r for i, r in zip(ids, records, strict=True) if r})
        return Snapshot(
            meta=meta,
            host_tags=frozenset(hosts),
            roles={role: int(n) for role, n in roles.items() if int(n) > 0},
            idea_count=int(count),
            my_role=json.loads(entry)["role"] if entry else None,
            my_ideas=my_ideas,
        )

    async def host_user_ids(self, sid: str) -> list[str]:
        """Teams user ids of hosts that have checked in or started the session."""
        meta = await self._redis.hmget(keys.meta(sid), "host_uid")
        return [uid for uid in meta if uid]

    async def is_host(self, sid: str, member_tag: str) -> bool:
        return bool(await self._redis.sismember(keys.hosts(sid), member_tag))

    async def roster(self, sid: str) -> dict[str, RosterEntry]:
        raw = await self._redis.hgetall(keys.roster(sid))
        entries = {}
        for tag, record in raw.items():
            data = json.loads(record)
            entries[tag] = RosterEntry(
                data["role"], data["dept"], data["name"], data["uid"], data.get("aad", "")
            )
        return entries

    async def roster_entry(self, sid: str, member_tag: str) -> RosterEntry | None:
        record = await self._redis.hget(keys.roster(sid), member_tag)
        if record is None:
            return None
        data = json.loads(record)
        return RosterEntry(
            data["role"], data["dept"], data["name"], data["uid"], data.get("aad", "")
        )

    async def ideas(self, sid: str) -> list[StoredIdea]:
        return _ideas_in_order(await self._redis.hgetall(keys.ideas(sid)))

    async def idea_texts(self, sid: str, idea_ids: list[str]) -> dict[str, str]:
        if not idea_ids:
            return {}
        records = await self._redis.hmget(keys.ideas(sid), idea_ids)
        return {i: json.loads(r)["text"] for i, r in zip(idea_ids, records, strict=True) if r}

    async def idea_count(self, sid: str) -> int:
        return int(await self._redis.hlen(keys.ideas(sid)))

    async def my_ideas(self, sid: str, author_tag: str) -> list[StoredIdea]:
        mine = await self._redis.hget(keys.by_author(sid), author_tag)
        if not mine:
            return []
        ids = mine.split(",")
        records = await self._redis.hmget(keys.ideas(sid), ids)
        return _ideas_in_order({i: r for i, r in zip(ids, records, strict=True) if r})

    # -- writes --------------------------------------------------------------------------

    async def join(
        self,
        sid: str,
        activity_id: str,
        member_tag: str,
        entry: RosterEntry,
        joinable: frozenset[str],
    ) -> str:
        record = json.dumps(
            {
                "role": entry.role,
                "dept": entry.department,
                "name": entry.name,
                "uid": entry.user_id,
                "aad": entry.aad_id,
            },
            ensure_ascii=False,
        )
        wrapped = "," + ",".join(sorted(joinable)) + ","
        return repeat_as_first(
            await self._join(
                keys=[
                    keys.meta(sid),
                    keys.seen(sid, activity_id),
                    keys.roster(sid),
                    keys.roles(sid),
                ],
                args=[self._seen_ttl, member_tag, record, wrapped, entry.role],
            )
        )

    async def submit_idea(
        self,
        sid: str,
        activity_id: str,
        author_tag: str,
        text: str,
        rev: int,
        now_ms: int,
        max_per_author: int,
    ) -> str:
        record = json.dumps({"text": text, "at": now_ms}, ensure_ascii=False)
        return repeat_as_first(
            await self._submit(
                keys=[
                    keys.meta(sid),
                    keys.seen(sid, activity_id),
                    keys.ideas(sid),
                    keys.by_author(sid),
                ],
                args=[self._seen_ttl, author_tag, record, rev, max_per_author],
            )
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
    ) -> str:
        """'ok:<rev>:<tver>' for the call that wrote; 'again:ok:…' for a redelivery of it.

        actor_tag '' is the bot itself (a timer): no host check, but the same CAS.
        """
        pairs = [str(x) for kv in fields.items() for x in kv]
        return await self._update(
            keys=[
                keys.meta(sid),
                keys.seen(sid, activity_id),
                keys.hosts(sid),
                *keys.session_keys(sid),
            ],
            args=[
                self._seen_ttl,
                actor_tag,
                expected_rev,
                "" if expected_tver is None else expected_tver,
                "1" if bump_rev else "0",
                "1" if end else "0",
                retention_s,
                now_ms,
                *pairs,
            ],
        )

    async def add_host(
        self, sid: str, activity_id: str, actor_tag: str, new_tag: str, new_uid: str
    ) -> str:
        return await self._add_host(
            keys=[keys.meta(sid), keys.seen(sid, activity_id), keys.hosts(sid)],
            args=[self._seen_ttl, actor_tag, new_tag, new_uid],
        )

    async def save_settings(self, sid: str, fields: Mapping[str, str]) -> None:
        """Setup edits before check-in ends: one HSET of complete, validated fields."""
        await self._redis.hset(keys.meta(sid), mapping=dict(fields))

    async def expire_pointer(self, conv_key: str, sid: str, retention_s: int) -> None:
        """The conversation forgets an ended session when its data expires."""
        key = keys.conversation(conv_key)
        if await self._redis.get(key) == sid:
            await self._redis.expire(key, retention_s)

    async def remember_ended(self, conv_key: str, sid: str, retention_s: int) -> None:
        """The conversation's history of ended sessions (`history`), newest first."""
        key = keys.history(conv_key)
        pipe = self._redis.pipeline(transaction=True)
        pipe.lrem(key, 0, sid)
        pipe.lpush(key, sid)
        pipe.ltrim(key, 0, 49)
        pipe.expire(key, retention_s)
        await pipe.execute()

    async def history(self, conv_key: str) -> list[str]:
        return list(await self._redis.lrange(keys.history(conv_key), 0, 49))

    async def delete_session(self, sid: str, conv_key: str) -> int:
        """`delete`: every key of the session now, wherever it is listed. Returns keys removed."""
        found = [k async for k in self._redis.scan_iter(match=keys.session_pattern(sid), count=500)]
        timers = [
            t for t in await self._redis.zrange(keys.TIMERS_DUE, 0, -1) if t.startswith(f"{sid}:")
        ]
        running = [
            t
            for t in await self._redis.zrange(keys.TIMERS_RUNNING, 0, -1)
            if t.startswith(f"{sid}:")
        ]
        pipe = self._redis.pipeline(transaction=True)
        if found:
            pipe.delete(*found)
        if timers:
            pipe.zrem(keys.TIMERS_DUE, *timers)
        if running:
            pipe.zrem(keys.TIMERS_RUNNING, *running)
        pipe.lrem(keys.history(conv_key), 0, sid)
        pipe.srem(keys.OUTBOX_STALE, sid)
        await pipe.execute()
        if await self._redis.get(keys.conversation(conv_key)) == sid:
            await self._redis.delete(keys.conversation(conv_key))
        return len(found)

    async def first_turn(self, conv_key: str, activity_id: str) -> bool:
        """True the first time a message is seen in a conversation (Teams redelivers after
        ~15 s; message ids are unique per conversation only). The claim is short-lived until
        `turn_done`: a delivery cut off by a crash is run again when Teams redelivers it."""
        key = keys.turn(conv_key, activity_id)
        return bool(await self._redis.set(key, "busy", nx=True, ex=TURN_CLAIM_S))

    async def turn_done(self, conv_key: str, activity_id: str) -> None:
        await self._redis.set(keys.turn(conv_key, activity_id), "done", ex=self._seen_ttl)

    async def ping(self) -> bool:
        return bool(await self._redis.ping())
