"""Action items in Redis: one hash per session, written by a host-checked script."""

from __future__ import annotations

import json

from redis.asyncio import Redis

from bot.domain.action_items import MAX_ITEMS, ActionItem
from bot.store import keys, scripts


class ActionItemStore:
    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._save = scripts.SAVE_ACTION_ITEM.on(redis, seen_ttl_s)

    async def save(
        self, sid: str, activity_id: str, actor_tag: str, item_id: str, item: ActionItem | None
    ) -> str:
        """Add (item_id ''), replace, or remove (item None); host and phase checked inside."""
        record = (
            ""
            if item is None
            else json.dumps(
                {
                    "text": item.text,
                    "owner_name": item.owner_name,
                    "owner_aad": item.owner_aad,
                    "due": item.due,
                },
                ensure_ascii=False,
            )
        )
        return await self._save.first(
            sid, activity_id, actor=actor_tag, item=item_id, record=record, most=MAX_ITEMS
        )

    async def all(self, sid: str) -> list[ActionItem]:
        raw = await self._redis.hgetall(keys.action_items(sid))
        items = []
        for item_id, record in raw.items():
            data = json.loads(record)
            items.append(
                ActionItem(
                    item_id, data["text"], data["owner_name"], data["owner_aad"], data["due"]
                )
            )
        return sorted(items, key=lambda i: int(i.item_id))
