"""Outgoing calls to the Bot Connector REST API, on our own aiohttp session.

The SDK's connector runs calls on a small thread pool, never retries a POST on 429/5xx and
retries a PUT only when Retry-After is present. Here every call is retried on 429 (after
Retry-After) and on 5xx or a dropped connection (with backoff), a bounded number of times;
a 4xx other than 429 is final and raised as SendError. Every attempt is counted in the
metrics by operation and status class, and each 429 on its own.

Teams throttles per conversation, whichever replica calls, so with a Pacer (bot/store/pacing.py)
every attempt for a conversation first books a slot in its shared window and sleeps until
it: sends, updates and roster reads alike, retries too (each reaches Teams as an operation).
Creating a 1:1 chat is not paced: it is no call in an existing conversation; opening a
channel thread is paced on the channel. A slot further than the pacer's cap fails the call
as SendError(429) at once, so nothing waits forever. Without a pacer (the default) calls go
out as they come, as before.

In anonymous mode (no MicrosoftAppId) nothing vouches for an activity's serviceUrl, so the
sender calls only a loopback one (the Agents Playground, the tests' fake connector); any
other is refused before a byte leaves, as ServiceUrlRefused, with a logged warning.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any, Callable, Protocol
from urllib.parse import quote, urlsplit

import aiohttp

from bot.metrics import Metrics
from bot.service.ports import Card, ConvRef, SendError
from bot.teams.auth import TokenSource

logger = logging.getLogger(__name__)

ATTEMPTS = 5
RETRY_AFTER_CAP_S = 30.0
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ServiceUrlRefused(SendError):
    """Anonymous mode and a serviceUrl off this machine: not called (a forged activity
    could otherwise make the bot POST cards and signed links anywhere)."""

    def __init__(self, operation: str) -> None:
        super().__init__(403, operation)


def is_loopback_url(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return host in LOOPBACK or host.startswith("127.")


class Pacer(Protocol):
    async def reserve(self, conversation_id: str) -> float | None:
        """Book one call: seconds until it may go (0.0: now); None: no slot within the cap."""
        ...


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
    def __init__(
        self,
        http: aiohttp.ClientSession,
        tokens: TokenSource,
        metrics: Metrics,
        pacer: Pacer | None = None,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._metrics = metrics
        self._pacer = pacer

    async def _pace(self, conversation_id: str | None, operation: str) -> None:
        """Wait for this conversation's next slot (booked now, after the token is at hand,
        so that little happens between the slot and the call reaching Teams)."""
        if self._pacer is None or conversation_id is None:
            return
        wait_s = await self._pacer.reserve(conversation_id)
        if wait_s is None:
            logger.warning("connector_pace_full", extra={"op": operation})
            raise SendError(429, operation)
        if wait_s > 0:
            if wait_s >= 1.0:
                logger.info("connector_paced", extra={"op": operation, "delay_s": wait_s})
            await asyncio.sleep(wait_s)

    async def _call(
        self,
        method: str,
        url: str,
        body: dict[str, Any] | None,
        operation: str,
        pace: str | None = None,
    ) -> dict[str, Any]:
        """One Bot Connector call with its retries; `pace` is the conversation to pace on."""
        if self._tokens.anonymous and not is_loopback_url(url):
            logger.warning("service_url_refused", extra={"op": operation})
            raise ServiceUrlRefused(operation)
        status = 0
        for attempt in range(ATTEMPTS):
            headers = await self._tokens.header()
            await self._pace(pace, operation)
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
        body = message(ref, card, text)
        answer = await self._call("POST", self._activities(ref), body, "send", ref.conversation_id)
        return str(answer.get("id", ""))

    async def update(
        self, ref: ConvRef, activity_id: str, card: Card, text: str | None = None
    ) -> None:
        body = message(ref, card, text) | {"id": activity_id}
        url = f"{self._activities(ref)}/{quote(activity_id, safe='')}"
        await self._call("PUT", url, body, "update", ref.conversation_id)

    async def member_aad_id(self, ref: ConvRef, user_id: str) -> str | None:
        """GET conversation member: Teams answers with objectId (the SDK's model drops it)."""
        answer = await self._member(ref, user_id, lambda exc: exc.status == 404)
        value = answer.get("objectId") or answer.get("aadObjectId") if answer else None
        return str(value) if value else None

    async def member_name(self, ref: ConvRef, member_id: str) -> str | None:
        """A member's display name; Teams takes an AAD object id here too (an owner picked
        in the people picker who never checked in: the picker answers with the id only)."""
        answer = await self._member(ref, member_id, lambda exc: exc.permanent)
        name = answer.get("name") if answer else None
        return str(name) if isinstance(name, str) and name.strip() else None

    async def _member(
        self, ref: ConvRef, member_id: str, absent: Callable[[SendError], bool]
    ) -> dict[str, Any] | None:
        """One member of the conversation, or None where Teams' refusal means "no such"."""
        base = ref.service_url.rstrip("/")
        cid = quote(ref.conversation_id.split(";", 1)[0], safe="")
        url = f"{base}/v3/conversations/{cid}/members/{quote(member_id, safe='')}"
        try:
            return await self._call("GET", url, None, "get_member", ref.conversation_id)
        except SendError as exc:
            if absent(exc):
                return None
            raise

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

    async def thread(self, ref: ConvRef, channel_id: str, card: Card) -> tuple[ConvRef, str]:
        """A new thread in a Teams channel, opened with a card: (its conversation, the card's
        activity id). The Bot Connector creates it as a group conversation in the channel."""
        body = {
            "isGroup": True,
            "bot": {"id": ref.bot_id, "name": ref.bot_name},
            "tenantId": ref.tenant_id,
            "channelData": {"channel": {"id": channel_id}, "tenant": {"id": ref.tenant_id}},
            "activity": message(ref, card, None),
        }
        url = f"{ref.service_url.rstrip('/')}/v3/conversations"
        # Its first message is posted into the channel: paced on the channel's budget.
        answer = await self._call("POST", url, body, "create_conversation", channel_id)
        conversation = str(answer.get("id", ""))
        activity_id = str(answer.get("activityId") or conversation.rpartition("=")[2])
        thread = ConvRef(
            ref.service_url, conversation, "channel", ref.tenant_id, ref.bot_id, ref.bot_name
        )
        return thread, activity_id
