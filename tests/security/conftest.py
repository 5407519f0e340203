"""Security tests: the whole app with a real app id, tokens signed by our own keys, no internet.

- `signing`: RSA keys made here; `openid` serves them from localhost as an OpenID
  configuration and a JWKS, and the app reads them through BOT_OPENID_METADATA_URL.
- Outbound tokens (TokenSource) come from `OfflineCredentials`, never from
  login.microsoftonline.com: bot.web builds TokenSource(config), so the fixture hands it the
  credentials factory (the SDK's own seam) by patching that one name.
- `no_internet` (autouse) makes every name lookup other than localhost fail at once and
  records it: a test that tries the internet fails instead of hanging on DNS.
- `redis_commands` records, through MONITOR, every command Redis receives meanwhile, so a
  test can say "this request read and wrote nothing".
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from redis.asyncio import Redis

import bot.web
from bot.teams.auth import TokenSource
from tests.harness import in_process
from tests.harness.connector import Connector
from tests.harness.teams import Teams

APP_ID = "00000000-0000-4000-8000-00000000b07a"
APP_PASSWORD = "test-only-password"
ISSUER = "https://api.botframework.com"
OUTBOUND_TOKEN = "outbound-test-token"
LOOPBACK = {None, "", "localhost", "127.0.0.1", "::1", "0.0.0.0"}
# Commands the background loops send on their own (publisher, timers), and connection set-up.
BACKGROUND = (
    "dk:{outbox}:",
    "dk:{timers}:",
    "dk:{fx}:",
    "dk:{*}:fx",  # the effects sweep at start-up (bot/store/effects.py)
    "PING",
    "HELLO",
    "CLIENT SETINFO",
)


# -- no internet -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every name lookup but localhost fails at once (aiohttp and requests both resolve
    through socket.getaddrinfo); the test then checks nobody tried."""
    tried: list[str] = []
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK:
            tried.append(str(name))
            raise socket.gaierror(socket.EAI_NONAME, f"no internet in tests: {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield tried
    assert tried == [], f"a test tried to reach the internet: {sorted(set(tried))}"


# -- outbound tokens ---------------------------------------------------------------------


class _FixedToken(AppCredentials):
    def __init__(self, app_id: str) -> None:
        super().__init__(app_id=app_id)

    def get_access_token(self, force_refresh: bool = False) -> str:
        return OUTBOUND_TOKEN


class OfflineCredentials(ServiceClientCredentialsFactory):
    """The SDK's credentials seam, answering a fixed token for our app id (no MSAL)."""

    def __init__(self) -> None:
        self.created: list[str] = []

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        self.created.append(oauth_scope)
        return _FixedToken(app_id)


@pytest.fixture
def offline_tokens(monkeypatch: pytest.MonkeyPatch) -> OfflineCredentials:
    factory = OfflineCredentials()
    monkeypatch.setattr(
        bot.web, "TokenSource", functools.partial(TokenSource, credentials_factory=factory)
    )
    return factory


# -- signing keys and the OpenID endpoint -------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey

    def jwk(self) -> dict[str, Any]:
        key = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return key | {"kid": self.kid, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]}


def new_key(kid: str) -> SigningKey:
    return SigningKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))


@dataclass(frozen=True)
class Signing:
    trusted: SigningKey  # published by the OpenID endpoint
    stranger: SigningKey  # never published


@pytest.fixture(scope="session")
def signing() -> Signing:
    return Signing(new_key(f"trusted-{uuid.uuid4().hex[:8]}"), new_key("stranger"))


@dataclass
class OpenId:
    url: str  # the metadata URL (BOT_OPENID_METADATA_URL)
    published: list[SigningKey]  # what the JWKS lists now
    fetches: list[str] = field(default_factory=list)  # paths asked for, in order
    # When set, the JWKS answer waits for it (the test holds a fetch open on purpose).
    gate: asyncio.Event | None = None


