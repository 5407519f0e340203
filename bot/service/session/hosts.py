"""Co-hosts (issue 3): a host names another person, by @mention or from the roster card.

Hosts are member tags (keyed hashes of AAD object ids) in the session's hosts set; the
Teams user id is kept beside them only so their Teams client fetches the host view.
"""

from __future__ import annotations

import logging

from bot.domain.tags import Purpose, tag
from bot.service.deps import Deps
from bot.service.ports import Actor, Card
from bot.service.turn import Click, refusal_notice, succeeded
from bot.service.views import member_tag
from cards import roster
from cards.views import Notice

logger = logging.getLogger(__name__)


async def add_cohost(
    deps: Deps, sid: str, actor: Actor, new_tag: str, new_uid: str, name: str
) -> Notice:
    result = await deps.store.add_host(
        sid, actor.activity_id, member_tag(deps, sid, actor), new_tag, new_uid
    )
    if not succeeded(result):
        return refusal_notice(result)
    await deps.outbox.mark(sid)  # the new co-host joins the card's refresh list
    logger.info("cohost_added", extra={"sid": sid, "fresh": result.endswith("added")})
    return Notice("cohost.added" if result.endswith("added") else "cohost.already", {"name": name})


async def tag_for_mention(deps: Deps, sid: str, actor: Actor, user_id: str) -> str | None:
    """The mentioned person's member tag: from the roster if they checked in, else from the
    AAD object id the Bot Connector gives for the conversation member (never card data)."""
    for member_tag_, entry in (await deps.store.roster(sid)).items():
        if entry.user_id == user_id:
            return member_tag_
    aad = await deps.sender.member_aad_id(actor.conv, user_id)
    return tag(deps.rules.anon_key, Purpose.MEMBER, sid, aad) if aad else None


async def open_roster(deps: Deps, click: Click) -> Card:
    entries = await deps.store.roster(click.sid)
    people = sorted(((e.name, t_, e.role) for t_, e in entries.items()), key=lambda p: p[0])
    view = roster.RosterView(click.sid, click.rev, tuple(people))
    return roster.build(view, click.t)


async def make_cohost(deps: Deps, click: Click) -> Card:
    chosen = click.data.get("person")
    entries = await deps.store.roster(click.sid)
    entry = entries.get(chosen) if isinstance(chosen, str) else None
    if entry is None:
        notice = Notice("cohost.pick", good=False)
    else:
        notice = await add_cohost(deps, click.sid, click.actor, chosen, entry.user_id, entry.name)
    people = sorted(((e.name, t_, e.role) for t_, e in entries.items()), key=lambda p: p[0])
    view = roster.RosterView(click.sid, click.rev, tuple(people), notice)
    return roster.build(view, click.t)
