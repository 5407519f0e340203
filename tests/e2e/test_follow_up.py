"""Follow-up of actions (issue 10 §3), through /api/messages with the fake Bot Connector:
personal messages to each owner (created with their AAD id and the tenant), Done / Need
more time / Not me from the owner only, the host's status card, `status` after the end,
a due-date reminder fired once by two replicas, and a refused 1:1 named to the host."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis

from bot.service.session.timer_jobs import LEASE_MS
from tests.e2e.conftest import Bot, Replica
from tests.fakes.activities import TENANT, Conversation, Person
from tests.fakes.cards import actions, all_text
from tests.fakes.clock import FakeClock
from tests.harness.connector import Sent

HOST = Person("Hanne Vert")
ANNE = Person("Anne Ansvarlig")
BJORN = Person("Bjørn Eier")
OTHER = Person("Ola Annen")

ACTIONS = (
    ("Male fotgjengerfelt", ANNE, "2026-12-03"),
    ("Søke om gåbuss-midler", BJORN, "2026-12-10"),
)


async def to_actions(bot: Bot) -> dict[str, Any]:
    """Start, one check-in, straight through to the actions phase; the host's actions card."""
    await bot.say(HOST, "start Bedre skolevei")
    form = await bot.click(ANNE, actions(bot.session_card())["join.open"])
    await bot.click(ANNE, actions(form)["join.confirm"], {"role": "citizen"})
    for _ in range(12):  # phase by phase, asking `status` (a direct reply) after each move
        await bot.say(HOST, "status")
        if "fase: Tiltak" in [t for t in bot.connector.texts() if "fase: " in t][-1]:
            break
        await bot.say(HOST, "neste")
    await bot.session_shows("Nå: Tiltak")
    host = await bot.host_view(HOST)
    return await bot.click(HOST, actions(host)["action.open"])


async def end_with_actions(bot: Bot, typed_owner: str = "") -> None:
    """Anne checked in (named from the roster); Bjørn did not (Teams names him by AAD id)."""
    bot.connector.names[BJORN.aad] = BJORN.name
    card = await to_actions(bot)
    for text, owner, due in ACTIONS:
        card = await bot.click(
            HOST, actions(card)["action.save"], {"text": text, "owner": owner.aad, "due": due}
        )
        assert "Tiltaket er lagret." in all_text(card)
    if typed_owner:
        card = await bot.click(
            HOST,
            actions(card)["action.save"],
            {"text": "Snakke med FAU", "owner_text": typed_owner},
        )
    await bot.say(HOST, "avslutt")
    await bot.wait_card("Oppsummering av Digikok")


def create_for(bot: Bot, member_id: str) -> Sent | None:
    return next(
        (
            s
            for s in bot.connector.sent
            if s.kind in ("create", "refused")
            and member_id in [m.get("id") for m in s.body.get("members") or []]
        ),
        None,
    )


async def owner_card(bot: Bot, person: Person, fragment: str = "Tiltak fra Digikoken") -> Any:
    """The newest card in the owner's 1:1 (created with their AAD id) containing fragment."""
    create = await bot.connector.wait_for(lambda: create_for(bot, person.aad))

    def find() -> Any:
        cards = [
            s.card
            for s in bot.connector.of("send")
            if s.conversation_id == create.conversation_id and s.card
        ]
        return next((c for c in reversed(cards) if fragment in all_text(c)), None)

    return await bot.connector.wait_for(find)


def host_chat(bot: Bot) -> str:
    """The host's 1:1 where the follow-up card went (the summary's 1:1 is another create)."""
    for s in bot.connector.of("send"):
        if s.card and "Oppfølging av tiltakene" in all_text(s.card):
            return s.conversation_id
    return ""


def host_card(bot: Bot) -> dict[str, Any] | None:
    posted = [
        s
        for s in bot.connector.of("send")
        if s.card and "Oppfølging av tiltakene" in all_text(s.card)
    ]
    return bot.connector.as_shown_now(posted[0]) if posted else None


def in_chat(bot: Bot) -> Bot:
    """The same app, driven from someone's 1:1 chat with the bot (where follow-ups arrive)."""
    return bot.at(Conversation(bot.place.service_url, kind="personal"))


