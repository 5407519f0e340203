"""A Digikok in a group chat and in personal chat; install welcome; health endpoints."""

from __future__ import annotations

from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")


async def test_group_chat_session(bot: Bot) -> None:
    bot.place.kind = "groupChat"
    await bot.say(HOST, "start Felles lunsj")
    card = bot.session_card()
    assert bot.connector.of("send")[0].conversation_id == "19:meeting-chat@thread.v2"
    form = await bot.click(KARI, actions(card)["join.open"])
    await bot.click(KARI, actions(form)["join.confirm"], {"role": "volunteer"})
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    submit = await bot.idea_submit()
    await bot.click(KARI, submit, {"idea": "Suppe på fredager"})
    await bot.say(HOST, "avslutt")
    await bot.connector.wait_for(lambda: bot.connector.of("create"))
    summaries = [s for s in bot.connector.of("send") if "Oppsummering" in all_text(s.card or {})]
    assert len(summaries) == 2
    assert "Frivillig" in all_text(summaries[0].card) and "Suppe på fredager" in all_text(
        summaries[0].card
    )


async def test_personal_chat_session_without_mention(bot: Bot) -> None:
    bot.place.kind = "personal"
    bot.place.locale = "en-US"
    await bot.say(HOST, "start Trying it alone")
    card = bot.session_card()
    assert "Checked in: 0" in all_text(card) and "Host: Hanne Vert" in all_text(card)
    await bot.say(HOST, "next")
    await bot.say(HOST, "next")
    submit = await bot.idea_submit()
    mine = await bot.click(HOST, submit, {"idea": "Just me"})
    assert "Your idea has been received" in all_text(mine)
    await bot.say(HOST, "end")
    await bot.connector.wait_for(
        lambda: any("Digikok summary" in all_text(s.card or {}) for s in bot.connector.sent)
    )
    assert bot.connector.of("create") == []  # it ran in personal chat: summary sent once
    summaries = [s for s in bot.connector.of("send") if "Digikok summary" in all_text(s.card or {})]
    assert len(summaries) == 1 and "1. Just me" in all_text(summaries[0].card)


async def test_bot_added_to_a_team_says_hello(bot: Bot) -> None:
    await bot.post(bot.place.bot_added(HOST))
    welcome = bot.connector.of("send")[0]
    assert welcome.conversation_id == bot.place.conversation_id
    text = all_text(welcome.card)
    assert "Hei!" in text and "start [tema]" in text


async def test_help_status_and_unknown(bot: Bot) -> None:
    await bot.say(KARI, "hjelp")
    await bot.say(KARI, "status")
    await bot.say(KARI, "hva skjer?")
    help_card, unknown = [s.card for s in bot.connector.of("send") if s.card]
    assert "avslutt" in all_text(help_card)
    assert "Den kommandoen kjenner jeg ikke" in all_text(unknown)
    assert any("Det pågår ingen Digikok her nå" in t for t in bot.connector.texts())
    await bot.say(HOST, "start Bedre skolevei")
    await bot.say(KARI, "Status")
    assert any(
        "«Bedre skolevei» – fase: Innsjekk. Sjekket inn: 0. Ideer: 0." in t
        for t in bot.connector.texts()
    )


async def test_health_and_readiness(bot: Bot) -> None:
    assert (await bot.client.get("/healthz")).status == 200
    assert (await bot.client.get("/readyz")).status == 200


async def test_activity_without_sender_is_ignored_politely(bot: Bot) -> None:
    activity = bot.place.message(HOST, "start X")
    del activity["from"]
    response = await bot.client.post("/api/messages", json=activity)
    assert response.status in (200, 201)
    assert bot.connector.sent == []
    typing = bot.place.message(HOST, "")
    typing["type"] = "typing"
    assert (await bot.client.post("/api/messages", json=typing)).status in (200, 201)
