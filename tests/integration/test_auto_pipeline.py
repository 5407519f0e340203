"""Clicks of one event-loop turn go to Redis in one write (bot/store/pipelining.py, issue 13):
each still gets its own reply, marks follow the batch's scripts once, a script Redis forgot
is loaded again, and a lost server is StoreUnavailable for every click of the batch."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.service.ports import StoreUnavailable
from bot.store import keys, scripts
from bot.store.connection import client_for
from bot.store.pipelining import AutoPipeline

ECHO = "redis.call('INCR', KEYS[1]); return ARGV[1]"
FAILS = "return redis.error_reply('refused here')"


async def evalsha_calls(redis: Redis) -> int:
    stats = await redis.info("commandstats")
    return int(stats.get("cmdstat_evalsha", {}).get("calls", 0))


async def test_a_burst_is_one_write_with_one_mark_after_its_scripts(redis: Redis) -> None:
    together = AutoPipeline(redis)
    echo = redis.register_script(ECHO)
    await echo(keys=["warm"], args=["x"])  # loaded, so every call below is one EVALSHA
    await scripts.OUTBOX_MARK.on(redis).registered(
        keys=[keys.OUTBOX_DUE, keys.OUTBOX_VERSIONS], args=["warm"]
    )
    mark = (scripts.OUTBOX_MARK.on(redis).registered, (keys.OUTBOX_DUE, keys.OUTBOX_VERSIONS))
    await redis.config_resetstat()

    answers = await asyncio.gather(
        *(together.run((echo, ["count"], [f"click {i}"]), (*mark, ("s1",))) for i in range(50))
    )

    assert answers == [f"click {i}" for i in range(50)]  # each its own reply, in order
    assert await redis.get("count") == "50"
    assert await evalsha_calls(redis) == 51  # 50 scripts and the one mark they share
    assert await redis.hget(keys.OUTBOX_VERSIONS, "s1") == "1"
    assert await redis.zscore(keys.OUTBOX_DUE, "s1") is not None


async def test_a_refused_script_is_its_own_callers_error_only(redis: Redis) -> None:
    together = AutoPipeline(redis)
    echo, fails = redis.register_script(ECHO), redis.register_script(FAILS)
    ok, refused = await asyncio.gather(
        together.run((echo, ["count"], ["fine"])),
        together.run((fails, [], [])),
        return_exceptions=True,
    )
    assert ok == "fine"
    assert isinstance(refused, ResponseError) and "refused here" in str(refused)


async def test_a_script_redis_forgot_is_loaded_and_run_once(redis: Redis) -> None:
    together = AutoPipeline(redis)
    echo = redis.register_script(ECHO)
    await echo(keys=["count"], args=["warm"])
    await redis.script_flush()  # as after a Redis restart without persistence of scripts

    mark = (scripts.OUTBOX_MARK.on(redis).registered, (keys.OUTBOX_DUE, keys.OUTBOX_VERSIONS))
    assert await together.run((echo, ["count"], ["again"]), (*mark, ("s1",))) == "again"
    assert await redis.get("count") == "2"  # the NOSCRIPT reply ran nothing; the reload once
    assert await redis.hget(keys.OUTBOX_VERSIONS, "s1") == "1"  # the mark too, after it


async def test_a_lost_server_is_store_unavailable_for_the_whole_batch() -> None:
    gone = client_for("redis://127.0.0.1:9/0")  # nothing listens on the discard port
    together = AutoPipeline(gone)
    echo = gone.register_script(ECHO)
    try:
        outcomes = await asyncio.gather(
            *(together.run((echo, ["count"], [str(i)])) for i in range(3)),
            return_exceptions=True,
        )
    finally:
        await gone.aclose()
    assert all(isinstance(o, StoreUnavailable) for o in outcomes), outcomes


@pytest.mark.parametrize("size", [1, 130])
async def test_batches_of_any_size_answer_everyone(redis: Redis, size: int) -> None:
    together = AutoPipeline(redis)
    echo = redis.register_script(ECHO)
    answers = await asyncio.gather(*(together.run((echo, ["n"], [str(i)])) for i in range(size)))
    assert answers == [str(i) for i in range(size)]
