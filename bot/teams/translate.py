"""Teams activity → plain Actor. The only place that knows Teams' activity shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from botbuilder.schema import Activity

from bot.service.ports import Actor, ConvRef


def _channel_data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def tenant_of(activity: Activity) -> str:
    """The tenant Teams names in `conversation.tenantId` and `channelData.tenant.id`; ""
    when neither is there or they disagree (so ALLOWED_TENANTS refuses it).

    The SDK's model maps `tenantID`, so Teams' `tenantId` lands in additional_properties."""
    conv = activity.conversation
    extra = (getattr(conv, "additional_properties", None) or {}) if conv else {}
    named = _text(conv.tenant_id if conv else None) or _text(extra.get("tenantId"))
    tenant = _channel_data(activity).get("tenant")
    in_data = _text(tenant.get("id") if isinstance(tenant, dict) else tenant)
    if named and in_data and named != in_data:
        return ""
    return named or in_data


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def is_service_url(value: object) -> bool:
    """An http(s) URL with a host: where replies can go. With a token it is also the one
    the token names (the SDK checks); without (anonymous mode) anything could come in."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme in ("https", "http") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a bad port or IPv6 literal
        return False


TEAMS_CHANNEL = "msteams"  # the Agents Playground sends it too


def actor_from(activity: Activity) -> Actor | None:
    """None when the activity lacks who or where (or where to answer), or does not come from
    Teams: such an activity is politely ignored.

    Identity is Teams' `from.aadObjectId` only. `from.id` is no fallback: a Web Chat or
    Direct Line client picks it itself, so it proves nobody."""
    sender, conv, bot = activity.from_property, activity.conversation, activity.recipient
    if activity.channel_id != TEAMS_CHANNEL:
        return None
    if sender is None or conv is None or not sender.id or not conv.id:
        return None
    aad_id = sender.aad_object_id
    if not isinstance(aad_id, str) or not aad_id.strip():
        return None
    if not is_service_url(activity.service_url):
        return None
    data = _channel_data(activity)
    conv_type = conv.conversation_type or ("channel" if data.get("channel") else "personal")
    # A channel message's conversation id carries ";messageid=<thread root>"; the session
    # belongs to the channel, so the key drops it. Replies still go to the full id.
    conv_key = str(conv.id).split(";", 1)[0]
    ref = ConvRef(
        service_url=activity.service_url or "",
        conversation_id=conv.id,
        conversation_type=conv_type,
        tenant_id=tenant_of(activity),
        bot_id=(bot.id if bot else "") or "",
        bot_name=(bot.name if bot else "") or "",
    )
    return Actor(
        # Teams sends aadObjectId on every user activity. Never taken from card data.
        aad_id=aad_id,
        user_id=sender.id,
        name=sender.name or "",
        locale=activity.locale or "",
        activity_id=activity.id or "",
        conv=ref,
        conv_key=conv_key,
        mentions=mentions_in(activity),
        tz_name=_text(activity.local_timezone),
        utc_offset_min=_offset_min(activity),
    )


def _offset_min(activity: Activity) -> int | None:
    """The client's UTC offset from localTimestamp (a typed "09:00" is the host's local time)."""
    stamp = activity.local_timestamp
    offset = stamp.utcoffset() if isinstance(stamp, datetime) else None
    return int(offset.total_seconds() // 60) if offset is not None else None


def mentions_in(activity: Activity) -> tuple[tuple[str, str], ...]:
    """People @mentioned in a message (the bot itself left out), from its mention entities."""
    bot_id = activity.recipient.id if activity.recipient else None
    found = []
    for entity in activity.entities or []:
        props = entity.additional_properties if hasattr(entity, "additional_properties") else {}
        if getattr(entity, "type", None) != "mention":
            continue
        mentioned = props.get("mentioned") or {}
        if isinstance(mentioned, dict) and mentioned.get("id") and mentioned["id"] != bot_id:
            found.append((str(mentioned["id"]), str(mentioned.get("name") or "")))
    return tuple(dict.fromkeys(found))