async def test_owners_get_follow_ups_and_answer_them(bot: Bot, redis: Redis) -> None:
    await end_with_actions(bot, typed_owner="Rektor Berg")
    for person in (ANNE, BJORN):
        card = await owner_card(bot, person)
        create = create_for(bot, person.aad)
        assert create is not None and create.kind == "create"
        body = create.body
        assert body["members"] == [{"id": person.aad}]  # works for someone new to the bot
        assert body["isGroup"] is False
        assert body["tenantId"] == TENANT and body["channelData"]["tenant"]["id"] == TENANT
        text = all_text(card)
        assert "Tiltak fra Digikoken «Bedre skolevei»" in text
        assert {"followup.done", "followup.later", "followup.not_me"} <= set(actions(card))
    assert "Male fotgjengerfelt" in all_text(await owner_card(bot, ANNE))
    assert "Frist: 2026-12-03" in all_text(await owner_card(bot, ANNE))
    await bot.connector.wait_for(lambda: host_card(bot))
    status = all_text(host_card(bot))
    assert "3 tiltak: 0 ferdig, 2 åpne, 0 levert tilbake." in status
    assert "Fikk ikke sendt melding" in status  # the typed owner has no AAD id
    await bot.wait_text("minn dem på det selv: Rektor Berg")
    sid = (await redis.keys("dk:{*}:follow"))[0].split("}")[0][4:]
    assert set(await redis.zrange("dk:{timers}:due", 0, -1)) >= {
        f"{sid}:1-1:followup",
        f"{sid}:2-1:followup",
    }

    chat = in_chat(bot)
    anne = await owner_card(bot, ANNE)
    # someone else (even the host) cannot answer Anne's action
    for stranger in (OTHER, HOST, BJORN):
        refused = await chat.click(stranger, actions(anne)["followup.done"])
        assert "Bare den som er ansvarlig" in all_text(refused)
        assert "Male fotgjengerfelt" not in all_text(refused)
    activity = chat.place.invoke(ANNE, actions(anne)["followup.done"])
    done = (await chat.post(activity)).body["value"]
    assert "Tiltaket er markert som ferdig" in all_text(done)
    assert "followup.done" not in actions(done)
    again = (await chat.post(activity)).body["value"]  # Teams redelivers the same click
    assert again == done
    twice = await chat.click(ANNE, actions(anne)["followup.done"])  # a second press
    assert "allerede markert som ferdig" in all_text(twice)
    assert f"{sid}:1-1:followup" not in await redis.zrange("dk:{timers}:due", 0, -1)

    bjorn = await owner_card(bot, BJORN)
    later = actions(bjorn)["followup.later"]
    for typed, said in (
        ({}, "Velg en ny frist først."),
        ({"new_due": "2026-11-30"}, "Fristen kan ikke være før i dag."),
        ({"new_due": "2026-02-31"}, "Velg en gyldig dato."),
        ({"new_due": "2030-01-01"}, "Velg en dato senest"),  # past the data's retention
    ):
        refused = await chat.click(BJORN, later, typed)
        assert said in all_text(refused), typed
        assert "followup.later" in actions(refused)
    moved = await chat.click(BJORN, later, {"new_due": "2026-12-20"})
    assert "Ny frist lagret: 2026-12-20" in all_text(moved)
    assert "Frist: 2026-12-20" in all_text(moved)
    due = await redis.zrange("dk:{timers}:due", 0, -1, withscores=True)
    assert (f"{sid}:2-2:followup", 1_797_750_000_000) in due  # 2026-12-20 08:00 Oslo
    assert f"{sid}:2-1:followup" not in dict(due)
    stale = await chat.click(BJORN, actions(bjorn)["followup.not_me"])  # the first card
    assert "Kortet var utdatert" in all_text(stale)
    assert "followup.not_me" in actions(stale)  # the current card, to answer from
    back = await chat.click(BJORN, actions(moved)["followup.not_me"])
    assert "levert tilbake til verten" in all_text(back)
    await bot.wait_text("Bjørn Eier sier at tiltaket «Søke om gåbuss-midler» ikke er deres.")
    assert host_chat(bot) in {s.conversation_id for s in bot.connector.sent if "Bjørn" in s.text}
    assert f"{sid}:2-2:followup" not in await redis.zrange("dk:{timers}:due", 0, -1)

    await bot.connector.wait_for(lambda: "1 levert tilbake" in all_text(host_card(bot)))
    final = all_text(host_card(bot))
    assert "3 tiltak: 1 ferdig, 0 åpne, 1 levert tilbake." in final
    assert "Ingen ansvarlig (var: Bjørn Eier)" in final

    await bot.say(OTHER, "status")  # in the channel, after the end
    shown = await bot.connector.wait_for(
        lambda: next(
            (
                s.card
                for s in bot.connector.of("send")
                if s.conversation_id == bot.place.conversation_id
                and s.card
                and "Oppfølging av tiltakene" in all_text(s.card)
            ),
            None,
        )
    )
    assert "3 tiltak: 1 ferdig, 0 åpne, 1 levert tilbake." in all_text(shown)

    for key in (f"dk:{{{sid}}}:follow", f"dk:{{{sid}}}:fplace"):  # retention like the session's
        assert 0 < await redis.pttl(key) <= await redis.pttl(f"dk:{{{sid}}}:meta") + 1000


