"""Bot Framework authentication: inbound tokens via the SDK, outbound tokens for our sender.

Inbound, with an app id, the SDK's parameterized authentication checks every bearer token:
signed by a key from the OpenID metadata (`BOT_OPENID_METADATA_URL`, default the public
cloud's), issuer https://api.botframework.com, audience our app id, `serviceurl` equal to the
activity's. Tests and the public cloud run the same validator; only the URL differs. Without
an app id the SDK's built-in one runs, which lets a request without a token through
(anonymous mode, local emulator only; bot/web.py logs `auth_disabled`). Anonymous mode is
fenced in: bot/config.py lets it listen only on a loopback HOST, and the sender calls only
a loopback serviceUrl (nothing vouches for the one an activity names).

Three fixes to botbuilder 4.17.1 live here:
- `CachingAuthentication`: CloudAdapter builds a new connector client and user-token client
  on every turn (~4 ms of CPU each, msrest retry-policy set-up), capping a process near
  100 requests/s. We never use that connector client for sending (bot/teams/sender.py does),
  so one per (service URL, audience) is plenty.
- Any token the SDK cannot parse or verify (not a JWT, expired, bad signature, unknown key,
  no issuer) raised a plain exception, which became HTTP 500 and a `request_failed` trace;
  it is a refusal, so it becomes PermissionError (401) with one `auth_refused` line.
- The SDK fetches the signing keys with blocking `requests.get` (no timeout) on the event
  loop, at the first request and once a day; a key id it does not know raised IndexError
  instead of refreshing. `_OffLoopKeys` fetches in a thread with a timeout, once for all
  waiting requests, refreshes on an unknown key id (at most hourly), keeps the old keys if a
  refresh fails, and answers 503 (`KeysUnavailable`) if it has no keys at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import requests
from botbuilder.integration.aiohttp import (
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenExtractor,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)
from botframework.connector.auth.jwt_token_extractor import _OpenIdConfig, _OpenIdMetadata
from jwt.algorithms import RSAAlgorithm

from bot.config import Config

logger = logging.getLogger(__name__)

KEYS_MAX_AGE_S = 24 * 3600  # the SDK's own refresh period
UNKNOWN_KEY_REFRESH_S = 3600  # an unknown key id refetches at most this often (SDK: hourly)
FAILED_RETRY_S = 10.0  # after a failed fetch, requests fail fast for this long
FETCH_TIMEOUT_S = (3.05, 10.0)  # connect, read (requests)
CONNECTOR_CACHE_MAX = 256  # (service URL, audience) pairs; anonymous mode takes any URL


class KeysUnavailable(Exception):
    """No signing keys could be fetched: a token cannot be judged, so the answer is 503."""


@dataclass(frozen=True, slots=True)
class SdkConfig:
    """The attribute names the SDK reads (botbuilder's samples keep them on a class).

    The optional ones are set together, and only with an app id: then
    ConfigurationBotFrameworkAuthentication builds its parameterized authentication.
    """

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None
    OAUTH_URL: str | None = None
    CALLER_ID: str | None = None


def sdk_config(config: Config) -> SdkConfig:
    base = (config.app_id, config.app_password, config.app_type, config.app_tenant_id)
    if config.anonymous:
        return SdkConfig(*base)
    # The public cloud's values (what the SDK's built-in public-cloud authentication uses),
    # with the channel's key metadata configurable.
    return SdkConfig(
        *base,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=channel_metadata_url(config),
        TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=(
            AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
        ),
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        OAUTH_URL=AuthenticationConstants.OAUTH_URL,
        CALLER_ID=CallerIdConstants.public_azure_channel,
    )


def channel_metadata_url(config: Config) -> str:
    return (
        config.openid_metadata_url
        or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    )


class _OffLoopKeys(_OpenIdMetadata):
    """The SDK's key cache for one metadata URL, fetched off the event loop (see above)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._by_kid: dict[str, _OpenIdConfig] = {}
        self._fetched_at = float("-inf")  # time.monotonic() of the last good fetch
        self._failed_at = float("-inf")
        self._locks: dict[int, asyncio.Lock] = {}  # one per event loop (tests run several)

    def _lock(self) -> asyncio.Lock:
        loop = id(asyncio.get_running_loop())
        lock = self._locks.get(loop)
        if lock is None:
            self._locks = {loop: asyncio.Lock()}  # the old loops are gone
            lock = self._locks[loop]
        return lock

    async def get(self, key_id: str) -> _OpenIdConfig | None:
        if time.monotonic() - self._fetched_at > KEYS_MAX_AGE_S:
            await self._refresh_since(self._fetched_at)
        key = self._find(key_id)
        if key is None and time.monotonic() - self._fetched_at > UNKNOWN_KEY_REFRESH_S:
            await self._refresh_since(self._fetched_at)
            key = self._find(key_id)
        return key  # None: the SDK then fails on it, which authenticate_request turns into 401

    async def _refresh_since(self, seen: float) -> None:
        async with self._lock():
            if self._fetched_at != seen:
                return  # another request refreshed while this one waited
            if time.monotonic() - self._failed_at < FAILED_RETRY_S:
                if not self._by_kid:
                    raise KeysUnavailable(self.url)
                return
            started = time.monotonic()
            try:
                keys = await asyncio.to_thread(self._fetch)
            except Exception as exc:  # noqa: BLE001 - network, HTTP status or a bad document
                self._failed_at = time.monotonic()
                logger.warning(
                    "openid_keys_unavailable",
                    extra={"reason": type(exc).__name__, "kept": len(self._by_kid)},
                )
                if not self._by_kid:
                    raise KeysUnavailable(self.url) from exc
                return
            self._by_kid = keys
            self._fetched_at = time.monotonic()
            logger.info(
                "openid_keys_fetched",
                extra={"keys": len(keys), "ms": round((time.monotonic() - started) * 1000)},
            )

    def _fetch(self) -> dict[str, _OpenIdConfig]:
        """Blocking (requests, as the SDK): run in a thread, bounded by FETCH_TIMEOUT_S."""
        document = requests.get(self.url, timeout=FETCH_TIMEOUT_S)
        document.raise_for_status()
        listing = requests.get(document.json()["jwks_uri"], timeout=FETCH_TIMEOUT_S)
        listing.raise_for_status()
        parsed: dict[str, _OpenIdConfig] = {}
        for key in listing.json()["keys"]:
            try:
                public_key = RSAAlgorithm.from_jwk(json.dumps(key))
                parsed[str(key["kid"])] = _OpenIdConfig(public_key, key.get("endorsements", []))
            except Exception:  # noqa: BLE001 - one unusable key must not hide the others
                logger.warning("openid_key_skipped")
        if not parsed:
            raise ValueError("no usable signing key")
        return parsed

    def _find(self, key_id: str) -> _OpenIdConfig | None:
        return self._by_kid.get(key_id) if isinstance(key_id, str) else None


def install_key_caches(urls: list[str]) -> None:
    """Put our key cache in the SDK's process-wide table for each URL it may consult."""
    for url in urls:
        if not isinstance(JwtTokenExtractor.metadataCache.get(url), _OffLoopKeys):
            JwtTokenExtractor.metadataCache[url] = _OffLoopKeys(url)


class _CachingConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, cache: dict[tuple[str, str], ConnectorClient]):
        self._inner = inner
        self._cache = cache

    async def create(self, service_url: str, audience: str = None) -> ConnectorClient:
        key = (service_url, audience or "")
        client = self._cache.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            if len(self._cache) >= CONNECTOR_CACHE_MAX:
                self._cache.clear()  # bounded: a token pins the URL, anonymous mode does not
            self._cache[key] = client
        return client


