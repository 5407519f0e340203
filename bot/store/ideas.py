"""Ideas in Redis (keys.py ideas, by_author, hidden): the idea round's reads and writes.

No idea points at its author: by_author holds slots only the author's own request can
compute (bot/store/lua/_own_ideas.lua), and hidden says what a host hid, never who wrote it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Collection, Mapping

from redis.asyncio import Redis

from bot.store import keys, scripts
from bot.store.answers import repeat_as_first
from bot.store.marked import MarkedScript


@dataclass(frozen=True, slots=True)
class StoredIdea:
    idea_id: str
    text: str
    created_ms: int
    hidden: bool = False  # by a host: off every shared card, the vote and the summary


def ideas_in_order(
    raw: Mapping[str, str], only: set[str] | None = None, hidden: Collection[str] = ()
) -> list[StoredIdea]:
    ideas = []
    for idea_id, record in raw.items():
        if only is not None and idea_id not in only:
            continue
        data = json.loads(record)
        ideas.append(StoredIdea(idea_id, data["text"], int(data["at"]), idea_id in hidden))
    return sorted(ideas, key=lambda idea: int(idea.idea_id))


def flat_meta(flat: list[object]) -> dict[str, str]:
    """A click script's trailing meta (HGETALL's field, value, …) as a dict."""
    texts = [str(v) for v in flat]
    return dict(zip(texts[::2], texts[1::2], strict=True))


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
        return repeat_as_first(self.code).startswith("ok:")

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
        mine = tuple(ideas_in_order(found, hidden=hidden))
        return cls(code, ready, joined, mine, flat_meta(raw[4 + 3 * n :]))


def _record(text: str, now_ms: int, **more: str) -> str:
    return json.dumps({"text": text, "at": now_ms, **more}, ensure_ascii=False)


class IdeaStore:
    """The idea round's part of the session store (SessionStore is one)."""

    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._add_host_idea = scripts.ADD_HOST_IDEA.on(redis, seen_ttl_s)
        self._submit = scripts.SUBMIT_IDEA.on(redis, seen_ttl_s)
        self._idea_click = MarkedScript(redis, scripts.IDEA_CLICK, seen_ttl_s)
        self._mine = scripts.MY_IDEAS.on(redis, seen_ttl_s)
        self._own_idea = MarkedScript(redis, scripts.OWN_IDEA, seen_ttl_s)

    # -- reads ---------------------------------------------------------------------------

    async def ideas(self, sid: str, *, with_hidden: bool = False) -> list[StoredIdea]:
        """The ideas in order; those a host hid only when asked for (moderation)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hgetall(keys.ideas(sid))
        pipe.hkeys(keys.hidden(sid))
        raw, hidden = await pipe.execute()
        ideas = ideas_in_order(raw, hidden=set(hidden))
        return ideas if with_hidden else [i for i in ideas if not i.hidden]

    async def idea_texts(self, sid: str, idea_ids: list[str]) -> dict[str, str]:
        """Texts of the given ideas that exist and are not hidden."""
        if not idea_ids:
            return {}
        records, hidden = await self._with_hidden(sid, idea_ids)
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
        ids = [str(i) for i in await self._mine(sid, "", author=author_tag, own=own_key)]
        if not ids:
            return []
        records, hidden = await self._with_hidden(sid, ids)
        found = {i: r for i, r in zip(ids, records, strict=True) if r}
        return ideas_in_order(found, hidden=hidden)

    async def _with_hidden(self, sid: str, ids: list[str]) -> tuple[list[str | None], set[str]]:
        """The ideas' records (HMGET), and what hosts hid, in one round trip."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hmget(keys.ideas(sid), ids)
        pipe.hkeys(keys.hidden(sid))
        records, hidden = await pipe.execute()
        return records, set(hidden)

    # -- writes --------------------------------------------------------------------------

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
        return await self._submit.first(
            sid,
            activity_id,
            author=author_tag,
            record=_record(text, now_ms),
            rev=rev,
            most=max_per_author,
            member=member_tag,
            own=own_key,
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
        send = text is not None
        raw = await self._idea_click(
            sid if send else None,
            sid,
            activity_id,
            author=author_tag,
            record=_record(text or "", now_ms),
            rev=rev,
            most=max_per_author,
            member=member_tag,
            conv_key=conv_key,
            send="1" if send else "0",
            own=own_key,
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
        answer = await self._own_idea(
            sid,
            sid,
            activity_id,
            author=author_tag,
            text=text,
            rev=rev,
            unused=0,
            member=member_tag,
            own=own_key,
            idea=idea_id,
        )
        return repeat_as_first(str(answer))

    async def add_host_idea(
        self, sid: str, activity_id: str, host_tag: str, text: str, now_ms: int, most: int
    ) -> str:
        """A host's own idea for the coming vote: stored like any idea, with no author."""
        record = _record(text, now_ms, by="host")
        return await self._add_host_idea.first(
            sid, activity_id, actor=host_tag, record=record, most=most
        )
