"""From a store snapshot to what the cards show. Tags are computed here, per session."""

from __future__ import annotations

import dataclasses

from bot.domain.participants import Role
from bot.domain.phases import AgendaItem, Phase, next_step
from bot.domain.session import Session
from bot.domain.tags import Author, Purpose, own_key, tag
from bot.i18n import Translator
from bot.service.deps import Deps
from bot.service.ports import Actor, ConvRef
from bot.store.sessions import Snapshot, StoredIdea
from bot.templates import TEMPLATES, second_round_size
from cards.text import item_name
from cards.views import IdeaView, Notice, SessionView, SetupView, TemplateChoice


def member_tag(deps: Deps, sid: str, actor: Actor) -> str:
    return tag(deps.rules.anon_key, Purpose.MEMBER, sid, actor.aad_id)


def author_tag(deps: Deps, sid: str, actor: Actor) -> str:
    return tag(deps.rules.anon_key, Purpose.AUTHOR, sid, actor.aad_id)


def session_of(deps: Deps, sid: str, meta: dict[str, str]) -> Session:
    """Session.from_meta, remembered per (rev, tver, status, co-hosts): every script that
    changes what a Session holds bumps tver or rev (ADD_HOST only the co-hosts), while the
    fields a click changes (idea_seq, ready counts) are not part of it. A click's hot path
    reads meta whole anyway; this saves parsing it (~25 µs) on every click."""
    key = (sid, meta.get("rev"), meta.get("tver"), meta.get("status"), meta.get("cohost_uids"))
    session = deps.sessions.get(key)
    if session is None:
        session = Session.from_meta(sid, meta)
        deps.sessions.put(key, session)
    return session


def author_of(deps: Deps, sid: str, actor: Actor) -> Author:
    """The author's tag and the key of their own-idea slots."""
    return Author(author_tag(deps, sid, actor), own_key(deps.rules.anon_key, sid, actor.aad_id))


def conv_ref(meta: dict[str, str]) -> ConvRef:
    """Where the session card lives, from the session's meta hash."""
    return ConvRef(**{name: meta.get(name, "") for name in ConvRef.__dataclass_fields__})


def following(session: Session) -> AgendaItem | None:
    """What "Next" leads to; None when it ends the session."""
    return next_step(session.agenda, session.step).item


def session_view(
    session: Session,
    snap: Snapshot,
    *,
    personal: bool,
    is_host: bool = False,
    notice: Notice | None = None,
) -> SessionView:
    """The shared view (personal=False) names nobody and shows counts only."""
    by_role = {Role(r): n for r, n in snap.roles.items() if r in Role.__members__.values()}
    item = session.item
    part = item.part if item else 0
    settings = session.settings
    return SessionView(
        sid=session.sid,
        rev=session.rev,
        topic=session.topic,
        host_name=session.host_name,
        need=settings.need,
        pitchers=settings.pitchers,
        phase=session.phase,
        part=part,
        question={1: settings.q1, 2: settings.q2}.get(part, "")
        if session.phase is Phase.GROUPS
        else "",
        categories=settings.categories,
        votes_per_person=settings.votes_per_person,
        votes_per_idea=settings.votes_per_idea,
        top_k=second_round_size(settings.template),
        active=session.active,
        agenda=session.agenda,
        step=session.step,
        phase_ends_ms=session.phase_ends_ms,
        paused_left_ms=session.paused_left_ms,
        joined=sum(by_role.values()),
        by_role=by_role,
        idea_count=snap.idea_count,
        ready=int(snap.meta.get("ready_ideas", 0)) if session.phase is Phase.IDEAS else 0,
        next_item=following(session),
        refresh_user_ids=session.host_uids,
        adjourned=session.adjourned,
        resume=session.resume,
        adjourned_left_ms=session.adjourned_left_ms,
        is_host=personal and is_host,
        my_role=Role(snap.my_role) if personal and snap.my_role else None,
        notice=notice if personal else None,
    )


