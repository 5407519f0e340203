"""`--auth` (issue 13): the app with MicrosoftAppId set, and tokens signed by our own key.

The pieces come from tests/security/conftest.py, imported (not copied): `new_key` makes the
RSA key, `SigningKey.jwk` publishes it, `token` signs a Bot Connector token as Teams sends
it (issuer https://api.botframework.com, audience APP_ID, `serviceurl` the activity's), and
`APP_ID` / `APP_PASSWORD`. As the `openid` fixture does, this serves the OpenID metadata
and the JWKS on 127.0.0.1, here from the bench's own process, and the app reads them through
BOT_OPENID_METADATA_URL. The app itself runs under bench/auth_app.py, which swaps its
outbound token source for the suite's `OfflineCredentials` (no login.microsoftonline.com).

conftest imports `bot.web`: `security_helpers` puts the app under test first on sys.path, so
that is the app of `--app-ref`, not a half-edited working tree.
"""

from __future__ import annotations

import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from aiohttp import web

from tests.harness import processes

WRAPPER = Path(__file__).resolve().parent / "auth_app.py"


def security_helpers(app_dir: Path) -> ModuleType:
    """tests.security.conftest, with the app under test's `bot` package."""
    if str(app_dir) not in sys.path[:1]:
        sys.path.insert(0, str(app_dir))
    import tests.security.conftest as security

    return security


@dataclass
class Auth:
    """A running key server, and the headers and environment that go with it."""

    metadata_url: str
    bearer: dict[str, str]  # {"Authorization": "Bearer <token>"}
    env: dict[str, str]  # what the app (and the SDK floor) need to check tokens
    runner: web.AppRunner

    async def close(self) -> None:
        await self.runner.cleanup()


async def start(app_dir: Path, service_url: str) -> Auth:
    """Serve one fresh key as OpenID metadata + JWKS, and sign one token for service_url
    (valid an hour, as Teams reuses one token for many requests)."""
    security = security_helpers(app_dir)
    key = security.new_key(f"bench-{uuid.uuid4().hex[:8]}")
    prefix = f"/{uuid.uuid4().hex}"
    port = processes.free_port()
    base = f"http://127.0.0.1:{port}{prefix}"

    async def configuration(request: web.Request) -> web.Response:
        return web.json_response({"issuer": security.ISSUER, "jwks_uri": f"{base}/keys"})

    async def keys(request: web.Request) -> web.Response:
        return web.json_response({"keys": [key.jwk()]})

    app = web.Application()
    app.router.add_get(f"{prefix}/.well-known/openidconfiguration", configuration)
    app.router.add_get(f"{prefix}/keys", keys)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"{base}/.well-known/openidconfiguration"
    signed = security.token(key, service_url)
    env = {
        "MicrosoftAppId": security.APP_ID,
        "MicrosoftAppPassword": security.APP_PASSWORD,
        "BOT_OPENID_METADATA_URL": url,
    }
    return Auth(url, {"Authorization": f"Bearer {signed}"}, env, runner)


def app_argv(auth: Any) -> list[str]:
    """How the app is started: plain `app.py`, or under the wrapper with --auth."""
    return [str(WRAPPER)] if auth is not None else ["app.py"]


async def validation_cost(
    app_dir: Path, auth: Auth, activity: dict[str, Any], calls: int = 400
) -> dict[str, Any]:
    """The token check alone, in this process: the app's CachingAuthentication with the app
    id (as bot/teams/adapter.py builds it) against the anonymous one, `calls` times each on
    one real activity and our token; CPU (process_time) and wall per call. The keys are
    fetched once before the clock starts, as the app has them after its first request."""
    security_helpers(app_dir)
    from botbuilder.schema import Activity

    from bot.teams.auth import CachingAuthentication, SdkConfig, sdk_config

    config: Any = SimpleNamespace(
        anonymous=False,
        app_id=auth.env["MicrosoftAppId"],
        app_password=auth.env["MicrosoftAppPassword"],
        app_type="MultiTenant",
        app_tenant_id="",
        openid_metadata_url=auth.metadata_url,
    )
    checked = CachingAuthentication(sdk_config(config))
    anonymous = CachingAuthentication(SdkConfig("", "", "MultiTenant", ""))
    header = auth.bearer["Authorization"]

    async def per_call(who: Any, bearer: str) -> tuple[float, float]:
        await who.authenticate_request(Activity().deserialize(activity), bearer)  # warm
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(calls):
            await who.authenticate_request(Activity().deserialize(activity), bearer)
        return (
            (time.process_time() - cpu) * 1000 / calls,
            (time.perf_counter() - wall) * 1000 / calls,
        )

    with_cpu, with_wall = await per_call(checked, header)
    without_cpu, without_wall = await per_call(anonymous, "")
    return {
        "calls": calls,
        "with_auth_cpu_ms": round(with_cpu, 3),
        "anonymous_cpu_ms": round(without_cpu, 3),
        "validation_cpu_ms": round(with_cpu - without_cpu, 3),
        "validation_wall_ms": round(with_wall - without_wall, 3),
    }
