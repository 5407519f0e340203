"""Inbound authentication with an app id (issue 8): a token signed by a published key, for
our app id, from the Bot Connector, for this serviceUrl, lets the bot act; anything else is
401 before any state is read (Redis MONITOR sees nothing), with no ERROR logged.

The keys are ours (tests/security/conftest.py): served from localhost as an OpenID
configuration through BOT_OPENID_METADATA_URL, exactly where the public cloud's would be.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from pathlib import Path
from typing import Any, Callable

import jwt
import pytest
from redis.asyncio import Redis

import bot.teams.auth
from bot.config import ConfigError, load_config
from bot.web import create_app
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text
from tests.harness.connector import Connector
from tests.harness.teams import Teams
from tests.security.conftest import (
    APP_ID,
    OUTBOUND_TOKEN,
    OfflineCredentials,
    OpenId,
    Signing,
    errors_in,
    make_bot,
    new_key,
    redis_commands,
    state_commands,
    token,
    with_app_id,
)

HOST = Person("Hanne Vert")
KARI = Person("Kari Innbygger")
SECRET = "test-secret-0123456789-0123456789-abcdef"


def _tampered(good: str) -> str:
    """The same token with one claim changed after signing: the signature no longer fits."""
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] += 86_400  # "valid a day longer", says whoever edited it
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _now() -> int:
    return int(time.time())


# name → (signing keys, service URL) → the bearer token to send (None: no header at all)
BAD_TOKENS: dict[str, Callable[[Signing, str], str | None]] = {
    "no token": lambda s, url: None,
    "not a JWT": lambda s, url: "not-a-token",
    "three dots of nothing": lambda s, url: "a.b.c",
    "expired": lambda s, url: token(s.trusted, url, exp=_now() - 3600, nbf=_now() - 7200),
    "not valid yet": lambda s, url: token(s.trusted, url, nbf=_now() + 3600),
    "wrong audience": lambda s, url: token(s.trusted, url, aud="another-bot-app-id"),
    "no audience": lambda s, url: token(s.trusted, url, aud=None),
    "wrong issuer": lambda s, url: token(s.trusted, url, iss="https://evil.example"),
    "no issuer": lambda s, url: token(s.trusted, url, iss=None),
    "bad signature": lambda s, url: _tampered(token(s.trusted, url)),
    "signed by an unknown key": lambda s, url: token(s.stranger, url),
    "unknown key under a trusted kid": lambda s, url: token(s.stranger, url, kid=s.trusted.kid),
    "serviceUrl mismatch": lambda s, url: token(s.trusted, "https://smba.trafficmanager.net/x/"),
    "no serviceurl claim": lambda s, url: token(s.trusted, url, serviceurl=None),
    "unsigned (alg none)": lambda s, url: jwt.encode(
        {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": url},
        None,
        algorithm="none",
        headers={"kid": s.trusted.kid},
    ),
    "HS256 with a guessed secret": lambda s, url: jwt.encode(
        {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": url},
        "a-guessed-secret-that-is-at-least-32-bytes",
        algorithm="HS256",
        headers={"kid": s.trusted.kid},
    ),
    "skill-shaped token": lambda s, url: token(s.trusted, url, ver="1.0", appid="some-skill"),
}


async def test_a_valid_token_lets_the_bot_act(
    secure_bot: Teams,
    signing: Signing,
    connector: Connector,
    offline_tokens: OfflineCredentials,
    openid: OpenId,
    redis_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    place = secure_bot.place
    bearer = token(signing.trusted, place.service_url)
    async with redis_commands(redis_url) as seen:
        status, _ = await secure_bot.send(
            place.message(HOST, "start Bedre skolevei"), bearer=bearer
        )
    assert status == 201
    assert state_commands(seen)  # the spy sees what a handled turn does
    card = secure_bot.session_card()
    assert "Bedre skolevei" in all_text(card)
    status, answer = await secure_bot.send(
        place.invoke(KARI, actions(card)["join.open"]), bearer=bearer
    )
    assert status == 200 and answer["statusCode"] == 200
    assert "citizen" in json.dumps(answer["value"])  # the check-in form, with its roles
    # What the bot sent to the connector carried its own (offline) token, every time.
    assert connector.authorizations
    assert set(connector.authorizations) == {f"Bearer {OUTBOUND_TOKEN}"}
    assert offline_tokens.created  # TokenSource asked the injected factory, not MSAL
    # The keys were fetched once, then served from the cache.
    assert [p.rsplit("/", 1)[-1] for p in openid.fetches] == ["openidconfiguration", "keys"]
    assert errors_in(caplog) == []


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_a_bad_token_is_refused_before_any_state_is_read(
    case: str,
    secure_bot: Teams,
    signing: Signing,
    connector: Connector,
    redis: Redis,
    redis_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    place = secure_bot.place
    # A session exists: a refused request must not even look at it.
    await secure_bot.send(
        place.message(HOST, "start Bedre skolevei"),
        bearer=token(signing.trusted, place.service_url),
    )
    join = actions(secure_bot.session_card())["join.open"]
    sent_before = len(connector.sent)
    keys_before = sorted(await redis.keys("*"))
    bearer = BAD_TOKENS[case](signing, place.service_url)
    for activity in (place.message(KARI, "avslutt"), place.invoke(KARI, join)):
        async with redis_commands(redis_url) as seen:
            status, body = await secure_bot.send(activity, bearer=bearer)
        assert status == 401, (case, body)
        assert state_commands(seen) == [], case
    assert sorted(await redis.keys("*")) == keys_before
    assert len(connector.sent) == sent_before  # no reply, no card
    assert errors_in(caplog) == []


async def test_a_channel_the_key_does_not_endorse_is_refused(
    secure_bot: Teams, signing: Signing, redis_url: str
) -> None:
    """The published key is endorsed for msteams only: a token it signed does not let in an
    activity that says it came from another channel."""
    place = secure_bot.place
    activity = place.message(HOST, "start Bedre skolevei") | {"channelId": "webchat"}
    async with redis_commands(redis_url) as seen:
        status, _ = await secure_bot.send(
            activity, bearer=token(signing.trusted, place.service_url)
        )
    assert status == 401
    assert state_commands(seen) == []


async def test_a_valid_token_without_a_service_url_reads_nothing(
    secure_bot: Teams, signing: Signing, connector: Connector, redis_url: str
) -> None:
    """The SDK checks `serviceurl` only against a serviceUrl that is there; an activity
    without one has nowhere to be answered, so it is ignored before any state is read."""
    place = secure_bot.place
    bearer = token(signing.trusted, place.service_url)
    message = place.message(HOST, "start Bedre skolevei")
    invoke = place.invoke(HOST, {"action": "join.open", "sid": "0000", "rev": 1})
    del message["serviceUrl"], invoke["serviceUrl"]
    async with redis_commands(redis_url) as seen:
        status, _ = await secure_bot.send(message, bearer=bearer)
        assert status == 201
        status, answer = await secure_bot.send(invoke, bearer=bearer)
        assert status == 200 and "skjønte jeg ikke" in all_text(answer["value"])
    assert state_commands(seen) == []
    assert connector.sent == []


async def test_a_refusal_is_logged_without_the_token(
    secure_bot: Teams, signing: Signing, caplog: pytest.LogCaptureFixture
) -> None:
    place = secure_bot.place
    bearer = token(signing.trusted, place.service_url, aud="another-bot-app-id")
    status, _ = await secure_bot.send(place.message(KARI, "hjelp"), bearer=bearer)
    assert status == 401
    refused = [r for r in caplog.records if r.getMessage() == "auth_refused"]
    assert len(refused) == 1 and refused[0].reason == "PermissionError"
    logged = " ".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert bearer not in logged and "another-bot-app-id" not in logged


async def test_the_first_key_fetch_leaves_the_event_loop_free(
    secure_bot: Teams, signing: Signing, openid: OpenId
) -> None:
    """The key server answers on this test's loop, and holds the JWKS until /healthz has
    been served: only a fetch off the app's event loop lets both happen."""
    openid.gate = asyncio.Event()
    place = secure_bot.place
    bearer = token(signing.trusted, place.service_url)
    pending = [
        asyncio.create_task(secure_bot.send(place.message(Person(f"P{i}"), "hjelp"), bearer=bearer))
        for i in range(20)
    ]
    deadline = asyncio.get_running_loop().time() + 10
    while not any(p.endswith("/keys") for p in openid.fetches):
        assert asyncio.get_running_loop().time() < deadline, "the keys were never fetched"
        await asyncio.sleep(0.01)
    health = await secure_bot.client.get("/healthz")
    assert health.status == 200
    assert not any(task.done() for task in pending)  # all waiting for the keys meanwhile
    openid.gate.set()
    statuses = [status for status, _ in await asyncio.gather(*pending)]
    assert statuses == [201] * 20
    assert len(openid.fetches) == 2  # one fetch for twenty first requests


