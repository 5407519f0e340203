"""The CloudAdapter and what it needs: the only place the SDK's turn pipeline is built.

bot/web.py checks content type, size and JSON first; what the SDK still refuses here is
answered plainly: a body its Activity model cannot read (say, `entities` that are not
objects) is 400, not the 500 the SDK gives; signing keys out of reach are 503.
"""

from __future__ import annotations

import logging

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from msrest.exceptions import DeserializationError

from bot.config import Config
from bot.teams.auth import CachingAuthentication, KeysUnavailable, sdk_config
from bot.teams.handler import DigikokHandler

logger = logging.getLogger(__name__)


async def _on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    # No activity, text or names in the log: the type and the correlation id (in the line).
    logger.error("turn_error", exc_info=error, extra={"type": turn_context.activity.type})


class TeamsEndpoint:
    """Hands an already-validated request to the SDK (token check, turn, invoke response)."""

    def __init__(self, config: Config, handler: DigikokHandler) -> None:
        self._adapter = CloudAdapter(CachingAuthentication(sdk_config(config)))
        self._adapter.on_turn_error = _on_turn_error
        self._handler = handler

    async def process(self, request: web.Request) -> web.StreamResponse:
        try:
            response = await self._adapter.process(request, self._handler)
        except web.HTTPException:
            raise
        except KeysUnavailable:  # logged where it happened; Teams may send the activity again
            raise web.HTTPServiceUnavailable(reason="token signing keys unavailable") from None
        except DeserializationError:  # raised before the token check and the turn
            logger.info("activity_unreadable")
            raise web.HTTPBadRequest(reason="body is not a Bot Framework activity") from None
        return response or web.Response(status=200)
