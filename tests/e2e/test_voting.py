"""A vote round through /api/messages (issue 5): own dots in the invoke answer, limits held,
totals hidden until close, the ranking on the card and in the summary, pages, round two."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from tests.e2e.conftest import Bot, BotMaker
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text, walk

HOST = Person("Hanne Vert")
VOTERS = [Person(f"Velger {i}") for i in range(6)]


def vote_buttons(card: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    """(idea id, +1/-1) → the button's data, for every vote button on the card."""
    return {
        (n["data"]["idea"], n["data"]["delta"]): n["data"]
        for n in walk(card["body"])
        if n.get("type") == "Action.Execute" and n.get("verb") == "vote.cast"
    }


async def to_voting(bot: Bot, ideas: list[str], template_steps: int = 4) -> dict[str, Any]:
    submit = await bot.open_idea_round(HOST)
    for n, text in enumerate(ideas):
        await bot.click(VOTERS[n % len(VOTERS)], submit, {"idea": text})
    for _ in range(template_steps):
        await bot.say(HOST, "neste")
    return await bot.wait_card("Prioritering: gi stemmene dine")


async def test_a_vote_round_end_to_end(bot: Bot) -> None:
    ideas = ["Gåbuss", "Fotgjengerfelt", "Sykkelvei", "Lavere fart"]
    card = await to_voting(bot, ideas)
    assert "Du har 3 stemmer og kan gi høyst 2 til én idé." in all_text(card)
    assert "Stemmer:" not in all_text(card)  # totals hidden while voting
    buttons = vote_buttons(card)
    by_text = dict(zip(ideas, sorted({i for i, _ in buttons}, key=int), strict=True))

    first = await bot.click(VOTERS[0], buttons[(by_text["Sykkelvei"], 1)])
    assert "Stemmen er registrert. Du har 2 igjen." in all_text(first)
    assert "Dine stemmer her: 1" in all_text(first) and "Stemmer:" not in all_text(first)
    await bot.click(VOTERS[0], buttons[(by_text["Sykkelvei"], 1)])
    capped = await bot.click(VOTERS[0], buttons[(by_text["Sykkelvei"], 1)])
    assert "høyst 2 stemmer til én idé" in all_text(capped)
    await bot.click(VOTERS[0], buttons[(by_text["Gåbuss"], 1)])
    spent = await bot.click(VOTERS[0], buttons[(by_text["Lavere fart"], 1)])
    assert "brukt alle de 3 stemmene dine" in all_text(spent)
    moved = await bot.click(VOTERS[0], buttons[(by_text["Gåbuss"], -1)])
    assert "Stemmen er tatt tilbake. Du har 1 igjen." in all_text(moved)
    await bot.click(VOTERS[0], buttons[(by_text["Lavere fart"], 1)])  # the vote moved
    for voter in VOTERS[1:]:
        await bot.click(voter, buttons[(by_text["Sykkelvei"], 1)])
        await bot.click(voter, buttons[(by_text["Fotgjengerfelt"], 1)])

    forged = dict(buttons[(by_text["Gåbuss"], 1)], idea="12345")
    assert "ikke med i denne avstemningen" in all_text(await bot.click(VOTERS[1], forged))
    wrong_round = dict(buttons[(by_text["Gåbuss"], 1)], round=2)
    assert "stengt" in all_text(await bot.click(VOTERS[1], wrong_round))
    silly = dict(buttons[(by_text["Gåbuss"], 1)], delta=5)
    assert "forsto jeg ikke" in all_text(await bot.click(VOTERS[1], silly))
    assert "bare verten" not in all_text(await bot.click(HOST, buttons[(by_text["Gåbuss"], 1)]))

    await bot.say(HOST, "neste")  # → actions: the vote closes
    vote_card_id = next(
        s.activity_id
        for s in bot.connector.of("send")
        if s.card and "Prioritering: gi stemmene dine" in all_text(s.card)
    )
    closed = await bot.connector.wait_for(
        lambda: next(
            (s.card for s in bot.connector.of("update") if s.activity_id == vote_card_id), None
        )
    )
    text = all_text(closed)
    assert "Resultat (7 har stemt)" in text  # six voters and the host
    assert text.index("1. Sykkelvei · stemmer: 7") < text.index("2. Fotgjengerfelt · stemmer: 5")
    # a tie is shown in the order the ideas came in
    assert text.index("3. Gåbuss · stemmer: 1") < text.index("4. Lavere fart · stemmer: 1")
    late = await bot.click(VOTERS[2], buttons[(by_text["Gåbuss"], 1)])
    assert "Avstemningen er stengt" in all_text(late) and vote_buttons(late) == {}
    await bot.say(HOST, "avslutt")
    summary = await bot.wait_card("Oppsummering av Digikok")
    text = all_text(summary)
    assert "Rangert etter stemmer" in text and "1. Sykkelvei · stemmer: 7" in text


