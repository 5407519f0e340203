"""What the host takes away (issue 6): actions with owners, the summary, the signed export,
history, deletion, retention — and proof from the store that ideas and votes stay anonymous."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlparse

import pytest
from redis.asyncio import Redis

from tests.e2e.conftest import Bot, BotMaker
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text, walk
from tests.fakes.clock import FakeClock

HOST = Person("Hanne Vert")
OWNER = Person("Olga Eier")
PEOPLE = [OWNER] + [Person(f"Deltaker Nummer{i}") for i in range(5)]
IDEAS = ["Gåbuss hver morgen", "Flere fotgjengerfelt", '=HYPERLINK("x") farlig celle']


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        n["data"]["idea"] + str(n["data"]["delta"]): n["data"]
        for n in walk(card["body"])
        if n.get("type") == "Action.Execute" and n.get("verb") == "vote.cast"
    }


async def run_session(bot: Bot) -> dict[str, Any]:
    """A full session up to the actions phase; returns the host's actions card."""
    await bot.say(HOST, "start Bedre skolevei")
    join = actions(bot.session_card())["join.open"]
    form = await bot.click(OWNER, join)
    for n, person in enumerate(PEOPLE):
        role = "citizen" if n < 2 else "employee"
        await bot.click(
            person, actions(form)["join.confirm"], {"role": role, "department": "Skole"}
        )
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    submit = await bot.idea_submit()
    for n, text in enumerate(IDEAS):
        await bot.click(PEOPLE[n], submit, {"idea": text})
    for _ in range(6):  # groups 1 and 2, three groups presenting, then the vote
        await bot.say(HOST, "neste")
    vote = buttons(await bot.wait_card("Prioritering: gi stemmene dine"))
    ids = sorted({k[:-1] for k in vote if k.endswith("1") and not k.endswith("-1")}, key=int)
    for person in PEOPLE:
        await bot.click(person, vote[ids[1] + "1"])
    await bot.click(PEOPLE[0], vote[ids[0] + "1"])
    await bot.say(HOST, "neste")  # → actions
    await bot.session_shows("Nå: Tiltak")
    host = await bot.host_view(HOST)
    return await bot.click(HOST, actions(host)["action.open"])


