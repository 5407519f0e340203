"""Issue 7, "try it as a user would": a whole Digikok in Microsoft's own Teams emulator.

The bot (`python app.py`, embedded Redis, anonymous) and the Microsoft 365 Agents Playground
run as real processes; headless Chromium drives the Playground's page the way a person does.
The Playground has one user, who is host and participant at once, and cannot refresh cards
(`refresh`/`userIds`), so the host's buttons never show on the shared card: the host steers
with text commands. Every step saves a screenshot to playground/screenshots/latest/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Page, expect

    from tests.playground.chat import CARD, Chat, label, text
except ImportError:
    if os.environ.get("PLAYGROUND_REQUIRED") == "1":
        raise
    pytest.skip("the playwright package is not installed", allow_module_level=True)

TOPIC = "Bedre skolevei"
IDEAS = (
    "Gåbuss med voksne langs faste ruter",
    "Trygge krysninger ved skolen\nmed skolepatrulje om morgenen",  # multi-line on purpose
)

WELCOME = text("Digikok – how it works", "Digikok – slik gjør du")
CHECK_IN = label("Check in", "Sjekk inn")
CITIZEN = label("Citizen", "Innbygger")
CHECKED_IN_1 = text("Checked in: 1", "Sjekket inn: 1")
PITCH_STARTED = text("New phase: Expectations", "Ny fase: Forventninger")
IDEAS_STARTED = text("New phase: Idea round", "Ny fase: Idémyldring")
SEND_IDEA = label("Send idea", "Send idé")
SUMMARY = text("Digikok summary", "Oppsummering av Digikok")
IDEAS_2 = text("Ideas: 2", "Ideer: 2")
VOTE_TITLE = text("Prioritising: give your votes", "Prioritering: gi stemmene dine")
VOTE_COUNTED = text("Vote counted. You have 2 left.", "Stemmen er registrert. Du har 2 igjen.")
RANKED = text("Ranked by votes", "Rangert etter stemmer")


def mine(n: int) -> re.Pattern[str]:
    return text(f"Your ideas ({n})", f"Dine ideer ({n})")


def one_line(idea: str) -> str:
    return " ".join(idea.split())  # how to_contain_text compares: whitespace collapsed


def test_a_digikok_in_the_agents_playground(page: Page, screenshots: Path) -> None:
    chat = Chat(page, screenshots)
    chat.open(WELCOME)
    chat.shot("01-welcome")

    chat.say(f"start {TOPIC}")
    session = chat.card(has_text=TOPIC, button=CHECK_IN)
    expect(session).to_be_visible()
    chat.shot("02-session-card", session)

    # Check in: the button answers with a form in place of the card (an invoke response).
    session.get_by_role("button", name=CHECK_IN).click()
    form = page.locator(CARD).filter(has=page.get_by_role("radio", name=CITIZEN))
    expect(form.last).to_be_visible()
    form.last.get_by_role("radio", name=CITIZEN).check()
    form.last.get_by_role("textbox").fill("Foreldreutvalget")
    chat.shot("03-check-in-form", form.last)
    form.last.get_by_role("button", name=CHECK_IN).click()
    checked_in = chat.card(has_text=CHECKED_IN_1)
    expect(checked_in).to_be_visible()
    chat.shot("04-checked-in", checked_in)

    # The host's Next button needs a card refresh, which the Playground cannot do: use text.
    chat.say("neste")
    expect(chat.reply(PITCH_STARTED)).to_be_visible()
    chat.say("neste")
    expect(chat.reply(IDEAS_STARTED)).to_be_visible()
    idea_card = chat.card(button=SEND_IDEA)
    expect(idea_card).to_be_visible()
    chat.shot("05-idea-round", idea_card)

    for n, idea in enumerate(IDEAS, start=1):
        # Whichever card has the idea field (the newest one), not a card at a fixed place.
        chat.card(button=SEND_IDEA).locator("textarea").fill(idea)
        chat.card(button=SEND_IDEA).get_by_role("button", name=SEND_IDEA).click()
        receipt = chat.card(has_text=mine(n))  # the author's own list, in their answer only
        expect(receipt).to_contain_text(one_line(idea))
        chat.shot(f"06-idea-{n}-received", receipt)

    for _ in range(4):  # group work (questions 1 and 2), presentations, then the vote
        chat.say("neste")
    vote = chat.card(has_text=VOTE_TITLE)
    expect(vote).to_be_visible()
    chat.shot("07-vote-card", vote)
    vote.get_by_role("button").first.click()  # the "+" beside the first idea
    receipt = chat.card(has_text=VOTE_COUNTED)
    expect(receipt).to_be_visible()
    chat.shot("08-vote-counted", receipt)

    chat.say("avslutt")
    summary = chat.card(has_text=SUMMARY)
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(TOPIC)
    expect(summary).to_contain_text(IDEAS_2)
    for idea in IDEAS:
        expect(summary).to_contain_text(one_line(idea))
    expect(summary).to_contain_text(RANKED)
    chat.shot("09-summary", summary)
