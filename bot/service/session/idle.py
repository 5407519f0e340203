"""Retention without a gap (issue 15): a session that is active or adjourned and untouched
for SESSION_IDLE_DAYS ends itself (summary to the conversation and the host, then the
retention TTL on every key), and any member may end one whose hosts have been away a day.

The idle timer is one entry of the shared timer queue, `<sid>:idle`, pushed out by every
host action (steering.touch); when it fires nobody has steered the session for that long.
"""

from __future__ import annotations

import logging

from bot.domain.session import Session
from bot.domain.timers import IDLE_SUFFIX
from bot.service.deps import Deps
from bot.service.session import steering
from cards.views import Notice

logger = logging.getLogger(__name__)

CONFIRM_WORDS = frozenset({"bekreft", "stadfest", "confirm"})


async def end_idle(deps: Deps, timer_id: str) -> None:
    sid = timer_id.removesuffix(IDLE_SUFFIX)
    meta = await deps.store.meta(sid)
    if not meta:
        return
    session = Session.from_meta(sid, meta)
    if not (session.active or session.adjourned):
        return
    logger.info("session_idle_ended", extra={"sid": sid})
    steer = steering.Steer("", f"idle:{sid}:{session.rev}")
    await steering.end(deps, session, steer, session.rev)


def hosts_away(deps: Deps, session: Session) -> bool:
    """No host has steered for `hosts_away_s` (from the start, if no host ever did)."""
    seen = session.host_seen_ms or session.created_ms
    return deps.clock.now_ms() - seen > deps.rules.hosts_away_s * 1000


async def member_ends(deps: Deps, session: Session, activity_id: str, arg: str) -> Notice:
    """A participant's `avslutt` when every host is gone: asked to confirm, then ended
    as the bot itself would (the summary goes to the conversation and the host)."""
    if arg.strip().casefold() not in CONFIRM_WORDS:
        return Notice("end.hosts_away_confirm", good=False)
    logger.info("session_ended_by_member", extra={"sid": session.sid})
    steer = steering.Steer("", f"member-end:{activity_id}")
    return await steering.end(deps, session, steer, session.rev)