IDEAS = "Ideer"  # issue 16: "Ideer 21–40", which says what the page shows, not "Neste 21–40"


async def test_many_ideas_page_by_twenty_and_stay_small(bot: Bot) -> None:
    ideas = [f"Idé nummer {n} " + "x" * 900 for n in range(45)]
    card = await to_voting(bot, ideas)
    assert len(vote_buttons(card)) == 40  # 20 ideas, + and −
    assert "Viser idé 1–20 av 45." in all_text(card)
    titles = [n.get("title") for n in walk(card.get("actions", [])) if n.get("verb")]
    assert titles == [f"{IDEAS} 21–40 →"]  # the page turn says which ideas it shows
    nxt = await bot.click(VOTERS[0], actions(card)["vote.page"])
    assert "Viser idé 21–40 av 45." in all_text(nxt) and "Idé nummer 20 " in all_text(nxt)
    pages = {n.get("title"): n["data"] for n in walk(nxt.get("actions", [])) if n.get("verb")}
    assert set(pages) == {f"← {IDEAS} 1–20", f"{IDEAS} 41–45 →"}
    last = await bot.click(VOTERS[0], pages[f"{IDEAS} 41–45 →"])
    assert "Viser idé 41–45 av 45." in all_text(last)
    voted = await bot.click(VOTERS[0], next(iter(vote_buttons(last).values())))
    assert "Viser idé 41–45 av 45." in all_text(voted)  # the answer stays on that page
    import json

    for shown in (card, nxt, last, voted):
        assert len(json.dumps(shown, ensure_ascii=False).encode()) <= 28 * 1024


async def test_problems_first_second_round_takes_the_top_ones(make_bot: BotMaker) -> None:
    """Round 2 takes exactly the top 10 by a rule the session card states, and the export
    has both rounds' votes."""
    bot = await make_bot(PUBLIC_BASE_URL="https://digikok.example.no")
    await bot.say(HOST, "start Trygg skolevei")
    await bot.say(HOST, "innstillinger")
    setup = await bot.wait_card("Sett opp Digikoken")
    applied = await bot.click(
        HOST, actions(setup)["setup.template"], {"template": "problems_first"}
    )
    await bot.click(HOST, actions(applied)["setup.save"], {"votes_per_person": "1"})
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    submit = await bot.idea_submit()
    problems = [f"Problem {n}" for n in range(12)]
    for n, text in enumerate(problems):
        await bot.click(VOTERS[n % 6], submit, {"idea": text})
    await bot.say(HOST, "neste")
    card = await bot.wait_card("Prioritering: gi stemmene dine")
    await bot.session_shows(
        "De 10 med flest stemmer går videre til runde 2. Står flere likt på grensen, går den "
        "som kom først inn videre."
    )
    buttons = vote_buttons(card)
    ids = sorted({i for i, _ in buttons}, key=int)
    for n, voter in enumerate(VOTERS):  # 6 voters × 1 vote each
        await bot.click(voter, buttons[(ids[n], 1)])
    for _ in range(4):  # groups 1, groups 2, presentations, voting round 2
        await bot.say(HOST, "neste")
    second = await bot.wait_card("Prioritering, runde 2")
    # the top 10: the six problems that got a vote, then (a tie at 0) the earliest four
    assert {i for i, _ in vote_buttons(second)} == set(ids[:6]) | set(ids[6:10])
    await bot.session_shows("Her står de 10 med flest stemmer fra runde 1. Sto flere likt")
    await bot.click(VOTERS[0], vote_buttons(second)[(ids[9], 1)])

    await bot.say(HOST, "avslutt")
    await bot.wait_card("Oppsummering av Digikok")
    await bot.say(HOST, "eksport")
    export = await bot.wait_card("Eksport av Digikoken")
    csv_url = export["actions"][1]["url"]
    answer = await bot.client.get(urlparse(csv_url).path + "?" + urlparse(csv_url).query)
    rows = [r.split(",") for r in (await answer.text()).split("\r\n") if r]
    head = rows[0]
    assert head[5:7] == ["votes_round_1", "votes_round_2"]
    votes = {r[1]: (r[5], r[6]) for r in rows[1:] if r[0] == "idea"}
    assert votes[ids[0]] == ("1", "0") and votes[ids[9]] == ("0", "1")
    assert votes[ids[11]] == ("0", "")  # not in round 2


