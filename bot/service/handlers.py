"""Everything the bot can do, on one screen: the text-command and card-action tables.

`Service` is what the Teams adapter (bot/teams) calls. It never raises to Teams for a user
mistake: every refusal is a clear, localized answer, and nothing is written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Awaitable, Callable, Mapping

from bot.domain.commands import Verb, parse_command
from bot.domain.phases import JOINABLE, LIVE, RUNNING, Phase
from bot.domain.session import Session
from bot.i18n import language_for, translator
from bot.service import (
    action_items,
    actions,
    adjournment,
    commands,
    follow_up,
    follow_up_actions,
    group_actions,
    group_commands,
    groups,
    hosts,
    merge_actions,
    moderation,
    records,
    setup,
    vote_actions,
    voting,
)
from bot.service.actions import Click
from bot.service.deps import Deps
from bot.service.ports import Actor, Card, ConvRef
from bot.service.views import conv_ref, member_tag, shared_view
from cards import notice
from cards import session as session_card
from cards.text import to_json
from cards.views import Notice

logger = logging.getLogger(__name__)

CommandHandler = Callable[[Deps, Actor, str], Awaitable[None]]
ActionHandler = Callable[[Deps, Click], Awaitable[Card]]
# A hot path that does the route's checks itself, in its one round trip (issue 13)
DirectHandler = Callable[[Deps, Actor, dict[str, Any]], Awaitable[Card]]

COMMANDS: Mapping[Verb, CommandHandler] = MappingProxyType(
    {
        Verb.START: commands.start,
        Verb.SETUP: commands.open_setup,
        Verb.HELP: commands.help_,
        Verb.STATUS: commands.status,
        Verb.NEXT: commands.next_,
        Verb.BACK: commands.back,
        Verb.SKIP: commands.skip,
        Verb.EXTEND: commands.extend,
        Verb.PAUSE: commands.pause,
        Verb.RESUME: commands.resume,
        Verb.ADJOURN: adjournment.adjourn_command,
        Verb.COHOST: commands.cohost,
        Verb.LANGUAGE: commands.language,
        Verb.END: commands.end,
        Verb.GROUPS: group_commands.show,
        Verb.MOVE: group_commands.move,
        Verb.EXPORT: records.export_,
        Verb.HISTORY: records.history,
        Verb.DELETE: records.delete,
        Verb.UNKNOWN: commands.unknown,
    }
)

SETTING_UP: frozenset[Phase] = frozenset({Phase.SETUP, Phase.CHECKIN})


@dataclass(frozen=True, slots=True)
class Route:
    handler: ActionHandler
    phases: frozenset[Phase]  # a button from another phase → "this step is over"
    host_only: bool = False  # checked against the caller's tag, never card data
    anywhere: bool = False  # pressed outside the session's conversation (a 1:1 follow-up)
    direct: DirectHandler | None = None  # used instead of `handler`, before any read


ROUTES: Mapping[str, Route] = MappingProxyType(
    {
        "card.refresh": Route(actions.refresh, frozenset(Phase)),
        "join.open": Route(actions.open_join, JOINABLE),
        "join.confirm": Route(actions.confirm_join, JOINABLE),
        # answers on the idea card; IDEA_CLICK checks session, conversation and rev itself
        "idea.submit": Route(actions.submit_idea, frozenset(Phase), direct=actions.idea_click),
        # the author's own ideas as they are now (a host may have hidden one): a look only
        "idea.look": Route(actions.submit_idea, frozenset(Phase), direct=actions.idea_click),
        "idea.edit": Route(actions.edit_idea, frozenset(Phase)),  # answers on the idea card
        "idea.withdraw": Route(actions.withdraw_idea, frozenset(Phase)),
        "phase.next": Route(actions.go_next, RUNNING, host_only=True),
        "phase.back": Route(actions.go_back, RUNNING, host_only=True),
        "phase.skip": Route(actions.go_skip, RUNNING, host_only=True),
        "timer.extend": Route(actions.extend, RUNNING, host_only=True),
        "timer.pause": Route(actions.pause, RUNNING, host_only=True),
        "timer.resume": Route(actions.resume, RUNNING, host_only=True),
        "session.end": Route(actions.end, LIVE, host_only=True),
        "session.adjourn": Route(adjournment.adjourn_click, RUNNING, host_only=True),
        "session.resume": Route(adjournment.resume_click, RUNNING, host_only=True),
        "setup.open": Route(setup.open_setup, SETTING_UP, host_only=True),
        "setup.template": Route(setup.use_template, SETTING_UP, host_only=True),
        "setup.save": Route(setup.save, SETTING_UP, host_only=True),
        "cohost.open": Route(hosts.open_roster, RUNNING, host_only=True),
        "cohost.add": Route(hosts.make_cohost, RUNNING, host_only=True),
        "action.open": Route(action_items.open_card, frozenset({Phase.ACTIONS}), host_only=True),
        "action.prefill": Route(action_items.prefill, frozenset({Phase.ACTIONS}), host_only=True),
        "action.edit": Route(action_items.edit, frozenset({Phase.ACTIONS}), host_only=True),
        "action.save": Route(action_items.save, frozenset({Phase.ACTIONS}), host_only=True),
        "action.remove": Route(action_items.remove, frozenset({Phase.ACTIONS}), host_only=True),
        "history.summary": Route(records.show_summary, records.ENDED_ONLY),
        "session.delete": Route(records.confirm_delete, frozenset(Phase), host_only=True),
        "group.input": Route(group_actions.add_input, frozenset(Phase)),  # answers on its card
        "group.categorize": Route(group_actions.categorize, frozenset(Phase)),
        "group.vote": Route(group_actions.vote, frozenset(Phase)),
        "group.pick": Route(group_actions.pick, frozenset(Phase)),
        "vote.prepare": Route(vote_actions.prepare, RUNNING, host_only=True),
        "vote.toggle": Route(vote_actions.toggle, RUNNING, host_only=True),
        "vote.add": Route(vote_actions.add, RUNNING, host_only=True),
        "merge.group": Route(merge_actions.merge_group, RUNNING, host_only=True),
        "merge.hand": Route(merge_actions.merge_by_hand, RUNNING, host_only=True),
        "merge.undo": Route(merge_actions.undo, RUNNING, host_only=True),
        "merge.out": Route(merge_actions.take_out, RUNNING, host_only=True),
        "merge.ignore": Route(merge_actions.ignore, RUNNING, host_only=True),
        # answer on the vote card; VOTE_CLICK checks session, conversation and rev itself
        "vote.cast": Route(vote_actions.routed, frozenset(Phase), direct=vote_actions.click),
        "vote.page": Route(vote_actions.routed, frozenset(Phase), direct=vote_actions.click),
        "moderate.open": Route(moderation.open_card, RUNNING, host_only=True),
        "moderate.hide": Route(moderation.hide, RUNNING, host_only=True),
        "moderate.restore": Route(moderation.restore, RUNNING, host_only=True),
        # the owner's 1:1 after the end; the owner is checked against from.aadObjectId
        "followup.done": Route(follow_up_actions.done, frozenset(Phase), anywhere=True),
        "followup.later": Route(follow_up_actions.later, frozenset(Phase), anywhere=True),
        "followup.not_me": Route(follow_up_actions.not_me, frozenset(Phase), anywhere=True),
    }
)


class Service:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def on_message(self, actor: Actor, text: object) -> None:
        if actor.activity_id and not await self.deps.store.first_turn(
            actor.conv_key, actor.activity_id
        ):
            logger.info("duplicate_activity_ignored")
            return  # Teams redelivered a message it got no answer to in time
        command = parse_command(text)
        await COMMANDS[command.verb](self.deps, actor, command.arg)
        if actor.activity_id:
            await self.deps.store.turn_done(actor.conv_key, actor.activity_id)

    async def on_installed(self, actor: Actor) -> None:
        await commands.help_(self.deps, actor, "", lead="help.welcome")

    async def on_card_action(self, actor: Actor, data: object) -> Card:
        """The card this person sees after their click (the Action.Execute invoke answer)."""
        t = translator(language_for(actor.locale))
        if not isinstance(data, dict):
            return to_json(notice.message(t, "card.unknown", good=False))
        verb, sid, rev = data.get("action"), data.get("sid"), data.get("rev")
        route = ROUTES.get(verb) if isinstance(verb, str) else None
        if route is None or not isinstance(sid, str) or type(rev) is not int:
            return to_json(notice.message(t, "card.unknown", good=False))
        if route.direct is not None:
            return await route.direct(self.deps, actor, data)
        meta = await self.deps.store.meta(sid)
        if not meta or (meta.get("conv_key") != actor.conv_key and not route.anywhere):
            return to_json(notice.message(t, "card.gone", good=False))
        session = Session.from_meta(sid, meta)
        me = member_tag(self.deps, sid, actor)
        click = Click(actor, sid, rev, data, session, translator(session.locale), me)
        if session.adjourned and verb not in adjournment.OPEN_WHILE_ADJOURNED:
            return await adjournment.refuse_click(self.deps, click)  # continues another day
        if session.phase not in route.phases:
            key = "card.ended" if not session.active else "card.stale"
            return await self._stale(click, Notice(key, good=False))
        if route.host_only and not await self.deps.store.is_host(sid, me):
            return await self._stale(click, Notice("host.only", good=False))
        return await route.handler(self.deps, click)

    async def _stale(self, click: Click, said: Notice) -> Card:
        """A refused press shows the session as it is now, or a line on a one-off card."""
        if click.session.phase is Phase.SETUP or click.data.get("card") == "timeup":
            return to_json(notice.message(click.t, said.key, False, **said.params))
        return await actions.view_card(self.deps, click, said)

    async def render_shared(self, sid: str) -> tuple[ConvRef, str, Card] | None:
        """The publisher's render: the base card everybody sees, with no personal parts."""
        if "|g" in sid:
            return await groups.render_board(self.deps, sid)
        if voting.VOTE_MARK in sid:
            return await voting.render_card(self.deps, sid)
        if sid.endswith(follow_up.HOST_MARK):
            return await follow_up.render_host_card(self.deps, sid)
        session, view = await shared_view(self.deps, sid)
        meta = await self.deps.store.meta(sid)
        if not meta or not meta.get("card_id"):
            return None
        card = to_json(session_card.build(view, translator(session.locale)))
        return conv_ref(meta), meta["card_id"], card


def verbs_in(card: Any) -> set[str]:
    """Every Action.Execute verb in a card's JSON: used to check each has a route."""
    found: set[str] = set()
    if isinstance(card, dict):
        if card.get("type") == "Action.Execute" and isinstance(card.get("verb"), str):
            found.add(card["verb"])
        for value in card.values():
            found |= verbs_in(value)
    elif isinstance(card, list):
        for item in card:
            found |= verbs_in(item)
    return found
