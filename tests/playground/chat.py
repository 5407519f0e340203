"""The Agents Playground's chat page, as a person uses it: type, read cards, press buttons.

Cards are found by what they show, never by position: a card the bot updates or replaces
(an invoke answer) stays where it was, and the chat renders only messages near the view.
Labels match both English and bokmål: the Playground always sends locale en-US, Teams in
Norway sends nb-NO, and the bot answers in either.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

CARD = ".ac-adaptiveCard"
COMPOSE = '[data-lexical-editor="true"]'  # the message box is a Lexical editor, not an <input>


def label(english: str, bokmal: str) -> re.Pattern[str]:
    """A whole label in either language (button and radio names are matched exactly)."""
    return re.compile(f"^(?:{re.escape(english)}|{re.escape(bokmal)})$")


def text(english: str, bokmal: str) -> re.Pattern[str]:
    """A piece of card text in either language."""
    return re.compile(f"{re.escape(english)}|{re.escape(bokmal)}")


class Chat:
    def __init__(self, page: Page, screenshots: Path) -> None:
        self.page = page
        self.screenshots = screenshots
        screenshots.mkdir(parents=True, exist_ok=True)
        for old in screenshots.glob("*.png"):
            old.unlink()

    def open(self, welcome: re.Pattern[str]) -> None:
        """Wait for the bot's welcome card: the emulator reached the bot and the bot answered."""
        expect(self.card(has_text=welcome)).to_be_visible()
        hide_logs = self.page.get_by_title("Hide log panel")
        if hide_logs.count():  # more room for the chat; not needed for anything else
            hide_logs.click()

    def say(self, words: str) -> None:
        box = self.page.locator(COMPOSE)
        box.click()
        self.page.keyboard.type(words)
        self.page.keyboard.press("Enter")
        expect(box).to_have_text("")  # sent: the box empties once the message is posted

    def card(
        self,
        *,
        has_text: re.Pattern[str] | str | None = None,
        button: re.Pattern[str] | None = None,
    ) -> Locator:
        """The newest card that shows this text or has this button."""
        cards = self.page.locator(CARD)
        if has_text is not None:
            cards = cards.filter(has_text=has_text)
        if button is not None:
            cards = cards.filter(has=self.page.get_by_role("button", name=button))
        return cards.last

    def reply(self, pattern: re.Pattern[str]) -> Locator:
        """The newest plain-text message from the bot (or anyone) matching pattern."""
        return self.page.get_by_text(pattern).last

    def shot(self, name: str, focus: Locator | None = None) -> None:
        if focus is not None:
            focus.scroll_into_view_if_needed()
        self.page.screenshot(path=str(self.screenshots / f"{name}.png"))