async def test_hosts_choose_what_is_voted_on_before_the_round_opens(bot: Bot) -> None:
    ideas = ["Behold", "Ta ut", "Også med"]
    submit = await bot.open_idea_round(HOST)
    for n, text in enumerate(ideas):
        await bot.click(VOTERS[n], submit, {"idea": text})
    for _ in range(3):  # groups 1 and 2, presentations: the vote is next
        await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Presentasjoner")
    host = await bot.host_view(HOST)
    prep = await bot.click(HOST, actions(host)["vote.prepare"])
    assert "Ideer til avstemningen (3 av 3)" in all_text(prep)
    refused = await bot.click(VOTERS[0], actions(host)["vote.prepare"])
    assert "bare verten" in all_text(refused).lower()
    toggles = {
        n["data"]["item"]: n["data"] for n in walk(prep["body"]) if n.get("verb") == "vote.toggle"
    }
    out = await bot.click(HOST, toggles["2"])
    assert "Ideer til avstemningen (2 av 3)" in all_text(out)
    # the host adds an idea of their own; an empty one is refused and changes nothing
    empty = await bot.click(HOST, actions(out)["vote.add"], {"idea": "  "})
    assert "Ideer til avstemningen (2 av 3)" in all_text(empty)
    added = await bot.click(HOST, actions(out)["vote.add"], {"idea": "Vertens egen idé"})
    assert "Lagt til" in all_text(added) and "Ideer til avstemningen (3 av 4)" in all_text(added)
    forged = await bot.click(VOTERS[0], actions(out)["vote.add"], {"idea": "Snik"})
    assert "bare verten" in all_text(forged).lower()
    await bot.say(HOST, "neste")
    card = await bot.wait_card("Prioritering: gi stemmene dine")
    assert "Behold" in all_text(card) and "Også med" in all_text(card)
    assert "Vertens egen idé" in all_text(card) and "Snik" not in all_text(card)
    assert "Ta ut" not in all_text(card) and len(vote_buttons(card)) == 6


async def test_the_last_dot_of_everyone_checked_in_is_said_once(bot: Bot) -> None:
    """Readiness after the last dot runs as an effect, off the click's path (issue 13)."""
    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.click(VOTERS[0], actions(bot.session_card())["join.open"])
    await bot.click(VOTERS[0], actions(form)["join.confirm"], {"role": "citizen"})
    await bot.say(HOST, "neste")
    await bot.say(HOST, "neste")
    submit = await bot.idea_submit()
    for text in ("Gåbuss", "Sykkelvei"):
        await bot.click(VOTERS[1], submit, {"idea": text})
    for _ in range(4):
        await bot.say(HOST, "neste")
    card = await bot.wait_card("Prioritering: gi stemmene dine")
    plus = [data for (_, delta), data in vote_buttons(card).items() if delta == 1]
    for data in (plus[0], plus[0], plus[1]):
        assert "Stemmen er registrert" in all_text(await bot.click(VOTERS[0], data))
    said = "Alle som har sjekket inn, har brukt alle stemmene sine."
    await bot.wait_text(said)
    await bot.click(VOTERS[0], {**plus[1], "delta": -1})
    await bot.click(VOTERS[0], plus[1])  # done again: not said twice
    assert sum(t.startswith(said) for t in bot.connector.texts()) == 1
