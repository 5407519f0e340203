"""Issue 15, numbers through the real app: `forleng ²`, `flytt @x ²` and odd export links get
a clear answer (a refusal, or 403), never "noe gikk galt" or a 500."""

from __future__ import annotations

import pytest

from tests.e2e.test_follow_up import HOST, to_actions
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text
from tests.harness.teams import Teams
from tests.security.conftest import errors_in

KARI = Person("Kari Innbygger")


@pytest.mark.parametrize(
    "query",
    [
        "exp=%C2%B2&sig=" + "0" * 64,  # exp=²
        "exp=" + "9" * 5000 + "&sig=" + "0" * 64,
        "exp=%D9%A3&sig=" + "0" * 64,  # exp=٣ (Arabic-Indic three)
        "exp=2000000000&sig=" + "%C3%A9" * 64,  # sig=é…: compare_digest would raise
        "exp=2000000000&sig=%C3%A9",
        "exp=-1&sig=x",
        "",
    ],
)
async def test_an_odd_export_link_is_403_never_500(
    plain_bot: Teams, caplog: pytest.LogCaptureFixture, query: str
) -> None:
    for name in ("x.md", "x.csv", "x.pdf", "x"):
        response = await plain_bot.client.get(f"/export/{name}?{query}")
        assert response.status == 403, (name, query[:40])
    assert errors_in(caplog) == []


async def test_odd_minutes_and_group_numbers_get_a_clear_answer(
    plain_bot: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    await plain_bot.say(HOST, "start Bedre skolevei")
    await plain_bot.ask(HOST, "forleng ²", "helt tall fra 1 til 120")
    await plain_bot.post(
        plain_bot.place.message(HOST, "flytt <at>Kari Innbygger</at> ²", mentions=(KARI,))
    )
    await plain_bot.wait_text("@Digikok flytt @Kari 2")
    assert not [t for t in plain_bot.connector.texts() if "gikk galt" in t]
    assert errors_in(caplog) == []


async def test_an_action_due_after_retention_is_refused(plain_bot: Teams) -> None:
    """Issue 15: the record is deleted RETENTION_DAYS (30) after the end, so a due date whose
    reminder could never run is refused with the last day that works (1 Dec + 29 days)."""
    card = await to_actions(plain_bot)
    save = actions(card)["action.save"]
    late = await plain_bot.click(HOST, save, {"text": "Male fotgjengerfelt", "due": "2027-06-01"})
    assert "Velg en dato senest 2026-12-30" in all_text(late)
    assert "trenger en ansvarlig" in all_text(late)  # both errors at once
    save = actions(late)["action.save"]
    typed = {"text": "Male fotgjengerfelt", "owner_text": "Rektor Berg", "due": "2027-06-01"}
    late = await plain_bot.click(HOST, save, typed)
    assert "Velg en dato senest 2026-12-30" in all_text(late)
    assert "Tiltaket er lagret." not in all_text(late)
    save = actions(late)["action.save"]
    fine = await plain_bot.click(HOST, save, typed | {"due": "2026-12-30"})
    assert "Tiltaket er lagret." in all_text(fine)
