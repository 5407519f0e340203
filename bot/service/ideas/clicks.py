"""The idea round's card (SPEC §3 phase 3): send an idea, look at, edit or withdraw one's
own. Anonymous: the author is a keyed tag and own-idea slots (bot/domain/tags.py).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.domain.ideas import decide_idea
from bot.domain.phases import Phase
from bot.domain.refusal import Refusal
from bot.domain.screening import screen
from bot.domain.session import Session
from bot.domain.tags import Purpose, tag
from bot.i18n import Translator, language_for, translator
from bot.service.deps import Deps
from bot.service.ideas import merging
from bot.service.ports import Actor, Card
from bot.service.session import effects
from bot.service.turn import Click, refusal_notice
from bot.service.views import (
    author_of,
    idea_view,
    session_of,
)
from bot.store.sessions import StoredIdea
from cards import idea_round
from cards import notice as notice_card
from cards.views import IdeaView, Notice

logger = logging.getLogger(__name__)


async def _idea_card(deps: Deps, click: Click, notice: Notice | None, draft: str = "") -> Card:
    author = author_of(deps, click.sid, click.actor)
    mine = await deps.store.my_ideas(click.sid, author.tag, author.own_key)
    meta = await deps.store.meta(click.sid)
    session = Session.from_meta(click.sid, meta)
    merged = await my_merges(deps, click.sid, meta, mine)
    view = idea_view(deps, session, mine, notice, draft, merged)
    return idea_round.build(view, click.t)


async def my_merges(
    deps: Deps, sid: str, meta: dict[str, str], mine: list[StoredIdea]
) -> tuple[str, ...]:
    """Where the author's own ideas were merged (issue 18); read only once a merge was made
    in the session (meta 'merged'), so the idea burst keeps its one round trip."""
    if not mine or meta.get("merged") != "1":
        return ()
    return await merging.merged_into(deps, sid, [i.idea_id for i in mine])


async def submit_idea(deps: Deps, click: Click) -> Card:
    """The routed (slow) path: only reached through `idea_click`'s checks."""
    return await idea_click(deps, click.actor, click.data)


async def idea_click(deps: Deps, actor: Actor, data: dict[str, Any]) -> Card:
    """`idea.submit`, the idea burst's hot path (issue 13): one round trip (IDEA_CLICK)
    checks, stores and reads the author's own ideas. A refused idea is decided before any
    write and answered on the card with the draft kept; once stored, the answer says so."""
    sid, rev = str(data["sid"]), int(str(data["rev"]))
    raw = data.get("idea")
    draft = raw[: 2 * deps.rules.idea_max_len] if isinstance(raw, str) else ""
    decided = decide_idea(raw, deps.rules.idea_max_len)
    if not isinstance(decided, Refusal) and deps.rules.screening.enabled:
        # the session's language decides the word list: one more read, only when screening
        locale = Session.from_meta(sid, await deps.store.meta(sid)).locale
        decided = screen(decided, deps.rules.screening, locale) or decided
    author = author_of(deps, sid, actor)
    member = tag(deps.rules.anon_key, Purpose.MEMBER, sid, actor.aad_id)
    text = None if isinstance(decided, Refusal) else decided
    result = await deps.store.idea_click(
        sid,
        actor.conv_key,
        actor.activity_id,
        author.tag,
        text,
        rev,
        deps.clock.now_ms(),
        deps.rules.max_ideas_per_person,
        member,
        author.own_key,
    )
    if result.code == "gone" or result.meta is None:
        t = translator(language_for(actor.locale))
        return notice_card.message(t, "card.gone", good=False)
    session = session_of(deps, sid, result.meta)
    t = translator(session.locale)
    if session.adjourned and not result.stored:
        from bot.service.session.adjournment import (
            refuse_click,  # adjournment builds on this module
        )

        return await refuse_click(deps, Click(actor, sid, rev, dict(data), session, t, member))
    notice: Notice | None = _idea_notice(deps, session, result.code, decided)
    if data.get("action") == "idea.look" and (session.phase is Phase.IDEAS or "at" in data):
        # "my ideas": the author's own list as it is now, nothing sent; or Teams' own fetch
        # (the card's refresh carries `at`), which nobody pressed: after the round it shows
        # the closed card without telling anyone off
        notice = None
    if result.stored:
        draft = ""
        if result.code.startswith("ok:"):
            logger.info("idea_submitted", extra={"sid": sid})
    try:
        if result.code.startswith("ok:") and 0 < result.joined <= result.ready:
            await deps.effects.record(sid, effects.everyone_done(session), wait=False)
        merged = await my_merges(deps, sid, result.meta, list(result.mine))
        view = idea_view(deps, session, list(result.mine), notice, draft, merged)
        return idea_card(deps, view, t)
    except Exception:  # noqa: BLE001 - the idea is stored: say so, never "unavailable"
        if not result.stored:
            raise
        logger.warning("idea_answer_degraded", extra={"sid": sid}, exc_info=True)
        return notice_card.message(t, "idea.received", good=True)


def _idea_notice(deps: Deps, session: Session, code: str, decided: str | Refusal) -> Notice:
    if code.removeprefix("again:").startswith("ok:"):
        return Notice("idea.received")
    if code == "look" and isinstance(decided, Refusal):
        if session.phase is not Phase.IDEAS:
            return Notice("ideas.over", good=False)
        return Notice(decided.key, decided.params, good=False)
    if code in ("wrong_phase", "stale") and session.phase is not Phase.IDEAS:
        return Notice("ideas.over", good=False)
    return refusal_notice(code, "idea", max=deps.rules.max_ideas_per_person)


def idea_card(deps: Deps, view: IdeaView, t: Translator) -> Card:
    """The author's idea card from a template built once per session, rev and language
    (cards/idea_round.py personalise gives exactly what build gives)."""
    key = ("idea", view.sid, view.rev, t.lang, view.open, view.ends_ms, view.topic, view.prompt)
    tpl = deps.card_templates.get(key)
    if tpl is None:
        tpl = idea_round.template(view, t)
        deps.card_templates.put(key, tpl)
    return idea_round.personalise(tpl, view, t)


async def _change_own(deps: Deps, click: Click, text: str) -> Card:
    item = click.data.get("item")
    if not isinstance(item, str) or not item.isdecimal() or len(item) > 12:
        return await _idea_card(deps, click, Notice("idea.not_yours", good=False))
    author = author_of(deps, click.sid, click.actor)
    result = await deps.store.change_own_idea(
        click.sid,
        click.actor.activity_id,
        author.tag,
        author.own_key,
        item,
        text,
        click.rev,
        click.tag,
    )
    if result.startswith("ok:"):
        logger.info("idea_changed", extra={"sid": click.sid, "how": result[3:]})
        said = Notice("idea.withdrawn" if result == "ok:withdrawn" else "idea.edited")
    else:
        said = refusal_notice(result, "own_idea")
    return await _idea_card(deps, click, said)


async def edit_idea(deps: Deps, click: Click) -> Card:
    """An author changes their own idea while the round is open; checked like a new one."""
    field = click.data.get("field")
    raw = click.data.get(field) if isinstance(field, str) and field.startswith("edit_") else None
    decided = decide_idea(raw, deps.rules.idea_max_len)
    if not isinstance(decided, Refusal):
        decided = screen(decided, deps.rules.screening, click.session.locale) or decided
    if isinstance(decided, Refusal):
        return await _idea_card(deps, click, Notice(decided.key, decided.params, good=False))
    return await _change_own(deps, click, decided)


async def withdraw_idea(deps: Deps, click: Click) -> Card:
    return await _change_own(deps, click, "")
