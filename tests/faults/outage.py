"""Teams refusing chosen writes for a while: a middleware in front of the fake Bot Connector.

`refuse(match, seconds)` answers every call that `match(method, conversation id, body)`
picks with 503, from the first such call until `seconds` later; then they go through.
It counts what it refused, so a test can tell the outage was really met.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from tests.fakes.cards import all_text
from tests.faults.gate import Handler, Match, card_of


def posts_showing(fragment: str) -> Match:
    """New messages (in any conversation) whose card shows `fragment`."""

    return lambda method, cid, body: method == "POST" and fragment in all_text(card_of(body))


class Outage:
    def __init__(self) -> None:
        self._match: Match | None = None
        self._seconds = 0.0
        self.started: float | None = None  # monotonic time of the first refused call
        self.refused = 0
        self.passed_after = 0  # matching calls let through once the outage was over

    def refuse(self, match: Match, seconds: float) -> None:
        self._match, self._seconds, self.started = match, seconds, None

    @property
    def over(self) -> bool:
        return self.started is not None and time.monotonic() >= self.started + self._seconds

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self._match is None or "cid" not in request.match_info:
            return await handler(request)
        body: dict[str, Any] = await request.json() if request.can_read_body else {}
        if not self._match(request.method, unquote(request.match_info["cid"]), body):
            return await handler(request)
        if self.started is None:
            self.started = time.monotonic()
        if time.monotonic() < self.started + self._seconds:
            self.refused += 1
            return web.json_response({"error": "injected outage"}, status=503)
        self.passed_after += 1
        return await handler(request)
