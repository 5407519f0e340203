"""Session state in Redis: one method per operation, each one atomic (STYLE 2.6, 2.7)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

from redis.asyncio import Redis

from bot.store import keys, scripts
from bot.store.marked import MarkedScript


@dataclass(frozen=True, slots=True)
class StoredIdea:
    idea_id: str
    text: str
    created_ms: int
    hidden: bool = False  # by a host: off every shared card, the vote and the summary


@dataclass(frozen=True, slots=True)
class RosterEntry:
    role: str
    department: str
    name: str
    user_id: str
    aad_id: str = ""  # the roster names people on purpose; no idea or vote points here


def _ideas_in_order(
    raw: Mapping[str, str], only: set[str] | None = None, hidden: Collection[str] = ()
) -> list[StoredIdea]:
    ideas = []
    for idea_id, record in raw.items():
        if only is not None and idea_id not in only:
            continue
        data = json.loads(record)
        ideas.append(StoredIdea(idea_id, data["text"], int(data["at"]), idea_id in hidden))
    return sorted(ideas, key=lambda idea: int(idea.idea_id))


@dataclass(frozen=True, slots=True)
class Snapshot:
    meta: dict[str, str]
    host_tags: frozenset[str]
    roles: dict[str, int]
    idea_count: int
    my_role: str | None


@dataclass(frozen=True, slots=True)
class IdeaClick:
    """IDEA_CLICK's answer, decoded: the outcome and the author's own ideas."""

    code: str  # 'look' | 'ok:<id>' | 'again:ok:<id>' | a refusal | 'gone'
    ready: int = 0
    joined: int = 0
    mine: tuple[StoredIdea, ...] = ()
    meta: dict[str, str] | None = None

    @property
    def stored(self) -> bool:
        """The idea is in the store: sent now, or on an earlier delivery of this activity."""
        return self.code.removeprefix("again:").startswith("ok:")

    @classmethod
    def decode(cls, raw: list[object]) -> IdeaClick:
        code = str(raw[0])
        if code == "gone":
            return cls(code)
        ready, joined, n = (int(str(v)) for v in raw[1:4])
        ids = [str(v) for v in raw[4 : 4 + n]]
        records = [str(v) for v in raw[4 + n : 4 + 2 * n]]
        hidden = {i for i, h in zip(ids, raw[4 + 2 * n : 4 + 3 * n], strict=True) if h == "1"}
        found = {i: r for i, r in zip(ids, records, strict=True) if r}
        flat = [str(v) for v in raw[4 + 3 * n :]]
        meta = dict(zip(flat[::2], flat[1::2], strict=True))
        mine = tuple(_ideas_in_order(found, hidden=hidden))
        return cls(code, ready, joined, mine, meta)


@dataclass(frozen=True, slots=True)
class Retimed:
    """RETIME's answer: the session's timer as it now is."""

    rev: int
    tver: int
    ends_ms: int
    paused_left_ms: int


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
        self._add_host_idea = redis.register_script(scripts.ADD_HOST_IDEA)
        self._submit = redis.register_script(scripts.SUBMIT_IDEA)
        self._idea_click = MarkedScript(redis, scripts.IDEA_CLICK)
        self._mine = redis.register_script(scripts.MY_IDEAS)
        self._own_idea = MarkedScript(redis, scripts.OWN_IDEA)
        self._update = redis.register_script(scripts.HOST_UPDATE)
        self._retime = redis.register_script(scripts.RETIME)
        self._add_host = redis.register_script(scripts.ADD_HOST)
        self._point = redis.register_script(scripts.POINT_CONVERSATION)
        self._adjourn = redis.register_script(scripts.ADJOURN)
        self._resume = redis.register_script(scripts.RESUME_ADJOURNED)

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

    async def ideas(self, sid: str, *, with_hidden: bool = False) -> list[StoredIdea]:
        """The ideas in order; those a host hid only when asked for (moderation)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hgetall(keys.ideas(sid))
        pipe.hkeys(keys.hidden(sid))
        raw, hidden = await pipe.execute()
        ideas = _ideas_in_order(raw, hidden=set(hidden))
        return ideas if with_hidden else [i for i in ideas if not i.hidden]

    async def idea_texts(self, sid: str, idea_ids: list[str]) -> dict[str, str]:
        """Texts of the given ideas that exist and are not hidden."""
        if not idea_ids:
            return {}
        records, hidden = await self._with_hidden(sid, keys.ideas(sid), idea_ids)
        return {
            i: json.loads(r)["text"]
            for i, r in zip(idea_ids, records, strict=True)
            if r and i not in hidden
        }

    async def idea_count(self, sid: str) -> int:
        """Ideas not hidden by a host."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hlen(keys.ideas(sid))
        pipe.hget(keys.hidden(sid), "#ideas")
        count, hidden = await pipe.execute()
        return int(count) - int(hidden or 0)

    async def my_ideas(self, sid: str, author_tag: str, own_key: str) -> list[StoredIdea]:
        """An author's own ideas, those a host hid marked so (only the author sees this)."""
        ids = await self._mine(
            keys=[keys.meta(sid), "-", keys.ideas(sid), keys.by_author(sid)],
            args=["-", author_tag, own_key],
        )
        return await self._ideas_listed(sid, ",".join(str(i) for i in ids))

    async def _ideas_listed(self, sid: str, listed: str | None) -> list[StoredIdea]:
        """The ideas of a by_author entry ("3,7,12"), hidden ones marked."""
        if not listed:
            return []
        ids = listed.split(",")
        records, hidden = await self._with_hidden(sid, keys.ideas(sid), ids)
        found = {i: r for i, r in zip(ids, records, strict=True) if r}
        return _ideas_in_order(found, hidden=hidden)

    async def _with_hidden(
        self, sid: str, key: str, fields: list[str]
    ) -> tuple[list[str | None], set[str]]:
        """HMGET of fields, and what hosts hid, in one round trip."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hmget(key, fields)
        pipe.hkeys(keys.hidden(sid))
        records, hidden = await pipe.execute()
        return records, set(hidden)

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

    # -- writes --------------------------------------------------------------------------

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
                    keys.by_author(sid),
                    keys.ballots(sid, round_),
                ],
                args=[
                    self._seen_ttl,
                    member_tag,
                    record,
                    wrapped,
                    entry.role,
                    author_tag,
                    voter,
                    allowance,
                ],
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
        member_tag: str = "",
        own_key: str = "",
    ) -> str:
        """`own_key`: the key of the author's own-idea slots (bot/domain/tags.py own_key)."""
        record = json.dumps({"text": text, "at": now_ms}, ensure_ascii=False)
        return repeat_as_first(
            await self._submit(
                keys=[
                    keys.meta(sid),
                    keys.seen(sid, activity_id),
                    keys.ideas(sid),
                    keys.by_author(sid),
                    keys.roster(sid),
                ],
                args=[self._seen_ttl, author_tag, record, rev, max_per_author, member_tag, own_key],
            )
        )

    async def idea_click(
        self,
        sid: str,
        conv_key: str,
        activity_id: str,
        author_tag: str,
        text: str | None,
        rev: int,
        now_ms: int,
        max_per_author: int,
        member_tag: str,
        own_key: str,
    ) -> IdeaClick:
        """An idea from the idea card (text None: only look) in one round trip (IDEA_CLICK),
        with the session card's mark in the same pipeline."""
        record = json.dumps({"text": text or "", "at": now_ms}, ensure_ascii=False)
        keys_ = [
            keys.meta(sid),
            keys.seen(sid, activity_id or "-"),
            keys.ideas(sid),
            keys.by_author(sid),
            keys.roster(sid),
            keys.hidden(sid),
            keys.roles(sid),
        ]
        args = [self._seen_ttl, author_tag, record, rev, max_per_author, member_tag, conv_key]
        send = text is not None
        raw = await self._idea_click(
            keys_, [*args, "1" if send else "0", own_key], sid if send else None
        )
        return IdeaClick.decode(raw)

    async def change_own_idea(
        self,
        sid: str,
        activity_id: str,
        author_tag: str,
        own_key: str,
        idea_id: str,
        text: str,
        rev: int,
        member_tag: str,
    ) -> str:
        """OWN_IDEA: edit (text) or withdraw ('') an author's own idea; the session card's
        count is marked in the same round trip."""
        result = await self._own_idea(
            [
                keys.meta(sid),
                keys.seen(sid, activity_id),
                keys.ideas(sid),
                keys.by_author(sid),
                keys.roster(sid),
                keys.hidden(sid),
            ],
            [self._seen_ttl, author_tag, text, rev, 0, member_tag, own_key, idea_id],
            sid,
        )
        return repeat_as_first(str(result))

    async def add_host_idea(
        self, sid: str, activity_id: str, host_tag: str, text: str, now_ms: int, most: int
    ) -> str:
        """A host's own idea for the coming vote: stored like any idea, with no author."""
        record = json.dumps({"text": text, "at": now_ms, "by": "host"}, ensure_ascii=False)
        return repeat_as_first(
            await self._add_host_idea(
                keys=[
                    keys.meta(sid),
                    keys.seen(sid, activity_id),
                    keys.hosts(sid),
                    keys.ideas(sid),
                ],
                args=[self._seen_ttl, host_tag, record, most],
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
        effects: Sequence[tuple[str, str]] = (),
    ) -> str:
        """'ok:<rev>:<tver>' for the call that wrote; 'again:ok:…' for a redelivery of it.

        actor_tag '' is the bot itself (a timer): no host check, but the same CAS.
        `effects` are recorded in the same step (bot/store/effects.py); the session is then
        kicked into the effects index, also on a repeat (its first run may have died).
        """
        pairs = [str(x) for kv in fields.items() for x in kv]
        result = await self._update(
            keys=[
                keys.meta(sid),
                keys.seen(sid, activity_id),
                keys.hosts(sid),
                keys.effects(sid),
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
                json.dumps([list(e) for e in effects]) if effects else "",
                *pairs,
            ],
        )
        return await self._kicked(sid, str(result)) if effects else str(result)

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
    ) -> Retimed | str:
        """pause / extend / resume in one step (RETIME); the timers follow as effects."""
        result = repeat_as_first(
            str(
                await self._retime(
                    keys=[
                        keys.meta(sid),
                        keys.seen(sid, activity_id),
                        keys.hosts(sid),
                        keys.effects(sid),
                    ],
                    args=[self._seen_ttl, actor_tag, expected_rev, op, minutes, now_ms, reminder_s],
                )
            )
        )
        if not result.startswith("ok:"):
            return result
        await self._kicked(sid, result)
        rev, tver, ends, left = (int(x) for x in result.split(":")[1:5])
        return Retimed(rev, tver, ends, left)

    async def adjourn(
        self,
        sid: str,
        activity_id: str,
        actor_tag: str,
        expected_rev: int,
        now_ms: int,
        resume_ms: int,
        day_only: bool,
        note: str,
    ) -> str:
        """Continue another day: 'ok:<rev>:<tver>', 'again:ok:…' for a redelivery, or why not.
        Its card and the shared card's update are recorded as effects (kicked here)."""
        result = await self._adjourn(
            keys=[keys.meta(sid), keys.seen(sid, activity_id), keys.hosts(sid), keys.effects(sid)],
            args=[
                self._seen_ttl,
                actor_tag,
                expected_rev,
                now_ms,
                resume_ms,
                "1" if day_only else "0",
                note,
            ],
        )
        return await self._kicked(sid, str(result))

    async def _kicked(self, sid: str, result: str) -> str:
        """After a script that recorded effects: the session into the effects index."""
        if result.removeprefix("again:").startswith("ok:"):
            await self._redis.zadd(keys.EFFECTS_DUE, {sid: 0}, nx=True)
        return result

    async def resume_adjourned(
        self,
        sid: str,
        activity_id: str,
        actor_tag: str,
        now_ms: int,
        min_left_ms: int,
        reminder_s: int = 60,
    ) -> str:
        """'ok:<rev>:<tver>:<phase ends ms>' (or 'again:…'), 'not_adjourned', or why not.
        Fresh timers, the shared card and the "continues" card are recorded as effects."""
        result = await self._resume(
            keys=[keys.meta(sid), keys.seen(sid, activity_id), keys.hosts(sid), keys.effects(sid)],
            args=[self._seen_ttl, actor_tag, now_ms, min_left_ms, reminder_s],
        )
        return await self._kicked(sid, str(result))

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
        pipe.zrem(keys.OUTBOX_DUE, sid)
        pipe.hdel(keys.OUTBOX_VERSIONS, sid)
        pipe.hdel(keys.OUTBOX_FAILS, sid)
        pipe.delete(keys.publish_lease(sid))  # leased since the scan? (a lease needs meta)
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
