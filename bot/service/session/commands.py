"""Text commands in a conversation (SPEC §4). Answers go back to where the command came from."""

from __future__ import annotations

import logging
from enum import Enum
from types import MappingProxyType
from typing import Mapping

from bot.domain.ideas import decide_topic
from bot.domain.phases import Open, Phase, open_in
from bot.domain.refusal import Refusal
from bot.domain.session import ACTIVE, Session, settings_meta
from bot.domain.settings import LANGUAGE_CODES
from bot.domain.tags import Purpose, tag
from bot.domain.timers import decide_extension
from bot.i18n import Translator, language_for, translator
from bot.service.action_items import follow_up
from bot.service.deps import Deps
from bot.service.ports import Actor
from bot.service.session import adjournment, effects, hosts, idle, steering
from bot.service.session.setup import post_session_card, rerender_live
from bot.service.turn import Steer, Steering, Typed, refused_key, succeeded
from bot.service.views import member_tag, setup_view, shared_view
from bot.templates import DEFAULT_TEMPLATE, localise, settings_from
from cards import notice, setup
from cards.text import item_name
from cards.views import Notice

logger = logging.getLogger(__name__)


async def current(deps: Deps, actor: Actor) -> Session | None:
    sid = await deps.store.current_sid(actor.conv_key)
    return await deps.store.get(sid) if sid else None


class Guard(Enum):
    """What a text command needs before its handler runs (handlers.COMMANDS says which)."""

    ANYONE = "anyone"  # nothing: the conversation's session, if any, comes along
    HOST = "host"  # a running session, typed by a host (adjourned: `resume` first)
    HOST_ANYTIME = "host_anytime"  # a live session, running or adjourned, typed by a host
    HOST_RECORDS = "host_records"  # the conversation's latest session, even ended, by a host


async def admit(
    deps: Deps, actor: Actor, arg: str, guard: Guard, ended: str = "status.none"
) -> Typed | None:
    """The one place "current session" and "host only" are decided for text commands; a
    refusal is answered here. Inside a live session everything is said in the session's
    language; elsewhere in the sender's Teams language. `ended`: the answer when the
    conversation's session has ended and the guard wants a live one."""
    session = await current(deps, actor)
    live = session is not None and session.live
    t = translator(session.locale if session and live else language_for(actor.locale))
    me = member_tag(deps, session.sid, actor) if session else ""
    if guard is Guard.ANYONE:
        return Typed(actor, arg, session, t, me)
    if session is None or not (live or guard is Guard.HOST_RECORDS):
        none = "records.none" if guard is Guard.HOST_RECORDS else "status.none"
        await reply(deps, actor, t, ended if session else none)
        return None
    t = translator(session.locale)
    if not await deps.store.is_host(session.sid, me):
        await reply(deps, actor, t, "host.only")
        return None
    if guard is Guard.HOST and session.adjourned:  # only `resume` and `end` move it now
        await reply(deps, actor, t, "adjourn.resume_first")
        return None
    return Typed(actor, arg, session, t, me)


async def reply(deps: Deps, actor: Actor, t: Translator, key: str, **params: object) -> None:
    await deps.sender.send(actor.conv, text=t(key, **params))


async def tell(deps: Deps, actor: Actor, t: Translator, said: Notice) -> None:
    await reply(deps, actor, t, said.key, **said.params)