async def test_actions_summary_export_history_and_delete(
    make_bot: BotMaker, redis: Redis, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = await make_bot(PUBLIC_BASE_URL="https://digikok.example.no")
    card = await run_session(bot)
    assert "Ingen tiltak ennå" in all_text(card)
    picker = next(n for n in walk(card["body"]) if n.get("id") == "owner")
    assert picker["choices.data"]["dataset"] == "graph.microsoft.com/users"
    assert picker["fallback"]["type"] == "TextBlock"  # clients without the picker
    prefilled = await bot.click(
        HOST, actions(card)["action.prefill"], {"from_idea": "2"}
    )  # the top idea after the vote
    text_field = next(n for n in walk(prefilled["body"]) if n.get("id") == "text")
    assert text_field["value"] == "Flere fotgjengerfelt"
    save = actions(prefilled)["action.save"]
    refused = await bot.click(HOST, save, {"text": " ", "due": "2020-01-01"})
    assert "Skriv hva som skal gjøres." in all_text(refused)
    assert "Hvert tiltak trenger en ansvarlig" in all_text(refused)
    assert "Fristen kan ikke være før i dag." in all_text(refused)
    saved = await bot.click(
        HOST,
        save,
        {"text": "Male fotgjengerfelt ved skolen", "owner": OWNER.aad, "due": "2026-12-24"},
    )
    assert "Tiltaket er lagret." in all_text(saved)
    assert "Ansvarlig: Olga Eier" in all_text(saved)  # the picker's AAD id, named from roster
    saved = await bot.click(
        HOST,
        actions(saved)["action.save"],
        {"text": "Søke om gåbuss-midler", "owner_text": "Rektor Berg"},
    )
    edit = next(
        n["data"]
        for n in walk(saved["body"])
        if n.get("verb") == "action.edit" and n["data"]["item"] == "2"
    )
    editing = await bot.click(HOST, edit)
    edited = await bot.click(
        HOST,
        actions(editing)["action.save"],
        {"text": "Søke om midler til gåbuss", "owner_text": "Rektor Berg", "due": "2026-12-28"},
    )
    assert "Søke om midler til gåbuss" in all_text(edited)
    forged = await bot.click(
        PEOPLE[3], actions(edited)["action.save"], {"text": "Kapret", "owner_text": "Meg"}
    )
    assert "bare verten" in all_text(forged).lower()
    extra = await bot.click(
        HOST, actions(edited)["action.save"], {"text": "Midlertidig", "owner_text": "Noen"}
    )
    remove = next(
        n["data"]
        for n in walk(extra["body"])
        if n.get("verb") == "action.remove" and n["data"]["item"] == "3"
    )
    assert "Tiltaket er fjernet." in all_text(await bot.click(HOST, remove))

    clock.advance(45 * 60)
    await bot.say(HOST, "avslutt")
    summary = await bot.wait_card("Oppsummering av Digikok")
    text = all_text(summary)
    for expected in (
        "Bedre skolevei",
        "Varighet: 45 min",
        "Deltakere: 6",
        "Innbygger",
        "Rangert etter stemmer",
        "1. Flere fotgjengerfelt · stemmer: 6",
        "Tiltak (2)",
        "• Male fotgjengerfelt ved skolen",
        "Ansvarlig: Olga Eier · Frist: 2026-12-24",
        "Ansvarlig: Rektor Berg",
        "skriv «eksport»",
        "Ideer: 3",
    ):
        assert expected in text, expected
    chart = next(n for n in walk(summary["body"]) if n.get("type") == "Chart.HorizontalBar")
    assert chart["fallback"] == "drop" and chart["data"][0]["y"] == 6

    await bot.wait_card("Oppfølging av tiltakene")  # follow-up has begun: the CSV shows it
    await bot.ask(HOST, "eksport", "Jeg har sendt deg eksporten i personlig chat.")
    export = await bot.wait_card("Eksport av Digikoken")
    sent_to = [s for s in bot.connector.of("send") if s.card is export][0].conversation_id
    assert sent_to.startswith("a:personal-")
    md_url, csv_url = [a["url"] for a in export["actions"]]
    assert md_url.startswith("https://digikok.example.no/export/")
    md = await bot.client.get(urlparse(md_url).path + "?" + urlparse(md_url).query)
    assert md.status == 200 and md.headers["Content-Type"].startswith("text/markdown")
    minutes = await md.text()
    sid = urlparse(md_url).path.split("/")[-1].split(".")[0]
    assert minutes == EXPECTED_MD
    csv_answer = await bot.client.get(urlparse(csv_url).path + "?" + urlparse(csv_url).query)
    assert await csv_answer.text() == EXPECTED_CSV
    await assert_refused(bot, md_url)
    await bot.say(PEOPLE[2], "eksport")
    assert sum("bare verten" in t.lower() for t in bot.connector.texts()) == 1

    await assert_anonymous(bot, redis, caplog, [minutes, await csv_answer.text()])
    await assert_retention(redis, sid)

    await bot.say(PEOPLE[4], "historikk")
    history = await bot.wait_card("Tidligere Digikoker her (1)")
    shown = await bot.click(PEOPLE[4], actions(history)["history.summary"])
    assert "Oppsummering av Digikok" in all_text(shown)

    await bot.say(PEOPLE[1], "slett")
    await bot.say(HOST, "slett")
    check = await bot.wait_card("Slette Digikoken?")
    refused = await bot.click(PEOPLE[1], actions(check)["session.delete"])
    assert "bare verten" in all_text(refused).lower()
    done = await bot.click(HOST, actions(check)["session.delete"])
    assert "Alt om «Bedre skolevei» er slettet." in all_text(done)
    left = [k async for k in redis.scan_iter(match=f"*{sid}*")]
    assert left == []
    assert (
        await bot.client.get(urlparse(md_url).path + "?" + urlparse(md_url).query)
    ).status == 403
    await bot.say(HOST, "historikk")
    await bot.wait_card("Tidligere Digikoker her (0)")

    clock.advance(25 * 3600)


async def assert_refused(bot: Bot, url: str) -> None:
    """Tampered, wrong-format and expired links are the same 403 and reveal nothing."""
    parts = urlparse(url)
    bad = [
        parts.path + "?" + parts.query.replace("sig=", "sig=0"),
        parts.path.replace(".md", ".csv") + "?" + parts.query,
        parts.path.replace(".md", ".txt") + "?" + parts.query,
        "/export/0000000000000000.md?" + parts.query,
        parts.path + "?" + parts.query.replace("exp=", "exp=9"),
    ]
    bodies = set()
    for path in bad:
        answer = await bot.client.get(path)
        assert answer.status == 403, path
        bodies.add(await answer.text())
    assert len(bodies) == 1


async def assert_anonymous(
    bot: Bot, redis: Redis, caplog: pytest.LogCaptureFixture, exports: list[str]
) -> None:
    """Only the roster, the host fields and action owners may name people (issue 6)."""
    secrets = {p.name for p in PEOPLE[1:]} | {p.aad for p in PEOPLE} | {p.uid for p in PEOPLE}
    allowed_suffixes = (":roster", ":meta", ":actions", ":follow")  # follow: action owners
    reads = {
        "hash": redis.hgetall,
        "string": redis.get,
        "set": lambda k: redis.smembers(k),
        "list": lambda k: redis.lrange(k, 0, -1),
        "zset": lambda k: redis.zrange(k, 0, -1),
    }
    async for key in redis.scan_iter(match="dk:*"):
        kind = await redis.type(key)
        if kind == "none":
            continue  # a lease that expired while we looked
        value = await reads[kind](key)
        dump = key + json.dumps(
            sorted(value) if isinstance(value, set) else value, ensure_ascii=False
        )
        if key.endswith(allowed_suffixes):
            continue
        for secret in secrets:
            assert secret not in dump, (key, secret)
    for sent in bot.connector.sent:
        body = json.dumps(sent.body, ensure_ascii=False)
        if sent.kind == "create" and sent.body.get("members") == [{"id": OWNER.aad}]:
            continue  # the owner's 1:1 for the follow-up is opened by AAD id (issue 10 §3)
        for person in PEOPLE:
            assert person.aad not in body  # AAD ids never leave the store
        if any(idea[:20] in body for idea in IDEAS):
            # a card that shows ideas or votes names nobody (group cards name their members
            # to notify them, but carry group inputs, never the idea round's ideas)
            for person in PEOPLE[1:]:
                assert person.name not in body, person.name
    for text in exports:
        for person in PEOPLE[1:]:
            assert person.name not in text and person.aad not in text
    for record in caplog.records:
        line = record.getMessage() + json.dumps(vars(record), default=str, ensure_ascii=False)
        for secret in secrets | set(IDEAS) | {HOST.name, HOST.aad, HOST.uid}:
            assert secret not in line, (record.getMessage(), secret)


async def assert_retention(redis: Redis, sid: str) -> None:
    keys = [k async for k in redis.scan_iter(match=f"dk:{{{sid}}}:*")]
    assert len(keys) > 5
    for key in keys:
        if key.endswith(":pub"):
            continue  # the publisher's lease: it lives for an update interval only
        assert 0 < await redis.ttl(key) <= 30 * 86_400, key


EXPECTED_MD = """# Referat: Bedre skolevei

- Tid: 2026-12-01 10:00–10:45 (UTC)
- Vert: Hanne Vert

## Deltakere: 6

- Innbygger: 2
- Ansatt: 4

## Ideer: 3

1. Gåbuss hver morgen (stemmer i runde 1: 1)
2. Flere fotgjengerfelt (stemmer i runde 1: 6)
3. =HYPERLINK\\("x"\\) farlig celle (stemmer i runde 1: 0)

## Rangert etter stemmer

1. Flere fotgjengerfelt – 6
2. Gåbuss hver morgen – 1
3. =HYPERLINK\\("x"\\) farlig celle – 0

## Tiltak (2)

| Tiltak | Ansvarlig | Frist |
|---|---|---|
| Male fotgjengerfelt ved skolen | Olga Eier | 2026-12-24 |
| Søke om midler til gåbuss | Rektor Berg | 2026-12-28 |

Ideene er lagret uten navn: verten kan ikke se hvem som skrev hva.
"""
EXPECTED_CSV = (
    "type,id,group,category,text,votes_round_1,group_votes,owner,due,follow_up,merged_into\r\n"
    "idea,1,,,Gåbuss hver morgen,1,,,,,\r\n"
    "idea,2,,,Flere fotgjengerfelt,6,,,,,\r\n"
    'idea,3,,,"\'=HYPERLINK(""x"") farlig celle",0,,,,,\r\n'  # a formula cell is neutralised
    # the actions, with owner, due date and how the follow-up stands (issue 16)
    "action,1,,,Male fotgjengerfelt ved skolen,,,Olga Eier,2026-12-24,open,\r\n"
    "action,2,,,Søke om midler til gåbuss,,,Rektor Berg,2026-12-28,unreached,\r\n"
)


async def test_without_a_public_address_the_host_is_told_instead_of_a_dead_link(
    bot: Bot,
) -> None:
    """Issue 16: no PUBLIC_BASE_URL means links to http://localhost:<port>, which open for
    nobody in Teams. The host hears why, and no link is sent."""
    await bot.say(HOST, "start Bedre skolevei")
    await bot.session_shows("Nå: Innsjekk")
    await bot.ask(HOST, "eksport", "PUBLIC_BASE_URL er ikke satt")
    assert not [c for c in bot.connector.cards() if "Eksport av Digikoken" in all_text(c)]
    assert not any("/export/" in str(s.body) for s in bot.connector.sent)
