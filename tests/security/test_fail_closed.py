"""Issue 15, fail closed: an unfilled MicrosoftAppId never opens the door.

Without an app id nobody's token is checked, so the bot listens only on loopback, calls
only a loopback serviceUrl, and takes only Teams activities with `from.aadObjectId`.
The secret, the AOF and the RDB are 0600 and the data folder 0700."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.config import SECRET_FILE, ConfigError, load_config
from bot.metrics import Metrics
from bot.service.ports import ConvRef, SendError
from bot.store.embedded import DB_FILE, EmbeddedRedis
from bot.teams.auth import TokenSource
from bot.teams.sender import ConnectorSender, ServiceUrlRefused
from tests.fakes.activities import Conversation, Person
from tests.harness.connector import Connector
from tests.harness.in_process import SECRET
from tests.harness.teams import Teams
from tests.security.conftest import APP_ID, make_bot

HOST = Person("Hanne Vert")
EVIL = "https://evil.example/teams/"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- start-up ----------------------------------------------------------------------------


def test_the_default_host_is_loopback_so_a_local_run_just_works(tmp_path: Path) -> None:
    config = load_config({"DATA_DIR": str(tmp_path)})
    assert config.anonymous and config.host == "127.0.0.1" and config.port == 3978
    assert (config.metrics_host, config.metrics_port) == ("127.0.0.1", 9464)
    for host in ("localhost", "::1", "[::1]", "127.0.0.1"):
        assert load_config({"DATA_DIR": str(tmp_path), "HOST": host}).host == host


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.4", "digikok.example.no"])
def test_without_an_app_id_a_reachable_host_stops_the_start(tmp_path: Path, host: str) -> None:
    """The issue's case: HOST=0.0.0.0, REDIS_URL and PUBLIC_BASE_URL set, app id left empty
    (deploy/.env.example ships it empty): start-up stops, naming MicrosoftAppId."""
    env = {
        "HOST": host,
        "REDIS_URL": "redis://redis:6379/0",
        "DIGIKOK_SECRET": SECRET,
        "PUBLIC_BASE_URL": "https://digikok.example.no",
        "MicrosoftAppId": "  ",
    }
    with pytest.raises(ConfigError) as caught:
        load_config(env)
    problems = [line for line in str(caught.value).splitlines() if line.startswith("- ")]
    assert len(problems) == 1 and "MicrosoftAppId" in problems[0] and host in problems[0]


def test_with_credentials_any_host_may_be_used(tmp_path: Path) -> None:
    env = {
        "HOST": "0.0.0.0",
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppPassword": "pw",
        "DATA_DIR": str(tmp_path),
    }
    config = load_config(env)
    assert config.host == "0.0.0.0" and not config.anonymous


def test_metrics_settings_are_checked(tmp_path: Path) -> None:
    base = {"DATA_DIR": str(tmp_path)}
    assert load_config(base | {"METRICS_PORT": "0"}).metrics_port == 0
    config = load_config(base | {"METRICS_HOST": "0.0.0.0", "METRICS_PORT": "9100"})
    assert (config.metrics_host, config.metrics_port) == ("0.0.0.0", 9100)
    for bad in ("²", "-1", "65536", "9464.0", "nine"):
        with pytest.raises(ConfigError, match="METRICS_PORT"):
            load_config(base | {"METRICS_PORT": bad})
    with pytest.raises(ConfigError, match="METRICS_PORT must differ from PORT"):
        load_config(base | {"METRICS_PORT": "3978"})


# -- files -------------------------------------------------------------------------------


def test_a_generated_secret_is_0600_in_a_0700_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = load_config({"DATA_DIR": str(data)}).anon_key
    assert mode(data / SECRET_FILE) == 0o600 and mode(data) == 0o700
    assert load_config({"DATA_DIR": str(data)}).anon_key == key  # read back, not replaced


def test_an_older_secret_file_readable_by_others_is_narrowed(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    (tmp_path / SECRET_FILE).write_bytes(b"k" * 64)
    (tmp_path / SECRET_FILE).chmod(0o644)
    assert load_config({"DATA_DIR": str(tmp_path)}).anon_key == b"k" * 64
    assert mode(tmp_path / SECRET_FILE) == 0o600 and mode(tmp_path) == 0o700


async def test_the_embedded_redis_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "redis"
    data.mkdir(mode=0o755)
    (data / DB_FILE).write_bytes(b"")  # an older, world-readable snapshot
    (data / DB_FILE).chmod(0o644)
    server = EmbeddedRedis(data)
    server.start()
    try:
        client = Redis.from_url(server.url)
        await client.set("dk:probe", "x")
        await client.save()
        await client.bgrewriteaof()
        aof = (await client.config_get("appendfilename"))["appendfilename"]
        await client.aclose()
    finally:
        server.stop()  # SHUTDOWN SAVE: the last snapshot and the AOF are on disk
    assert mode(data) == 0o700
    assert mode(data / DB_FILE) == 0o600 and mode(data / aof) == 0o600
    assert [p.name for p in data.iterdir() if mode(p) & 0o077] == []


# -- Bot Connector calls -----------------------------------------------------------------


async def test_anonymous_mode_calls_no_service_url_off_this_machine(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, no_internet: list[str]
) -> None:
    config = load_config({"DATA_DIR": str(tmp_path)})
    ref = ConvRef(EVIL, "19:x@thread.tacv2", "channel", "t", "28:bot", "Digikok")
    async with aiohttp.ClientSession() as http:
        sender = ConnectorSender(http, TokenSource(config), Metrics())
        calls: list[Any] = [
            sender.send(ref, text="hei"),
            sender.update(ref, "1", {"type": "AdaptiveCard"}),
            sender.personal(ref, "29:someone"),
            sender.thread(ref, "19:x@thread.tacv2", {"type": "AdaptiveCard"}),
        ]
        for call in calls:
            with pytest.raises(ServiceUrlRefused) as caught:
                await call
            assert isinstance(caught.value, SendError) and caught.value.permanent
    assert no_internet == []  # not even a name lookup
    refused = [r for r in caplog.records if r.getMessage() == "service_url_refused"]
    assert len(refused) == 4 and all(r.levelname == "WARNING" for r in refused)


async def test_a_forged_service_url_gets_no_card_in_anonymous_mode(
    aiohttp_client: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    connector: Connector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = await make_bot(aiohttp_client, redis_url, tmp_path, connector)
    forged = Conversation(service_url=EVIL, channel="19:forged@thread.tacv2")
    status, _ = await bot.send(forged.message(HOST, "start Bedre skolevei"))
    assert status in (200, 201)
    assert any(r.getMessage() == "service_url_refused" for r in caplog.records)
    assert connector.of("send") == []
    # The loopback connector (the Agents Playground's place) is still served.
    await bot.say(HOST, "start Bedre skolevei")
    assert bot.session_card()


# -- only Teams, only aadObjectId -----------------------------------------------------------


async def quiet_bot(
    aiohttp_client: Any, redis_url: str, tmp_path: Path, connector: Connector
) -> Teams:
    return await make_bot(aiohttp_client, redis_url, tmp_path, connector)


@pytest.mark.parametrize("channel", ["webchat", "directline", "emulator", "", None])
async def test_only_teams_activities_are_taken(
    aiohttp_client: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    connector: Connector,
    channel: str | None,
) -> None:
    bot = await quiet_bot(aiohttp_client, redis_url, tmp_path, connector)
    activity = bot.place.message(HOST, "start Bedre skolevei") | {"channelId": channel}
    status, _ = await bot.send(activity)
    assert status in (200, 201)
    assert await redis.keys("dk:conv:*") == []
    assert connector.sent == []


@pytest.mark.parametrize("aad", [None, "", "   "])
async def test_no_aad_object_id_means_nobody(
    aiohttp_client: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    connector: Connector,
    aad: str | None,
) -> None:
    """`from.id` is no fallback: a Web Chat or Direct Line client chooses it itself."""
    bot = await quiet_bot(aiohttp_client, redis_url, tmp_path, connector)
    message = bot.place.message(HOST, "start Bedre skolevei")
    invoke = bot.place.invoke(HOST, {"action": "join.open", "sid": "0000", "rev": 1})
    for activity in (message, invoke):
        activity["from"] = {"id": HOST.uid, "name": HOST.name}
        if aad is not None:
            activity["from"]["aadObjectId"] = aad
        status, _ = await bot.send(activity)
        assert status in (200, 201)
    assert await redis.keys("dk:conv:*") == []
    assert connector.of("send") == []
