"""The whole method (issue 3): every phase of each template, timers driven by an injected
clock, host controls by text and by card, the setup card, co-hosts — through /api/messages."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis

from tests.e2e.conftest import Bot, Replica
from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import actions, all_text, inputs
from tests.fakes.clock import FakeClock
from tests.harness.connector import Connector
from tests.harness.teams import STANDARD_AGENDA

HOST = Person("Hanne Vert")
PER = Person("Per Medvert")
PEOPLE = [
    (Person("Kari Innbygger"), "citizen"),
    (Person("Ola Innbygger"), "citizen"),
    (Person("Siri Ansatt"), "employee"),
    (Person("Bjørn Bedrift"), "business"),
    (Person("Frida Frivillig"), "volunteer"),
    (Person("Stian Student"), "student"),
]
KARI = PEOPLE[0][0]


async def check_in_everyone(bot: Bot) -> None:
    join = actions(bot.session_card())["join.open"]
    form = await bot.click(KARI, join)
    for person, role in PEOPLE:
        await bot.click(person, actions(form)["join.confirm"], {"role": role})
    await bot.session_shows(f"Sjekket inn: {len(PEOPLE)}")


def count(bot: Bot, fragment: str) -> int:
    return sum(fragment in t for t in bot.connector.texts())


def timeup_cards(bot: Bot) -> list[dict[str, Any]]:
    return [
        s.card
        for s in bot.connector.of("send")
        if s.card and "Tiden er ute for" in all_text(s.card)
    ]


async def test_standard_template_with_timers_and_host_controls(bot: Bot, clock: FakeClock) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    agenda = all_text(bot.session_card())
    for phase in ("Innsjekk", *STANDARD_AGENDA):
        assert phase in agenda
    await check_in_everyone(bot)
    host = await bot.host_view(HOST)
    assert {"phase.next", "setup.open", "phase.skip", "cohost.open", "session.end"} <= set(
        actions(host)
    )
    participant = await bot.click(KARI, bot.session_card()["refresh"]["action"]["data"])
    assert "phase.next" not in actions(participant)  # participants never get host buttons

    await bot.click(HOST, actions(host)["phase.next"])
    card = await bot.session_shows("Nå: Forventninger")
    assert "Tiden er ute kl. {{TIME(2026-12-01T10:10:00Z)}}" in all_text(card)

    clock.advance(9 * 60)
    await bot.wait_text("1 min igjen av «Forventninger».")
    clock.advance(60)
    prompt = await bot.wait_card("Tiden er ute for «Forventninger».")
    refused = await bot.click(KARI, actions(prompt)["phase.next"])
    assert "bare verten" in all_text(refused).lower()
    extended = await bot.click(HOST, actions(prompt)["timer.extend"])
    assert "Dere fikk 5 minutter til." in all_text(extended)
    await bot.session_shows("{{TIME(2026-12-01T10:15:00Z)}}")
    clock.advance(5 * 60)
    await bot.connector.wait_for(lambda: len(timeup_cards(bot)) == 2)
    assert count(bot, "1 min igjen av «Forventninger».") == 2  # once per timebox
    stale = await bot.click(HOST, actions(timeup_cards(bot)[0])["phase.next"])
    assert "tidligere fase" not in all_text(stale)  # same rev: the first prompt still works
    await bot.session_shows("Nå: Idémyldring")
    again = await bot.click(HOST, actions(timeup_cards(bot)[1])["phase.next"])
    assert "tidligere fase" in all_text(again)  # a double press moves the session once
    assert count(bot, "Ny fase: Idémyldring.") == 1

    submit = await bot.idea_submit()
    for person, _ in PEOPLE:
        await bot.click(person, submit, {"idea": f"Idé fra {person.name.split()[1]}"})
    await bot.session_shows("Ideer sendt inn: 6")
    await bot.ask(HOST, "pause", "Tiden står på pause.")
    await bot.session_shows("Tiden står på pause (10 min igjen).")
    clock.advance(30 * 60)
    await bot.ask(HOST, "fortsett", "Tiden går igjen.")
    card = await bot.session_shows("{{TIME(2026-12-01T10:55:00Z)}}")  # 10:45 + the 10 minutes left
    assert len(timeup_cards(bot)) == 2  # the paused timer never fired

    await bot.say(HOST, "neste")
    card = await bot.session_shows("Spørsmål 1")
    assert "Noter alle innspill, og sorter dem i kategorier." in all_text(card)
    assert "Kategorier: Barrierer, Suksessfaktorer" in all_text(card)
    for said, shown in (  # the host's command, and what the shared card then shows
        ("neste", "Spørsmål 2"),
        ("tilbake", "Spørsmål 1"),
        ("NESTE", "Spørsmål 2"),
        ("neste", "Nå: Presentasjoner"),
        ("neste", "Gruppe 2 av 3 presenterer nå."),  # six people, three groups: each presents
        ("neste", "Gruppe 3 av 3 presenterer nå."),
        ("neste", "Nå: Prioritering"),
        ("neste", "Nå: Tiltak"),
    ):
        await bot.say(HOST, said)
        card = await bot.session_shows(shown)
    assert "Tiden er ute kl." not in all_text(card)  # actions: untimed
    await bot.say(HOST, "neste")
    summary = await bot.wait_card("Oppsummering av Digikok")
    assert "Ideer: 6" in all_text(summary) and "Deltakere: 6" in all_text(summary)
    announced = {p: count(bot, f"Ny fase: {p}.") for p in STANDARD_AGENDA}
    assert announced == {
        "Forventninger": 1,
        "Idémyldring": 1,
        "Gruppearbeid 1": 2,  # q1 q2 q1 q2: each question named
        "Gruppearbeid 2": 2,
        "Presentasjoner": 1,
        "Prioritering": 1,
        "Tiltak": 1,
    }


async def test_setup_card_workshop_auto_advance_and_two_replicas(
    bot: Bot, clock: FakeClock, redis: Redis, replica: Replica
) -> None:
    await replica("b")  # a second replica: its own publisher and timer loop

    await bot.say(HOST, "start")
    setup = await bot.wait_card("Sett opp Digikoken")
    assert "join.open" not in actions(setup)
    refused = await bot.click(KARI, actions(setup)["setup.save"], {"topic": "Kapret"})
    assert "bare verten" in all_text(refused).lower()
    await bot.ask(HOST, "neste", "Fyll ut og lagre oppsettet først.")

    errors = await bot.click(
        HOST, actions(setup)["setup.save"], {"topic": " ", "groups": "0", "min_1": "-3"}
    )
    text = all_text(errors)
    assert "Noen felt må rettes" in text and "Dette feltet må fylles ut." in text
    assert (
        "Skriv et helt tall fra 1 til 12." in text and "Skriv et helt tall fra 0 til 240." in text
    )
    body = errors["body"]
    topic_at = next(i for i, b in enumerate(body) if b.get("id") == "topic")
    assert body[topic_at + 1]["text"] == "Dette feltet må fylles ut."  # right under its field
    groups_at = next(i for i, b in enumerate(body) if b.get("id") == "groups")
    assert body[groups_at + 1]["text"] == "Skriv et helt tall fra 1 til 12."

    workshop = await bot.click(
        HOST, actions(setup)["setup.template"], {"template": "workshop", "topic": "Felles lunsj"}
    )
    assert "Malen «Verksted: 3 grupper × 2 spørsmål» er tatt i bruk" in all_text(workshop)
    fields = inputs(workshop)
    assert "barrierer og suksessfaktorer" in fields["q1"]["value"]
    assert fields["topic"]["value"] == "Felles lunsj"
    assert [fields[f"min_{i}"]["value"] for i in range(6)] == [0, 10, 15, 15, 10, 0]
    saved = await bot.click(
        HOST,
        actions(workshop)["setup.save"],
        {
            "topic": "Felles lunsj",
            "need": "Vi vil spise sammen.",
            "pitchers": "Hanne",
            "auto_advance": "true",
            "min_1": "2",
            "groups": "3",
        },
    )
    assert "innsjekken er åpen" in all_text(saved)
    card = bot.session_card()
    assert "Vi vil spise sammen." in all_text(card) and "Innledere: Hanne" in all_text(card)
    assert "Idémyldring" not in all_text(card)  # the workshop template has no idea round
    await check_in_everyone(bot)

    await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Forventninger")
    clock.advance(2 * 60)
    card = await bot.session_shows("Spørsmål 1")  # auto-advanced, no prompt
    assert "barrierer og suksessfaktorer" in all_text(card)
    clock.advance(14 * 60)
    await bot.wait_text("1 min igjen av «Gruppearbeid 1».")  # which question: there are two
    clock.advance(60)
    await bot.session_shows("Spørsmål 2")
    clock.advance(15 * 60)
    await bot.session_shows("Nå: Presentasjoner")
    for group in (2, 3):  # each group's presentation has its own timebox
        clock.advance(10 * 60)
        await bot.session_shows(f"Gruppe {group} av 3 presenterer nå.")
    clock.advance(10 * 60)
    await bot.session_shows("Nå: Tiltak")
    clock.advance(60 * 60)  # untimed: nothing more happens
    await bot.ask(HOST, "status", "fase: Tiltak")
    # each timer fired once although two replicas polled the same queue
    assert (
        count(bot, "Ny fase: Gruppearbeid 1.") == 1 and count(bot, "Ny fase: Gruppearbeid 2.") == 1
    )
    assert count(bot, "Ny fase: Presentasjoner.") == 1 and count(bot, "Ny fase: Tiltak.") == 1
    assert count(bot, "1 min igjen av «Gruppearbeid 1».") == 1
    assert count(bot, "1 min igjen av «Gruppearbeid 2».") == 1
    assert timeup_cards(bot) == []
    assert await redis.zcard("dk:{timers}:running") == 0


async def test_problems_first_settings_cohost_skip_back_language(
    bot: Bot, clock: FakeClock
) -> None:
    await bot.say(HOST, "start Trygg skolevei")
    await bot.say(HOST, "innstillinger")
    setup = await bot.wait_card("Sett opp Digikoken")
    applied = await bot.click(
        HOST, actions(setup)["setup.template"], {"template": "problems_first"}
    )
    saved = await bot.click(HOST, actions(applied)["setup.save"], {})
    assert "Innstillingene er lagret." in all_text(saved)
    card = await bot.session_shows("Prioritering 2")
    assert "Prioritering 1" in all_text(card)

    await check_in_everyone(bot)
    bot.connector.members[PER.uid] = PER.aad
    await bot.post(bot.place.message(HOST, f"medvert <at>{PER.name}</at>", mentions=(PER,)))
    await bot.wait_text("Per Medvert er nå medvert")
    await bot.connector.wait_for(lambda: PER.uid in bot.session_card()["refresh"]["userIds"])
    await bot.ask(KARI, "neste", "Det er bare verten som kan gjøre det.")
    await bot.say(PER, "neste")
    await bot.session_shows("Nå: Forventninger")
    await bot.ask(PER, "forleng 3", "Dere fikk 3 minutter til.")
    await bot.session_shows("{{TIME(2026-12-01T10:13:00Z)}}")
    await bot.ask(PER, "forleng mange", "Skriv antall minutter som et helt tall fra 1 til 120")
    await bot.say(HOST, "hopp over")  # skips the idea round
    card = await bot.session_shows("Nå: Prioritering")
    assert "Du har 3 stemmer og kan gi høyst 2 til én idé." in all_text(card)
    await bot.say(HOST, "tilbake")
    await bot.session_shows("Nå: Idémyldring")
    await bot.idea_submit()
    await bot.ask(HOST, "språk en", "The Digikok now uses English.")
    await bot.session_shows("Now: Idea round")
    roster = await bot.click(HOST, actions(await bot.host_view(HOST))["cohost.open"])
    assert "Checked in (6)" in all_text(roster) and "Kari Innbygger" in all_text(roster)
    await bot.ask(
        HOST, "innstillinger", "Check-in is over, so the settings can no longer be changed."
    )
    await bot.say(HOST, "end")
    summary = await bot.wait_card("Digikok summary")
    assert "Trygg skolevei" in all_text(summary)
    # the summary goes to the channel and to the host and the co-host in personal chat
    assert {c.body["members"][0]["id"] for c in bot.connector.of("create")} == {HOST.uid, PER.uid}


async def test_a_timer_fires_after_a_restart(
    redis: Redis, connector: Connector, place: Conversation, clock: FakeClock, replica: Replica
) -> None:
    """Timers live in Redis: an app that was down when one fell due runs it when it is back."""
    first = await replica()
    bot = Bot.in_process(first, connector, place)
    await bot.say(HOST, "start Omstart")
    await bot.say(HOST, "neste")
    await first.close()  # the only replica stops; the pitch's timers are in Redis
    clock.advance(11 * 60)
    bot = Bot.in_process(await replica(), connector, bot.place)
    await bot.wait_card("Tiden er ute for «Forventninger».")
    assert count(bot, "1 min igjen av «Forventninger».") == 1  # late, but once


async def test_a_time_up_prompt_the_connector_refused_for_a_while_still_arrives(
    bot: Bot, clock: FakeClock
) -> None:
    """A send that fails after the sender's retries gives its fire_once win back: the timer
    runs again after its lease and the prompt goes out, once."""
    await bot.say(HOST, "start Bedre skolevei")
    await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Forventninger")
    clock.advance(9 * 60)
    await bot.wait_text("1 min igjen av «Forventninger».")
    bot.connector.failures.extend([("send", 503, {"Retry-After": "0"})] * 5)
    clock.advance(60)
    await bot.connector.wait_for(lambda: not bot.connector.failures)  # all five refused
    assert timeup_cards(bot) == []
    # the failed run puts the timer back, due 5 s on: only then does the clock move (moved
    # before, the put-back would count from the later time and never come due here)
    assert bot.redis is not None
    for _ in range(300):
        if not await bot.redis.zcard("dk:{timers}:running"):
            break
        await asyncio.sleep(0.1)
    clock.advance(31)  # due again: another run takes it
    await bot.connector.wait_for(lambda: timeup_cards(bot))
    clock.advance(60)
    assert len(timeup_cards(bot)) == 1
