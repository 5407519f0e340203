"""A store Redis cannot answer raises the service's StoreUnavailable (bot/service/ports.py),
whatever the call (a command, a pipeline, a script): the Teams handler needs no Redis types
to say "temporarily unavailable". A script's own error stays what it is."""

from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.service.ports import StoreUnavailable
from bot.store.connection import client_for
from bot.store.pacing import ConversationPacer
from bot.store.sessions import RosterEntry, SessionStore


@pytest.fixture
async def dead(tmp_path: Path) -> AsyncIterator[Redis]:
    client = client_for(f"unix://{tmp_path / 'nobody-listens.sock'}")
    yield client
    await client.aclose()


async def test_commands_pipelines_and_scripts_raise_store_unavailable(dead: Redis) -> None:
    store = SessionStore(dead)
    with pytest.raises(StoreUnavailable):
        await store.meta("s1")  # a command
    with pytest.raises(StoreUnavailable):
        await store.snapshot("s1", "m")  # a pipeline
    with pytest.raises(StoreUnavailable):
        await store.join(
            "s1", "a1", "m", RosterEntry("student", "", "Kari", "29:k"), frozenset({"checkin"})
        )  # a script
    with pytest.raises(StoreUnavailable):
        await store.get("s1")


async def test_the_pacer_still_fails_open(dead: Redis) -> None:
    assert await ConversationPacer(dead).reserve("19:x@thread.tacv2") == 0.0


async def test_a_script_error_is_not_an_outage(redis: Redis) -> None:
    await redis.set("not-a-hash", "x")
    with pytest.raises(ResponseError):
        await redis.hget("not-a-hash", "f")
    assert not issubclass(ResponseError, StoreUnavailable)
