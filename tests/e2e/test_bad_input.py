"""Bad input gets a clear answer (or HTTP status) and writes nothing (issue 2, SPEC §5)."""

from __future__ import annotations

import json
from typing import Any

from redis.asyncio import Redis

from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")


async def data_state(redis: Redis) -> dict[str, Any]:
    """Every session and conversation key with its value (markers of handled turns aside)."""
    state = {}
    async for key in redis.scan_iter(match="dk:*"):
        if key.startswith(("dk:turn:", "dk:{outbox}:", "dk:{pace}:")) or key.endswith(
            (":pub", ":sent")
        ):
            continue
        kind = await redis.type(key)
        reads = {
            "hash": redis.hgetall,
            "set": redis.smembers,
            "string": redis.get,
            "zset": lambda k: redis.zrange(k, 0, -1, withscores=True),
            "list": lambda k: redis.lrange(k, 0, -1),
        }
        state[key] = await reads[kind](key)
    return state


async def idea_round(bot: Bot) -> dict[str, Any]:
    await bot.say(HOST, "start Bedre skolevei")
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    return await bot.idea_submit()


async def test_http_level_refusals(bot: Bot, redis: Redis) -> None:
    raw = await bot.client.post(
        "/api/messages", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert raw.status == 400
    big = json.dumps({"type": "message", "text": "x" * 300_000})
    too_big = await bot.client.post(
        "/api/messages", data=big, headers={"Content-Type": "application/json"}
    )
    assert too_big.status == 413
    form = await bot.client.post(
        "/api/messages",
        data=b"type=message",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status == 415
    not_activity = await bot.client.post("/api/messages", json=[1, 2])
    assert not_activity.status == 400
    bad_auth = await bot.client.post(
        "/api/messages",
        json=bot.place.message(HOST, "hjelp"),
        headers={"Authorization": "Basic abc"},
    )
    assert bad_auth.status == 401
    assert await data_state(redis) == {}
    assert bot.connector.sent == []


async def test_bad_ideas_are_refused_and_nothing_is_written(bot: Bot, redis: Redis) -> None:
    submit = await idea_round(bot)
    before = await data_state(redis)
    empty = await bot.click(KARI, submit, {"idea": "   \n\t "})
    assert "Idéfeltet er tomt" in all_text(empty)
    missing = await bot.click(KARI, submit)
    assert "Idéfeltet er tomt" in all_text(missing)
    wrong_type = await bot.click(KARI, submit, {"idea": {"text": "x"}})
    assert "kom ikke fram som tekst" in all_text(wrong_type)
    long_text = "a" * 1001
    too_long = await bot.click(KARI, submit, {"idea": long_text})
    assert "1001 tegn" in all_text(too_long) and "høyst 1000" in all_text(too_long)
    field = next(n for n in too_long["body"] if n.get("id") == "idea")
    assert field["value"] == long_text  # what was typed is handed back, not lost
    stale = await bot.click(KARI, {**submit, "rev": submit["rev"] - 1}, {"idea": "gammel"})
    assert "tidligere fase" in all_text(stale)
    assert await data_state(redis) == before


async def test_injection_is_stored_and_shown_as_plain_text(bot: Bot) -> None:
    submit = await idea_round(bot)
    sneaky = "**fet** <b>html</b> <at>Hanne Vert</at> [klikk](https://evil.example)"
    mine = await bot.click(KARI, submit, {"idea": sneaky})
    runs = [n for n in json.loads(json.dumps(mine["body"])) if n.get("type") == "Container"]
    shown = [i["inlines"][0] for c in runs for i in c["items"] if i.get("type") == "RichTextBlock"]
    assert shown and shown[0] == {"type": "TextRun", "text": "• " + sneaky}
    await bot.say(HOST, "avslutt")
    summary = await bot.connector.wait_for(
        lambda: [s.card for s in bot.connector.of("send") if "Ideer: 1" in all_text(s.card or {})]
    )
    card = summary[0]
    runs = [
        b
        for b in card["body"]
        if b.get("type") == "RichTextBlock" and sneaky in b["inlines"][0]["text"]
    ]
    assert runs and "msteams" not in card  # no mention entities: <at> is just text


async def test_only_the_host_steers(bot: Bot, redis: Redis) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    host_view = await bot.click(HOST, bot.session_card()["refresh"]["action"]["data"])
    before = await data_state(redis)
    forged_end = await bot.click(KARI, actions(host_view)["session.end"])
    assert "bare verten" in all_text(forged_end).lower()
    forged_next = await bot.click(KARI, actions(host_view)["phase.next"])
    assert "bare verten" in all_text(forged_next).lower()
    assert {"phase.next", "session.end"}.isdisjoint(actions(forged_end))
    await bot.say(KARI, "AVSLUTT")
    await bot.say(KARI, "neste")
    assert sum("bare verten" in t for t in bot.connector.texts()) == 2
    assert await data_state(redis) == before


async def test_stale_and_ended_cards_change_nothing(bot: Bot, redis: Redis) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    join = actions(bot.session_card())["join.open"]
    form = await bot.click(KARI, join)
    confirm = actions(form)["join.confirm"]
    await bot.say(HOST, "avslutt")
    await bot.connector.wait_for(lambda: bot.connector.of("create"))
    before = await data_state(redis)
    late = await bot.click(KARI, confirm, {"role": "citizen"})
    assert "avsluttet" in all_text(late) and actions(late) == {}
    reopened = await bot.click(KARI, join)
    assert "avsluttet" in all_text(reopened)
    forged = await bot.click(
        KARI, {"action": "join.confirm", "sid": "0000", "rev": 1}, {"role": "citizen"}
    )
    assert "finnes her lenger" in all_text(forged)
    unknown = await bot.click(KARI, {"action": "drop.tables", "sid": join["sid"], "rev": 1})
    assert "skjønte jeg ikke" in all_text(unknown)
    bad_rev = await bot.click(KARI, {"action": "join.open", "sid": join["sid"], "rev": "1"})
    assert "skjønte jeg ikke" in all_text(bad_rev)
    assert await data_state(redis) == before


async def test_a_card_from_another_conversation_is_refused(bot: Bot, redis: Redis) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    join = actions(bot.session_card())["join.open"]
    bot.place.channel = "19:another-channel@thread.tacv2"
    before = await data_state(redis)
    answer = await bot.click(KARI, join)
    assert "finnes her lenger" in all_text(answer)
    assert await data_state(redis) == before


async def test_a_second_start_is_refused_while_one_runs(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    await bot.say(KARI, "start Noe annet")
    assert any(
        "pågår allerede en Digikok her: «Bedre skolevei»" in t for t in bot.connector.texts()
    )
    await bot.say(HOST, "start")
    assert len([s for s in bot.connector.of("send") if "join.open" in actions(s.card or {})]) == 1


async def test_redelivered_message_is_handled_once(bot: Bot) -> None:
    activity = bot.place.message(HOST, "start Bedre skolevei")
    await bot.post(activity)
    await bot.post(activity)
    assert len(bot.connector.of("send")) == 2  # the session card and the check-in card, once
    assert not any("pågår allerede" in t for t in bot.connector.texts())
