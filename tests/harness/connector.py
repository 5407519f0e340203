"""The one fake Bot Connector: the REST API the bot calls to send, update and open chats,
on localhost, recording every call with a `time.monotonic()` stamp.

Routes (as the Bot Connector's): POST /v3/conversations (create: a 1:1, or a new thread in a
channel), POST /v3/conversations/{cid}/activities (send), POST|PUT
/v3/conversations/{cid}/activities/{aid} (reply | update), GET
/v3/conversations/{cid}/members/{mid} (a member's AAD id). Anything else is kept in
`unexpected` and answered 404.

Knobs, each a no-op until used, for the suites that share it (e2e, faults, security, bench):
- `failures`: (kind, status, headers) answered instead of the next call of that kind, once;
- `limits`: Teams' per-conversation windows (`TEAMS_LIMITS`): a call that would break one is
  answered 429 with Retry-After, kept in `refused`, and is no operation;
- `gate`: park chosen calls until released (a slow Teams); `outage`: answer chosen calls
  503 for a while (Teams down);
- `members`, `names`, `refused_members`: who a member lookup finds, who a 1:1 is refused for.
Every call's Authorization header is kept in `authorizations`.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable
from urllib.parse import unquote

from aiohttp import web

from tests.fakes.cards import actions, all_text

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams' throttle per conversation (per thread): (window s, most operations in it).
TEAMS_LIMITS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60))
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Match = Callable[[str, str, dict[str, Any]], bool]  # (method, conversation id, body)


def card_of(body: dict[str, Any]) -> dict[str, Any] | None:
    for attachment in body.get("attachments") or []:
        if isinstance(attachment, dict) and attachment.get("contentType") == CARD_TYPE:
            return attachment.get("content")
    return None


@dataclass(frozen=True, slots=True)
class Sent:
    kind: str  # create | send | reply | update | refused (a 1:1 Teams would not create)
    conversation_id: str
    activity_id: str
    body: dict[str, Any]
    at: float = 0.0  # the connector's clock when the call was accepted

    @property
    def card(self) -> dict[str, Any] | None:
        return card_of(self.body)

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")


@dataclass(frozen=True, slots=True)
class Refused:
    """A call answered 429 because it would have broken one of Teams' windows."""

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


