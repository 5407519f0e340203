"""Odd activities and refusals are answered calmly (found by fuzzing, outside auth): a label key
missing from the catalogues, a connector refusal logged as our own error with a trace, and
a `membersAdded` list holding null.
"""

from __future__ import annotations

import pytest

from tests.fakes.activities import Person
from tests.harness.teams import Teams
from tests.security.conftest import errors_in

HOST = Person("Hanne Vert")


async def test_settings_of_a_running_session_have_a_save_label(
    plain_bot: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    await plain_bot.say(HOST, "start Bedre skolevei")  # check-in is open: settings may change
    await plain_bot.say(HOST, "innstillinger")
    card = next(s.card for s in reversed(plain_bot.connector.sent) if s.card)
    titles = {a["verb"]: a["title"] for a in card["actions"] if a.get("verb")}
    assert titles["setup.save"] != "setup.save"  # the raw key would be the button's label
    assert errors_in(caplog) == []


async def test_a_reply_the_connector_refuses_is_no_error(
    plain_bot: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    plain_bot.connector.failures.append(("send", 403, {}))  # Teams: the bot was removed
    await plain_bot.say(HOST, "hjelp")
    assert errors_in(caplog) == []


async def test_a_null_member_added_is_ignored(
    plain_bot: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    activity = plain_bot.place.bot_added(HOST)
    activity["membersAdded"] = [None, *activity["membersAdded"]]
    status, _ = await plain_bot.send(activity)
    assert status in (200, 201)
    assert errors_in(caplog) == []
