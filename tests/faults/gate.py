"""A gate in front of the fake Bot Connector, to make chosen calls slow on cue.

`hold(match)` parks every call that `match(method, conversation id, body)` picks until
`release()`. A parked call whose caller has gone away meanwhile (its process was killed)
is dropped, as if it never reached Teams.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable
from urllib.parse import unquote

from aiohttp import web

from tests.fakes.cards import actions

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Match = Callable[[str, str, dict[str, Any]], bool]
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


def card_of(body: dict[str, Any]) -> dict[str, Any]:
    for attachment in body.get("attachments") or []:
        if attachment.get("contentType") == CARD_TYPE:
            return attachment["content"]
    return {}


def updates(conversation_id: str | None = None) -> Match:
    """Card updates (PUT), of one conversation or of all."""
    return lambda method, cid, body: method == "PUT" and conversation_id in (None, cid)


def posts_of(verb: str) -> Match:
    """New messages whose card offers `verb` (e.g. the idea card: idea.submit)."""
    return lambda method, cid, body: method == "POST" and verb in actions(card_of(body))


class Gate:
    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        self._match: Match = updates()
        self.waiting = 0  # calls parked right now
        self.dropped = 0  # parked calls whose caller died

    def hold(self, match: Match | None = None) -> None:
        self._match = match or updates()
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self._open.is_set() or "cid" not in request.match_info:
            return await handler(request)
        body = await request.json() if request.can_read_body else {}  # aiohttp keeps the body
        if not self._match(request.method, unquote(request.match_info["cid"]), body):
            return await handler(request)
        self.waiting += 1
        try:
            await self._open.wait()
        except asyncio.CancelledError:  # the server cancels it when the caller hangs up
            self.dropped += 1
            raise
        finally:
            self.waiting -= 1
        if request.transport is None or request.transport.is_closing():
            self.dropped += 1
            return web.Response(status=499)  # nobody is listening: it never reached Teams
        return await handler(request)
