"""Fewer messages, clearer cards (issue 16): a participant's slip gets one short line, the
host's own card is for steering, and the time-up card answers on itself."""

from __future__ import annotations

from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text
from tests.fakes.clock import FakeClock

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")


async def test_a_participants_slip_gets_one_short_line(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    await bot.session_shows("Nå: Innsjekk")
    cards_before = len(bot.connector.cards("send"))
    await bot.ask(KARI, "neste", "Det er bare verten som kan gjøre det.")
    said = await bot.ask(KARI, "hei hei", "Det forstod jeg ikke.")
    assert "\n" not in said
    assert len(bot.connector.cards("send")) == cards_before  # no help card in the thread
    await bot.say(HOST, "hei hei")  # the host is shown the commands
    await bot.wait_card("Digikok – slik gjør du")


async def test_the_hosts_own_card_offers_check_in_only_during_check_in(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.click(HOST, actions(bot.session_card())["join.open"])
    await bot.click(HOST, actions(form)["join.confirm"], {"role": "employee"})
    await bot.session_shows("Sjekket inn: 1")
    host = await bot.host_view(HOST)
    assert [a["title"] for a in host["actions"]][0] == "Endre innsjekk"
    await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Forventninger")
    host = await bot.host_view(HOST)
    titles = [a["title"] for a in host["actions"]]
    assert "Sjekk inn" not in titles and "Endre innsjekk" not in titles
    assert "join.open" in actions(bot.session_card())  # late joiners still check in


async def test_the_time_up_card_answers_on_itself(bot: Bot, clock: FakeClock) -> None:
    """The host's press is answered on the time-up card itself, in its done state."""
    await bot.say(HOST, "start Bedre skolevei")
    await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Forventninger")
    clock.advance(10 * 60)
    prompt = await bot.wait_card("Tiden er ute for «Forventninger».")
    assert {a["data"].get("card") for a in prompt["actions"]} == {"timeup"}
    refused = await bot.click(KARI, actions(prompt)["phase.next"])
    assert (
        all_text(refused) == "Det er bare verten som kan gjøre det. Du trenger ikke gjøre noe her."
    )
    moved = await bot.click(HOST, actions(prompt)["phase.next"])
    text = all_text(moved)
    assert "Tiden er ute for «Forventninger»." in text
    assert "Gikk videre til «Idémyldring»." in text
    assert "actions" not in moved  # done: nothing left to press
    assert "Hopp over neste fase" not in text  # not the session card and its host buttons
