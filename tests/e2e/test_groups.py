"""Breakout groups through /api/messages (issue 4): mixed groups, their own threads with
mentions, group-only inputs, categories, a top-3 vote, and the plenary presentations."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text, walk

HOST = Person("Hanne Vert")
ROLES = (
    ["citizen"] * 3 + ["employee"] * 4 + ["business"] * 2 + ["student"] * 2 + ["volunteer", "other"]
)
PEOPLE = [Person(f"Person{n:02d} {role.title()}") for n, role in enumerate(ROLES)]
WHO = {p.uid: p for p in PEOPLE}


async def to_groups(bot: Bot, people: list[Person] = PEOPLE, roles: list[str] = ROLES) -> None:
    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.click(people[0], actions(bot.session_card())["join.open"])
    for person, role in zip(people, roles, strict=True):
        await bot.click(
            person,
            actions(form)["join.confirm"],
            {"role": role, "department": "Skole" if role == "employee" else ""},
        )
    for _ in range(3):  # pitch, ideas, groups question 1
        await bot.say(HOST, "neste")
    await bot.session_shows("Spørsmål 1")


def boards(bot: Bot) -> dict[int, Any]:
    """Group number → (conversation, newest board card) as the members see it now."""
    found = {}
    for sent in bot.connector.sent:
        card = sent.card
        if card and any(
            n.get("verb") in ("group.categorize", "group.vote")
            or "Innspill (" in str(n.get("text", ""))
            for n in walk(card["body"])
        ):
            title = card["body"][0]["text"]
            if title.startswith("Gruppe "):
                found[int(title.split()[1])] = (sent.conversation_id, card)
    return found


async def board_showing(bot: Bot, group: int, fragment: str) -> dict[str, Any]:
    """The group's newest board card, once it shows fragment (the publisher is coalesced)."""
    return await bot.connector.wait_for(
        lambda: fragment in all_text(boards(bot)[group][1]) and boards(bot)[group][1]
    )


def forms(bot: Bot, part: int) -> dict[int, Any]:
    found = {}
    for sent in bot.connector.of("send"):
        card = sent.card or {}
        data = actions(card).get("group.input")
        if data and data["part"] == part:
            found[data["g"]] = (sent.conversation_id, data)
    return found