class CachingAuthentication(ConfigurationBotFrameworkAuthentication):
    def __init__(
        self,
        configuration: SdkConfig,
        *,
        credentials_factory: ServiceClientCredentialsFactory | None = None,
    ) -> None:
        super().__init__(configuration, credentials_factory=credentials_factory)
        install_key_caches(
            [
                configuration.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
                or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
                AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
            ]
        )
        self._connectors: dict[tuple[str, str], ConnectorClient] = {}
        self._token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        try:
            result = await super().authenticate_request(activity, auth_header)
        except KeysUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with a token, it is refused
            # The type only: a message may quote the token's claims (attacker's text).
            logger.warning("auth_refused", extra={"reason": type(exc).__name__})
            if isinstance(exc, PermissionError):
                raise
            raise PermissionError("invalid bearer token") from exc
        if result.connector_factory is not None:
            result.connector_factory = _CachingConnectorFactory(
                result.connector_factory, self._connectors
            )
        return result

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = str(getattr(claims_identity, "claims", {}).get("aud", ""))
        client = self._token_clients.get(key)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._token_clients[key] = client
        return client


class TokenSource:
    """Bearer tokens for calls to the Bot Connector; none in anonymous (emulator) mode.

    MSAL's token fetch is blocking HTTP: it runs in a thread, and MSAL caches the token.
    `credentials_factory` is the SDK's own seam (ConfigurationBotFrameworkAuthentication
    takes one too): tests pass one whose credentials never leave the machine.
    """

    def __init__(
        self, config: Config, credentials_factory: ServiceClientCredentialsFactory | None = None
    ) -> None:
        self._config = config
        self._factory = credentials_factory or ConfigurationServiceClientCredentialFactory(
            sdk_config(config)
        )
        self._credentials: Any = None
        self._lock = asyncio.Lock()

    @property
    def anonymous(self) -> bool:
        """No credentials: the caller may talk only to a Bot Connector on this machine."""
        return self._config.anonymous

    async def header(self) -> dict[str, str]:
        if self._config.anonymous:
            return {}
        async with self._lock:
            if self._credentials is None:
                self._credentials = await self._factory.create_credentials(
                    self._config.app_id,
                    AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
                    AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
                    True,
                )
        token = await asyncio.to_thread(self._credentials.get_access_token)
        return {"Authorization": f"Bearer {token}"}