def idea_view(
    deps: Deps,
    session: Session,
    mine: list[StoredIdea],
    notice: Notice | None,
    draft: str = "",
    merged: tuple[str, ...] = (),
) -> IdeaView:
    return IdeaView(
        sid=session.sid,
        rev=session.rev,
        topic=session.topic,
        prompt=session.settings.idea_prompt,
        max_len=deps.rules.idea_max_len,
        open=session.active and session.phase is Phase.IDEAS,
        ends_ms=session.phase_ends_ms,
        my_ideas=tuple(i.text for i in mine),
        my_hidden=tuple(i.hidden for i in mine),
        my_merged=merged,
        my_ids=tuple(i.idea_id for i in mine),
        notice=notice,
        draft=draft,
    )


def setup_view(
    session: Session,
    *,
    errors: dict[str, Notice] | None = None,
    notice: Notice | None = None,
    settings: object = None,
) -> SetupView:
    lang = session.locale
    choices = tuple(
        TemplateChoice(t.id, t.name(lang), t.text("description", lang)) for t in TEMPLATES.values()
    )
    return SetupView(
        sid=session.sid,
        rev=session.rev,
        settings=settings or session.settings,  # type: ignore[arg-type]
        templates=choices,
        starting=session.phase is Phase.SETUP,
        errors=errors or {},
        notice=notice,
    )


async def personal_view(
    deps: Deps, sid: str, actor: Actor, notice: Notice | None = None
) -> tuple[Session, SessionView]:
    snap = await deps.store.snapshot(sid, member_tag(deps, sid, actor))
    session = Session.from_meta(sid, snap.meta)
    is_host = member_tag(deps, sid, actor) in snap.host_tags
    view = session_view(session, snap, personal=True, is_host=is_host, notice=notice)
    return session, await with_groups(deps, session, await with_votes(deps, session, view))


async def shared_view(deps: Deps, sid: str) -> tuple[Session, SessionView]:
    snap = await deps.store.snapshot(sid, "-")
    session = Session.from_meta(sid, snap.meta)
    view = await with_votes(deps, session, session_view(session, snap, personal=False))
    return session, await with_groups(deps, session, view)


async def with_groups(deps: Deps, session: Session, view: SessionView) -> SessionView:
    """During group work and presentations the card shows who is in which group."""
    if session.phase not in (Phase.GROUPS, Phase.PRESENTATIONS):
        return view
    count, placement = await deps.groups.placement(session.sid)
    if not count:
        return view
    roster = await deps.store.roster(session.sid)
    names = tuple(
        (g, tuple(sorted(roster[t].name for t, gg in placement.items() if gg == g and t in roster)))
        for g in range(1, count + 1)
    )
    return dataclasses.replace(
        view,
        groups=names,
        presenting=session.presenting,
        threads=session.conversation_type == "channel",
    )


async def with_votes(deps: Deps, session: Session, view: SessionView) -> SessionView:
    """While a vote runs the card shows how many voted and dots cast: never where they went."""
    if session.phase is not Phase.VOTING or session.item is None:
        return view
    round_ = max(1, session.item.part)
    tally = await deps.ballots.tally(session.sid, round_)
    voters = await deps.ballots.voters(session.sid, round_)
    ready = await deps.ballots.ready(session.sid, round_)
    return dataclasses.replace(view, votes_cast=sum(tally.values()), voters=voters, ready=ready)


def agenda_item(session: Session, phase: Phase, round_: int = 1) -> AgendaItem:
    """The agenda's item of a phase (its `round_`-th part, for the vote's two rounds)."""
    found = [i for i in session.agenda if i.phase is phase and max(1, i.part) == round_]
    return found[0] if found else AgendaItem(phase, 0)


def announcement(t: Translator, item: AgendaItem) -> str:
    """ "Ny fase: Gruppearbeid 2. Arbeid i gruppa …": which question or round, and how."""
    return t("phase.started", phase=item_name(t, item)) + " " + t(f"phase.{item.phase.value}.howto")