async def start(deps: Deps, typed: Typed) -> None:
    """`start <topic>` opens check-in at once; `start` alone posts the setup card first."""
    actor, running, t = typed.actor, typed.session, typed.t
    lang = language_for(actor.locale)
    if running and running.adjourned:
        await reply(deps, actor, t, "start.adjourned", topic=running.topic)
        return
    if running and running.active:
        await reply(deps, actor, t, "start.already", topic=running.topic)
        return
    topic = decide_topic(typed.arg)
    if isinstance(topic, Refusal):
        await reply(deps, actor, t, topic.key, **topic.params)
        return
    sid, now = deps.new_sid(), deps.clock.now_ms()
    settings = settings_from(DEFAULT_TEMPLATE, lang, topic)
    phase = Phase.CHECKIN if topic else Phase.SETUP
    meta = settings_meta(settings) | {
        "host_name": actor.name,
        "host_uid": actor.user_id,
        "phase": phase.value,
        "step": 0,
        "rev": 1,
        "tver": 0,
        "status": ACTIVE,
        "created_ms": now,
        "phase_started_ms": now,
        "phase_ends_ms": 0,
        "paused_left_ms": 0,
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
    if not await deps.store.create(
        sid, actor.conv_key, running.sid if running else None, meta, host
    ):
        await reply(deps, actor, t, "start.already_racing")
        return
    await steering.touch(deps, sid)  # its idle end (bot/service/session/idle.py) starts now
    logger.info(
        "session_started",
        extra={"sid": sid, "setup": not topic, "conversation_type": actor.conv.conversation_type},
    )
    t = translator(lang)
    if topic:
        await post_session_card(deps, sid)
        return
    session = Session.from_meta(sid, await deps.store.meta(sid))
    await deps.sender.send(actor.conv, card=setup.build(setup_view(session), t))


async def help_(deps: Deps, typed: Typed, lead: str | None = None) -> None:
    await deps.sender.send(typed.actor.conv, card=notice.help_card(typed.t, lead))


async def unknown(deps: Deps, typed: Typed) -> None:
    """A participant's slip inside a running session gets one short line, not the whole
    help card in everyone's thread; hosts (and anyone outside a session) get the help."""
    session = typed.session
    if session is not None and session.live:
        if not await deps.store.is_host(session.sid, typed.me):
            await reply(deps, typed.actor, typed.t, "help.short")
            return
    await help_(deps, typed, lead="help.unknown")


async def status(deps: Deps, typed: Typed) -> None:
    actor, session = typed.actor, typed.session
    if session is not None and session.phase is Phase.ENDED:
        if await effects.offer_summary_again(deps, session):
            return  # its posting had failed for minutes: the summary itself is the answer
        if await follow_up.show_status(deps, actor, session):
            return  # after the end: how its actions stand (issue 10 §3)
    if session is not None and session.adjourned:
        await adjournment.status(deps, actor, session)
        return
    if session is None or not session.active:
        await reply(deps, actor, translator(language_for(actor.locale)), "status.none")
        return
    t = translator(session.locale)
    _, view = await shared_view(deps, session.sid)
    await reply(
        deps,
        actor,
        t,
        "status.line",
        topic=session.topic,
        phase=item_name(t, session.current_item),
        joined=view.joined,
        ideas=view.idea_count,
    )


async def _steer(deps: Deps, typed: Typed, op: str) -> None:
    session, t, actor = typed.hosted, typed.t, typed.actor
    if session.phase is Phase.SETUP and op != "end":
        await reply(deps, actor, t, "setup.first")
        return
    steer = steering.Steer(typed.me, actor.activity_id)
    if op == "extend":
        minutes = decide_extension(typed.arg)
        if isinstance(minutes, Refusal):
            await reply(deps, actor, t, minutes.key, **minutes.params)
            return
        said = await steering.extend(deps, session, steer, session.rev, minutes)
    else:
        said = await STEER_OPS[op](deps, session, steer, session.rev)
    quiet = said.good and op in ("next", "back", "skip", "end")  # the announcement says it
    if not quiet:
        await tell(deps, actor, t, said)


STEER_OPS: Mapping[str, Steering] = MappingProxyType(
    {
        "next": steering.go_next,
        "back": steering.go_back,
        "skip": steering.go_skip,
        "pause": steering.pause,
        "resume": steering.resume,
        "end": steering.end,
    }
)


async def next_(deps: Deps, typed: Typed) -> None:
    await _steer(deps, typed, "next")


async def back(deps: Deps, typed: Typed) -> None:
    await _steer(deps, typed, "back")


async def skip(deps: Deps, typed: Typed) -> None:
    await _steer(deps, typed, "skip")


async def extend(deps: Deps, typed: Typed) -> None:
    await _steer(deps, typed, "extend")


async def pause(deps: Deps, typed: Typed) -> None:
    await _steer(deps, typed, "pause")


async def resume(deps: Deps, typed: Typed) -> None:
    """`resume`: an adjourned session goes on; a paused timer runs again."""
    session = typed.hosted
    if session.adjourned:
        said = await adjournment.resume(deps, session, Steer(typed.me, typed.actor.activity_id))
        if not said.good:
            await tell(deps, typed.actor, typed.t, said)
        return
    if not session.paused:
        await reply(deps, typed.actor, typed.t, "adjourn.nothing_to_resume")
        return
    await _steer(deps, typed, "resume")


async def end(deps: Deps, typed: Typed) -> None:
    session = typed.session
    if session is not None and session.live:
        host = await deps.store.is_host(session.sid, typed.me)
        if not host and idle.hosts_away(deps, session):
            # every host is gone: any member may end it, after a confirmation (issue 15)
            said = await idle.member_ends(deps, session, typed.actor.activity_id, typed.arg)
            await tell(deps, typed.actor, typed.t, said)
            return
    admitted = await admit(deps, typed.actor, typed.arg, Guard.HOST_ANYTIME)
    if admitted is not None:
        await _steer(deps, admitted, "end")


async def open_setup(deps: Deps, typed: Typed) -> None:
    session, t = typed.hosted, typed.t
    if session.phase not in open_in(Open.SETUP):
        await reply(deps, typed.actor, t, "setup.too_late")
        return
    await deps.sender.send(typed.actor.conv, card=setup.build(setup_view(session), t))


async def cohost(deps: Deps, typed: Typed) -> None:
    session, t, actor = typed.hosted, typed.t, typed.actor
    if not actor.mentions:
        await reply(deps, actor, t, "cohost.how")
        return
    for user_id, name in actor.mentions:
        new_tag = await hosts.tag_for_mention(deps, session.sid, actor, user_id)
        if new_tag is None:
            await reply(deps, actor, t, "cohost.unknown", name=name)
            continue
        await tell(
            deps, actor, t, await hosts.add_cohost(deps, session.sid, actor, new_tag, user_id, name)
        )


async def language(deps: Deps, typed: Typed) -> None:
    """The session's language governs everything in it: the template's texts follow (what
    the host typed stays), and the shared cards are drawn again in the new language."""
    session, t, actor = typed.hosted, typed.t, typed.actor
    code = typed.arg.strip().casefold()[:2]
    if code not in LANGUAGE_CODES:
        await reply(deps, actor, t, "language.how")
        return
    changed = settings_meta(localise(session.settings, code))
    fields = {k: changed[k] for k in ("locale", "idea_prompt", "q1", "q2", "categories")}
    result = await deps.store.update(session.sid, actor.activity_id, typed.me, session.rev, fields)
    if not succeeded(result):
        await reply(deps, actor, t, refused_key(result))
        return
    await rerender_live(deps, session.sid)
    new_t = translator(code)
    await reply(deps, actor, new_t, "language.set", name=new_t(f"language.name_{code}"))