def reminders(bot: Bot) -> list[Sent]:
    return [
        s
        for s in bot.connector.of("send")
        if s.card and "Påminnelse: fristen er i dag." in all_text(s.card)
    ]


async def test_reminder_on_the_due_date_fires_once_with_two_replicas(
    bot: Bot, clock: FakeClock, redis: Redis, replica: Replica
) -> None:
    second = await replica("b")  # a second replica on the same Redis: its own timer loop
    await end_with_actions(bot)
    await owner_card(bot, ANNE)
    await owner_card(bot, BJORN)
    clock.now = 1_796_281_200_000 - 60_000  # 2026-12-03 06:59 UTC: a minute early
    await asyncio.sleep(0.3)
    assert reminders(bot) == []
    clock.now = 1_796_281_200_000  # 2026-12-03 08:00 in Oslo: Anne's due date
    reminder = await owner_card(bot, ANNE, "Påminnelse: fristen er i dag.")
    assert "Male fotgjengerfelt" in all_text(reminder)
    assert "followup.done" in actions(reminder)
    await asyncio.sleep(0.5)  # both replicas polled the queue many times meanwhile
    assert len(reminders(bot)) == 1
    assert await redis.zcard("dk:{timers}:running") == 0
    done = await in_chat(bot).click(ANNE, actions(reminder)["followup.done"])
    assert "markert som ferdig" in all_text(done)
    await bot.connector.wait_for(lambda: "1 ferdig" in all_text(host_card(bot)))

    # Both replicas stop; Bjørn's reminder is in Redis and a fresh replica sends it.
    await second.close()
    await bot.client.close()
    third = await replica("c")
    clock.now = 1_796_886_000_000  # 2026-12-10 08:00 in Oslo: Bjørn's due date
    for _ in range(20):  # a run cut short by a stopping replica is retried after its lease
        await asyncio.sleep(0.3)
        if len(reminders(bot)) == 2:
            break
        clock.advance(LEASE_MS / 1000 + 1)
    later = await owner_card(bot, BJORN, "Påminnelse: fristen er i dag.")
    assert "Søke om gåbuss-midler" in all_text(later)
    await asyncio.sleep(0.3)
    assert len(reminders(bot)) == 2  # Anne's once, Bjørn's once
    await third.close()


async def test_a_refused_one_to_one_tells_the_host_whom_to_remind(bot: Bot) -> None:
    bot.connector.refused_members.add(ANNE.aad)  # the app is not installed for Anne
    await end_with_actions(bot)
    await bot.wait_text("minn dem på det selv: Anne Ansvarlig")
    assert create_for(bot, ANNE.aad).kind == "refused"
    assert "Søke om gåbuss-midler" in all_text(await owner_card(bot, BJORN))
    await bot.connector.wait_for(lambda: host_card(bot))
    assert "Fikk ikke sendt melding" in all_text(host_card(bot))
    await bot.say(HOST, "status")
    await bot.wait_card("2 tiltak: 0 ferdig, 1 åpne, 0 levert tilbake.")


async def test_delete_removes_follow_ups_and_their_reminders(bot: Bot, redis: Redis) -> None:
    await end_with_actions(bot)
    await owner_card(bot, BJORN)
    await bot.connector.wait_for(lambda: host_card(bot))
    sid = (await redis.keys("dk:{*}:follow"))[0].split("}")[0][4:]
    assert any(t.startswith(f"{sid}:") for t in await redis.zrange("dk:{timers}:due", 0, -1))
    await bot.say(HOST, "slett")
    check = await bot.wait_card("Slette Digikoken?")
    await bot.click(HOST, actions(check)["session.delete"])
    assert await redis.keys(f"dk:{{{sid}}}:*") == []
    assert not any(t.startswith(f"{sid}:") for t in await redis.zrange("dk:{timers}:due", 0, -1))
    gone = await in_chat(bot).click(ANNE, actions(await owner_card(bot, ANNE))["followup.done"])
    assert "hører ikke til en Digikok som finnes her lenger" in all_text(gone)
