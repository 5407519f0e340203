"""The fields of a session's meta hash (keys.py `dk:{sid}:meta`): the one list of their names.

The domain reads them (bot/domain/session.py Session.from_meta, through SessionRepo.get),
the service writes them (HOST_UPDATE's fields, the settings), and the Lua scripts read and
write them; tests/integration/test_meta_schema.py fails when any of them spells a field
that is not here. Every value is a string (Redis hash); numbers are decimal, flags '1'/'0'.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

FIELDS: Mapping[str, str] = MappingProxyType(
    {
        # where the session is
        "status": "active | adjourned | ended",
        "phase": "setup, checkin, pitch, ideas, voting, groups, …, ended (bot/domain/phases.py)",
        "step": "index of the agenda item running (-1 once ended)",
        "rev": "bumps on every phase move: a card drawn before is stale",
        "tver": "bumps on every timer change: a timer planned before does nothing",
        "presenting": "the group presenting now (presentations), 0 before",
        "created_ms": "epoch ms",
        "phase_started_ms": "epoch ms",
        "phase_ends_ms": "epoch ms, 0 = untimed or paused",
        "paused_left_ms": "ms left when paused, 0 = running",
        "ended_ms": "epoch ms",
        "host_seen_ms": "a host's last action (epoch ms): idle end, hosts away",
        # who and where
        "host_name": "the host's display name (personal data, deploy/README.md)",
        "host_uid": "the host's Teams user id",
        "cohost_uids": 'co-hosts\' Teams user ids, "29:a,29:b"',
        "conv_key": "the channel or chat the session belongs to",
        "service_url": "the Bot Connector's URL for the conversation",
        "conversation_id": "where the session card lives",
        "conversation_type": "channel | groupChat | personal",
        "tenant_id": "the Teams tenant",
        "bot_id": "the bot's id in the conversation",
        "bot_name": "the bot's name in the conversation",
        "card_id": "activity id of the session card",
        "idea_card_id": "activity id of the idea round's card",
        # counters the scripts keep
        "idea_seq": "last idea number",
        "input_seq": "last group input number",
        "action_seq": "last action item number",
        "ready_ideas": "checked-in people with an idea sent (readiness: a count, never who)",
        "merged": "'1' once a merge was made: idea cards look merges up from then on",
        "summary_failed": "'1' while the summary could not be posted",
        # the settings (bot/domain/settings.py, written whole by settings_meta)
        "template": "the template the settings came from",
        "topic": "the topic, as typed",
        "need": "the need, as typed",
        "pitchers": "who pitches",
        "idea_prompt": "the idea round's prompt",
        "q1": "group question 1",
        "q2": "group question 2",
        "categories": "JSON list of the group categories",
        "groups": "how many groups",
        "votes_n": "dots per person",
        "votes_m": "most dots per idea",
        "locale": "nb | nn | en",
        "auto_advance": "'1' = move on when the time is up",
        "reminder_s": "reminder before a phase ends (s)",
        "show_live": "'1' = live counts on the shared card",
        "suggest_move_on": "'1' = tell the host when everyone is done",
        "agenda": '"checkin:0:0,pitch:10:0,…" (kind:minutes:part)',
        # while adjourned (bot/domain/adjournment.py), and after a resume
        "adjourned_ms": "epoch ms",
        "adjourned_left_ms": "the phase's time left when adjourned",
        "resume_ms": "the planned resume (epoch ms), 0 = not said",
        "resume_day_only": "'1' = a day without a time",
        "resume_note": "the host's note",
        "resumed_ms": "epoch ms",
    }
)

# Fields with a suffix: "vote_out:<round>" -> JSON list of item ids left out of that round.
PREFIXED: Mapping[str, str] = MappingProxyType(
    {"vote_out:": "vote round -> JSON ids a host left out of it (issue 14)"}
)


def known(field: str) -> bool:
    return field in FIELDS or any(field.startswith(p) for p in PREFIXED)


def checked(fields: Mapping[str, object]) -> dict[str, str]:
    """Fields to write, as strings; a name not in FIELDS is a bug, refused before Redis."""
    unknown = [f for f in fields if not known(f)]
    if unknown:
        raise ValueError(f"not meta fields (bot/store/meta.py): {sorted(unknown)}")
    return {f: str(v) for f, v in fields.items()}
