"""Fewer messages in the main thread (issue 16): a phase that posts its own card anyway (the
idea card, the vote card, the first group's presentation) is announced on that same
message, text above the card, so the thread gets one new message (which notifies) where it
got two; group work's announcement says what grouping found in the same message."""

from __future__ import annotations

from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text

HOST = Person("Hanne Vert")
PEOPLE = [Person(f"Deltaker {i}") for i in range(6)]
ROLES = ("citizen", "employee", "business", "volunteer", "student", "citizen")


def announced_with_card(bot: Bot, fragment: str) -> list[str]:
    """The cards' verbs of every main-thread message whose text contains fragment."""
    return [
        ",".join(sorted(actions(s.card))) if s.card else ""
        for s in bot.sent_here()
        if fragment in s.text
    ]


async def test_a_full_session_posts_fewer_messages_in_the_main_thread(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.join_form(PEOPLE[0])
    for person, role in zip(PEOPLE, ROLES, strict=True):
        await bot.click(person, actions(form)["join.confirm"], {"role": role})
    await bot.session_shows(f"Sjekket inn: {len(PEOPLE)}")
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    submit = await bot.idea_submit()
    for n, person in enumerate(PEOPLE):
        await bot.click(person, submit, {"idea": f"Idé nummer {n}"})
    await bot.session_shows("Ideer sendt inn: 6")
    while "Oppsummering av Digikok" not in " ".join(all_text(c) for c in bot.summaries()):
        await bot.say(HOST, "neste")
    await bot.summary()

    # the idea round and the vote: one message each, the announcement's text over the card
    ideas = announced_with_card(bot, "Ny fase: Idémyldring.")
    assert len(ideas) == 1 and "idea.submit" in ideas[0]
    assert "Skriv ideene dine på idékortet" in next(
        s.text for s in bot.sent_here() if "Ny fase: Idémyldring." in s.text
    )
    votes = announced_with_card(bot, "Ny fase: Prioritering.")
    assert len(votes) == 1 and "vote.cast" in votes[0]
    assert not [s for s in bot.sent_here() if s.card is None and "Ny fase: Idémyldring" in s.text]
    # group work: the announcement and what grouping found (six people, three small groups)
    (groups,) = [s.text for s in bot.sent_here() if "Ny fase: Gruppearbeid 1." in s.text]
    assert "Obs, små grupper" in groups
    assert not [s for s in bot.sent_here() if s.text.startswith("Obs, små grupper")]
    # presentations: told on the first group's results; the next groups' come without it
    (presenting,) = [s for s in bot.sent_here() if "Ny fase: Presentasjoner." in s.text]
    assert "Gruppe 1 av 3 presenterer" in all_text(presenting.card or {})
    later = [s for s in bot.sent_here() if "presenterer" in all_text(s.card or {})][1:]
    assert len(later) == 2 and not any(s.text for s in later)
    # the others get their own line, each once
    for phase in ("Forventninger", "Gruppearbeid 2", "Tiltak"):
        assert announced_with_card(bot, f"Ny fase: {phase}.") == [""], phase
    # the idea and vote cards, closed at their round's end, keep the announcement over them
    for fragment in ("Ny fase: Idémyldring.", "Ny fase: Prioritering."):
        (posted,) = [s for s in bot.sent_here() if fragment in s.text]
        closes = bot.connector.updates_of(posted.activity_id)
        assert closes and all(u.text == posted.text for u in closes), fragment
    # the whole session in the main thread: 17 messages before issue 16's merges, 13 now
    assert len(bot.sent_here()) == 13, [
        s.text or all_text(s.card or {})[:40] for s in bot.sent_here()
    ]


async def test_with_nobody_to_group_each_phase_is_still_told_once(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    for _ in range(3):  # expectations, ideas, group work
        await bot.say(HOST, "neste")
    await bot.session_shows("Spørsmål 1")
    (groups,) = [s for s in bot.sent_here() if "Ny fase: Gruppearbeid 1." in s.text]
    assert "det er ingen å dele i grupper" in groups.text and groups.card is None
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")  # presentations: no group has results to show
    await bot.session_shows("Nå: Presentasjoner")
    (told,) = [s for s in bot.sent_here() if "Ny fase: Presentasjoner." in s.text]
    assert told.card is None
