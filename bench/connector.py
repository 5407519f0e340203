"""A fake Bot Connector that enforces Teams' per-conversation rate limits (issue 5).

Teams throttles a bot per conversation (per thread): 7 operations per 1 s, 8 per 2 s and
60 per 30 s, sliding windows. A call that would break any window gets 429 with Retry-After
and is not an operation. Every accepted call is kept with its `time.monotonic()` stamp, so
the bench can say how close the bot came to each limit and when the last card update landed.

Routes are the Bot Connector's (the same shape as tests/fakes/connector.py):
POST /v3/conversations (create), POST /v3/conversations/{cid}/activities (send),
POST|PUT /v3/conversations/{cid}/activities/{aid} (reply | update). Anything else is
recorded as unexpected and answered 404.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

from aiohttp import web

# (window in seconds, most operations in it), per conversation.
LIMITS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60))
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True, slots=True)
class Call:
    at: float  # time.monotonic() when the call was accepted
    kind: str  # create | send | reply | update
    conversation_id: str
    activity_id: str
    body: dict[str, Any]

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.body.get("attachments") or []:
            if isinstance(attachment, dict) and attachment.get("contentType") == CARD_TYPE:
                return attachment.get("content")
        return None


@dataclass(frozen=True, slots=True)
class Refused:
    at: float
    kind: str
    conversation_id: str
    retry_after_s: int


@dataclass(frozen=True, slots=True)
class ConversationFigures:
    operations: int
    by_kind: dict[str, int]
    peaks: dict[float, int]  # window s -> most accepted operations in any such window
    refused: int  # 429s sent to the bot


def peak(stamps: list[float], window_s: float) -> int:
    """Most stamps in any half-open interval [t, t + window): the sliding-window count."""
    best, lo = 0, 0
    for hi, stamp in enumerate(stamps):
        while stamp - stamps[lo] >= window_s:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@dataclass
class ThrottledConnector:
    limits: tuple[tuple[float, int], ...] = LIMITS
    clock: Callable[[], float] = time.monotonic
    calls: list[Call] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    unexpected: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    _recent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def _wait_s(self, cid: str, now: float) -> float:
        """0 if an operation now fits every window; else how long until it would."""
        recent = self._recent[cid]
        longest = max(w for w, _ in self.limits)
        while recent and recent[0] <= now - longest:
            recent.popleft()
        wait = 0.0
        for window_s, most in self.limits:
            inside = [t for t in recent if t > now - window_s]
            if len(inside) >= most:
                wait = max(wait, inside[-most] + window_s - now)
        return wait

    def _admit(self, kind: str, cid: str) -> web.Response | None:
        """Check and record in one step (no await between), so concurrent calls cannot race."""
        now = self.clock()
        wait = self._wait_s(cid, now)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))  # delta-seconds, as HTTP sends it
            self.refused.append(Refused(now, kind, cid, retry_after))
            return web.json_response(
                {"error": {"code": "TooManyRequests", "message": "throttled (bench)"}},
                status=429,
                headers={"Retry-After": str(retry_after)},
            )
        self._recent[cid].append(now)
        return None

    def _accept(self, kind: str, cid: str, aid: str, body: dict[str, Any]) -> None:
        self.calls.append(Call(self.clock(), kind, cid, aid, body))

    # -- reading what the bot sent ---------------------------------------------------------

    def cards_newest_first(self) -> list[tuple[Call, dict[str, Any]]]:
        return [(c, c.card) for c in reversed(self.calls) if c.card is not None]

    def updates_of(self, activity_id: str) -> list[Call]:
        return [c for c in self.calls if c.kind == "update" and c.activity_id == activity_id]

    def figures(self) -> dict[str, ConversationFigures]:
        by_conv: dict[str, list[Call]] = defaultdict(list)
        for call in self.calls:
            by_conv[call.conversation_id].append(call)
        refused: dict[str, int] = defaultdict(int)
        for r in self.refused:
            refused[r.conversation_id] += 1
        out = {}
        for cid in sorted(set(by_conv) | set(refused)):
            calls = by_conv.get(cid, [])
            stamps = sorted(c.at for c in calls)
            kinds: dict[str, int] = defaultdict(int)
            for c in calls:
                kinds[c.kind] += 1
            out[cid] = ConversationFigures(
                operations=len(calls),
                by_kind=dict(kinds),
                peaks={w: peak(stamps, w) for w, _ in self.limits},
                refused=refused.get(cid, 0),
            )
        return out

    # -- the HTTP side ---------------------------------------------------------------------

    def app(self) -> web.Application:
        async def activities(request: web.Request) -> web.Response:
            cid = unquote(request.match_info["cid"])
            aid = unquote(request.match_info.get("aid", ""))
            kind = "update" if request.method == "PUT" else ("reply" if aid else "send")
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "bad json"}, status=400)
            if refused := self._admit(kind, cid):
                return refused
            new_id = aid if kind == "update" else f"act-{next(self._ids)}"
            self._accept(kind, cid, new_id, body)
            return web.json_response({"id": new_id})

        async def create(request: web.Request) -> web.Response:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "bad json"}, status=400)
            cid = f"a:personal-{next(self._ids)}"
            self._admit("create", cid)  # a new conversation: always fits, but it counts
            self._accept("create", cid, "", body)
            return web.json_response({"id": cid})

        async def other(request: web.Request) -> web.Response:
            self.unexpected.append((request.method, request.path))
            return web.json_response({"error": "not a route of the fake connector"}, status=404)

        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/v3/conversations", create)
        app.router.add_post("/v3/conversations/{cid}/activities", activities)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", activities)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", activities)
        app.router.add_route("*", "/{tail:.*}", other)
        return app


async def serve(
    connector: ThrottledConnector, host: str = "127.0.0.1"
) -> tuple[web.AppRunner, str]:
    """Start it on a free port of this process's loop; returns the runner and its base URL."""
    runner = web.AppRunner(connector.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://{host}:{port}"
