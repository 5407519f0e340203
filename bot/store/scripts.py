"""Lua scripts: every read-modify-write that must be exact under concurrency (STYLE 2.7).

Each lives in bot/store/lua/<name>.lua (what it does, its answers) and is declared here
once: Script(file name, the names of its KEYS, the names of its ARGV), in order. A call
passes them by name (bot/store/scripting.py; `meta`, `seen`, `hosts`, … and `ttl` it
derives).

Each session write records its answer under seen:<activity id>, so a redelivered activity
gets the same answer, prefixed 'again:', and writes nothing more (callers skip side effects
such as announcements). A refusal writes nothing at all.
"""

from bot.store.scripting import Script

_BY_HOST = ("meta", "seen", "hosts")  # a host's write: the session, its answer, who hosts
_HOST_KEYS = (*_BY_HOST, "effects")  # … that moves the session (its effects recorded)
_IDEA_KEYS = ("meta", "seen", "ideas", "by_author", "roster")
_GROUP_KEYS = ("meta", "seen", "groups", "hosts", "inputs")

# -- a session's people and ideas ---------------------------------------------------------

JOIN = Script(
    "join",
    ("meta", "seen", "roster", "roles", "by_author", "ballots"),
    ("ttl", "member", "record", "joinable", "role", "author", "voter", "votes"),
)
MY_IDEAS = Script("my_ideas", ("meta", "seen", "ideas", "by_author"), ("ttl", "author", "own"))
SUBMIT_IDEA = Script(
    "submit_idea", _IDEA_KEYS, ("ttl", "author", "record", "rev", "most", "member", "own")
)
IDEA_CLICK = Script(
    "idea_click",
    (*_IDEA_KEYS, "hidden", "roles"),
    ("ttl", "author", "record", "rev", "most", "member", "conv_key", "send", "own"),
)
OWN_IDEA = Script(
    "own_idea",
    (*_IDEA_KEYS, "hidden"),
    ("ttl", "author", "text", "rev", "unused", "member", "own", "idea"),
)
ADD_HOST_IDEA = Script("add_host_idea", (*_BY_HOST, "ideas"), ("ttl", "actor", "record", "most"))
MODERATE = Script(
    "moderate",
    (*_BY_HOST, "hidden", "items", "*votes"),
    ("ttl", "actor", "item", "field", "op", "now", "*per_vote"),
)
MERGE = Script(
    "merge",
    (*_BY_HOST, "merges", "tally", "ideas", "inputs", "hidden"),
    ("ttl", "actor", "rev", "op", "candidate", "*ids"),
)
TOGGLE_OUT = Script("toggle_out", _BY_HOST, ("ttl", "actor", "rev", "round", "item"))

# -- hosts move the session ---------------------------------------------------------------

HOST_UPDATE = Script(
    "host_update",
    (*_HOST_KEYS, "*session"),
    ("ttl", "actor", "rev", "tver", "bump", "end", "retention", "now", "recorded", "*fields"),
)
RETIME = Script("retime", _HOST_KEYS, ("ttl", "actor", "rev", "op", "minutes", "now", "reminder"))
ADJOURN = Script(
    "adjourn", _HOST_KEYS, ("ttl", "actor", "rev", "now", "resume", "day_only", "note")
)
RESUME_ADJOURNED = Script(
    "resume_adjourned", _HOST_KEYS, ("ttl", "actor", "now", "least_left", "reminder")
)
ADD_HOST = Script("add_host", _BY_HOST, ("ttl", "actor", "new_tag", "new_uid"))
POINT_CONVERSATION = Script("point_conversation", ("conv",), ("new", "replaces"))

# -- votes, groups, actions ---------------------------------------------------------------

CAST_VOTE = Script(
    "cast_vote",
    ("meta", "seen", "tally", "ballots", "counted"),
    (
        *("ttl", "voter", "idea", "rev", "allowance", "cap", "delta"),
        *("phase", "member", "must_be", "ready_at"),
    ),
)
VOTE_CLICK = Script(
    "vote_click",
    ("meta", "seen", "tally", "ballots", "roster", "roles"),
    ("ttl", "voter", "idea", "rev", "delta", "member", "conv_key", "start", "size", "round"),
)
SUBMIT_INPUT = Script(
    "submit_input",
    (*_GROUP_KEYS, "gtally"),
    ("ttl", "member", "group", "rev", "record", "most", "part"),
)
CATEGORIZE = Script(
    "categorize",
    _GROUP_KEYS,
    ("ttl", "member", "group", "input", "category"),
)
GROUP_PICK = Script("group_pick", ("meta", "gplace"), ("group", "input", "top"))
SAVE_ACTION_ITEM = Script(
    "save_action_item",
    (*_BY_HOST, "actions"),
    ("ttl", "actor", "item", "record", "most"),
)
OPEN_FOLLOW_UP = Script("open_follow_up", ("meta", "follow"), ("item", "record"))
ANSWER_FOLLOW_UP = Script(
    "answer_follow_up", ("follow", "seen"), ("ttl", "item", "aad", "answer", "due", "ver")
)

# -- queues: timers, the publisher's outbox, effects (all on the Redis clock) -------------

CLAIM_TIMERS = Script("claim_timers", ("timers_due", "timers_running"), ("now", "lease", "batch"))
RENEW_TIMERS = Script("renew_timers", ("timers_running",), ("lease", "*ids"))
RETRY_TIMER = Script("retry_timer", ("timers_due", "timers_running"), ("timer", "at"))
OUTBOX_MARK = Script("outbox_mark", ("outbox_due", "outbox_ver"), ("*marks",))
OUTBOX_CLAIM = Script("outbox_claim", ("outbox_due", "outbox_ver"), ("most", "claim", "*renew"))
OUTBOX_SETTLE = Script(
    "outbox_settle",
    ("outbox_due", "outbox_ver", "outbox_fails"),
    ("mark", "version", "outcome", "after", "tries", "most"),
)
OUTBOX_LEASE = Script("outbox_lease", ("pub", "*session_meta"), ("interval",))
OUTBOX_REMEMBER = Script("outbox_remember", ("meta", "published"), ("mark", "digest"))
EFFECTS_CLAIM = Script("effects_claim", ("effects_due",), ("most", "lease", "*renew"))
EFFECT_SETTLE = Script("effect_settle", ("effects",), ("effect", "ran", "keep"))
EFFECTS_RELEASE = Script("effects_release", ("effects_due", "effects"), ("session", "after"))
EFFECTS_CLAIM_ONE = Script("effects_claim_one", ("effects_due",), ("session", "lease"))
RESERVE_SLOT = Script("reserve_slot", ("pace",), ("booking", "most_wait", "*windows"))
