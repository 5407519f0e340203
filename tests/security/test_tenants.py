"""ALLOWED_TENANTS (issue 8): an activity from another tenant reads and writes no state, gets
no reply, and leaves one log line without personal data; an invoke gets a refusal card."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.fakes.activities import TENANT, Person, from_tenant
from tests.fakes.cards import actions, all_text
from tests.harness.connector import Connector
from tests.harness.teams import Teams
from tests.security.conftest import errors_in, make_bot, redis_commands, state_commands

OTHER = "99999999-8888-7777-6666-555555555555"
HOST = Person("Hanne Vert")
EVE = Person("Eve Utenfra")


@pytest.fixture
async def fenced(
    aiohttp_client: Any, redis: Redis, redis_url: str, tmp_path: Path, connector: Connector
) -> Teams:
    allowed = f" {TENANT} , 00000000-aaaa-bbbb-cccc-dddddddddddd"  # spaces are trimmed
    return await make_bot(aiohttp_client, redis_url, tmp_path, connector, ALLOWED_TENANTS=allowed)


# (conversation.tenantId, channelData.tenant.id): every shape that is not plainly ours
FOREIGN = {
    "other tenant": (OTHER, OTHER),
    "only channelData says other": (None, OTHER),
    "no tenant at all": (None, None),
    "markers disagree": (TENANT, OTHER),
    "markers disagree the other way": (OTHER, TENANT),
}


async def test_an_allowed_tenant_is_served(fenced: Teams) -> None:
    await fenced.say(HOST, "start Bedre skolevei")
    assert "Bedre skolevei" in all_text(fenced.session_card())


@pytest.mark.parametrize("case", sorted(FOREIGN))
async def test_another_tenant_is_refused_without_reading_state(
    case: str,
    fenced: Teams,
    connector: Connector,
    redis: Redis,
    redis_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await fenced.say(HOST, "start Bedre skolevei")  # a session Eve's activities aim at
    join = actions(fenced.session_card())["join.open"]
    keys_before = sorted(await redis.keys("*"))
    sent_before = len(connector.sent)
    caplog.clear()
    caplog.set_level(logging.INFO)
    markers = FOREIGN[case]
    place = fenced.place
    message = from_tenant(place.message(EVE, "avslutt"), *markers)
    start = from_tenant(place.message(EVE, "start Noe annet"), *markers)
    added = from_tenant(place.bot_added(EVE), *markers)
    click = from_tenant(place.invoke(EVE, join), *markers)
    async with redis_commands(redis_url) as seen:
        for activity in (message, start, added):
            status, body = await fenced.send(activity)
            assert status in (200, 201) and not body
        status, answer = await fenced.send(click)
    assert state_commands(seen) == [], "\n".join(seen)
    assert sorted(await redis.keys("*")) == keys_before
    assert len(connector.sent) == sent_before  # no reply, no card, no install note
    # The invoke's answer is a refusal card, and nothing of the session.
    assert status == 200 and answer["statusCode"] == 200
    card = answer["value"]
    assert "skjønte jeg ikke" in all_text(card) and actions(card) == {}
    assert "Bedre skolevei" not in json.dumps(card)
    # One line per refused activity: the event and the activity type, nothing personal.
    refused = [r for r in caplog.records if r.getMessage() == "tenant_refused"]
    assert [r.type for r in refused] == ["message", "message", "conversationUpdate", "invoke"]
    logged = json.dumps([{**vars(r), "args": None} for r in caplog.records], default=str)
    for personal in (EVE.name, EVE.aad, EVE.uid, OTHER, "Noe annet"):
        assert personal not in logged
    assert errors_in(caplog) == []


async def test_without_allowed_tenants_any_tenant_is_served(
    aiohttp_client: Any, redis: Redis, redis_url: str, tmp_path: Path, connector: Connector
) -> None:
    open_bot = await make_bot(aiohttp_client, redis_url, tmp_path, connector)
    status, _ = await open_bot.send(
        from_tenant(open_bot.place.message(EVE, "start Åpent for alle"), OTHER, OTHER)
    )
    assert status == 201
    assert "Åpent for alle" in all_text(open_bot.session_card())