async def test_a_key_published_later_is_fetched_when_first_used(
    secure_bot: Teams,
    signing: Signing,
    openid: OpenId,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Key rollover: a token signed with a key id not yet seen refetches the keys (at most
    hourly; here at once). The SDK raised IndexError on an unknown key id instead."""
    place = secure_bot.place
    status, _ = await secure_bot.send(
        place.message(HOST, "hjelp"), bearer=token(signing.trusted, place.service_url)
    )
    assert status == 201
    rolled = new_key("rolled-over")
    status, _ = await secure_bot.send(
        place.message(HOST, "hjelp"), bearer=token(rolled, place.service_url)
    )
    assert status == 401  # not published (yet): refused, and no refetch within the hour
    assert len(openid.fetches) == 2
    monkeypatch.setattr(bot.teams.auth, "UNKNOWN_KEY_REFRESH_S", 0)
    openid.published.append(rolled)
    status, _ = await secure_bot.send(
        place.message(HOST, "hjelp"), bearer=token(rolled, place.service_url)
    )
    assert status == 201
    assert len(openid.fetches) == 4


async def test_unreachable_keys_answer_503_and_read_nothing(
    aiohttp_client: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    connector: Connector,
    signing: Signing,
    offline_tokens: OfflineCredentials,
    unused_tcp_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nobody can judge the token: not a refusal (401) and not a crash (500), but 503."""
    nowhere = f"http://127.0.0.1:{unused_tcp_port}/nothing/here"
    secure = await make_bot(aiohttp_client, redis_url, tmp_path, connector, **with_app_id(nowhere))
    place = secure.place
    for _ in range(2):  # the second fails fast, without another attempt
        async with redis_commands(redis_url) as seen:
            status, _ = await secure.send(
                place.message(HOST, "start Noe"), bearer=token(signing.trusted, place.service_url)
            )
        assert status == 503
        assert state_commands(seen) == []
    assert await redis.keys("*") == []
    assert [r.getMessage() for r in caplog.records].count("openid_keys_unavailable") == 1
    assert errors_in(caplog) == []


async def test_auth_is_off_only_without_an_app_id(
    redis_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Start-up says what is open: no authentication without an app id, and no export
    links without a public address (issue 16: the host is told, and so is the admin)."""
    base = {"REDIS_URL": redis_url, "DIGIKOK_SECRET": SECRET, "DATA_DIR": str(tmp_path)}
    create_app(load_config(base))
    warned = [r.getMessage().split(":")[0] for r in caplog.records]
    assert warned == ["auth_disabled", "no_public_url"]
    caplog.clear()
    public = {"PUBLIC_BASE_URL": "https://digikok.example.no"}
    create_app(load_config(base | {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "x"} | public))
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://login.botframework.us/v1/.well-known/openidconfiguration", True),
        ("http://127.0.0.1:8080/.well-known/openidconfiguration", True),
        ("http://localhost/.well-known/openidconfiguration", True),
        ("http://login.example.org/.well-known/openidconfiguration", False),
        ("ftp://127.0.0.1/keys", False),
        ("login.botframework.com", False),
        ("https://", False),
    ],
)
def test_the_metadata_url_is_checked_at_start(url: str, ok: bool, tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path), "BOT_OPENID_METADATA_URL": url}
    if ok:
        assert load_config(env).openid_metadata_url == url
    else:
        with pytest.raises(ConfigError, match="BOT_OPENID_METADATA_URL"):
            load_config(env)
