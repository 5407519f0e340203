"""Ending a session: one compare-and-set, then the summary to the conversation and the host."""

from __future__ import annotations

import json
import logging

from bot.domain.participants import Role
from bot.domain.session import Session
from bot.domain.voting import rank
from bot.i18n import Translator, translator
from bot.service.action_items import follow_up
from bot.service.deps import Deps
from bot.service.ideas import merging
from bot.service.views import conv_ref
from bot.service.voting import rounds
from bot.store.keys import VOTE_ROUNDS
from bot.templates import category_aliases
from cards import summary
from cards.views import SummaryView

logger = logging.getLogger(__name__)


async def finish_session(deps: Deps, sid: str) -> None:
    """After the one write that ended the session: shared card, pointer TTL, summary."""
    logger.info("session_ended", extra={"sid": sid})
    await deps.outbox.mark(sid)
    meta = await deps.store.meta(sid)
    await deps.store.expire_pointer(meta.get("conv_key", ""), sid, deps.rules.retention_s)
    await deps.store.remember_ended(meta.get("conv_key", ""), sid, deps.rules.retention_s)
    await post_summary(deps, sid, meta)
    await follow_up.schedule_start(deps, sid)  # issue 10 §3: each owner, then the host


async def summary_card(deps: Deps, sid: str, meta: dict[str, str]) -> dict[str, object]:
    session = Session.from_meta(sid, meta)
    t = translator(session.locale)
    snap = await deps.store.snapshot(sid, "-")
    by_role = {Role(r): n for r, n in snap.roles.items() if r in Role.__members__.values()}
    ideas = await deps.store.ideas(sid)
    merged = await merging.current(deps, sid)  # issue 18: a candidate with its like ideas
    members = {m for found in merged.values() for m in found}

    def shown(idea_id: str, text: str) -> str:
        if idea_id not in merged:
            return text
        like = t("merge.like_ideas", n=len(merged[idea_id]))
        return f"{text[: summary.SHOWN_CHARS - len(like) - 1]} {like}"

    texts = {idea.idea_id: idea.text for idea in ideas}
    ranking: tuple[tuple[str, int], ...] = ()
    for round_ in reversed(VOTE_ROUNDS):  # the last round held decides the ranking
        tally = await deps.ballots.tally(sid, round_)
        if tally:
            names = texts | await rounds.texts_for(deps, sid, list(tally))
            ranking = tuple((shown(i, names[i]), n) for i, n in rank(tally) if i in names)
            break
    view = SummaryView(
        topic=session.topic,
        host_name=session.host_name,
        started_ms=session.created_ms,
        ended_ms=session.ended_ms or deps.clock.now_ms(),
        joined=sum(by_role.values()),
        by_role=by_role,
        ideas=tuple(shown(i.idea_id, i.text) for i in ideas if i.idea_id not in members),
        ranking=ranking,
        need=session.settings.need,
        action_items=tuple(await deps.action_items.all(sid)),
        groups=await group_results(deps, sid),
        inputs=len(await deps.groups.inputs(sid)),
    )
    return summary.build(view, t)


async def group_results(
    deps: Deps, sid: str, t: Translator | None = None
) -> tuple[tuple[int, tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]], ...]:
    """What each group found, for the summary: question 1's inputs by category (in the order
    of the session's categories, then any others, then those never sorted), and its top 3."""
    session = Session.from_meta(sid, await deps.store.meta(sid))
    t = t or translator(session.locale)
    count, _ = await deps.groups.placement(sid)
    places = await deps.groups.places(sid)
    everything = await deps.groups.inputs(sid)
    aliases = category_aliases(session.settings.categories)
    results = []
    for group in range(1, count + 1):
        mine = [i for i in everything if i.group == group]
        by_category: dict[str, list[str]] = {name: [] for name in session.settings.categories}
        unsorted: list[str] = []
        for item in mine:
            if item.part != 1:
                continue
            if item.category:
                name = aliases.get(item.category, item.category)
                by_category.setdefault(name, []).append(item.text)
            else:
                unsorted.append(item.text)
        if unsorted:
            by_category[t("groups.uncategorised")] = unsorted
        texts = {i.input_id: i.text for i in mine}
        top = tuple(texts[i] for i in json.loads(places.get(f"{group}:top", "[]")) if i in texts)
        categories = tuple((name, tuple(found)) for name, found in by_category.items() if found)
        results.append((group, categories, top))
    return tuple(results)


async def post_summary(deps: Deps, sid: str, meta: dict[str, str]) -> None:
    """In the conversation, and in the host's personal chat (unless that is where it ran)."""
    card = await summary_card(deps, sid, meta)
    ref = conv_ref(meta)
    await deps.sender.send(ref, card=card)
    if ref.conversation_type == "personal":
        return
    for user_id in Session.from_meta(sid, meta).host_uids:  # the host, then co-hosts
        try:
            personal = await deps.sender.personal(ref, user_id)
            await deps.sender.send(personal, card=card)
        except Exception:  # the channel has the summary; a refused 1:1 must not undo the end
            logger.warning("summary_personal_failed", extra={"sid": sid}, exc_info=True)
