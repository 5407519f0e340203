"""Outgoing calls to the Bot Connector REST API, on our own aiohttp session.

The SDK's connector runs calls on a small thread pool, never retries a POST on 429/5xx and
retries a PUT only when Retry-After is present. Here every call is retried on 429 (after
Retry-After) and on 5xx or a dropped connection (with backoff), a bounded number of times;
a 4xx other than 429 is final and raised as SendError. Every attempt is counted in the
metrics by operation and status class, and each 429 on its own.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.metrics import Metrics
from bot.service.ports import Card, ConvRef, SendError
from bot.teams.auth import TokenSource

logger = logging.getLogger(__name__)

ATTEMPTS = 5
RETRY_AFTER_CAP_S = 30.0
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


def message(ref: ConvRef, card: Card | None, text: str | None) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "type": "message",
        "from": {"id": ref.bot_id, "name": ref.bot_name},
        "conversation": {"id": ref.conversation_id},
    }
    if text is not None:
        activity["text"] = text
        activity["textFormat"] = "plain"
    if card is not None:
        activity["attachments"] = [{"contentType": CARD_TYPE, "content": card}]
    return activity


def _retry_after(response: aiohttp.ClientResponse, attempt: int) -> float:
    raw = response.headers.get("Retry-After", "")
    try:
        return min(RETRY_AFTER_CAP_S, max(0.0, float(raw)))
    except ValueError:
        return min(RETRY_AFTER_CAP_S, 0.5 * 2**attempt)


class ConnectorSender:
    def __init__(self, http: aiohttp.ClientSession, tokens: TokenSource, metrics: Metrics) -> None:
        self._http = http
        self._tokens = tokens
        self._metrics = metrics

    async def _call(
        self, method: str, url: str, body: dict[str, Any], operation: str
    ) -> dict[str, Any]:
        status = 0
        for attempt in range(ATTEMPTS):
            headers = await self._tokens.header()
            status = 0
            try:
                async with self._http.request(method, url, json=body, headers=headers) as resp:
                    status = resp.status
                    self._metrics.connector_call(operation, status)
                    if status < 300:
                        text = await resp.text()
                        return await resp.json(content_type=None) if text.strip() else {}
                    if status == 429:
                        delay = _retry_after(resp, attempt)
                    elif status >= 500:
                        delay = 0.25 * 2**attempt * (1 + random.random())
                    else:
                        raise SendError(status, operation)
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError):
                if not status:  # no answer at all (a body cut short was counted already)
                    self._metrics.connector_call(operation, 0)
                status, delay = 0, 0.25 * 2**attempt
            logger.info(
                "connector_retry",
                extra={"op": operation, "status": status, "attempt": attempt + 1, "delay_s": delay},
            )
            if attempt + 1 < ATTEMPTS:
                await asyncio.sleep(delay)
        raise SendError(status, operation)

    @staticmethod
    def _activities(ref: ConvRef) -> str:
        base = ref.service_url.rstrip("/")
        return f"{base}/v3/conversations/{quote(ref.conversation_id, safe='')}/activities"

    async def send(self, ref: ConvRef, card: Card | None = None, text: str | None = None) -> str:
        answer = await self._call("POST", self._activities(ref), message(ref, card, text), "send")
        return str(answer.get("id", ""))

    async def update(self, ref: ConvRef, activity_id: str, card: Card) -> None:
        body = message(ref, card, None) | {"id": activity_id}
        url = f"{self._activities(ref)}/{quote(activity_id, safe='')}"
        await self._call("PUT", url, body, "update")

    async def member_aad_id(self, ref: ConvRef, user_id: str) -> str | None:
        """GET conversation member: Teams answers with objectId (the SDK's model drops it)."""
        base = ref.service_url.rstrip("/")
        cid = quote(ref.conversation_id.split(";", 1)[0], safe="")
        url = f"{base}/v3/conversations/{cid}/members/{quote(user_id, safe='')}"
        try:
            answer = await self._call("GET", url, None, "get_member")
        except SendError as exc:
            if exc.status == 404:
                return None
            raise
        value = answer.get("objectId") or answer.get("aadObjectId")
        return str(value) if value else None

    async def personal(self, ref: ConvRef, user_id: str) -> ConvRef:
        body = {
            "bot": {"id": ref.bot_id, "name": ref.bot_name},
            "members": [{"id": user_id}],
            "isGroup": False,
            "tenantId": ref.tenant_id,
            "channelData": {"tenant": {"id": ref.tenant_id}},
        }
        url = f"{ref.service_url.rstrip('/')}/v3/conversations"
        answer = await self._call("POST", url, body, "create_conversation")
        return ConvRef(
            ref.service_url,
            str(answer.get("id", "")),
            "personal",
            ref.tenant_id,
            ref.bot_id,
            ref.bot_name,
        )
