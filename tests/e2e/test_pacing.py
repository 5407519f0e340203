"""Teams limits are respected (SPEC §5, issue 5): a host who hurries through every phase
makes the bot send announcements, cards and card updates back to back into one thread;
paced per conversation, none of it breaks Teams' windows and nothing is refused or lost.

The fake Bot Connector here enforces Teams' windows itself (7 per 1 s, 8 per 2 s, 60 per
30 s per conversation): a call that would break one gets 429. The app runs with
CONNECTOR_PACING=on, its production default (the other end-to-end tests turn it off).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.store.pacing import TEAMS_LIMITS
from tests.e2e.conftest import Bot
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text
from tests.fakes.clock import FakeClock
from tests.harness import in_process
from tests.harness.connector import Connector, Sent

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


@pytest.fixture
async def paced(
    aiohttp_client: Any,
    aiohttp_server: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    clock: FakeClock,
) -> Bot:
    """The app with CONNECTOR_PACING=on, against a connector that enforces Teams' windows."""
    connector = Connector(limits=TEAMS_LIMITS)
    server = await aiohttp_server(connector.app())
    connector.url = str(server.make_url("")).rstrip("/")
    return await in_process.start(
        aiohttp_client, connector, redis_url, tmp_path, clock=clock, CONNECTOR_PACING="on"
    )


async def test_a_hurried_host_stays_inside_teams_limits(paced: Bot) -> None:
    teams = paced
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

    def summaries() -> list[Sent]:
        return [s for s in teams.connector.of("send") if "Oppsummering" in all_text(s.card or {})]

    await teams.connector.wait_for(summaries, within=60)
    await teams.connector.quiet()

    assert teams.connector.refused == []  # not one 429
    for cid, figures in teams.connector.figures().items():
        for window_s, most in TEAMS_LIMITS:
            assert figures.peaks[window_s] <= most, (cid, window_s)
    thread = teams.sent_here() + teams.sent_here("update")
    assert len(thread) > TEAMS_LIMITS[1][1]  # more than one 2 s window's worth: it was paced
    # Nothing was dropped on the way: every phase was announced, the summary posted twice
    # (thread and the host's personal chat), and the shared card shows the end.
    texts = teams.connector.texts()
    for phase in PHASES:
        assert any(f"Ny fase: {phase}" in t for t in texts), phase
    assert len(summaries()) == 2
    assert "Ideer: 3" in all_text(summaries()[0].card)
    assert "Digikoken er avsluttet" in all_text(teams.session_card())
