"""Bot Framework authentication: inbound tokens via the SDK, outbound tokens for our sender.

`CachingAuthentication` fixes a cost of CloudAdapter in botbuilder 4.17.1: it builds a new
connector client and user-token client on every turn (~4 ms of CPU each, msrest retry-policy
set-up), capping a process near 100 requests/s. We never use that connector client for
sending (bot/teams/sender.py does), so one per (service URL, audience) is plenty.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from botbuilder.integration.aiohttp import (
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

from bot.config import Config

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SdkConfig:
    """The attribute names the SDK reads (botbuilder's samples keep them on a class)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def sdk_config(config: Config) -> SdkConfig:
    return SdkConfig(config.app_id, config.app_password, config.app_type, config.app_tenant_id)


class _CachingConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, cache: dict[tuple[str, str], ConnectorClient]):
        self._inner = inner
        self._cache = cache

    async def create(self, service_url: str, audience: str = None) -> ConnectorClient:
        key = (service_url, audience or "")
        client = self._cache.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            self._cache[key] = client
        return client


class CachingAuthentication(ConfigurationBotFrameworkAuthentication):
    def __init__(self, configuration: SdkConfig) -> None:
        super().__init__(configuration)
        self._connectors: dict[tuple[str, str], ConnectorClient] = {}
        self._token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
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
    """

    def __init__(self, config: Config) -> None:
        self._config = config
        self._factory = ConfigurationServiceClientCredentialFactory(sdk_config(config))
        self._credentials = None
        self._lock = asyncio.Lock()

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
