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
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator

import orjson
from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount
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


_STRINGS = ("type", "id", "name", "channelId", "serviceUrl", "locale", "localTimezone")
_ACCOUNT = ("id", "name", "aadObjectId", "role")
# msrest maps `tenantID`; Teams sends `tenantId`, which msrest keeps in additional_properties
_CONVERSATION = ("id", "name", "conversationType", "tenantID", "tenantId")


def _fields(raw: object, names: tuple[str, ...]) -> dict[str, str | None] | None:
    """The named string fields of a JSON object, or None if it is not one of plain strings."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return None
    out = {n: raw.get(n) for n in names}
    return out if all(v is None or isinstance(v, str) for v in out.values()) else None


def _flag(raw: object) -> bool | None:
    return raw if isinstance(raw, bool) else None


def card_action(body: dict[str, Any]) -> Activity | None:
    """An `adaptiveCard/action` invoke as the SDK's Activity, built directly: msrest's
    `Activity.deserialize` costs ~0.19 ms a click (a fifth of an idea click in the bench's
    profile), this ~5 µs. Only the fields the SDK's turn and our handler read are taken;
    anything of another shape goes the SDK's way (None), which answers it as before."""
    top = _fields(body, _STRINGS)
    if top is None or top["type"] != "invoke" or top["name"] != "adaptiveCard/action":
        return None
    sender, bot = _fields(body.get("from"), _ACCOUNT), _fields(body.get("recipient"), _ACCOUNT)
    conv = _fields(body.get("conversation"), _CONVERSATION)
    value, data = body.get("value"), body.get("channelData")
    stamp, mode = body.get("localTimestamp"), body.get("deliveryMode")
    if sender is None or bot is None or conv is None or not isinstance(value, dict):
        return None
    if not isinstance(data, (dict, type(None))) or not isinstance(mode, (str, type(None))):
        return None
    try:
        local = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
    except ValueError:
        return None
    activity = Activity(
        type=top["type"],
        id=top["id"],
        name=top["name"],
        channel_id=top["channelId"],
        service_url=top["serviceUrl"],
        locale=top["locale"],
        local_timezone=top["localTimezone"],
        local_timestamp=local,
        delivery_mode=mode,
        value=value,
        channel_data=data,
        from_property=ChannelAccount(
            id=sender["id"],
            name=sender["name"],
            aad_object_id=sender["aadObjectId"],
            role=sender["role"],
        ),
        recipient=ChannelAccount(id=bot["id"], name=bot["name"], role=bot["role"]),
        conversation=ConversationAccount(
            id=conv["id"],
            name=conv["name"],
            conversation_type=conv["conversationType"],
            tenant_id=conv["tenantID"],
            is_group=_flag((body.get("conversation") or {}).get("isGroup")),
        ),
    )
    # where translate.tenant_of looks for it (a conversation and channelData that disagree)
    named = conv["tenantId"]
    activity.conversation.additional_properties = {"tenantId": named} if named else {}
    return activity


class TeamsEndpoint:
    """Hands an already-validated activity to the SDK (token check, turn, invoke answer)."""

    def __init__(self, config: Config, handler: DigikokHandler) -> None:
        self._adapter = CloudAdapter(CachingAuthentication(sdk_config(config)))
        self._adapter.on_turn_error = _on_turn_error
        self._handler = handler

    async def process(self, body: dict[str, Any], auth_header: str) -> web.StreamResponse:
        clicked = card_action(body)
        if clicked is not None:
            return await self._card_action(clicked, auth_header)
        try:
            activity = Activity().deserialize(body)
        except (DeserializationError, TypeError, ValueError, AttributeError):
            logger.info("activity_unreadable")
            raise web.HTTPBadRequest(reason="body is not a Bot Framework activity") from None
        if not activity.type:
            raise web.HTTPBadRequest(reason="body is not a Bot Framework activity")
        with _token_refusals():
            invoke = await self._adapter.process_activity(
                auth_header, activity, self._handler.on_turn
            )
        return _answer(invoke)

    async def _card_action(self, activity: Activity, auth_header: str) -> web.StreamResponse:
        """A click (the burst of issue 13): the token checked by the SDK's own
        `authenticate_request`, exactly as `process_activity` does, then straight to the
        handler. The rest of the SDK's turn (a connector client, a user-token client, a
        TurnContext and its pipeline) serves sending, which an invoke answer never does."""
        auth = self._adapter.bot_framework_authentication
        with _token_refusals():
            checked = await auth.authenticate_request(activity, auth_header)
        activity.caller_id = checked.caller_id
        return json_body(await self._handler.card_action(activity))


@contextmanager
def _token_refusals() -> Iterator[None]:
    try:
        yield
    except PermissionError:
        raise web.HTTPUnauthorized(reason="token refused") from None
    except KeysUnavailable:  # logged where it happened; Teams may send the activity again
        raise web.HTTPServiceUnavailable(reason="token signing keys unavailable") from None


def _answer(invoke: InvokeResponse | None) -> web.StreamResponse:
    """What the SDK's turn left to answer: nothing (201), a status, or a JSON body."""
    if invoke is None:
        return web.Response(status=201)
    if invoke.body is None:
        return web.Response(status=invoke.status or 200)
    return json_body(invoke.body, invoke.status or 200)
