"""Activities as Teams sends them (invented names only): channel messages with an <at> mention,
Action.Execute invokes, conversationUpdate. The serviceUrl points at the fake connector."""

from __future__ import annotations

import copy
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

BOT_ID = "28:00000000-0000-0000-0000-0000000b0700"
BOT_NAME = "Digikok"
TENANT = "11111111-2222-3333-4444-555555555555"


@dataclass(frozen=True)
class Person:
    name: str
    aad: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def uid(self) -> str:
        return f"29:1{self.aad.replace('-', '')}"

    def account(self) -> dict[str, Any]:
        return {"id": self.uid, "name": self.name, "aadObjectId": self.aad}


_ids = itertools.count(1)


@dataclass
class Conversation:
    """A Teams place: a channel (thread root fixed), a group chat or a personal chat."""

    service_url: str
    kind: str = "channel"  # channel | groupChat | personal
    team: str = "19:team-general@thread.tacv2"
    channel: str = "19:c0ffee@thread.tacv2"
    thread_root: str = "1700000000000"
    chat: str = "19:meeting-chat@thread.v2"
    locale: str = "nb-NO"

    @property
    def conversation_id(self) -> str:
        if self.kind == "channel":
            return f"{self.channel};messageid={self.thread_root}"
        if self.kind == "personal":
            return "a:1personal-chat-id"
        return self.chat

    def _base(self, person: Person, type_: str) -> dict[str, Any]:
        conversation: dict[str, Any] = {
            "id": self.conversation_id,
            "conversationType": self.kind,
            "tenantId": TENANT,
        }
        channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
        if self.kind == "channel":
            conversation["isGroup"] = True
            channel_data["team"] = {"id": self.team, "name": "Innolab"}
            channel_data["channel"] = {"id": self.channel, "name": "Digikok"}
        elif self.kind == "groupChat":
            conversation["isGroup"] = True
        return {
            "type": type_,
            "id": f"f:{next(_ids)}-{uuid.uuid4().hex[:8]}",
            "timestamp": "2026-12-01T10:00:00.000Z",
            "localTimestamp": "2026-12-01T11:00:00.000+01:00",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": person.account(),
            "conversation": conversation,
            "recipient": {"id": BOT_ID, "name": BOT_NAME},
            "channelData": channel_data,
            "locale": self.locale,
            "entities": [{"type": "clientInfo", "locale": self.locale, "platform": "Web"}],
        }

    def message(
        self, person: Person, text: str, mention: bool = True, mentions: tuple[Person, ...] = ()
    ) -> dict[str, Any]:
        """`mentions` are people @mentioned in text as <at>Name</at> (Teams adds an entity each)."""
        activity = self._base(person, "message")
        for other in mentions:
            activity["entities"].append(
                {
                    "type": "mention",
                    "text": f"<at>{other.name}</at>",
                    "mentioned": {"id": other.uid, "name": other.name},
                }
            )
        if mention and self.kind != "personal":
            activity["text"] = f"<at>{BOT_NAME}</at> {text}"
            activity["entities"].append(
                {
                    "type": "mention",
                    "text": f"<at>{BOT_NAME}</at>",
                    "mentioned": {"id": BOT_ID, "name": BOT_NAME},
                }
            )
        else:
            activity["text"] = text
        activity["textFormat"] = "plain"
        return activity

    def invoke(
        self,
        person: Person,
        data: dict[str, Any],
        inputs: dict[str, Any] | None = None,
        trigger: str = "manual",
    ) -> dict[str, Any]:
        activity = self._base(person, "invoke")
        activity["name"] = "adaptiveCard/action"
        activity["value"] = {
            "action": {
                "type": "Action.Execute",
                "verb": data.get("action"),
                "data": {**data, **(inputs or {})},
            },
            "trigger": trigger,
        }
        return activity

    def bot_added(self, person: Person) -> dict[str, Any]:
        activity = self._base(person, "conversationUpdate")
        activity["membersAdded"] = [{"id": BOT_ID}]
        activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity


def from_tenant(
    activity: dict[str, Any], conversation: str | None, channel: str | None
) -> dict[str, Any]:
    """A copy of the activity with its two tenant markers set: conversation.tenantId and
    channelData.tenant.id (None: that marker left out)."""
    activity = copy.deepcopy(activity)
    activity["conversation"].pop("tenantId", None)
    activity["channelData"].pop("tenant", None)
    if conversation is not None:
        activity["conversation"]["tenantId"] = conversation
    if channel is not None:
        activity["channelData"]["tenant"] = {"id": channel}
    return activity
