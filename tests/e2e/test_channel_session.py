"""SPEC phases 0, 1, 3 and 8 as Teams drives them: start, check in, ideas, end, summary."""

from __future__ import annotations

from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text, inputs

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")
OLE = Person("Ole Ansatt")


async def test_channel_session_end_to_end(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei for barn")
    card = bot.session_card()
    text = all_text(card)
    assert "Bedre skolevei for barn" in text and "Vert: Hanne Vert" in text
    assert "Sjekket inn: 0" in text and "Innsjekk" in text and "Idémyldring" in text
    assert set(actions(card)) == {"join.open"}  # no host controls in the shared card
    assert card["refresh"]["userIds"] == [HOST.uid]  # Teams fetches the host view
    posted = bot.connector.of("send")[0]
    assert posted.conversation_id == bot.place.conversation_id  # in the host's thread

    host_view = await bot.click(HOST, card["refresh"]["action"]["data"], trigger="automatic")
    assert {"phase.next", "session.end"} <= set(actions(host_view))

    form = await bot.click(KARI, actions(card)["join.open"])
    assert {c["value"] for c in inputs(form)["role"]["choices"]} == {
        "citizen",
        "employee",
        "business",
        "volunteer",
        "student",
        "other",
    }
    joined = await bot.click(
        KARI, actions(form)["join.confirm"], {"role": "citizen", "department": "Foreldreutvalget"}
    )
    assert "Du er sjekket inn som Innbygger" in all_text(joined)
    await bot.click(OLE, actions(form)["join.confirm"], {"role": "employee"})
    await bot.connector.wait_for(lambda: "Sjekket inn: 2" in all_text(bot.session_card()))
    assert "Innbygger 1 · Ansatt 1" in all_text(bot.session_card())

    await bot.click(HOST, actions(host_view)["phase.next"])  # → pitch
    await bot.say(HOST, "neste")  # → idea round
    submit = await bot.idea_submit()
    assert any("Ny fase: Idémyldring" in t for t in bot.connector.texts())
    assert "Tiden er ute kl. {{TIME(2026-12-01T10:10:00Z)}}" in all_text(bot.idea_card())
    await bot.connector.wait_for(lambda: "Nå: Idémyldring" in all_text(bot.session_card()))
    assert "Tiden er ute kl. {{TIME(2026-12-01T10:10:00Z)}}" in all_text(bot.session_card())
    mine = await bot.click(KARI, submit, {"idea": "Gå-buss med voksne\nhver morgen"})
    assert "Ideen din er mottatt" in all_text(mine)
    mine = await bot.click(KARI, submit, {"idea": "Flere fotgjengerfelt"})
    assert "Dine ideer (2)" in all_text(mine)
    assert "• Gå-buss med voksne\nhver morgen" in all_text(mine)
    others = await bot.click(OLE, submit, {"idea": "Sykkelparkering ved skolen"})
    assert "Dine ideer (1)" in all_text(others) and "Flere fotgjengerfelt" not in all_text(others)
    await bot.connector.wait_for(lambda: "Ideer sendt inn: 3" in all_text(bot.session_card()))

    await bot.say(HOST, "avslutt")
    summaries = await bot.connector.wait_for(
        lambda: [s for s in bot.connector.of("send") if "Oppsummering" in all_text(s.card or {})]
    )
    assert len(summaries) == 2  # in the channel thread and in the host's personal chat
    in_channel, personal = summaries
    assert in_channel.conversation_id == bot.place.conversation_id
    created = bot.connector.of("create")[0]
    assert (
        created.body["members"] == [{"id": HOST.uid}]
        and personal.conversation_id == created.conversation_id
    )
    summary = all_text(in_channel.card)
    for expected in (
        "Bedre skolevei for barn",
        "Deltakere: 2",
        "Innbygger",
        "Ansatt",
        "Ideer: 3",
        "1. Gå-buss med voksne\nhver morgen",
        "2. Flere fotgjengerfelt",
        "3. Sykkelparkering ved skolen",
    ):
        assert expected in summary
    for name in ("Kari", "Ole", "Foreldreutvalget"):
        assert name not in summary  # anonymous: no names next to ideas
    await bot.connector.wait_for(lambda: "avsluttet" in all_text(bot.session_card()))
    assert actions(bot.session_card()) == {}