async def vote_on_inputs(
    bot: Bot, person: Person, form: dict[str, Any], texts: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """person adds texts on their group's input form (question 2); once the group's board
    shows them all, its +1 buttons by input id."""
    group = form["g"]
    for text in texts:
        await bot.click(person, form, {"input": text})
    board = await board_showing(bot, group, f"Innspill ({len(texts)})")
    return {
        n["data"]["input"]: n["data"]
        for n in walk(board["body"])
        if n.get("verb") == "group.vote" and n["data"]["delta"] == 1
    }


async def test_channel_groups_threads_inputs_categories_top3_presentations(bot: Bot) -> None:
    await to_groups(bot)
    created = bot.connector.of("create")
    assert len(created) == 3  # one thread per group, in the session's channel
    assert {c.body["channelData"]["channel"]["id"] for c in created} == {bot.place.channel}
    members: dict[int, list[Person]] = {}
    for create in created:
        card = create.body["activity"]["attachments"][0]["content"]
        group = int(card["body"][0]["text"].split()[1])
        mentioned = [e["mentioned"]["id"] for e in card["msteams"]["entities"]]
        members[group] = [WHO[uid] for uid in mentioned]
        for person in members[group]:
            assert f"<at>{person.name}</at>" in all_text(card)
    sizes = sorted(len(m) for m in members.values())
    assert sizes == [4, 4, 5] and HOST.uid not in str(members)
    for group in members.values():  # every group has a citizen representative
        assert sum("Citizen" in p.name for p in group) == 1
    session = all_text(await bot.session_shows("Grupper (3)"))
    assert "Grupper (3) – hver gruppe har sin egen tråd" in session

    form = forms(bot, 1)
    assert {cid for cid, _ in form.values()} == {c.conversation_id for c in created}
    one, two = members[1][0], members[2][0]
    answer = await bot.click(one, form[1][1], {"input": "For mange biler ved skolen"})
    assert "Innspillet er lagt til" in all_text(answer)
    await bot.click(members[1][1], form[1][1], {"input": "Gode gangveier"})
    forged = await bot.click(two, form[1][1], {"input": "Kapret innspill"})
    assert "Bare medlemmene i denne gruppa" in all_text(forged)
    await bot.click(two, form[2][1], {"input": "Mørke kryss"})
    board = await board_showing(bot, 1, "Innspill (2)")
    assert (
        "Kapret" not in all_text(board)
        and "Person" not in all_text(board).split("Med i gruppa")[-1].split("Innspill")[-1]
    )
    buttons = {
        (n["data"]["input"], n["data"]["category"]): n["data"]
        for n in walk(board["body"])
        if n.get("verb") == "group.categorize"
    }
    barrier = next(d for (i, c), d in buttons.items() if c == "Barrierer")
    sorted_ = await bot.click(members[1][2], barrier)
    assert "Sortert under «Barrierer»" in all_text(sorted_)
    outsider = await bot.click(two, barrier)
    assert "Bare medlemmene" in all_text(outsider)

    await bot.say(HOST, "neste")  # question 2
    await bot.session_shows("Spørsmål 2")
    form2 = forms(bot, 2)
    votes = await vote_on_inputs(
        bot, one, form2[1][1], ("Gåbuss", "Fartsdumper", "Lys i kryss", "Skolepatrulje")
    )
    ids = sorted(votes, key=int)
    for voter in members[1]:
        for input_id in ids[:3]:
            await bot.click(voter, votes[input_id])
    spent = await bot.click(members[1][0], votes[ids[3]])
    assert "brukt de 3 stemmene" in all_text(spent)
    assert "ikke med" not in all_text(await bot.click(HOST, votes[ids[3]]))  # hosts may help

    tie = ("Alfa", "Beta", "Gamma", "Delta")  # group 2 ends in a tie at the cut
    plus2 = await vote_on_inputs(bot, members[2][0], form2[2][1], tie)
    a, b, c, d = sorted(plus2, key=int)
    for voter, choice in zip(members[2], ([a, b, c], [a, b, d], [a], []), strict=True):
        for input_id in choice:
            await bot.click(voter, plus2[input_id])
    # readiness on the group's board: a count of its members, never who
    await board_showing(bot, 2, "3 av 4 har stemt")
    await bot.say(HOST, "neste")  # presentations: group 1 first
    first = await bot.wait_card("Gruppe 1 av 3 presenterer")
    text = all_text(first)
    assert "Barrierer" in text and "For mange biler ved skolen" in text
    assert "Gruppas topp 3" in text and "1. Gåbuss" in text and "Skolepatrulje" not in text
    await bot.session_shows("Gruppe 1 av 3 presenterer nå.")
    tied = await board_showing(bot, 2, "står likt")
    picks = {
        n["data"]["input"]: n["data"] for n in walk(tied["body"]) if n.get("verb") == "group.pick"
    }
    assert set(picks) == {c, d}  # Alfa 3 and Beta 2 are in; Gamma and Delta tie at 1
    outsider = await bot.click(members[1][0], picks[d])
    assert "Bare medlemmene" in all_text(outsider)
    picked = await bot.click(members[2][3], picks[d])
    assert "Valget er registrert" in all_text(picked)
    await bot.say(HOST, "neste")
    second = all_text(await bot.wait_card("Gruppe 2 av 3 presenterer"))
    assert "1. Alfa" in second and "2. Beta" in second and "3. Delta" in second
    assert "Gamma" not in second
    await bot.say(HOST, "neste")
    await bot.wait_card("Gruppe 3 av 3 presenterer")
    await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Prioritering")
    vote = all_text(await bot.wait_card("Prioritering: gi stemmene dine"))
    for text in ("Gåbuss", "Alfa", "Beta", "Delta"):  # every group's top 3 is in the vote
        assert text in vote, text
    assert "Gamma" not in vote
    closed = await board_showing(bot, 1, "Gruppas topp 3")
    assert not [n for n in walk(closed["body"]) if n.get("verb") == "group.vote"]


async def test_group_chat_late_joiner_and_host_move(bot: Bot) -> None:
    bot.place.kind = "groupChat"
    people, roles = PEOPLE[:7], ROLES[:7]
    await to_groups(bot, people, roles)
    assert bot.connector.of("create") == []  # no threads in a chat: cards addressed by name
    posted = boards(bot)
    assert len(posted) == 3 and {cid for cid, _ in posted.values()} == {"19:meeting-chat@thread.v2"}
    late = Person("Sen Innbygger")
    form = await bot.click(late, actions(bot.session_card())["join.open"])
    await bot.click(late, actions(form)["join.confirm"], {"role": "citizen"})
    listing = await bot.ask(HOST, "grupper", "Gruppe 1 (")
    placed = next(line for line in listing.splitlines() if "Sen Innbygger" in line)
    # 7 people make groups of 3/2/2; a late joiner goes to a smallest one, the first on a tie
    assert placed.startswith("Gruppe 2 (3)")
    await bot.post(bot.place.message(HOST, f"flytt <at>{late.name}</at> 1", mentions=(late,)))
    await bot.wait_text("Sen Innbygger er flyttet til gruppe 1.")
    await bot.say(HOST, "grupper")
    await bot.connector.wait_for(
        lambda: any(
            t.startswith("Gruppe 1 (4)") and "Sen Innbygger" in t.splitlines()[0]
            for t in bot.connector.texts()
        )
    )
    await bot.post(bot.place.message(HOST, f"flytt <at>{late.name}</at> 9", mentions=(late,)))
    await bot.wait_text("Det finnes ingen gruppe 9. Velg en gruppe fra 1 til 3.")
    await bot.post(bot.place.message(people[2], f"flytt <at>{late.name}</at> 1", mentions=(late,)))
    assert sum("bare verten" in t for t in bot.connector.texts()) == 1
    await bot.say(HOST, "neste")  # question 2: the groups vote, so nobody moves now
    await bot.session_shows("Spørsmål 2")
    await bot.post(bot.place.message(HOST, f"flytt <at>{late.name}</at> 2", mentions=(late,)))
    await bot.wait_text("Ikke mens gruppene stemmer")
    assert not any("er flyttet til gruppe 2" in t for t in bot.connector.texts())


async def test_too_few_people_get_fewer_groups_and_a_clear_message(bot: Bot) -> None:
    await to_groups(bot, PEOPLE[:2], ROLES[:2])
    # what was done (one group), not a suggestion of it; and the pair is warned of
    said = await bot.wait_text("Det blir én gruppe i stedet for 3")
    assert "det er for få deltakere til flere." in said
    assert "Obs, liten gruppe: med bare én eller to personer" in said
    assert "flytt" not in said  # with one group there is nowhere to move anyone
    assert len(bot.connector.of("create")) == 1


def thread_cards(bot: Bot, conversation: str) -> list[Any]:
    """Every card posted in one group's thread after it opened, in order, as it reads now
    (an update replaces the card it updates)."""
    posted = [s for s in bot.connector.of("send") if s.conversation_id == conversation]
    return [bot.connector.as_shown_now(sent) for sent in posted]


async def test_each_question_has_its_own_card_and_the_one_before_stays_readable(
    bot: Bot,
) -> None:
    people, roles = PEOPLE[:8], ROLES[:8]
    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.click(people[0], actions(bot.session_card())["join.open"])
    for person, role in zip(people, roles, strict=True):
        await bot.click(person, actions(form)["join.confirm"], {"role": role})
    cohost = people[0]
    await bot.post(bot.place.message(HOST, f"medvert <at>{cohost.name}</at>", mentions=(cohost,)))
    await bot.wait_text(f"{cohost.name} er nå medvert")
    for _ in range(3):
        await bot.say(HOST, "neste")
    await bot.session_shows("Spørsmål 1")
    card = await bot.session_shows("Gruppe 1 (")  # the groups, once made, on the shared card
    groups_shown = [t for t in all_text(card).splitlines() if t.startswith("Gruppe ")]
    # a checked-in co-host is in a group like anyone
    assert any(cohost.name in line for line in groups_shown), groups_shown
    created = bot.connector.of("create")
    threads = {}
    for create in created:
        first = create.body["activity"]["attachments"][0]["content"]
        threads[int(first["body"][0]["text"].split()[1])] = create
    one = next(s for s in bot.connector.of("send") if "group.input" in actions(s.card or {}))
    thread = one.conversation_id
    group = actions(one.card)["group.input"]["g"]
    writer = next(
        p
        for p in people
        if p.uid
        in [
            e["mentioned"]["id"]
            for e in threads[group].body["activity"]["attachments"][0]["content"]["msteams"][
                "entities"
            ]
        ]
    )
    await bot.click(writer, actions(one.card)["group.input"], {"input": "Mørke krysningspunkt"})

    await bot.say(HOST, "neste")  # question 2: its own board in the same thread
    await bot.session_shows("Spørsmål 2")
    second = await bot.connector.wait_for(
        lambda: next(
            (
                c
                for c in thread_cards(bot, thread)
                if c["body"][0]["text"] == f"Gruppe {group} – spørsmål 2"
                and "group.vote" not in str(c)
                and "msteams" in c
            ),
            None,
        )
    )
    mentioned = {e["mentioned"]["id"] for e in second["msteams"]["entities"]}
    assert writer.uid in mentioned  # members are told the new question has opened
    first_board = await bot.connector.wait_for(
        lambda: next(
            (
                c
                for c in reversed(
                    [u.card for u in bot.connector.of("update") if u.card is not None]
                )
                if c["body"][0]["text"] == f"Gruppe {group} – spørsmål 1"
                and "Spørsmål 1 er over" in all_text(c)
            ),
            None,
        )
    )
    assert "Mørke krysningspunkt" in all_text(first_board)  # still readable
    assert "group.categorize" not in str(first_board)  # closed: nothing to press
    closed_form = await bot.connector.wait_for(
        lambda: next(
            (
                u.card
                for u in bot.connector.of("update")
                if u.activity_id == one.activity_id and u.card
            ),
            None,
        )
    )
    assert "group.input" not in str(closed_form) and "Input.Text" not in str(closed_form)
    assert "Denne delen av gruppearbeidet er over." in all_text(closed_form)


async def test_small_groups_warn_the_host_and_nobody_is_left_alone(bot: Bot) -> None:
    await to_groups(bot, PEOPLE[:5], ROLES[:5])  # 5 people for 3 groups: 3 + 2, not 2 + 2 + 1
    said = await bot.wait_text("Med 5 deltakere blir det 2 grupper i stedet for 3")
    assert "Obs, små grupper: gruppe 2 har bare én eller to personer" in said
    assert len(bot.connector.of("create")) == 2
