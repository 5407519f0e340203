"""A card action's Activity built without msrest (issue 13) reads, for every field the SDK
turn and our handler use, exactly what the SDK's own deserialization reads."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.schema import Activity

from bot.teams.adapter import card_action
from bot.teams.translate import actor_from, tenant_of
from tests.fakes.activities import Conversation, Person, from_tenant

PLACES = [
    Conversation("https://smba.trafficmanager.net/emea/", kind=k)
    for k in ("channel", "groupChat", "personal")
]


def fields(a: Activity) -> dict[str, Any]:
    return {
        "top": (a.type, a.id, a.name, a.channel_id, a.service_url, a.locale, a.delivery_mode),
        "time": (a.local_timezone, a.local_timestamp),
        "value": a.value,
        "data": a.channel_data,
        "from": (a.from_property.id, a.from_property.name, a.from_property.aad_object_id),
        "to": (a.recipient.id, a.recipient.name),
        "conv": (
            a.conversation.id,
            a.conversation.conversation_type,
            a.conversation.tenant_id,
            a.conversation.is_group,
        ),
        "actor": actor_from(a),
        "tenant": tenant_of(a),
    }


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.kind)
def test_a_card_action_reads_as_the_sdk_reads_it(place: Conversation) -> None:
    body = place.invoke(Person("Kari"), {"action": "vote.cast", "sid": "s", "rev": 2})
    for extra in (
        {},
        {"localTimestamp": "2026-12-07T09:30:00.120+01:00", "localTimezone": "Europe/Oslo"},
    ):
        raw = {**body, **extra}
        fast = card_action(raw)
        assert fast is not None
        assert fields(fast) == fields(Activity().deserialize(raw))


@pytest.mark.parametrize(
    ("conversation", "channel"),
    [("t-1", "t-1"), ("t-2", "t-1"), ("t-1", "t-2"), (None, "t-1"), ("t-1", None), (None, None)],
)
def test_the_tenant_is_read_as_the_sdk_reads_it(
    conversation: str | None, channel: str | None
) -> None:
    """Both tenant markers, agreeing or not: a card action is admitted or refused alike."""
    click = PLACES[0].invoke(Person("Kari"), {"action": "vote.cast", "sid": "s", "rev": 2})
    body = from_tenant(click, conversation, channel)
    fast = card_action(body)
    assert fast is not None
    assert tenant_of(fast) == tenant_of(Activity().deserialize(body))


@pytest.mark.parametrize(
    "change",
    [
        {"type": "message"},
        {"name": "composeExtension/query"},
        {"from": "someone"},
        {"from": {"id": 7}},
        {"conversation": ["x"]},
        {"value": "text"},
        {"channelData": 3},
        {"localTimestamp": "yesterday"},
    ],
)
def test_anything_else_goes_the_sdk_way(change: dict[str, Any]) -> None:
    body = PLACES[0].invoke(Person("Kari"), {"action": "vote.cast", "sid": "s", "rev": 2})
    assert card_action({**body, **change}) is None
