"""An author learns that a host hid their idea without sending another (issue 16).

The store keeps no link from an idea to its author. When a host hides or restores an idea
during the round, the idea card is updated once with a `refresh` that lists the hosts and
everybody checked in; each listed person's Teams then asks for their own view (`idea.look`),
and only the author's own view shows the idea, marked as hidden. The update goes through
the outbox (the host's click never waits on Teams) and keeps the round's announcement, the
message's text.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text, walk
from tests.harness.connector import Match, Sent

HOST = Person("Hanne Vert")
AUTHOR = Person("Truls Troll")
KARI = Person("Kari Innbygger")
IDLE = Person("Ida Stille")  # checked in, sends no idea
LATE = Person("Lars Sen")  # never checked in
ABUSE = "Kommunen er full av idioter, særlig i etat X"


def row_button(card: dict[str, Any], text: str, verb: str) -> dict[str, Any]:
    for row in walk(card["body"]):
        if row.get("type") == "ColumnSet" and text in all_text({"body": [row]}):
            for node in walk(row):
                if node.get("type") == "Action.Execute" and node.get("verb") == verb:
                    return node["data"]
    raise AssertionError(f"no {verb} next to {text!r}")


def idea_message(bot: Bot) -> Sent:
    return next(s for s in bot.sent_here() if s.card and "idea.submit" in actions(s.card))


def update_of(activity_id: str) -> Match:
    return lambda method, cid, body: method == "PUT" and body.get("id") == activity_id


def has_text_box(card: dict[str, Any]) -> bool:
    return any(n.get("type") == "Input.Text" and n.get("id") == "idea" for n in walk(card))


async def moderate(bot: Bot, text: str, verb: str) -> dict[str, Any]:
    host = await bot.host_view(HOST)
    listing = await bot.click(HOST, actions(host)["moderate.open"])
    return await bot.click(HOST, row_button(listing, text, verb))


async def test_the_author_sees_a_hidden_idea_on_a_refresh_and_nobody_is_named(bot: Bot) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.join_form(KARI)
    for person in (AUTHOR, KARI, IDLE):
        await bot.click(person, actions(form)["join.confirm"], {"role": "citizen"})
    await bot.session_shows("Sjekket inn: 3")
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    submit = await bot.idea_submit()
    posted = idea_message(bot)
    assert "Ny fase: Idémyldring." in posted.text  # announced on the card's own message
    assert "refresh" not in (posted.card or {})  # nobody's Teams fetches anything yet
    await bot.click(AUTHOR, submit, {"idea": ABUSE})
    await bot.click(AUTHOR, submit, {"idea": "Gåbuss fra Nordnes"})
    await bot.click(KARI, submit, {"idea": "Flere fotgjengerfelt"})
    await bot.session_shows("Ideer sendt inn: 3")
    assert not bot.connector.updates_of(posted.activity_id)

    await moderate(bot, ABUSE, "moderate.hide")
    updates = await bot.connector.wait_for(lambda: bot.connector.updates_of(posted.activity_id))
    assert len(updates) == 1
    shared = updates[0].card or {}
    assert ABUSE not in all_text(shared) and has_text_box(shared)  # still open, names nobody
    refresh = shared["refresh"]
    # everybody checked in and the host, whether they sent ideas or not: no author list
    assert set(refresh["userIds"]) == {HOST.uid, AUTHOR.uid, KARI.uid, IDLE.uid}
    assert refresh["action"]["verb"] == "idea.look"

    # each listed person's Teams asks for their own view; only the author's shows the idea
    own = await bot.click(AUTHOR, refresh["action"]["data"], trigger="automatic")
    assert ABUSE in all_text(own) and "Skjult av verten" in all_text(own)
    assert "Gåbuss fra Nordnes" in all_text(own) and has_text_box(own)
    assert "Ideen din er mottatt" not in all_text(own)  # a look sends nothing
    kari = await bot.click(KARI, refresh["action"]["data"], trigger="automatic")
    assert ABUSE not in all_text(kari) and "Flere fotgjengerfelt" in all_text(kari)
    idle = await bot.click(IDLE, refresh["action"]["data"], trigger="automatic")
    assert ABUSE not in all_text(idle) and "Skjult" not in all_text(idle)
    # someone not on the list (a manual "Refresh card") gets the open card, nothing else
    late = await bot.click(LATE, refresh["action"]["data"])
    assert has_text_box(late) and "Skjult" not in all_text(late) and ABUSE not in all_text(late)

    # a restore refreshes the card again: the author sees the idea back
    await moderate(bot, ABUSE, "moderate.restore")
    updates = await bot.connector.wait_for(lambda: bot.connector.updates_of(posted.activity_id)[1:])
    again = (updates[-1].card or {})["refresh"]
    assert again["action"]["data"] != refresh["action"]["data"]  # the card changed for Teams
    own = await bot.click(AUTHOR, again["action"]["data"], trigger="automatic")
    assert ABUSE in all_text(own) and "Skjult av verten" not in all_text(own)

    # after the round the card is closed for everyone and fetches nothing; a late refresh
    # from a Teams that still had the open card gets the closed card
    await bot.say(HOST, "neste")
    closed = await bot.connector.wait_for(
        lambda: [
            u.card
            for u in bot.connector.updates_of(posted.activity_id)
            if u.card and not has_text_box(u.card)
        ]
    )
    assert "refresh" not in closed[-1]
    stale = await bot.click(AUTHOR, again["action"]["data"], trigger="automatic")
    assert not has_text_box(stale) and "idea.submit" not in actions(stale)
    assert "ble ikke sendt inn" not in all_text(stale)  # nobody pressed anything


async def test_a_hide_answers_the_host_at_once_and_the_update_keeps_the_announcement(
    bot: Bot,
) -> None:
    submit = await bot.open_idea_round(HOST, checked_in=(AUTHOR,))
    posted = idea_message(bot)
    await bot.click(AUTHOR, submit, {"idea": ABUSE})
    await bot.session_shows("Ideer sendt inn: 1")

    # Teams takes its time with the idea card's update: the host's answer does not wait
    bot.connector.gate.hold(update_of(posted.activity_id))
    hidden = await moderate(bot, ABUSE, "moderate.hide")
    assert "Skjult (1)" in all_text(hidden)
    await bot.connector.wait_for(lambda: bot.connector.gate.waiting)  # parked at Teams
    assert not bot.connector.updates_of(posted.activity_id)
    bot.connector.gate.release()
    (update,) = await bot.connector.wait_for(lambda: bot.connector.updates_of(posted.activity_id))
    assert update.text == posted.text and "Ny fase: Idémyldring." in update.text
    assert "refresh" in (update.card or {}) and has_text_box(update.card or {})

    await bot.say(HOST, "neste")  # the round closes
    await bot.connector.wait_for(
        lambda: [
            u
            for u in bot.connector.updates_of(posted.activity_id)
            if u.card and not has_text_box(u.card)
        ]
    )
    # Teams' own late fetch shows the closed card quietly; a press of "My ideas" is told why
    fetched = await bot.click(AUTHOR, update.card["refresh"]["action"]["data"], trigger="automatic")
    assert ABUSE in all_text(fetched) and "ble ikke sendt inn" not in all_text(fetched)
    pressed = await bot.click(AUTHOR, actions(posted.card or {})["idea.look"])
    assert "ble ikke sendt inn" in all_text(pressed) and not has_text_box(pressed)


async def test_hiding_outside_the_idea_round_leaves_the_closed_idea_card_alone(bot: Bot) -> None:
    submit = await bot.open_idea_round(HOST, checked_in=(AUTHOR,))
    await bot.click(AUTHOR, submit, {"idea": ABUSE})
    posted = idea_message(bot)
    await bot.say(HOST, "neste")  # group work: the idea card closes (one update)
    await bot.session_shows("Spørsmål 1")
    await bot.connector.wait_for(lambda: bot.connector.updates_of(posted.activity_id))
    hidden = await moderate(bot, ABUSE, "moderate.hide")
    assert "Skjult (1)" in all_text(hidden)
    assert len(bot.connector.updates_of(posted.activity_id)) == 1


async def test_the_refresh_lists_the_hosts_first_and_at_most_sixty_people(bot: Bot) -> None:
    crowd = [Person(f"Deltaker {n:02d}") for n in range(62)]
    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.join_form(crowd[0])
    await asyncio.gather(
        *(bot.click(p, actions(form)["join.confirm"], {"role": "citizen"}) for p in crowd)
    )
    await bot.session_shows("Sjekket inn: 62")
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    submit = await bot.idea_submit()
    await bot.click(crowd[61], submit, {"idea": ABUSE})
    await moderate(bot, ABUSE, "moderate.hide")
    posted = idea_message(bot).activity_id
    (update,) = await bot.connector.wait_for(lambda: bot.connector.updates_of(posted))
    listed = (update.card or {})["refresh"]["userIds"]
    assert len(listed) == 60 == len(set(listed)) and listed[0] == HOST.uid  # Teams' limit
    assert set(listed) <= {HOST.uid, *(p.uid for p in crowd)}
