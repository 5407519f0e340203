"""A whole workshop over real HTTP for the fault tests: check-in, phase by phase to the
actions, actions with owners, the end; and what Redis and the fake Bot Connector hold
afterwards (the session's meta and timers, the summary, each owner's follow-up).

The cast of the workshops that end with actions: HOST runs it, ANNE checks in and owns an
action, BJORN owns one without taking part (Teams knows his name: `start_with_owners`)."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any, Sequence

from redis.asyncio import Redis

from bot.store import keys
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text
from tests.harness.connector import Connector, Sent
from tests.harness.teams import Teams

SUMMARY = "Oppsummering av Digikok"
FOLLOW_UP = "Tiltak fra Digikoken"  # the owner's personal card
ANNOUNCED = "Ny fase: "
SUMMARY_FAILED = "Oppsummeringen kunne ikke legges ut"
WENT_WRONG = "noe gikk galt"
ACTIONS_PHASE = "fase: Tiltak"
HOST = Person("Hanne Vert")
ANNE = Person("Anne Ansvarlig")
BJORN = Person("Bjørn Eier")
OWNED = (("Male fotgjengerfelt", ANNE), ("Søke om midler", BJORN))


def due_in(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def sid_of(teams: Teams) -> str:
    """The session id, as the shared card's buttons carry it."""
    return str(actions(teams.session_card())["join.open"]["sid"])


async def meta(redis_url: str, sid: str) -> dict[str, str]:
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        return await client.hgetall(keys.meta(sid))
    finally:
        await client.aclose()


async def timers_of(redis_url: str, sid: str) -> dict[str, int]:
    """The session's phase timers waiting in the shared queue: timer id -> due ms (its idle
    end, `<sid>:idle`, waits there for weeks and is left out)."""
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        due = await client.zrange(keys.TIMERS_DUE, 0, -1, withscores=True)
    finally:
        await client.aclose()
    return {
        str(t): int(score)
        for t, score in due
        if str(t).startswith(f"{sid}:") and not str(t).endswith(":idle")
    }


async def start_with_owners(teams: Teams) -> str:
    """`start Bedre skolevei` with Anne checked in; returns the session id."""
    teams.connector.names[BJORN.aad] = BJORN.name
    await teams.say(HOST, "start Bedre skolevei")
    await teams.check_in(ANNE)
    return sid_of(teams)


def announcements(teams: Teams) -> list[str]:
    return [s.text for s in teams.sent_here() if s.text.startswith(ANNOUNCED)]


def last_status(teams: Teams) -> str:
    found = [s.text for s in teams.sent_here() if "fase: " in s.text]
    return found[-1] if found else ""


async def save_actions(teams: Teams, host: Person, owners: Sequence[tuple[str, Person]]) -> None:
    """In the actions phase: one action per (text, owner), owners named by AAD id."""
    card = await teams.click(host, actions(await teams.host_view(host))["action.open"])
    for text, owner in owners:
        inputs = {"text": text, "owner": owner.aad, "due": due_in(14)}
        card = await teams.click(host, actions(card)["action.save"], inputs)
        assert "Tiltaket er lagret." in all_text(card), all_text(card)


def follow_up_chats(connector: Connector, person: Person) -> list[str]:
    """The 1:1 chats the bot opened with this person (by AAD id)."""
    return [
        s.conversation_id
        for s in connector.of("create")
        if person.aad in [m.get("id") for m in s.body.get("members") or []]
    ]


def follow_ups_to(connector: Connector, person: Person) -> list[Sent]:
    """The follow-up cards the person got, in any of their 1:1 chats."""
    chats = set(follow_up_chats(connector, person))
    return [
        s
        for s in connector.of("send")
        if s.conversation_id in chats and s.card and FOLLOW_UP in all_text(s.card)
    ]


def follow_ups_per_owner(connector: Connector) -> dict[str, int]:
    """How many follow-up cards each owner in OWNED got, by name."""
    return {owner.name: len(follow_ups_to(connector, owner)) for _, owner in OWNED}


def summaries_anywhere(connector: Connector) -> list[Sent]:
    """Every summary the bot posted: the channel's and each host's personal copy."""
    return [s for s in connector.of("send") if s.card and SUMMARY in all_text(s.card)]


async def status(teams: Teams, host: Person) -> str:
    """The `status` answer (waits for it)."""
    before = len([s for s in teams.sent_here() if "fase: " in s.text])
    await teams.say(host, "status")
    await teams.connector.wait_for(
        lambda: len([s for s in teams.sent_here() if "fase: " in s.text]) > before
    )
    return last_status(teams)


async def to_actions(teams: Teams, host: Person, most_moves: int = 12) -> int:
    """`neste` until the session is in the actions phase; returns the moves made."""
    for moves in range(most_moves):
        if ACTIONS_PHASE in await status(teams, host):
            return moves
        await teams.say(host, "neste")
    raise AssertionError(f"not in the actions phase after {most_moves} moves")


async def eventually(check: Any, within: float = 30.0, what: str = "") -> Any:
    """Poll an async check until it is truthy; a generous deadline, never a speed test."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.05)


async def ended_once(teams: Teams, redis_url: str, sid: str) -> None:
    """The end's effects all done, each of them once: the summary in the channel and in the
    host's personal chat, one follow-up to each owner."""
    await teams.connector.wait_for(lambda: all(follow_ups_per_owner(teams.connector).values()))
    await eventually(lambda: settled(redis_url, sid), what="the end's effects to be done")
    assert (await meta(redis_url, sid))["status"] == "ended"
    assert len(teams.summaries()) == 1, "the summary was posted more than once in the channel"
    assert len(summaries_anywhere(teams.connector)) == 2, "the channel's summary, the host's copy"
    assert follow_ups_per_owner(teams.connector) == {ANNE.name: 1, BJORN.name: 1}


async def settled(redis_url: str, sid: str) -> bool:
    """Nothing left to do for the session: no effects pending, no follow-up start queued
    or running (what a duplicate would come from)."""
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        pending = await client.hlen(keys.effects(sid))
        queued = await client.zrange(keys.TIMERS_DUE, 0, -1)
        running = await client.zrange(keys.TIMERS_RUNNING, 0, -1)
    finally:
        await client.aclose()
    starts = [t for t in [*queued, *running] if t.startswith(f"{sid}:") and t.endswith(":start")]
    return not pending and not starts
