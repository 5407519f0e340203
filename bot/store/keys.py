"""Every Redis key Digikok writes. `{sid}` is a hash tag: one session, one cluster slot.

Session keys (all expire RETENTION_DAYS after the session ends, not while it is adjourned;
`delete` removes them):
  dk:{sid}:meta        hash    the session: status (active|adjourned|ended), phase, step,
                               rev (bumps on phase moves), tver (bumps on timer changes),
                               times, who hosts and where (Teams ids), card ids, counters,
                               the settings, the adjournment: every field is listed, once,
                               in bot/store/meta.py
  dk:{sid}:hosts       set     member tags of the host and co-hosts
  dk:{sid}:roster      hash    member tag -> JSON {role, dept, name, uid, aad}
                               (the roster names people on purpose; ideas never point here)
  dk:{sid}:roles       hash    role -> number checked in with it (kept by the JOIN script)
  dk:{sid}:ideas       hash    idea id -> JSON {text, at}           (no author in it)
  dk:{sid}:by_author   hash    author tag -> "3,7,12" idea ids      (author tag ≠ member tag)
  dk:{sid}:hidden      hash    item id as in a vote ("12" an idea, "g7" a group input) ->
                               JSON {at, from: [vote pairs it was taken out of]}: hidden by
                               a host (never who wrote it); "#ideas" -> hidden ideas
  dk:{sid}:merges      hash    near-duplicates merged into one vote candidate (issue 18), no
                               author in it: "c:<candidate>" -> JSON ids merged into it (vote
                               ids: "12", "g7"); "in:<id>" -> its candidate; "x:<a>|<b>" -> 1:
                               a host kept a and b apart (not suggested together again)
  dk:{sid}:tally:<r>   hash    vote round r (1|2): idea id -> dots; the ideas in play are
                               exactly its fields (preset to 0 when the round opens)
  dk:{sid}:ballots:<r> hash    "<voter tag>" -> dots used; "<voter tag>:<idea id>" -> dots
                               there (voter tag ≠ member and author tags: votes link to nobody);
                               "#voters" -> people with at least one dot placed;
                               "#ready" -> checked-in people who used all their dots, each
                               marked "<voter tag>#r" (readiness: counts, never who)
  dk:{sid}:groups      hash    member tag -> group number (1..N); "#n" -> N
  dk:{sid}:gplace      hash    "<g>:conv" -> the group's conversation (its channel thread);
                               "<g>:board" / "<g>:form:<part>" -> activity ids of its cards;
                               "<g>:top" -> JSON top-3 input ids, fixed when question 2 ends
  dk:{sid}:inputs      hash    input id -> JSON {g, part, text, cat, at}  (no author in it)
  dk:{sid}:gtally:<g>  hash    question-2 group vote: input id -> dots (inputs preset to 0)
  dk:{sid}:gballots:<g> hash   like ballots:<r>, inside group g ("#ready": its members
                               with a dot placed)
  dk:{sid}:actions     hash    action item id -> JSON {text, owner_name, owner_aad, due}
                               (owners are named on purpose: a responsible person per action)
  dk:{sid}:follow      hash    after the end, action item id -> JSON {owner (AAD id), due,
                               state (open|done|moved|back|unreached), ver}; opened with the
                               session data's remaining TTL
  dk:{sid}:fplace      hash    where follow-up cards went: "host" -> the host's 1:1 id,
                               "host_card" -> its status card's activity id, "<item id>" ->
                               the owner's 1:1 id; same TTL as follow
  dk:{sid}:fx          hash    effect id -> JSON: what a state change still has to do (timers,
                               cards, the summary, follow-ups), recorded by its script
  dk:{sid}:seen:<aid>  string  first answer to activity <aid>; TTL SEEN_TTL_S (Teams redelivers)
  dk:{sid}:pub         string  publisher lease: the shared card was updated < interval ago
  dk:{sid}:sent        hash    outbox mark ("<sid>", "<sid>|g2", …) -> digest of the card
                               last published for it: an identical render is not sent again
  dk:{sid}:fired:<id>  string  timer <id>'s message was posted (a rerun posts nothing)

Conversation and global keys:
  dk:conv:<conv key>   string  the conversation's current session id (active or last ended)
  dk:hist:<conv key>   list    ids of the conversation's ended sessions, newest first
                               (trimmed to 50; each entry lives only as long as its data)
  dk:{outbox}:due      zset    publisher mark (a session id, "<sid>|g<n>" for a group's
                               board, "<sid>|f" for the host's follow-up card) -> when a
                               replica may take it (epoch ms, Redis clock); a taken mark ->
                               when its claim runs out (its replica died)
  dk:{outbox}:ver      hash    mark -> version, bumped by every mark; a publish removes the
                               mark only if the version is still the one it claimed
  dk:{outbox}:fails    hash    mark -> its publishes failed in a row (bounded retries)
  dk:{fx}:due          zset    session id -> when its effects are due (epoch ms, Redis clock)
  dk:outbox:stale      set     marks of an older version of the app: each replica adopts
                               them at start-up (SPOP, so each once) into dk:{outbox}:due
  dk:turn:<conv>:<aid> string  a message being handled ("busy", 5 s) or handled ("done")
  dk:{timers}:due      zset    timer id ("<sid>:<tver>:<kind>") -> due time (epoch ms); after
                               the end, follow-up jobs "<sid>:<item>-<ver>:followup|handback"
                               and "<sid>:0-0:start" (bot/domain/follow_up.py)
  dk:{timers}:running  zset    timer id -> lease expiry (epoch ms) while a replica runs it
  dk:{pace}:<conv id>  zset    booking id -> its connector slot (epoch ms, Redis clock);
                               bot/store/pacing.py, PEXPIRE'd so idle ones vanish
"""

