"""A stand-in for the Bot Connector REST API on localhost: records everything the bot sends."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

from aiohttp import web


@dataclass
class Sent:
    kind: str  # send | update | create | refused (a 1:1 Teams would not create)
    conversation_id: str
    activity_id: str
    body: dict[str, Any]

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment["content"]
        return None

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")


@dataclass
class Connector:
    sent: list[Sent] = field(default_factory=list)
    # (method, kind) → status to answer instead of 200, consumed one at a time
    failures: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    # Teams user id → AAD object id, for GET conversation member (co-host by @mention)
    members: dict[str, str] = field(default_factory=dict)
    # member ids (AAD or 29:) for whom creating a 1:1 is refused: the app is not installed
    # for them (Teams answers 403)
    refused_members: set[str] = field(default_factory=set)
    # AAD object id → display name: GET member by AAD id (an owner from the people picker)
    names: dict[str, str] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def of(self, kind: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind]

    def cards(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [s.card for s in self.sent if s.card and (kind is None or s.kind == kind)]

    def texts(self) -> list[str]:
        return [s.text for s in self.sent if s.text]

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

    def _failure(self, kind: str) -> web.Response | None:
        for i, (k, status, headers) in enumerate(self.failures):
            if k == kind:
                del self.failures[i]
                return web.json_response({"error": "injected"}, status=status, headers=headers)
        return None

    def app(self) -> web.Application:
        async def activities(request: web.Request) -> web.Response:
            cid = unquote(request.match_info["cid"])
            aid = unquote(request.match_info.get("aid", ""))
            kind = "update" if request.method == "PUT" else ("reply" if aid else "send")
            if failed := self._failure(kind):
                return failed
            body = await request.json()
            new_id = aid if kind == "update" else f"act-{next(self._ids)}"
            self.sent.append(Sent(kind, cid, new_id, body))
            return web.json_response({"id": new_id})

        async def create(request: web.Request) -> web.Response:
            if failed := self._failure("create"):
                return failed
            body = await request.json()
            if any(m.get("id") in self.refused_members for m in body.get("members") or []):
                self.sent.append(Sent("refused", "", "", body))
                return web.json_response({"error": {"code": "Forbidden"}}, status=403)
            channel = (body.get("channelData") or {}).get("channel", {}).get("id")
            if channel:  # a new thread in a channel, opened with body["activity"]
                root = f"thread-{next(self._ids)}"
                cid = f"{channel};messageid={root}"
                self.sent.append(Sent("create", cid, "", body))
                self.sent.append(Sent("send", cid, root, body.get("activity") or {}))
                return web.json_response({"id": cid, "activityId": root})
            cid = f"a:personal-{next(self._ids)}"
            self.sent.append(Sent("create", cid, "", body))
            return web.json_response({"id": cid})

        async def member(request: web.Request) -> web.Response:
            uid = unquote(request.match_info["mid"])
            if uid in self.names:
                found = {"id": f"29:{uid}", "objectId": uid, "name": self.names[uid]}
                return web.json_response(found)
            if uid not in self.members:
                return web.json_response({"error": {"code": "NotFound"}}, status=404)
            return web.json_response({"id": uid, "objectId": self.members[uid]})

        app = web.Application()
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", member)
        app.router.add_post("/v3/conversations", create)
        app.router.add_post("/v3/conversations/{cid}/activities", activities)
        app.router.add_route("*", "/v3/conversations/{cid}/activities/{aid}", activities)
        return app