@pytest.fixture
async def openid(aiohttp_server: Any, signing: Signing) -> OpenId:
    """Served on the test's own event loop: if the app fetched keys on its loop, blocking,
    it could never get the answer (the fixes in bot/teams/auth.py keep it off the loop)."""
    prefix = f"/{uuid.uuid4().hex}"  # the SDK caches keys per URL for the whole process
    state = OpenId(url="", published=[signing.trusted])

    async def configuration(request: web.Request) -> web.Response:
        state.fetches.append(request.path)
        base = f"{request.scheme}://{request.host}{prefix}"
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{base}/keys"})

    async def keys(request: web.Request) -> web.Response:
        state.fetches.append(request.path)
        if state.gate is not None:
            await asyncio.wait_for(state.gate.wait(), 10)
        return web.json_response({"keys": [key.jwk() for key in state.published]})

    app = web.Application()
    app.router.add_get(f"{prefix}/.well-known/openidconfiguration", configuration)
    app.router.add_get(f"{prefix}/keys", keys)
    server = await aiohttp_server(app)
    state.url = str(server.make_url(f"{prefix}/.well-known/openidconfiguration"))
    return state


def token(
    key: SigningKey,
    service_url: str,
    *,
    kid: str | None = None,
    **claims: Any,
) -> str:
    """A Bot Connector token as Teams sends it; `claims` override (None drops a claim)."""
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + 3600,
    } | claims
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key.private, algorithm="RS256", headers={"kid": kid or key.kid})


# -- the app ---------------------------------------------------------------------------------


async def make_bot(
    aiohttp_client: Any, redis_url: str, data_dir: Path, connector: Connector, **env: str
) -> Teams:
    """The app in this process (the shared harness), its background loops cancelled until
    done at shutdown."""
    return await in_process.start(aiohttp_client, connector, redis_url, data_dir, nag=True, **env)


def with_app_id(metadata_url: str) -> dict[str, str]:
    """The settings of an app with our app id that reads its keys from metadata_url."""
    return {
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppPassword": APP_PASSWORD,
        "BOT_OPENID_METADATA_URL": metadata_url,
    }


@pytest.fixture
async def plain_bot(
    aiohttp_client: Any, redis: Redis, redis_url: str, tmp_path: Path, connector: Connector
) -> Teams:
    """The app without an app id (anonymous, as with a local emulator)."""
    return await make_bot(aiohttp_client, redis_url, tmp_path, connector)


@pytest.fixture
async def secure_bot(
    aiohttp_client: Any,
    redis: Redis,
    redis_url: str,
    tmp_path: Path,
    connector: Connector,
    openid: OpenId,
    offline_tokens: OfflineCredentials,
) -> Teams:
    """The app with an app id: every request needs a token signed by `signing.trusted`."""
    return await make_bot(aiohttp_client, redis_url, tmp_path, connector, **with_app_id(openid.url))


# -- what reached Redis, what was logged ---------------------------------------------------


def state_commands(commands: list[str]) -> list[str]:
    """Commands that read or wrote Digikok state (the background loops' own left out; the
    publisher's scripts read the Redis clock, TIME, which is no state)."""
    return [c for c in commands if c != "TIME" and not any(mark in c for mark in BACKGROUND)]


@contextlib.asynccontextmanager
async def redis_commands(redis_url: str) -> AsyncIterator[list[str]]:
    """Every command Redis received inside the block (complete once the block has exited)."""
    client = Redis.from_url(redis_url, decode_responses=True)  # no socket timeout: MONITOR idles
    seen: list[str] = []
    marker = f"security-spy-{uuid.uuid4().hex}"
    try:
        async with client.monitor() as monitor:

            async def collect() -> None:
                async for info in monitor.listen():
                    if marker in info["command"]:
                        return
                    seen.append(info["command"])

            task = asyncio.create_task(collect())
            try:
                yield seen
            finally:
                await client.echo(marker)  # everything sent before it has been seen
                await asyncio.wait_for(task, 10)
    finally:
        await client.aclose()


def errors_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    """ERROR records (request_failed, turn_failed, turn_error …) as "logger: message"."""
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
