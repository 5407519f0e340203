"""Moderation and anonymous readiness through /api/messages (issue 10, parts 1 and 2).

A host hides an idea during the idea round and during the vote: it leaves the shared cards,
the vote (its dots go back to their voters) and the summary; only its author is told, on
their own card; hosts see hidden ones (text only) with Restore. Readiness shows counts of
checked-in people, never names, and stays exact when 30 people submit at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from redis.asyncio import Redis

from tests.e2e.conftest import Bot, BotMaker
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text, inputs, walk

HOST = Person("Hanne Vert")
AUTHOR = Person("Truls Troll")
OTHERS = [Person(f"Deltaker {n:02d}") for n in range(30)]
ABUSE = "Kommunen er full av idioter, særlig i etat X"


def buttons(card: dict[str, Any], verb: str) -> list[dict[str, Any]]:
    return [
        n["data"]
        for n in walk([card.get("body", []), card.get("actions", [])])
        if n.get("type") == "Action.Execute" and n.get("verb") == verb
    ]


def row_for(card: dict[str, Any], text: str, verb: str) -> dict[str, Any]:
    """The Hide/Restore button in the row that shows text."""
    for row in walk(card["body"]):
        if row.get("type") == "ColumnSet" and text in all_text({"body": [row]}):
            found = buttons({"body": [row]}, verb)
            if found:
                return found[0]
    raise AssertionError(f"no {verb} button next to {text!r}")


def plus_next_to(card: dict[str, Any], text: str) -> dict[str, Any]:
    """The "+1" vote button of the idea whose text is shown next to it."""
    for block in walk(card["body"]):
        if block.get("type") in ("Container", "ColumnSet") and text in all_text({"body": [block]}):
            plus = [b for b in buttons({"body": [block]}, "vote.cast") if b["delta"] == 1]
            if len(plus) == 1:
                return plus[0]
    raise AssertionError(f"no vote button next to {text!r}")


def next_label(card: dict[str, Any]) -> str:
    return next(n["title"] for n in walk(card.get("actions", [])) if n.get("verb") == "phase.next")


async def check_in(bot: Bot, people: list[Person]) -> None:
    form = await bot.click(people[0], actions(bot.session_card())["join.open"])
    await asyncio.gather(
        *(bot.click(p, actions(form)["join.confirm"], {"role": "citizen"}) for p in people)
    )


async def moderation_card(bot: Bot) -> dict[str, Any]:
    host_view = await bot.host_view(HOST)
    return await bot.click(HOST, actions(host_view)["moderate.open"])


async def test_a_hidden_idea_leaves_cards_vote_and_summary_and_names_nobody(
    make_bot: BotMaker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = await make_bot(PUBLIC_BASE_URL="https://digikok.example.no")  # export links work
    voters = OTHERS[:4]
    await bot.say(HOST, "start Bedre skolevei")
    await check_in(bot, [AUTHOR, *voters])
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")  # → the idea round
    submit = await bot.idea_submit()
    await bot.click(AUTHOR, submit, {"idea": ABUSE})
    mine = await bot.click(AUTHOR, submit, {"idea": "Gåbuss fra Nordnes"})
    await bot.click(voters[0], submit, {"idea": "Flere fotgjengerfelt"})
    await bot.click(voters[1], submit, {"idea": "Lavere fart ved skolen"})
    await bot.session_shows("Ideer sendt inn: 4")
    assert "3 av 5 har sendt inn ideer" in all_text(bot.session_card())

    # Only hosts may moderate, and the list names no author
    forged = {"action": "moderate.open", "sid": submit["sid"], "rev": 1}
    refused = await bot.click(voters[0], forged)
    assert "bare verten" in all_text(refused).lower()
    listing = await moderation_card(bot)
    assert ABUSE in all_text(listing) and AUTHOR.name not in all_text(listing)
    hidden = await bot.click(HOST, row_for(listing, ABUSE, "moderate.hide"))
    assert "Skjult. Den er borte" in all_text(hidden)
    assert "Skjult (1)" in all_text(hidden)
    again = await bot.click(HOST, row_for(listing, ABUSE, "moderate.hide"))  # a stale list
    assert "allerede skjult" in all_text(again)
    await bot.session_shows("Ideer sendt inn: 3")

    # The author alone sees, on their own card, that the host hid it
    own = await bot.click(AUTHOR, submit, {"idea": "Trygg sykkelparkering"})
    assert ABUSE in all_text(own) and "Skjult av verten" in all_text(own)
    other = await bot.click(voters[2], submit, {"idea": "Skolepatrulje"})
    assert ABUSE not in all_text(other)
    assert "Gåbuss fra Nordnes" in all_text(mine)

    # groups (questions 1 and 2), each group's presentation, then the vote
    for _ in range(12):  # as many presentations as there are groups
        await bot.say(HOST, "neste")
        if any("Ny fase: Prioritering" in t for t in bot.connector.texts()):
            break
    vote = await bot.wait_card("Prioritering: gi stemmene dine")
    assert ABUSE not in all_text(vote)
    restored_text = "Gåbuss fra Nordnes"
    gabuss = plus_next_to(vote, restored_text)
    other_idea = plus_next_to(vote, "Flere fotgjengerfelt")
    for voter in voters:
        await bot.click(voter, gabuss)
        await bot.click(voter, gabuss)
    # Hidden during the vote: gone from the shared vote card, dots back to the voters
    listing = await moderation_card(bot)
    await bot.click(HOST, row_for(listing, restored_text, "moderate.hide"))
    vote_card_id = next(
        s.activity_id
        for s in bot.connector.of("send")
        if s.card and "Prioritering: gi stemmene dine" in all_text(s.card)
    )
    await bot.connector.wait_for(
        lambda: any(
            s.activity_id == vote_card_id and restored_text not in all_text(s.card)
            for s in bot.connector.of("update")
        )
    )
    back = await bot.click(voters[0], gabuss)
    assert "ikke med i denne avstemningen" in all_text(back)
    recount = await bot.click(voters[0], other_idea)
    assert "Stemmen er registrert. Du har 2 igjen." in all_text(recount)  # dots came back
    # Restored: back in the vote, with no dots
    listing = await moderation_card(bot)
    restored = await bot.click(HOST, row_for(listing, restored_text, "moderate.restore"))
    assert "Vist igjen" in all_text(restored)
    counted = await bot.click(voters[0], gabuss)
    assert "Stemmen er registrert. Du har 1 igjen." in all_text(counted)

    await bot.say(HOST, "neste")  # → actions
    await bot.say(HOST, "avslutt")
    summary = await bot.wait_card("Oppsummering av Digikok")
    assert ABUSE not in all_text(summary) and "Gåbuss fra Nordnes · stemmer: 1" in all_text(summary)
    await bot.say(HOST, "eksport")
    export = await bot.wait_card("Eksport av Digikoken")
    for url in (a["url"] for a in export["actions"]):
        body = await (await bot.client.get(urlparse(url).path + "?" + urlparse(url).query)).text()
        assert ABUSE not in body and "Gåbuss fra Nordnes" in body

    # The hidden text reached nobody but the host (listing) and its author (own card): no
    # message the bot sent carries it, and no log line names the author or holds the text
    assert bot.connector.sent and not any(ABUSE in str(sent.body) for sent in bot.connector.sent)
    for record in caplog.records:
        line = record.getMessage() + " " + str(record.__dict__)
        assert ABUSE not in line
        assert AUTHOR.uid not in line and AUTHOR.aad not in line and AUTHOR.name not in line


async def test_readiness_counts_thirty_concurrent_people_exactly(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    await check_in(bot, OTHERS)
    await bot.session_shows("Sjekket inn: 30")
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")  # → the idea round
    submit = await bot.idea_submit()
    late = Person("Sen Sjekker")  # sends an idea first, checks in after: counted then
    await bot.click(late, submit, {"idea": "Idé før innsjekk"})
    await asyncio.gather(
        *(bot.click(p, submit, {"idea": f"Idé fra {p.name}"}) for p in OTHERS[:24]),
        *(bot.click(p, submit, {"idea": f"Enda en fra {p.name}"}) for p in OTHERS[:6]),
    )
    shown = await bot.session_shows("24 av 30 har sendt inn ideer")
    assert "Deltaker" not in all_text(shown)  # counts, never names
    form = await bot.click(late, actions(bot.session_card())["join.open"])
    await bot.click(late, actions(form)["join.confirm"], {"role": "student"})
    await bot.session_shows("25 av 31 har sendt inn ideer")
    assert next_label(await bot.host_view(HOST)) == "Neste: Gruppearbeid 1"
    await asyncio.gather(*(bot.click(p, submit, {"idea": "Siste"}) for p in OTHERS[24:]))
    await bot.session_shows("31 av 31 har sendt inn ideer")
    assert next_label(await bot.host_view(HOST)) == "Alle er ferdige: videre til Gruppearbeid 1"
    await bot.wait_text("Alle som har sjekket inn, har sendt inn en idé.")
    await bot.click(OTHERS[0], submit, {"idea": "Etternøler"})
    told = [t for t in bot.connector.texts() if t.startswith("Alle som har sjekket inn")]
    assert len(told) == 1  # said once


async def test_screened_words_are_refused_to_the_author_alone_and_nothing_is_stored(
    make_bot: BotMaker, redis: Redis, tmp_path: Path
) -> None:
    screening = tmp_path / "screening.json"
    screening.write_text(json.dumps({"words": {"nb": ["idioter"]}}), encoding="utf-8")
    bot = await make_bot(SCREENING_FILE=str(screening))
    submit = await bot.open_idea_round(HOST)
    before = {k: await redis.hgetall(k) async for k in redis.scan_iter(match="dk:*:ideas")}
    refused = await bot.click(AUTHOR, submit, {"idea": ABUSE})
    assert "godtar ikke ett av ordene" in all_text(refused)
    assert inputs(refused)["idea"]["value"] == ABUSE  # given back to rephrase
    assert {k: await redis.hgetall(k) async for k in redis.scan_iter(match="dk:*:ideas")} == before
    fine = await bot.click(AUTHOR, submit, {"idea": "Kommunen trenger flere gangfelt"})
    assert "Ideen din er mottatt" in all_text(fine)


async def test_an_idea_hidden_before_the_vote_and_restored_during_it_can_be_voted_for(
    bot: Bot,
) -> None:
    submit = await bot.open_idea_round(HOST)  # nobody checked in: no groups
    await bot.click(AUTHOR, submit, {"idea": "Gåbuss fra Nordnes"})
    await bot.click(OTHERS[0], submit, {"idea": "Flere fotgjengerfelt"})
    listing = await moderation_card(bot)
    await bot.click(HOST, row_for(listing, "Gåbuss fra Nordnes", "moderate.hide"))
    for _ in range(4):  # groups 1 and 2, presentations, the vote
        await bot.say(HOST, "neste")
    vote = await bot.wait_card("Prioritering: gi stemmene dine")
    assert "Gåbuss fra Nordnes" not in all_text(vote)
    vote_id = next(s.activity_id for s in bot.connector.of("send") if s.card is vote)
    listing = await moderation_card(bot)
    await bot.click(HOST, row_for(listing, "Gåbuss fra Nordnes", "moderate.restore"))
    shown = await bot.connector.wait_for(
        lambda: next(
            (
                s.card
                for s in bot.connector.of("update")
                if s.activity_id == vote_id and "Gåbuss fra Nordnes" in all_text(s.card)
            ),
            None,
        )
    )
    counted = await bot.click(OTHERS[1], plus_next_to(shown, "Gåbuss fra Nordnes"))
    assert "Stemmen er registrert. Du har 2 igjen." in all_text(counted)
