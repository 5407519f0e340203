"""Retention without a gap (issue 15): an abandoned session ends itself, and a member may
end one whose hosts are gone — both with the summary, then the retention TTL."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from bot.store import keys
from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import all_text
from tests.fakes.clock import FakeClock

HOST = Person("Hanne Vert")
KARI = Person("Kari Deltaker")
DAY_S = 86_400


async def sid_of(redis: Redis) -> str:
    metas = [k async for k in redis.scan_iter(match="dk:{*}:meta")]
    assert len(metas) == 1
    return str(metas[0]).split("{")[1].split("}")[0]


@pytest.fixture
async def sid(bot: Bot, redis: Redis) -> str:
    """A session past its check-in, its last host action now; its id."""
    await bot.say(HOST, "start Bedre skolevei")
    await bot.say(HOST, "neste")
    return await sid_of(redis)


async def test_an_untouched_session_ends_itself_with_its_summary(
    bot: Bot, redis: Redis, clock: FakeClock, sid: str
) -> None:
    clock.advance(29 * DAY_S)
    await bot.say(HOST, "utsett")  # adjourned, then forgotten: a host action moves it out
    clock.advance(29 * DAY_S)
    assert (await redis.hget(keys.meta(sid), "status")) == "adjourned"
    clock.advance(2 * DAY_S)  # 30 days after the last host action
    summary = await bot.wait_card("Oppsummering av Digikok")
    assert "Bedre skolevei" in all_text(summary)
    # the summary went out; the end set the retention TTL on every key
    assert (await redis.hget(keys.meta(sid), "status")) == "ended"
    assert 0 < await redis.ttl(keys.meta(sid)) <= 30 * DAY_S


async def test_a_member_ends_a_session_whose_hosts_are_gone_after_confirming(
    bot: Bot, redis: Redis, clock: FakeClock, sid: str
) -> None:
    await bot.say(KARI, "avslutt")  # the host was here a moment ago: only hosts end it
    assert any("bare verten" in t.lower() for t in bot.connector.texts())
    clock.advance(DAY_S + 60)
    await bot.say(KARI, "avslutt")
    assert any("avslutt bekreft" in t for t in bot.connector.texts())
    assert (await redis.hget(keys.meta(sid), "status")) == "active"  # asked, nothing changed
    await bot.say(KARI, "avslutt bekreft")
    await bot.wait_card("Oppsummering av Digikok")
    assert (await redis.hget(keys.meta(sid), "status")) == "ended"
