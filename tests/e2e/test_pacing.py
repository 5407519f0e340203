"""Teams limits are respected (SPEC §5, issue 5): a host who hurries through every phase
makes the bot send announcements, cards and card updates back to back into one thread;
paced per conversation, none of it breaks Teams' windows and nothing is refused or lost.

The fake Bot Connector here enforces Teams' windows itself (7 per 1 s, 8 per 2 s, 60 per
30 s per conversation): a call that would break one gets 429. The app runs with
CONNECTOR_PACING=on, its production default (the other end-to-end tests turn it off).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import unquote

import pytest
from aiohttp import web
from redis.asyncio import Redis

import bot.web
from bot.store.pacing import TEAMS_LIMITS
from tests.e2e.conftest import Bot, app_config
from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import actions, all_text
from tests.fakes.clock import FakeClock
from tests.fakes.connector import Connector

HOST = Person("Hanne Vert")
PEOPLE = [Person("Kari Innbygger"), Person("Ole Ansatt"), Person("Siri Student")]
PHASES = (
    "Forventninger",
    "Idémyldring",
    "Gruppearbeid",
    "Presentasjoner",
    "Prioritering",
    "Tiltak",
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def peak(stamps: list[float], window_s: float) -> int:
    """Most stamps in any half-open interval [t, t + window): the sliding-window count."""
    stamps, best, lo = sorted(stamps), 0, 0
    for hi, stamp in enumerate(stamps):
        while stamp - stamps[lo] >= window_s:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@dataclass
class TeamsWindows:
    """Teams' per-conversation throttle in front of the fake connector, with a clock."""

    stamps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    refused: list[tuple[str, str]] = field(default_factory=list)  # (method, conversation)

    def _full(self, cid: str, now: float) -> float:
        wait = 0.0
        for window_s, most in TEAMS_LIMITS:
            inside = [t for t in self.stamps[cid] if t > now - window_s]
            if len(inside) >= most:
                wait = max(wait, inside[-most] + window_s - now)
        return wait

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        cid = request.match_info.get("cid")
        if cid is None:  # creating a conversation is no operation in one
            return await handler(request)
        cid, now = unquote(cid), time.monotonic()
        if wait := self._full(cid, now):  # check and count with no await between
            self.refused.append((request.method, cid))
            retry = str(max(1, math.ceil(wait)))
            return web.json_response({}, status=429, headers={"Retry-After": retry})
        self.stamps[cid].append(now)
        return await handler(request)


@pytest.fixture
async def paced(
    aiohttp_client: Any,
    aiohttp_server: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    clock: FakeClock,
) -> tuple[Bot, TeamsWindows]:
    windows, fake = TeamsWindows(), Connector()
    connector_app = fake.app()
    connector_app.middlewares.append(windows.middleware)
    server = await aiohttp_server(connector_app)
    config = app_config(redis_url, tmp_path, CONNECTOR_PACING="on")
    client = await aiohttp_client(bot.web.create_app(config, clock=clock))
    place = Conversation(service_url=str(server.make_url("")).rstrip("/"))
    return Bot(client, fake, place), windows


async def quiet(connector: Connector, for_s: float = 1.5, within_s: float = 60.0) -> None:
    """Until the connector has had no call for for_s (the publisher's last updates)."""
    loop = asyncio.get_running_loop()
    deadline, seen, since = loop.time() + within_s, -1, loop.time()
    while loop.time() < deadline:
        if len(connector.sent) != seen:
            seen, since = len(connector.sent), loop.time()
        elif loop.time() - since >= for_s:
            return
        await asyncio.sleep(0.05)


async def test_a_hurried_host_stays_inside_teams_limits(paced: tuple[Bot, TeamsWindows]) -> None:
    teams, windows = paced
    await teams.say(HOST, "start Bedre skolevei")
    form = await teams.click(PEOPLE[0], actions(teams.session_card())["join.open"])
    for person in PEOPLE:
        await teams.click(person, actions(form)["join.confirm"], {"role": "citizen"})
    await teams.say(HOST, "neste")
    await teams.say(HOST, "neste")
    submit = await teams.idea_submit()
    for n, person in enumerate(PEOPLE):
        answer = await teams.click(person, submit, {"idea": f"Idé {n}"})
        assert "Ideen din er mottatt" in all_text(answer)
    for _ in range(20):  # groups, presentations (a step per group), voting: no pause
        await teams.say(HOST, "neste")
        if any("Ny fase: Tiltak" in t for t in teams.connector.texts()):
            break
    await teams.say(HOST, "avslutt")
    summaries = await teams.connector.wait_for(
        lambda: [s for s in teams.connector.of("send") if "Oppsummering" in all_text(s.card or {})],
        within=60,
    )
    await quiet(teams.connector)

    assert windows.refused == []  # not one 429
    for cid, stamps in windows.stamps.items():
        for window_s, most in TEAMS_LIMITS:
            assert peak(stamps, window_s) <= most, (cid, window_s)
    thread = windows.stamps[teams.place.conversation_id]
    assert len(thread) > TEAMS_LIMITS[1][1]  # more than one 2 s window's worth: it was paced
    # Nothing was dropped on the way: every phase was announced, the summary posted twice
    # (thread and the host's personal chat), and the shared card shows the end.
    texts = teams.connector.texts()
    for phase in PHASES:
        assert any(f"Ny fase: {phase}" in t for t in texts), phase
    assert len(summaries) == 2
    assert "Ideer: 3" in all_text(summaries[0].card)
    assert "Digikoken er avsluttet" in all_text(teams.session_card())
