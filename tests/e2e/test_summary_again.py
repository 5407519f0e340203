"""The summary's last resort (issue 14): when posting it fails for good, the host is told,
and `status` (or `eksport`) posts it then; the follow-ups never waited for it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.service.ports import SendError
from bot.service.session import effects
from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import all_text

HOST = Person("Hanne Vert")


async def test_a_summary_that_could_not_be_posted_is_posted_on_status(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries = {"n": 0}
    post = effects.post_summary

    async def teams_refuses_twice(*args: Any) -> None:
        tries["n"] += 1
        if tries["n"] <= 2:
            raise SendError(503, "send")
        await post(*args)

    monkeypatch.setattr(effects, "post_summary", teams_refuses_twice)
    monkeypatch.setattr(effects, "MAX_TRIES", 2)  # give up after two tries, not minutes
    monkeypatch.setattr(effects, "RETRY_MS", (10,))
    await bot.say(HOST, "start Bedre skolevei")
    await bot.say(HOST, "neste")
    await bot.say(HOST, "avslutt")
    await bot.connector.wait_for(
        lambda: any("Oppsummeringen kunne ikke legges ut" in t for t in bot.connector.texts())
    )
    assert not [c for c in bot.connector.cards() if "Oppsummering av Digikok" in all_text(c)]
    await bot.say(HOST, "status")
    summary = await bot.wait_card("Oppsummering av Digikok")
    assert "Bedre skolevei" in all_text(summary) and tries["n"] == 3
    await bot.say(HOST, "status")  # asked again: nothing more is posted
    posted = [
        s
        for s in bot.connector.of("send")
        if s.card and "Oppsummering av Digikok" in all_text(s.card)
    ]
    here = [s for s in posted if s.conversation_id == bot.place.conversation_id]
    assert len(here) == 1 and len(posted) == 2  # the channel, and the host's own chat
