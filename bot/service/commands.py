"""Text commands in a conversation (SPEC §4). Answers go back to where the command came from."""

from __future__ import annotations

import logging

from bot.domain.ideas import decide_topic
from bot.domain.phases import DEFAULT_AGENDA, Phase, encode_agenda, next_phase
from bot.domain.refusal import Refusal
from bot.domain.session import ACTIVE, Session
from bot.domain.tags import Purpose, tag
from bot.i18n import Translator, language_for, translator
from bot.service.answers import REFUSALS, first_time, succeeded
from bot.service.deps import Deps
from bot.service.phases import announce_phase
from bot.service.ports import Actor
from bot.service.summary import end_session
from bot.service.views import member_tag, shared_view
from cards import notice
from cards import session as session_card
from cards.text import to_json

logger = logging.getLogger(__name__)


async def current(deps: Deps, actor: Actor) -> Session | None:
    sid = await deps.store.current_sid(actor.conv_key)
    if not sid:
        return None
    meta = await deps.store.meta(sid)
    return Session.from_meta(sid, meta) if meta else None


async def reply(deps: Deps, actor: Actor, t: Translator, key: str, **params: object) -> None:
    await deps.sender.send(actor.conv, text=t(key, **params))


async def start(deps: Deps, actor: Actor, arg: str) -> None:
    t = translator(language_for(actor.locale))
    running = await current(deps, actor)
    if running and running.active:
        await reply(deps, actor, t, "start.already", topic=running.topic)
        return
    topic = decide_topic(arg)
    if isinstance(topic, Refusal):
        await reply(deps, actor, t, topic.key, **topic.params)
        return
    if not topic:
        await reply(deps, actor, t, "start.need_topic")
        return
    sid, now = deps.new_sid(), deps.clock.now_ms()
    meta = {
        "topic": topic,
        "host_name": actor.name,
        "host_uid": actor.user_id,
        "locale": t.lang,
        "phase": Phase.CHECKIN.value,
        "rev": 1,
        "status": ACTIVE,
        "agenda": encode_agenda(DEFAULT_AGENDA),
        "created_ms": now,
        "phase_started_ms": now,
        "phase_ends_ms": 0,
        "ended_ms": 0,
        "conv_key": actor.conv_key,
        "service_url": actor.conv.service_url,
        "conversation_id": actor.conv.conversation_id,
        "conversation_type": actor.conv.conversation_type,
        "tenant_id": actor.conv.tenant_id,
        "bot_id": actor.conv.bot_id,
        "bot_name": actor.conv.bot_name,
        "idea_seq": 0,
    }
    host = tag(deps.rules.anon_key, Purpose.MEMBER, sid, actor.aad_id)
    created = await deps.store.create(
        sid, actor.conv_key, running.sid if running else None, meta, host
    )
    if not created:
        await reply(deps, actor, t, "start.already_racing")
        return
    logger.info(
        "session_started", extra={"sid": sid, "conversation_type": actor.conv.conversation_type}
    )
    _, view = await shared_view(deps, sid)
    card_id = await deps.sender.send(actor.conv, card=to_json(session_card.build(view, t)))
    await deps.store.set_card(sid, card_id)


async def help_(deps: Deps, actor: Actor, arg: str, lead: str | None = None) -> None:
    t = translator(language_for(actor.locale))
    await deps.sender.send(actor.conv, card=to_json(notice.help_card(t, lead)))


async def unknown(deps: Deps, actor: Actor, arg: str) -> None:
    await help_(deps, actor, arg, lead="help.unknown")


async def status(deps: Deps, actor: Actor, arg: str) -> None:
    session = await current(deps, actor)
    if session is None or not session.active:
        t = translator(language_for(actor.locale))
        await reply(deps, actor, t, "status.none")
        return
    t = translator(session.locale)
    _, view = await shared_view(deps, session.sid)
    await reply(
        deps,
        actor,
        t,
        "status.line",
        topic=session.topic,
        phase=t(f"phase.{session.phase.value}"),
        joined=view.joined,
        ideas=view.idea_count,
    )


async def _host_session(deps: Deps, actor: Actor) -> tuple[Session, Translator] | None:
    """The active session, if the actor hosts it; otherwise the polite answer is sent."""
    session = await current(deps, actor)
    if session is None or not session.active:
        await reply(deps, actor, translator(language_for(actor.locale)), "status.none")
        return None
    t = translator(session.locale)
    if not await deps.store.is_host(session.sid, member_tag(deps, session.sid, actor)):
        await reply(deps, actor, t, "host.only")
        return None
    return session, t


async def next_(deps: Deps, actor: Actor, arg: str) -> None:
    found = await _host_session(deps, actor)
    if found is None:
        return
    session, t = found
    step = next_phase(session.agenda, session.phase, deps.clock.now_ms())
    if isinstance(step, Refusal):
        await reply(deps, actor, t, step.key, **step.params)
        return
    if step.to is Phase.ENDED:
        await end(deps, actor, arg)
        return
    result = await deps.store.advance(
        session.sid,
        actor.activity_id,
        member_tag(deps, session.sid, actor),
        session.rev,
        step.to.value,
        deps.clock.now_ms(),
        step.ends_ms,
        deps.rules.retention_s,
    )
    if not succeeded(result):
        await reply(deps, actor, t, REFUSALS.get(result, "error.generic"))
        return
    if first_time(result):
        await announce_phase(deps, session.sid, step)


async def end(deps: Deps, actor: Actor, arg: str) -> None:
    found = await _host_session(deps, actor)
    if found is None:
        return
    session, t = found
    result = await end_session(deps, session.sid, actor, session.rev)
    if not succeeded(result):
        await reply(deps, actor, t, REFUSALS.get(result, "error.generic"))
