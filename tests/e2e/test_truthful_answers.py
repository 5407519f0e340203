"""Every answer is true (issue 13): once the store holds a dot or an idea, the click's answer
says so, whatever fails after the write; what was refused or never written is not called
received. Failures are injected after the one round trip that writes."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.service.voting import clicks as vote_clicks
from bot.store import keys
from cards import idea_round
from tests.e2e.conftest import Bot
from tests.e2e.test_voting import HOST, VOTERS, to_voting, vote_buttons
from tests.fakes.cards import all_text


def broken(*_: Any, **__: Any) -> Any:
    raise RedisConnectionError("injected after the write")


async def test_a_counted_dot_is_answered_counted_when_the_page_read_fails(
    bot: Bot, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = await to_voting(bot, ["Gåbuss", "Sykkelvei"])
    plus = next(data for (idea, delta), data in vote_buttons(card).items() if delta == 1)
    sid = plus["sid"]
    monkeypatch.setattr(vote_clicks, "texts_for", broken)  # the read after the write fails
    answer = await bot.click(VOTERS[0], {**plus, "start": 1})  # a page never drawn before
    assert "Stemmen er registrert" in all_text(answer)
    assert "utilgjengelig" not in all_text(answer) and "gikk galt" not in all_text(answer)
    tally = await redis.hgetall(keys.tally(sid, 1))
    assert sum(int(n) for n in tally.values()) == 1  # the store holds what the answer says


async def test_a_refused_dot_is_never_answered_counted(
    bot: Bot, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = await to_voting(bot, ["Gåbuss"])
    plus = next(data for (idea, delta), data in vote_buttons(card).items() if delta == 1)
    for _ in range(2):
        await bot.click(VOTERS[1], plus)
    monkeypatch.setattr(vote_clicks, "texts_for", broken)
    refused = await bot.click(VOTERS[1], {**plus, "start": 1})  # the cap of 2 per idea
    assert "Stemmen er registrert" not in all_text(refused)
    tally = await redis.hgetall(keys.tally(plus["sid"], 1))
    assert sum(int(n) for n in tally.values()) == 2


async def test_a_stored_idea_is_answered_received_when_drawing_the_card_fails(
    bot: Bot, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit = await bot.open_idea_round(HOST)
    monkeypatch.setattr(idea_round, "build", broken)  # anything after the write fails
    click = bot.place.invoke(VOTERS[0], submit, {"idea": "Gåbuss hver morgen"})
    answer = await bot.post(click)
    assert "Ideen din er mottatt" in all_text(answer.body["value"])
    assert await redis.hlen(keys.ideas(submit["sid"])) == 1
    # Teams redelivers the same click: the same true answer, and nothing stored twice
    again = await bot.post(click)
    assert "Ideen din er mottatt" in all_text(again.body["value"])
    assert await redis.hlen(keys.ideas(submit["sid"])) == 1
