"""The CloudAdapter and what it needs: the only place the SDK's turn pipeline is built.

bot/web.py checks content type, size and JSON first and hands over the parsed body, so the
activity is parsed once. We call `process_activity` ourselves rather than
`CloudAdapter.process`: the latter re-reads the body and runs every invoke answer through
msrest's `serializer_helper` (12–17 ms of CPU for a 20 KB card, botbuilder 4.17.1). Our
handler answers invokes with a plain dict, written as JSON once here.

What the SDK still refuses is answered plainly: a body its Activity model cannot read (say,
`entities` that are not objects) is 400, not the 500 the SDK gives; a token it rejects is
401; signing keys out of reach are 503.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from bot.config import Config
from bot.teams.auth import CachingAuthentication, KeysUnavailable, sdk_config
from bot.teams.handler import DigikokHandler

logger = logging.getLogger(__name__)


async def _on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    # No activity, text or names in the log: the type and the correlation id (in the line).
    logger.error("turn_error", exc_info=error, extra={"type": turn_context.activity.type})


def json_body(body: Any, status: int = 200) -> web.Response:
    """The invoke answer, serialized once (no msrest on the way out), by orjson: a 20 KB
    card costs the stdlib encoder ~0.5 ms, an eighth of a click (bench/README.md)."""
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


class TeamsEndpoint:
    """Hands an already-validated activity to the SDK (token check, turn, invoke answer)."""

    def __init__(self, config: Config, handler: DigikokHandler) -> None:
        self._adapter = CloudAdapter(CachingAuthentication(sdk_config(config)))
        self._adapter.on_turn_error = _on_turn_error
        self._handler = handler

    async def process(self, body: dict[str, Any], auth_header: str) -> web.StreamResponse:
        try:
            activity = Activity().deserialize(body)
        except (DeserializationError, TypeError, ValueError, AttributeError):
            logger.info("activity_unreadable")
            raise web.HTTPBadRequest(reason="body is not a Bot Framework activity") from None
        if not activity.type:
            raise web.HTTPBadRequest(reason="body is not a Bot Framework activity")
        try:
            invoke = await self._adapter.process_activity(
                auth_header, activity, self._handler.on_turn
            )
        except PermissionError:
            raise web.HTTPUnauthorized(reason="token refused") from None
        except KeysUnavailable:  # logged where it happened; Teams may send the activity again
            raise web.HTTPServiceUnavailable(reason="token signing keys unavailable") from None
        if invoke is None:
            return web.Response(status=201)
        if invoke.body is None:
            return web.Response(status=invoke.status or 200)
        return json_body(invoke.body, invoke.status or 200)
