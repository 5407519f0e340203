"""Authors change their mind (issue 16): while the idea round is open an author edits or
withdraws their own idea from their own list on the idea card, still anonymously."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from bot.store import keys
from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import all_text, walk

HOST = Person("Hanne Vert")
KARI, OLA = Person("Kari Deltaker"), Person("Ola Deltaker")


def own(card: dict[str, Any], verb: str) -> list[dict[str, Any]]:
    return [n["data"] for n in walk(card) if isinstance(n, dict) and n.get("verb") == verb]


async def test_an_author_edits_and_withdraws_their_own_ideas(bot: Bot, redis: Redis) -> None:
    submit = await bot.open_idea_round(HOST)
    await bot.click(KARI, submit, {"idea": "Gåbus til skolen"})
    card = await bot.click(KARI, submit, {"idea": "Flere fotgjengerfelt"})
    await bot.click(OLA, submit, {"idea": "Lavere fart"})
    await bot.session_shows("Ideer sendt inn: 3")
    edits, withdraws = own(card, "idea.edit"), own(card, "idea.withdraw")
    assert len(edits) == 2 and len(withdraws) == 2  # only on the author's own answer

    # edit the typo; the text is checked as a new idea would be
    empty = await bot.click(KARI, edits[0], {edits[0]["field"]: "   "})
    assert "Gåbus til skolen" in all_text(empty) and "Ideen din er endret" not in all_text(empty)
    fixed = await bot.click(KARI, edits[0], {edits[0]["field"]: "Gåbuss til skolen"})
    assert "Ideen din er endret." in all_text(fixed) and "Gåbuss til skolen" in all_text(fixed)

    # someone else's press on Kari's idea (a forged card) changes nothing
    forged = await bot.click(OLA, withdraws[1])
    assert "finnes ikke blant dine" in all_text(forged)
    assert await redis.hlen(keys.ideas(submit["sid"])) == 3

    # withdraw: gone from the count, from Kari's list, and from the store
    gone = await bot.click(KARI, withdraws[1])
    assert "Ideen din er trukket tilbake." in all_text(gone)
    assert "Flere fotgjengerfelt" not in all_text(gone)
    await bot.session_shows("Ideer sendt inn: 2")
    texts = [v for v in (await redis.hgetall(keys.ideas(submit["sid"]))).values()]
    assert not any("fotgjengerfelt" in t for t in texts) and any("Gåbuss" in t for t in texts)
    again = await bot.click(KARI, withdraws[1])
    assert "finnes ikke blant dine" in all_text(again)

    # once the round is over, nothing is edited or withdrawn any more
    await bot.say(HOST, "neste")
    late = await bot.click(KARI, withdraws[0])
    assert "Idémyldringen er over" in all_text(late) or "over" in all_text(late).lower()
    assert await redis.hlen(keys.ideas(submit["sid"])) == 2
    summary_ideas = all_text(await bot.click(KARI, submit, {"idea": ""}))
    assert own(await bot.click(KARI, submit, {"idea": ""}), "idea.withdraw") == []
    assert "Gåbuss til skolen" in summary_ideas


async def test_an_author_looks_at_their_own_ideas_and_sees_what_the_host_hid(
    bot: Bot,
) -> None:
    from tests.e2e.test_moderation import HOST as MODERATOR
    from tests.e2e.test_moderation import moderation_card, row_for

    submit = await bot.open_idea_round(MODERATOR)
    await bot.click(KARI, submit, {"idea": "Noe stygt om rektor"})
    await bot.click(OLA, submit, {"idea": "Lavere fart"})
    look = next(n["data"] for n in walk(bot.idea_card()) if n.get("verb") == "idea.look")
    listing = await moderation_card(bot)
    await bot.click(MODERATOR, row_for(listing, "Noe stygt om rektor", "moderate.hide"))
    mine = all_text(await bot.click(KARI, look))  # nothing sent: the list as it is now
    assert "Noe stygt om rektor" in mine and "Skjult av verten" in mine
    assert "mottatt" not in mine and "tom" not in mine.lower()
    assert "Noe stygt" not in all_text(await bot.click(OLA, look))
