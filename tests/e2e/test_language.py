"""The session's language governs everything in it (issue 16): the template's texts, the
cards already posted, and the answers to commands, whoever asks and in whatever Teams
language."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.e2e.conftest import Bot
from tests.e2e.test_groups import HOST as GROUPS_HOST
from tests.e2e.test_groups import to_groups
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")


def checkin_card(bot: Bot) -> dict[str, Any]:
    """The standalone check-in card as everyone sees it now (first post, or its update)."""
    posted = [
        s
        for s in bot.connector.of("send")
        if s.card and "join.confirm" in actions(s.card) and "join.open" not in actions(s.card)
    ]
    return bot.connector.as_shown_now(posted[0])


async def test_a_change_of_language_carries_the_template_texts_and_the_cards(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    await bot.session_shows("Nå: Innsjekk")
    assert "Sjekk inn" in all_text(checkin_card(bot))

    said = await bot.ask(HOST, "språk nn", "Digikoken brukar no")
    assert said == "Digikoken brukar no nynorsk."  # language names are lower case in Norwegian
    card = await bot.session_shows("No: Innsjekk")
    assert card["lang"] == "nn"
    await bot.connector.wait_for(lambda: checkin_card(bot)["lang"] == "nn")

    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    card = await bot.session_shows("Spørsmål 1")
    text = all_text(card)
    assert "Noter alle innspel, og sorter dei i kategoriar." in text  # the template, in nn
    assert "Barrierar, Suksessfaktorar" in text

    await bot.say(HOST, "language en")
    card = await bot.session_shows("Question 1")
    assert "Note every input, then sort them into categories." in all_text(card)
    assert "Barriers, Success factors" in all_text(card)
    assert "The Digikok now uses English." in bot.connector.texts()


async def test_what_the_host_typed_stays_as_typed(bot: Bot) -> None:
    await bot.say(HOST, "start")
    setup_card = await bot.connector.wait_for(
        lambda: next((c for c in bot.connector.cards("send") if "setup.save" in actions(c)), None)
    )
    await bot.click(
        HOST,
        actions(setup_card)["setup.save"],
        {"topic": "Skolevei", "q1": "Hva hindrer barna i å gå?", "categories": "Trygt, Utrygt"},
    )
    await bot.session_shows("Nå: Innsjekk")
    await bot.say(HOST, "språk en")
    await bot.session_shows("Now: Check-in")
    for _ in range(3):
        await bot.say(HOST, "next")
    card = await bot.session_shows("Question 1")
    assert "Hva hindrer barna i å gå?" in all_text(card)  # the host's own words
    assert "Trygt, Utrygt" in all_text(card)


async def test_commands_inside_a_session_answer_in_its_language(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    await bot.session_shows("Nå: Innsjekk")
    await bot.say(HOST, "språk nn")
    await bot.session_shows("No: Innsjekk")
    english = dataclasses.replace(bot.place, locale="en-US")
    await bot.post(english.message(KARI, "help"))
    help_card = await bot.wait_card("slik gjer du")
    assert help_card["lang"] == "nn"
    await bot.post(english.message(KARI, "start Noko anna"))
    await bot.wait_text("Det går alt ein Digikok her")
    await bot.post(english.message(KARI, "history"))
    await bot.wait_card("Ingen avslutta Digikokar her enno.")


async def test_a_change_of_language_redraws_the_idea_card(bot: Bot) -> None:
    await bot.open_idea_round(HOST)
    posted = next(
        s for s in bot.connector.of("send") if s.card and "idea.submit" in actions(s.card)
    )
    assert posted.card["lang"] == "nb"
    await bot.say(HOST, "language en")
    card = await bot.connector.wait_for(
        lambda: (c := bot.connector.as_shown_now(posted))["lang"] == "en" and c
    )
    assert "idea.submit" in actions(card)  # still open: a redraw, not a close
    await bot.connector.wait_for(lambda: checkin_card(bot)["lang"] == "en")


async def test_a_change_of_language_redraws_both_questions_boards_and_forms(bot: Bot) -> None:
    await to_groups(bot)
    await bot.say(GROUPS_HOST, "neste")  # question 2: question 1's board and form are closed now
    await bot.session_shows("Spørsmål 2")
    await bot.say(GROUPS_HOST, "språk en")
    await bot.session_shows("Question 2")
    posted = [
        s
        for s in bot.connector.sent
        if s.kind != "update" and s.card and all_text(s.card).startswith("Gruppe ")
    ]
    assert len({s.activity_id for s in posted}) == 12  # 3 groups × 2 questions × board, form
    for card in posted:
        await bot.connector.wait_for(lambda c=card: bot.connector.as_shown_now(c)["lang"] == "en")
    question_1 = [bot.connector.as_shown_now(s) for s in posted if "spørsmål 1" in all_text(s.card)]
    assert len(question_1) == 6
    for card in question_1:  # redrawn in English, and still closed
        assert all_text(card).startswith("Group ") and not actions(card)
