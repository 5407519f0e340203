"""Teams in, service call out, answer back. No Digikok rules live here.

Every activity the SDK let through (token checked) is counted by type; a card action also
by its verb, and only a verb of the route table is a label value of its own.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bot.i18n import language_for, translator
from bot.logs import correlation_id
from bot.metrics import OTHER, Metrics
from bot.service.handlers import ROUTES, Service
from bot.service.ports import Card, SendError, StoreUnavailable
from bot.teams.translate import actor_from, tenant_of
from cards import notice

logger = logging.getLogger(__name__)

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_ACTION = "adaptiveCard/action"


def card_answer(card: Card) -> InvokeResponse:
    """A plain dict body, written as JSON once by bot/teams/adapter.py: the SDK's own
    on_adaptive_card_invoke path serializes it through msrest (and answers 500)."""
    return InvokeResponse(status=200, body={"statusCode": 200, "type": CARD_TYPE, "value": card})


def answered(turn_context: TurnContext, response: InvokeResponse) -> InvokeResponse:
    """Hand the answer to the adapter ourselves: ActivityHandler would send it as an
    activity, and TurnContext.send_activities deep-copies every activity it sends (28 % of
    a vote click for a 20 KB card, bench/README.md). The adapter reads it from here."""
    turn_context.turn_state[TurnContext._INVOKE_RESPONSE_KEY] = Activity(
        type=ActivityTypes.invoke_response, value=response
    )
    return response


def is_unavailable(exc: BaseException) -> bool:
    """Redis (or the network to it) is down: say so plainly instead of 'something broke'."""
    return isinstance(exc, StoreUnavailable)


def verb_of(activity: Activity) -> str:
    """`value.action.verb` of a card action, if the route table knows it; never user text."""
    if activity.type != "invoke" or activity.name != CARD_ACTION:
        return ""
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action") if isinstance(value.get("action"), dict) else {}
    verb = action.get("verb")
    return verb if isinstance(verb, str) and verb in ROUTES else OTHER


class DigikokHandler(ActivityHandler):
    def __init__(self, service: Service, allowed_tenants: frozenset[str], metrics: Metrics) -> None:
        self._service = service
        self._allowed = allowed_tenants
        self._metrics = metrics

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        self._metrics.activity(activity.type, activity.name, verb_of(activity))
        await super().on_turn(turn_context)

    def _admitted(self, activity: Activity) -> bool:
        if not self._allowed or tenant_of(activity) in self._allowed:
            return True
        logger.warning("tenant_refused", extra={"type": activity.type})
        return False

    def _error_key(self, exc: BaseException, ref: str) -> str:
        if is_unavailable(exc):
            logger.warning("store_unavailable", extra={"ref": ref})
            return "error.unavailable"
        if isinstance(exc, SendError) and 400 <= exc.status < 500:
            # Teams refused us (bot removed, conversation gone): no fault of ours to trace
            logger.warning("turn_refused_by_connector", extra={"ref": ref, "status": exc.status})
            return "error.generic"
        logger.exception("turn_failed", extra={"ref": ref})
        return "error.generic"

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        actor = actor_from(turn_context.activity)
        if actor is None or not self._admitted(turn_context.activity):
            return
        try:
            await self._service.on_message(actor, turn_context.activity.text)
        except Exception as exc:  # noqa: BLE001 - the user gets a clear answer, we get the trace
            ref = correlation_id.get()
            t = translator(language_for(actor.locale))
            key = self._error_key(exc, ref)
            try:
                await self._service.deps.sender.send(actor.conv, text=t(key, ref=ref))
            except Exception:  # noqa: BLE001
                logger.warning("error_reply_failed", extra={"ref": ref})

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name != CARD_ACTION:
            return await super().on_invoke_activity(turn_context)
        return answered(turn_context, card_answer(await self._card(turn_context.activity)))

    async def card_action(self, activity: Activity) -> dict[str, Any]:
        """A card action's invoke answer without the SDK's turn (bot/teams/adapter.py): the
        answer is all a card action gives back, and nothing in it sends through a connector.
        Counted like every activity the SDK's turn would have seen."""
        self._metrics.activity(activity.type, activity.name, verb_of(activity))
        return card_answer(await self._card(activity)).body

    async def _card(self, activity: Activity) -> Card:
        """The card this person sees after their click; a failure is a clear line."""
        actor = actor_from(activity)
        t = translator(language_for(activity.locale))
        if actor is None or not self._admitted(activity):
            return notice.message(t, "card.unknown", good=False)
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action") if isinstance(value.get("action"), dict) else {}
        try:
            return await self._service.on_card_action(actor, action.get("data"))
        except Exception as exc:  # noqa: BLE001
            ref = correlation_id.get()
            return notice.message(t, self._error_key(exc, ref), good=False, ref=ref)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        bot = turn_context.activity.recipient
        if not bot or not any(m is not None and m.id == bot.id for m in members_added):
            return
        actor = actor_from(turn_context.activity)
        if actor is None or not self._admitted(turn_context.activity):
            return
        try:
            await self._service.on_installed(actor)
        except Exception as exc:  # noqa: BLE001
            self._error_key(exc, correlation_id.get())
