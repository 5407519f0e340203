"""A second baseline: the Bot Framework SDK's own cost, with no Digikok in it.

`python bench/sdk_floor.py PORT APP_DIR CARD_JSON` serves POST /api/messages through the
same CloudAdapter the app builds (anonymous, with the app's CachingAuthentication from
APP_DIR/bot/teams/auth.py) and an ActivityHandler that answers every Action.Execute with
the card in CARD_JSON (an answer the real app gave in this run). No Redis, no rules, no
rendering: what is left is the SDK's turn (msrest deserialize, TurnContext, deepcopy and
msrest serialize of the invoke response). run.py reports ours / this beside ours / ceiling,
so a gap can be put on the SDK or on the bot.

With MicrosoftAppId and BOT_OPENID_METADATA_URL in its environment (run.py --auth), the
adapter is built as the app builds it with an app id (`sdk_config`), so every request's
bearer token is checked: the SDK floor with and without auth is the cost of that check.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from aiohttp import web


def main(argv: list[str]) -> int:
    port, app_dir, card_path = int(argv[1]), Path(argv[2]), Path(argv[3])
    sys.path.insert(0, str(app_dir))
    from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
    from botbuilder.integration.aiohttp import CloudAdapter
    from botbuilder.schema import AdaptiveCardInvokeResponse

    from bot.teams.auth import CachingAuthentication, SdkConfig, sdk_config

    card: dict[str, Any] = json.loads(card_path.read_text(encoding="utf-8"))
    card_type = "application/vnd.microsoft.card.adaptive"

    class FixedAnswer(ActivityHandler):
        async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
            body = AdaptiveCardInvokeResponse(status_code=200, type=card_type, value=card)
            return InvokeResponse(status=200, body=body)

    app_id = os.environ.get("MicrosoftAppId", "")
    if app_id:  # the fields sdk_config reads from the app's Config
        config: Any = SimpleNamespace(
            anonymous=False,
            app_id=app_id,
            app_password=os.environ.get("MicrosoftAppPassword", ""),
            app_type="MultiTenant",
            app_tenant_id="",
            openid_metadata_url=os.environ.get("BOT_OPENID_METADATA_URL", ""),
        )
        adapter = CloudAdapter(CachingAuthentication(sdk_config(config)))
    else:
        adapter = CloudAdapter(CachingAuthentication(SdkConfig("", "", "MultiTenant", "")))
    bot = FixedAnswer()

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot) or web.Response(status=200)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=256 * 1024)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
