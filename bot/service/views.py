"""From a store snapshot to what the cards show. Tags are computed here, per session."""

from __future__ import annotations

from bot.domain.participants import Role
from bot.domain.phases import Phase, Transition, next_phase
from bot.domain.session import Session
from bot.domain.tags import Purpose, tag
from bot.service.deps import Deps
from bot.service.ports import Actor, ConvRef
from bot.store.sessions import Snapshot
from cards.views import Notice, SessionView


def member_tag(deps: Deps, sid: str, actor: Actor) -> str:
    return tag(deps.rules.anon_key, Purpose.MEMBER, sid, actor.aad_id)


def author_tag(deps: Deps, sid: str, actor: Actor) -> str:
    return tag(deps.rules.anon_key, Purpose.AUTHOR, sid, actor.aad_id)


def conv_ref(meta: dict[str, str]) -> ConvRef:
    """Where the session card lives, from the session's meta hash."""
    return ConvRef(
        service_url=meta.get("service_url", ""),
        conversation_id=meta.get("conversation_id", ""),
        conversation_type=meta.get("conversation_type", ""),
        tenant_id=meta.get("tenant_id", ""),
        bot_id=meta.get("bot_id", ""),
        bot_name=meta.get("bot_name", ""),
    )


def following(session: Session, now_ms: int) -> Phase | None:
    step = next_phase(session.agenda, session.phase, now_ms)
    if isinstance(step, Transition) and step.to is not Phase.ENDED:
        return step.to
    return None


def session_view(
    deps: Deps,
    sid: str,
    snap: Snapshot,
    *,
    personal: bool,
    is_host: bool = False,
    notice: Notice | None = None,
    draft: str = "",
) -> SessionView:
    """The shared view (personal=False) names nobody and shows counts only."""
    session = Session.from_meta(sid, snap.meta)
    by_role = {Role(r): n for r, n in snap.roles.items() if r in Role.__members__.values()}
    return SessionView(
        sid=sid,
        rev=session.rev,
        topic=session.topic,
        host_name=session.host_name,
        phase=session.phase,
        active=session.active,
        agenda=session.agenda,
        phase_ends_ms=session.phase_ends_ms,
        joined=sum(by_role.values()),
        by_role=by_role,
        idea_count=snap.idea_count,
        idea_max_len=deps.rules.idea_max_len,
        next_phase=following(session, deps.clock.now_ms()),
        refresh_user_ids=(session.host_uid,) if session.host_uid else (),
        is_host=personal and is_host,
        my_role=Role(snap.my_role) if personal and snap.my_role else None,
        my_ideas=tuple(i.text for i in snap.my_ideas) if personal else (),
        notice=notice if personal else None,
        draft=draft if personal else "",
    )


async def personal_view(
    deps: Deps, sid: str, actor: Actor, notice: Notice | None = None, draft: str = ""
) -> tuple[Session, SessionView]:
    snap = await deps.store.snapshot(
        sid, member_tag(deps, sid, actor), author_tag(deps, sid, actor)
    )
    is_host = member_tag(deps, sid, actor) in snap.host_tags
    view = session_view(deps, sid, snap, personal=True, is_host=is_host, notice=notice, draft=draft)
    return Session.from_meta(sid, snap.meta), view


async def shared_view(deps: Deps, sid: str) -> tuple[Session, SessionView]:
    snap = await deps.store.snapshot(sid, "-", "-")
    return Session.from_meta(sid, snap.meta), session_view(deps, sid, snap, personal=False)