from __future__ import annotations

SEEN_TTL_S = 24 * 3600
OUTBOX_DUE = "dk:{outbox}:due"
OUTBOX_VERSIONS = "dk:{outbox}:ver"
OUTBOX_FAILS = "dk:{outbox}:fails"
OUTBOX = (OUTBOX_DUE, OUTBOX_VERSIONS, OUTBOX_FAILS)
LEGACY_OUTBOX = "dk:outbox:stale"  # the marks' set before the versioned outbox: adopted once
EFFECTS_DUE = "dk:{fx}:due"  # zset: session id -> when its effects are next due (epoch ms)
TIMERS_DUE = "dk:{timers}:due"
TIMERS_RUNNING = "dk:{timers}:running"


def pace(conversation_id: str) -> str:
    """Connector slots booked for one conversation (its URL id, thread suffix kept)."""
    return f"dk:{{pace}}:{conversation_id}"


def _session(sid: str, name: str) -> str:
    return f"dk:{{{sid}}}:{name}"


def meta(sid: str) -> str:
    return _session(sid, "meta")


def hosts(sid: str) -> str:
    return _session(sid, "hosts")


def roster(sid: str) -> str:
    return _session(sid, "roster")


def roles(sid: str) -> str:
    return _session(sid, "roles")


def ideas(sid: str) -> str:
    return _session(sid, "ideas")


def by_author(sid: str) -> str:
    return _session(sid, "by_author")


def hidden(sid: str) -> str:
    return _session(sid, "hidden")


def merges(sid: str) -> str:
    """Hash: merged vote candidates and ideas kept apart (issue 18, bot/store/merges.py).
    Ids only, never an author: a merge tells nobody who wrote what."""
    return _session(sid, "merges")


def tally(sid: str, round_: int) -> str:
    return _session(sid, f"tally:{round_}")


def ballots(sid: str, round_: int) -> str:
    return _session(sid, f"ballots:{round_}")


VOTE_ROUNDS = (1, 2)


def groups(sid: str) -> str:
    return _session(sid, "groups")


def group_places(sid: str) -> str:
    return _session(sid, "gplace")


def inputs(sid: str) -> str:
    return _session(sid, "inputs")


def group_tally(sid: str, group: int) -> str:
    return _session(sid, f"gtally:{group}")


def group_ballots(sid: str, group: int) -> str:
    return _session(sid, f"gballots:{group}")


MAX_GROUP_KEYS = 12  # groups per session at most (settings.MAX_GROUPS): retention covers all


def action_items(sid: str) -> str:
    return _session(sid, "actions")


def follow_ups(sid: str) -> str:
    return _session(sid, "follow")


def follow_places(sid: str) -> str:
    return _session(sid, "fplace")


def seen(sid: str, activity_id: str) -> str:
    return _session(sid, f"seen:{activity_id}")


def fired(sid: str, timer_id: str) -> str:
    return _session(sid, f"fired:{timer_id}")


def publish_lease(sid: str) -> str:
    return _session(sid, "pub")


def published(sid: str) -> str:
    """Digests of the cards last published for a session (its board and vote marks too)."""
    return _session(sid, "sent")


def effects(sid: str) -> str:
    """Hash: effect id -> JSON. What a state change causes (timers, cards, the summary,
    follow-ups), recorded by the script that made the change; removed once carried out."""
    return _session(sid, "fx")


def session_keys(sid: str) -> tuple[str, ...]:
    """The fixed keys of a session; `seen:*` and `pub` carry short TTLs of their own."""
    rounds = tuple(k for r in VOTE_ROUNDS for k in (tally(sid, r), ballots(sid, r)))
    fixed = (
        meta(sid),
        hosts(sid),
        roster(sid),
        roles(sid),
        ideas(sid),
        by_author(sid),
        hidden(sid),
        merges(sid),
    )
    grouped = (groups(sid), group_places(sid), inputs(sid)) + tuple(
        k
        for g in range(1, MAX_GROUP_KEYS + 1)
        for k in (group_tally(sid, g), group_ballots(sid, g))
    )
    follow = (follow_ups(sid), follow_places(sid))
    return (
        *fixed,
        action_items(sid),
        published(sid),
        effects(sid),
        *follow,
        *rounds,
        *grouped,
    )


def session_pattern(sid: str) -> str:
    """SCAN pattern for every key of a session, fixed or not (braces are not glob syntax)."""
    return f"dk:{{{sid}}}:*"


def conversation(conv_key: str) -> str:
    return f"dk:conv:{conv_key}"


def history(conv_key: str) -> str:
    return f"dk:hist:{conv_key}"


def turn(conv_key: str, activity_id: str) -> str:
    return f"dk:turn:{conv_key}:{activity_id}"