def peak(stamps: list[float] | list[int], window: float) -> int:
    """Most stamps in any half-open interval [t, t + window): the sliding-window count."""
    ordered, best, lo = sorted(stamps), 0, 0
    for hi, stamp in enumerate(ordered):
        while stamp - ordered[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


# -- matching calls, for the gate and the outage -------------------------------------------


def updates(conversation_id: str | None = None) -> Match:
    """Card updates (PUT), of one conversation or of all."""
    return lambda method, cid, body: method == "PUT" and conversation_id in (None, cid)


def posts_of(verb: str) -> Match:
    """New messages whose card offers `verb` (e.g. the idea card: idea.submit)."""
    return lambda method, cid, body: method == "POST" and verb in actions(card_of(body) or {})


def posts_showing(fragment: str) -> Match:
    """New messages (in any conversation) whose card shows `fragment`."""
    return lambda method, cid, body: method == "POST" and fragment in all_text(card_of(body) or {})


class Gate:
    """`hold(match)` parks every call `match` picks until `release()`. A parked call whose
    caller has gone away meanwhile (its process was killed) is dropped, as if it never
    reached Teams."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        self._match: Match = updates()
        self.waiting = 0  # calls parked right now
        self.dropped = 0  # parked calls whose caller died

    @property
    def holding(self) -> bool:
        return not self._open.is_set()

    def hold(self, match: Match | None = None) -> None:
        self._match = match or updates()
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def picks(self, method: str, cid: str, body: dict[str, Any]) -> bool:
        return self.holding and self._match(method, cid, body)

    async def wait(self, request: web.Request) -> web.Response | None:
        """Parks the call until release; a 499 if its caller hung up meanwhile."""
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
        return None


class Outage:
    """`refuse(match, seconds)` answers every call `match` picks with 503, from the first
    such call until `seconds` later; then they go through. It counts what it refused."""

    def __init__(self) -> None:
        self._match: Match | None = None
        self._seconds = 0.0
        self.started: float | None = None  # monotonic time of the first refused call
        self.refused = 0
        self.passed_after = 0  # matching calls let through once the outage was over

    def refuse(self, match: Match, seconds: float) -> None:
        self._match, self._seconds, self.started = match, seconds, None

    @property
    def armed(self) -> bool:
        return self._match is not None

    @property
    def over(self) -> bool:
        return self.started is not None and time.monotonic() >= self.started + self._seconds

    def answer(self, method: str, cid: str, body: dict[str, Any]) -> web.Response | None:
        if self._match is None or not self._match(method, cid, body):
            return None
        if self.started is None:
            self.started = time.monotonic()
        if time.monotonic() < self.started + self._seconds:
            self.refused += 1
            return web.json_response({"error": "injected outage"}, status=503)
        self.passed_after += 1
        return None


# -- the connector ---------------------------------------------------------------------------


@dataclass
class Connector:
    # (kind, status, headers) to answer instead of the next call of that kind, once each
    failures: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    # Teams' windows, enforced with 429 + Retry-After; None: every call fits
    limits: tuple[tuple[float, int], ...] | None = None
    # Teams user id → AAD object id, for GET conversation member (co-host by @mention)
    members: dict[str, str] = field(default_factory=dict)
    # member ids (AAD or 29:) for whom creating a 1:1 is refused: the app is not installed
    # for them (Teams answers 403)
    refused_members: set[str] = field(default_factory=set)
    # AAD object id → display name: GET member by AAD id (an owner from the people picker)
    names: dict[str, str] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    gate: Gate = field(default_factory=Gate)
    outage: Outage = field(default_factory=Outage)
    sent: list[Sent] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)  # 429s (with `limits`)
    unexpected: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    authorizations: list[str | None] = field(default_factory=list)  # each call's header
    # with `limits`: conversation → when each operation was admitted (a channel thread's
    # create and its first message are one operation)
    admitted: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    url: str = ""  # where it listens, once served
    _recent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    # -- reading what the bot sent ---------------------------------------------------------

    def of(self, kind: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind]

    def as_shown_now(self, posted: Sent) -> dict[str, Any]:
        """A posted card as people see it now: its last update, or the post itself."""
        updates = [s for s in self.of("update") if s.activity_id == posted.activity_id]
        return (updates[-1] if updates else posted).card or {}

    def cards(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [s.card for s in self.sent if s.card and (kind is None or s.kind == kind)]

    def texts(self) -> list[str]:
        """What the bot said: an update's text repeats its message's, so it is not said again."""
        return [s.text for s in self.sent if s.text and s.kind != "update"]

    def cards_newest_first(self) -> list[tuple[Sent, dict[str, Any]]]:
        return [(s, s.card) for s in reversed(self.sent) if s.card is not None]

    def updates_of(self, activity_id: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == "update" and s.activity_id == activity_id]

    async def wait_for(self, check: Callable[[], Any], within: float = 30.0) -> Any:
        """Poll until check() is truthy; generous deadline, never a speed assertion."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            result = check()
            if result:
                return result
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("timed out waiting for the bot")
            await asyncio.sleep(0.02)

    async def quiet(self, for_s: float = 1.5, within_s: float = 60.0) -> None:
        """Until no call has come for for_s (the publisher's last updates); bounded."""
        loop = asyncio.get_running_loop()
        deadline, seen, since = loop.time() + within_s, -1, loop.time()
        while loop.time() < deadline:
            if len(self.sent) != seen:
                seen, since = len(self.sent), loop.time()
            elif loop.time() - since >= for_s:
                return
            await asyncio.sleep(0.05)

    def figures(self) -> dict[str, ConversationFigures]:
        """Per conversation: operations by kind, the peak of each window, the 429s."""
        by_conv: dict[str, list[Sent]] = defaultdict(list)
        for call in self.sent:
            if call.kind != "refused":
                by_conv[call.conversation_id].append(call)
        refused: dict[str, int] = defaultdict(int)
        for r in self.refused:
            refused[r.conversation_id] += 1
        out = {}
        for cid in sorted(set(by_conv) | set(refused)):
            calls = by_conv.get(cid, [])
            kinds: dict[str, int] = defaultdict(int)
            for c in calls:
                kinds[c.kind] += 1
            stamps = self.admitted[cid] if self.limits else [c.at for c in calls]
            out[cid] = ConversationFigures(
                operations=len(calls),
                by_kind=dict(kinds),
                peaks={w: peak(stamps, w) for w, _ in self.limits or TEAMS_LIMITS},
                refused=refused.get(cid, 0),
            )
        return out

    # -- the knobs ---------------------------------------------------------------------------

    def _failure(self, kind: str) -> web.Response | None:
        for i, (k, status, headers) in enumerate(self.failures):
            if k == kind:
                del self.failures[i]
                return web.json_response({"error": "injected"}, status=status, headers=headers)
        return None

    def _wait_s(self, cid: str, now: float) -> float:
        """0 if an operation now fits every window; else how long until it would."""
        assert self.limits is not None
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
        """Check and count in one step (no await between), so concurrent calls cannot race."""
        if self.limits is None:
            return None
        now = self.clock()
        if wait := self._wait_s(cid, now):
            retry_after = max(1, math.ceil(wait))  # delta-seconds, as HTTP sends it
            self.refused.append(Refused(now, kind, cid, retry_after))
            return web.json_response(
                {"error": {"code": "TooManyRequests", "message": "throttled (fake connector)"}},
                status=429,
                headers={"Retry-After": str(retry_after)},
            )
        self._recent[cid].append(now)
        self.admitted[cid].append(now)
        return None

    def _accept(self, kind: str, cid: str, aid: str, body: dict[str, Any]) -> None:
        self.sent.append(Sent(kind, cid, aid, body, self.clock()))

    # -- the HTTP side -----------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.authorizations.append(request.headers.get("Authorization"))
        cid = request.match_info.get("cid")
        if cid is None or not (self.gate.holding or self.outage.armed):
            return await handler(request)
        body = await request.json() if request.can_read_body else {}  # aiohttp keeps the body
        cid = unquote(cid)
        if self.gate.picks(request.method, cid, body) and (hung := await self.gate.wait(request)):
            return hung
        if refused := self.outage.answer(request.method, cid, body):
            return refused
        return await handler(request)

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
            if failed := self._failure(kind):
                return failed
            new_id = aid if kind == "update" else f"act-{next(self._ids)}"
            self._accept(kind, cid, new_id, body)
            return web.json_response({"id": new_id})

        async def create(request: web.Request) -> web.Response:
            if failed := self._failure("create"):
                return failed
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "bad json"}, status=400)
            if any(m.get("id") in self.refused_members for m in body.get("members") or []):
                self._accept("refused", "", "", body)
                return web.json_response({"error": {"code": "Forbidden"}}, status=403)
            channel = (body.get("channelData") or {}).get("channel", {}).get("id")
            if channel:  # a new thread in a channel, opened with body["activity"]
                root = f"thread-{next(self._ids)}"
                cid = f"{channel};messageid={root}"
                self._admit("create", cid)  # a new conversation: always fits, but it counts
                self._accept("create", cid, "", body)
                self._accept("send", cid, root, body.get("activity") or {})
                return web.json_response({"id": cid, "activityId": root})
            cid = f"a:personal-{next(self._ids)}"
            self._admit("create", cid)
            self._accept("create", cid, "", body)
            return web.json_response({"id": cid})

        async def member(request: web.Request) -> web.Response:
            uid = unquote(request.match_info["mid"])
            if uid in self.names:
                found = {"id": f"29:{uid}", "objectId": uid, "name": self.names[uid]}
                return web.json_response(found)
            if uid not in self.members:
                return web.json_response({"error": {"code": "NotFound"}}, status=404)
            return web.json_response({"id": uid, "objectId": self.members[uid]})

        async def other(request: web.Request) -> web.Response:
            self.unexpected.append((request.method, request.path))
            return web.json_response({"error": "not a route of the fake connector"}, status=404)

        app = web.Application(client_max_size=4 * 1024 * 1024, middlewares=[self._middleware])
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", member)
        app.router.add_post("/v3/conversations", create)
        app.router.add_post("/v3/conversations/{cid}/activities", activities)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", activities)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", activities)
        app.router.add_route("*", "/{tail:.*}", other)
        return app

    async def serve(self, host: str = "127.0.0.1") -> web.AppRunner:
        """On a free port of this loop, outside pytest (the bench); sets `url`."""
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        self.url = f"http://{host}:{runner.addresses[0][1]}"
        return runner
