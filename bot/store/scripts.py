"""Lua scripts: every read-modify-write that must be exact under concurrency (STYLE 2.7).

Each lives in bot/store/lua/<name>.lua (what it does, its answers) and is declared here
once, with the names of its KEYS and ARGV in order (bot/store/scripting.py: a call passes
them by name; `meta`, `seen`, `hosts`, … and `ttl` it derives).

Each session write records its answer under seen:<activity id>, so a redelivered activity
gets the same answer, prefixed 'again:', and writes nothing more (callers skip side effects
such as announcements). A refusal writes nothing at all.
"""

from bot.store.scripting import Script

# -- a session's people and ideas ---------------------------------------------------------

JOIN = Script(
    "join",
    keys=("meta", "seen", "roster", "roles", "by_author", "ballots"),
    argv=("ttl", "member", "record", "joinable", "role", "author", "voter", "votes"),
)
MY_IDEAS = Script(
    "my_ideas", keys=("meta", "seen", "ideas", "by_author"), argv=("ttl", "author", "own")
)
_IDEA_KEYS = ("meta", "seen", "ideas", "by_author", "roster")
SUBMIT_IDEA = Script(
    "submit_idea",
    keys=_IDEA_KEYS,
    argv=("ttl", "author", "record", "rev", "most", "member", "own"),
)
IDEA_CLICK = Script(
    "idea_click",
    keys=(*_IDEA_KEYS, "hidden", "roles"),
    argv=("ttl", "author", "record", "rev", "most", "member", "conv_key", "send", "own"),
)
OWN_IDEA = Script(
    "own_idea",
    keys=(*_IDEA_KEYS, "hidden"),
    argv=("ttl", "author", "text", "rev", "unused", "member", "own", "idea"),
)
ADD_HOST_IDEA = Script(
    "add_host_idea",
    keys=("meta", "seen", "hosts", "ideas"),
    argv=("ttl", "actor", "record", "most"),
)
MODERATE = Script(
    "moderate",
    keys=("meta", "seen", "hosts", "hidden", "items", "*votes"),
    argv=("ttl", "actor", "item", "field", "op", "now", "*per_vote"),
)
MERGE = Script(
    "merge",
    keys=("meta", "seen", "hosts", "merges", "tally", "ideas", "inputs", "hidden"),
    argv=("ttl", "actor", "rev", "op", "candidate", "*ids"),
)
TOGGLE_OUT = Script(
    "toggle_out", keys=("meta", "seen", "hosts"), argv=("ttl", "actor", "rev", "round", "item")
)

# -- hosts move the session ---------------------------------------------------------------

_HOST_KEYS = ("meta", "seen", "hosts", "effects")
HOST_UPDATE = Script(
    "host_update",
    keys=(*_HOST_KEYS, "*session"),
    argv=("ttl", "actor", "rev", "tver", "bump", "end", "retention", "now", "recorded", "*fields"),
)
RETIME = Script(
    "retime",
    keys=_HOST_KEYS,
    argv=("ttl", "actor", "rev", "op", "minutes", "now", "reminder"),
)
ADJOURN = Script(
    "adjourn",
    keys=_HOST_KEYS,
    argv=("ttl", "actor", "rev", "now", "resume", "day_only", "note"),
)
RESUME_ADJOURNED = Script(
    "resume_adjourned",
    keys=_HOST_KEYS,
    argv=("ttl", "actor", "now", "least_left", "reminder"),
)
ADD_HOST = Script(
    "add_host", keys=("meta", "seen", "hosts"), argv=("ttl", "actor", "new_tag", "new_uid")
)
POINT_CONVERSATION = Script("point_conversation", keys=("conv",), argv=("new", "replaces"))

# -- votes, groups, actions ---------------------------------------------------------------

CAST_VOTE = Script(
    "cast_vote",
    keys=("meta", "seen", "tally", "ballots", "counted"),
    argv=(
        *("ttl", "voter", "idea", "rev", "allowance", "cap", "delta"),
        *("phase", "member", "must_be", "ready_at"),
    ),
)
VOTE_CLICK = Script(
    "vote_click",
    keys=("meta", "seen", "tally", "ballots", "roster", "roles"),
    argv=("ttl", "voter", "idea", "rev", "delta", "member", "conv_key", "start", "size", "round"),
)
SUBMIT_INPUT = Script(
    "submit_input",
    keys=("meta", "seen", "groups", "hosts", "inputs", "gtally"),
    argv=("ttl", "member", "group", "rev", "record", "most", "part"),
)
CATEGORIZE = Script(
    "categorize",
    keys=("meta", "seen", "groups", "hosts", "inputs"),
    argv=("ttl", "member", "group", "input", "category"),
)
GROUP_PICK = Script("group_pick", keys=("meta", "gplace"), argv=("group", "input", "top"))
SAVE_ACTION_ITEM = Script(
    "save_action_item",
    keys=("meta", "seen", "hosts", "actions"),
    argv=("ttl", "actor", "item", "record", "most"),
)
OPEN_FOLLOW_UP = Script("open_follow_up", keys=("meta", "follow"), argv=("item", "record"))
ANSWER_FOLLOW_UP = Script(
    "answer_follow_up",
    keys=("follow", "seen"),
    argv=("ttl", "item", "aad", "answer", "due", "ver"),
)

# -- queues: timers, the publisher's outbox, effects (all on the Redis clock) -------------

CLAIM_TIMERS = Script(
    "claim_timers", keys=("timers_due", "timers_running"), argv=("now", "lease", "batch")
)
RENEW_TIMERS = Script("renew_timers", keys=("timers_running",), argv=("lease", "*ids"))
RETRY_TIMER = Script("retry_timer", keys=("timers_due", "timers_running"), argv=("timer", "at"))
OUTBOX_MARK = Script("outbox_mark", keys=("outbox_due", "outbox_ver"), argv=("*marks",))
OUTBOX_CLAIM = Script(
    "outbox_claim", keys=("outbox_due", "outbox_ver"), argv=("most", "claim", "*renew")
)
OUTBOX_SETTLE = Script(
    "outbox_settle",
    keys=("outbox_due", "outbox_ver", "outbox_fails"),
    argv=("mark", "version", "outcome", "after", "tries", "most"),
)
OUTBOX_LEASE = Script("outbox_lease", keys=("pub", "*session_meta"), argv=("interval",))
OUTBOX_REMEMBER = Script("outbox_remember", keys=("meta", "published"), argv=("mark", "digest"))
EFFECTS_CLAIM = Script("effects_claim", keys=("effects_due",), argv=("most", "lease", "*renew"))
EFFECT_SETTLE = Script("effect_settle", keys=("effects",), argv=("effect", "ran", "keep"))
EFFECTS_RELEASE = Script(
    "effects_release", keys=("effects_due", "effects"), argv=("session", "after")
)
EFFECTS_CLAIM_ONE = Script("effects_claim_one", keys=("effects_due",), argv=("session", "lease"))
RESERVE_SLOT = Script("reserve_slot", keys=("pace",), argv=("booking", "most_wait", "*windows"))
