"""Near-duplicate ideas merged before the vote (issue 18), through /api/messages: the host's
prep card suggests groups of like ideas; merge, undo, take one out, ignore, merge by hand;
the vote shows one candidate; the summary and the export keep every idea; once the vote
opens nothing merges and the open round is unchanged."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from tests.e2e.conftest import Bot, BotMaker
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text, walk

HOST = Person("Hanne Vert")
VOTERS = [Person(f"Velger {i}") for i in range(4)]
IDEAS = [
    "Bedre belysning langs skoleveien",
    "Mer lys langs skoleveien om morgenen",
    "Gatelys langs skolevegen",
    "Gåbuss til skolen",
    "Sykkelparkering med tak",
    "Lavere fartsgrense forbi skolen",
    "Fartsdumper ved skolen",
    "Tak over sykkelparkeringen",
]


def buttons(card: dict[str, Any], verb: str) -> list[dict[str, Any]]:
    return [n["data"] for n in walk(card["body"]) if n.get("verb") == verb]


def groups(card: dict[str, Any]) -> list[set[str]]:
    """The suggested groups on a prep card, as sets of idea ids."""
    return [set(b["ids"].split(",")) for b in buttons(card, "merge.group")]


def vote_ids(card: dict[str, Any]) -> set[str]:
    return {b["idea"] for b in buttons(card, "vote.cast")}


def small(card: dict[str, Any]) -> bool:
    return len(json.dumps(card, ensure_ascii=False).encode()) <= 28 * 1024


async def to_prep(bot: Bot) -> dict[str, Any]:
    submit = await bot.open_idea_round(HOST)
    for n, text in enumerate(IDEAS):
        await bot.click(VOTERS[n % len(VOTERS)], submit, {"idea": text})
    for _ in range(3):  # groups 1 and 2, presentations: the vote is next
        await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Presentasjoner")
    host = await bot.host_view(HOST)
    return await bot.click(HOST, actions(host)["vote.prepare"])


async def test_suggest_merge_undo_vote_summary_and_export(make_bot: BotMaker) -> None:
    bot = await make_bot(PUBLIC_BASE_URL="https://digikok.example.no")
    prep = await to_prep(bot)
    assert "Ideer til avstemningen (8 av 8)" in all_text(prep)
    assert {"1", "2", "3"} in groups(prep) and {"5", "8"} in groups(prep)
    assert small(prep)
    lights = next(
        b for b in buttons(prep, "merge.group") if set(b["ids"].split(",")) == {"1", "2", "3"}
    )

    refused = await bot.click(VOTERS[0], lights, {lights["pick"]: "2"})
    assert "bare verten" in all_text(refused).lower()

    # merge the lights, keeping idea 2's text; a redelivered click changes nothing more
    merged = await bot.click(HOST, lights, {lights["pick"]: "2"})
    text = all_text(merged)
    assert "Slått sammen." in text and "Ideer til avstemningen (6 av 6)" in text
    assert "slått sammen med 2 like ideer" in text
    assert "Bedre belysning langs skoleveien" not in text.split("Like ideer")[0]
    assert {"1", "2", "3"} not in groups(merged)
    # the author of idea 1 sees on their own idea card where it went; others see nothing
    submit = await bot.idea_submit()
    own = all_text(await bot.click(VOTERS[0], submit, {"idea": ""}))
    assert "I avstemningen står: Mer lys langs skoleveien om morgenen" in own
    other = all_text(await bot.click(VOTERS[3], submit, {"idea": ""}))
    assert "I avstemningen står" not in other

    # undo, then merge again with the representative's text (the default pick)
    undo = next(b for b in buttons(merged, "merge.undo") if b["item"] == "2")
    undone = await bot.click(HOST, undo)
    assert "Sammenslåingen er angret." in all_text(undone)
    assert "Ideer til avstemningen (8 av 8)" in all_text(undone)
    again = await bot.click(HOST, undo)
    assert "ikke slått sammen" in all_text(again)

    # take the roof out of the bikes' group; ignore the speed group
    bikes = next(b for b in buttons(undone, "merge.out") if b["item"] == "8")
    taken = await bot.click(HOST, bikes)
    assert "blir ikke foreslått sammen igjen" in all_text(taken)
    assert {"5", "8"} not in groups(taken)
    speed = next(b for b in buttons(taken, "merge.ignore") if b["ids"] in ("6,7", "7,6"))
    ignored = await bot.click(HOST, speed)
    assert {"6", "7"} not in groups(ignored) and "Ideer til avstemningen (8 av 8)" in all_text(
        ignored
    )

    # by hand: the first number's text stays
    hand = actions(taken)["merge.hand"]
    bad = await bot.click(HOST, hand, {"merge_ids": "1, 99"})
    assert "Finner ikke alle" in all_text(bad)
    by_hand = await bot.click(HOST, hand, {"merge_ids": "2, 1, 3"})
    assert "Ideer til avstemningen (6 av 6)" in all_text(by_hand)
    late_pick = await bot.click(HOST, actions(by_hand)["merge.hand"], {"merge_ids": "5 8"})
    assert "Ideer til avstemningen (5 av 5)" in all_text(late_pick)

    await bot.say(HOST, "neste")  # the vote opens: one candidate for the lights
    card = await bot.wait_card("Prioritering: gi stemmene dine")
    assert vote_ids(card) == {"2", "4", "5", "6", "7"}
    assert "Mer lys langs skoleveien om morgenen" in all_text(card)
    assert "Gatelys langs skolevegen" not in all_text(card)

    # merging is refused now, and the open round does not change
    for data in (undo, hand):
        answer = await bot.click(HOST, data, {"merge_ids": "4, 6"})
        assert "Slått sammen" not in all_text(answer) and "angret" not in all_text(answer)
    cast = {b["idea"]: b for b in buttons(card, "vote.cast") if b["delta"] == 1}
    for voter in VOTERS:
        await bot.click(voter, cast["2"])
        await bot.click(voter, cast["6"])
    await bot.click(VOTERS[0], cast["4"])
    assert bot.redis is not None
    tally = await bot.redis.hgetall(next(iter(await _keys(bot, "tally:1"))))
    assert tally == {"2": "4", "4": "1", "5": "0", "6": "4", "7": "0"}

    await bot.say(HOST, "neste")  # the vote closes
    await bot.say(HOST, "avslutt")
    summary = await bot.wait_card("Oppsummering av Digikok")
    text = all_text(summary)
    assert "Mer lys langs skoleveien om morgenen (+2 like ideer)" in text
    assert "Sykkelparkering med tak (+1 like ideer)" in text
    assert "Gatelys langs skolevegen" not in text
    assert small(summary)

    await bot.say(HOST, "eksport")
    export = await bot.wait_card("Eksport av Digikoken")
    md_url, csv_url = [a["url"] for a in export["actions"]]
    minutes = await (await bot.client.get(_path(md_url))).text()
    assert (
        "## Sammenslåtte ideer\n\n"
        "- Mer lys langs skoleveien om morgenen\n"
        "  - Bedre belysning langs skoleveien\n"
        "  - Gatelys langs skolevegen\n"
        "- Sykkelparkering med tak\n"
        "  - Tak over sykkelparkeringen\n"
    ) in minutes
    for idea in IDEAS:  # every member idea is kept
        assert idea in minutes
    rows = (await (await bot.client.get(_path(csv_url))).text()).split("\r\n")
    assert rows[0].endswith(",merged_into")
    into = {r.split(",")[1]: r.split(",")[-1] for r in rows[1:] if r.startswith("idea,")}
    assert into == {"1": "2", "2": "", "3": "2", "4": "", "5": "", "6": "", "7": "", "8": "5"}


async def _keys(bot: Bot, suffix: str) -> list[str]:
    assert bot.redis is not None
    return [k async for k in bot.redis.scan_iter(match=f"dk:*:{suffix}")]


def _path(url: str) -> str:
    return urlparse(url).path + "?" + urlparse(url).query


async def test_many_ideas_keep_the_prep_card_small(bot: Bot) -> None:
    submit = await bot.open_idea_round(HOST)
    topics = ["belysning", "fotgjengerfelt", "sykkelvei", "gåbuss", "fartsdumper"]
    for n in range(60):
        text = f"Bedre {topics[n % 5]} langs skoleveien " + "og mer til " * 80
        await bot.click(VOTERS[n % len(VOTERS)], submit, {"idea": text[:900]})
    for _ in range(3):
        await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Presentasjoner")
    host = await bot.host_view(HOST)
    prep = await bot.click(HOST, actions(host)["vote.prepare"])
    assert groups(prep) and small(prep)
    assert "… og" in all_text(prep)


async def test_merging_already_during_the_idea_round(bot: Bot) -> None:
    submit = await bot.open_idea_round(HOST)
    for n, text in enumerate(IDEAS[:4]):
        await bot.click(VOTERS[n], submit, {"idea": text})
    await bot.session_shows("Nå: Idémyldring")
    host = await bot.host_view(HOST)
    early = await bot.click(HOST, {**actions(host)["phase.next"], "action": "vote.prepare"})
    assert buttons(early, "vote.toggle") == [] and "vote.add" not in actions(early)
    assert groups(early) == [{"1", "2", "3"}]
    lights = buttons(early, "merge.group")[0]
    merged = await bot.click(HOST, lights, {lights["pick"]: "3"})
    assert "Slått sammen." in all_text(merged)
    for _ in range(3):
        await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Presentasjoner")
    prep = await bot.click(HOST, actions(await bot.host_view(HOST))["vote.prepare"])
    assert "Ideer til avstemningen (2 av 2)" in all_text(prep)
    assert "slått sammen med 2 like ideer" in all_text(prep) and groups(prep) == []


async def test_a_groups_top_three_merges_like_an_idea(bot: Bot) -> None:
    """A group's top-3 input ("g<input id>") is a candidate like any idea: suggested with
    the idea round's wording of it, merged, and the group's board stays as written."""
    from tests.e2e.test_groups import PEOPLE, ROLES, board_showing, boards, forms

    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.click(PEOPLE[0], actions(bot.session_card())["join.open"])
    for person, role in zip(PEOPLE, ROLES, strict=True):
        await bot.click(person, actions(form)["join.confirm"], {"role": role, "department": ""})
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    submit = await bot.idea_submit()
    await bot.click(PEOPLE[0], submit, {"idea": "Bedre belysning langs skoleveien"})
    await bot.click(PEOPLE[1], submit, {"idea": "Gåbuss til skolen"})
    await bot.say(HOST, "neste")  # groups, question 1
    await bot.session_shows("Spørsmål 1")
    await bot.say(HOST, "neste")  # question 2
    await bot.session_shows("Spørsmål 2")
    first = next(
        c.body["activity"]["attachments"][0]["content"]
        for c in bot.connector.of("create")
        if c.body["activity"]["attachments"][0]["content"]["body"][0]["text"].startswith("Gruppe 1")
    )
    member = next(p for p in PEOPLE if p.uid in str(first["msteams"]["entities"]))
    for text in ("Mer lys langs skoleveien om morgenen", "Fartsdumper", "Skolepatrulje"):
        await bot.click(member, forms(bot, 2)[1][1], {"input": text})
    board = await board_showing(bot, 1, "Innspill (3)")
    plus = [n["data"] for n in walk(board["body"]) if n.get("verb") == "group.vote"]
    for vote in plus:
        if vote["delta"] == 1:
            await bot.click(member, vote)
    for _ in range(3):  # presentations: groups 1, 2 and 3; the vote is next
        await bot.say(HOST, "neste")
    await bot.session_shows("Gruppe 3 av 3 presenterer nå.")
    prep = await bot.click(HOST, actions(await bot.host_view(HOST))["vote.prepare"])
    lights = next(b for b in buttons(prep, "merge.group") if "1" in b["ids"].split(","))
    ids = lights["ids"].split(",")
    assert len(ids) == 2 and any(i.startswith("g") for i in ids)
    merged = await bot.click(HOST, lights, {lights["pick"]: "1"})
    assert "slått sammen med 1 like ideer" in all_text(merged)
    await bot.say(HOST, "neste")
    vote = all_text(await bot.wait_card("Prioritering: gi stemmene dine"))
    assert "Bedre belysning langs skoleveien" in vote
    assert "Mer lys langs skoleveien om morgenen" not in vote
    assert "Fartsdumper" in vote  # the group's other picks are in as they were
    assert "Mer lys langs skoleveien om morgenen" in all_text(boards(bot)[1][1])
