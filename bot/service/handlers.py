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
from bot.domain.phases import ANY_PHASE, Open, Phase, open_in
from bot.domain.session import Session
from bot.i18n import language_for, translator
from bot.service.action_items import capture, follow_up, follow_up_clicks
from bot.service.deps import Deps
from bot.service.groups import breakout
from bot.service.groups import clicks as group_clicks
from bot.service.groups import commands as group_commands
from bot.service.ideas import clicks as idea_clicks
from bot.service.ideas import merge_clicks, moderation
from bot.service.ports import Actor, Card, ConvRef
from bot.service.records import history
from bot.service.session import adjournment, commands, hosts, setup
from bot.service.session import clicks as session_clicks
from bot.service.session.commands import Guard
from bot.service.turn import Click, Typed
from bot.service.views import conv_ref, member_tag, shared_view
from bot.service.voting import clicks as vote_clicks
from bot.service.voting import rounds
from cards import notice
from cards import session as session_card
from cards.views import Notice

logger = logging.getLogger(__name__)

TypedHandler = Callable[[Deps, Typed], Awaitable[None]]
ActionHandler = Callable[[Deps, Click], Awaitable[Card]]
# A hot path that does the route's checks itself, in its one round trip (issue 13)
DirectHandler = Callable[[Deps, Actor, dict[str, Any]], Awaitable[Card]]


@dataclass(frozen=True, slots=True)
class Command:
    handler: TypedHandler
    guard: Guard = Guard.ANYONE  # what must hold first; commands.admit answers if not
    ended: str = "status.none"  # the answer when the guard wants a live session and it ended


COMMANDS: Mapping[Verb, Command] = MappingProxyType(
    {
        Verb.START: Command(commands.start),
        Verb.SETUP: Command(commands.open_setup, Guard.HOST),
        Verb.HELP: Command(commands.help_),
        Verb.STATUS: Command(commands.status),
        Verb.NEXT: Command(commands.next_, Guard.HOST),
        Verb.BACK: Command(commands.back, Guard.HOST),
        Verb.SKIP: Command(commands.skip, Guard.HOST),
        Verb.EXTEND: Command(commands.extend, Guard.HOST),
        Verb.PAUSE: Command(commands.pause, Guard.HOST),
        Verb.RESUME: Command(commands.resume, Guard.HOST_ANYTIME),
        Verb.ADJOURN: Command(adjournment.adjourn_command, Guard.HOST_ANYTIME, "adjourn.ended"),
        Verb.COHOST: Command(commands.cohost, Guard.HOST),
        Verb.LANGUAGE: Command(commands.language, Guard.HOST),
        # any member may end a session whose hosts are all away; else it is a host's
        Verb.END: Command(commands.end),
        Verb.GROUPS: Command(group_commands.show),
        Verb.MOVE: Command(group_commands.move, Guard.HOST),
        Verb.EXPORT: Command(history.export_, Guard.HOST_RECORDS),
        Verb.HISTORY: Command(history.history),
        Verb.DELETE: Command(history.delete, Guard.HOST_RECORDS),
        Verb.UNKNOWN: Command(commands.unknown),
    }
)

# Where each route's button works, read from the phase rules (bot/domain/phases.RULES).
JOIN, STEER, END = open_in(Open.JOIN), open_in(Open.STEER), open_in(Open.END)
SETUP, CAPTURE, RECORDS = open_in(Open.SETUP), open_in(Open.CAPTURE), open_in(Open.RECORDS)


@dataclass(frozen=True, slots=True)
class Route:
    handler: ActionHandler
    phases: frozenset[Phase]  # a button from another phase → "this step is over"
    host_only: bool = False  # checked against the caller's tag, never card data
    anywhere: bool = False  # pressed outside the session's conversation (a 1:1 follow-up)
    direct: DirectHandler | None = None  # used instead of `handler`, before any read


ROUTES: Mapping[str, Route] = MappingProxyType(
    {
        "card.refresh": Route(session_clicks.refresh, ANY_PHASE),
        "join.open": Route(session_clicks.open_join, JOIN),
        "join.confirm": Route(session_clicks.confirm_join, JOIN),
        # answers on the idea card; IDEA_CLICK checks session, conversation and rev itself
        "idea.submit": Route(idea_clicks.submit_idea, ANY_PHASE, direct=idea_clicks.idea_click),
        # the author's own ideas as they are now (a host may have hidden one): a look only
        "idea.look": Route(idea_clicks.submit_idea, ANY_PHASE, direct=idea_clicks.idea_click),
        "idea.edit": Route(idea_clicks.edit_idea, ANY_PHASE),  # answers on the idea card
        "idea.withdraw": Route(idea_clicks.withdraw_idea, ANY_PHASE),
        "phase.next": Route(session_clicks.go_next, STEER, host_only=True),
        "phase.back": Route(session_clicks.go_back, STEER, host_only=True),
        "phase.skip": Route(session_clicks.go_skip, STEER, host_only=True),
        "timer.extend": Route(session_clicks.extend, STEER, host_only=True),
        "timer.pause": Route(session_clicks.pause, STEER, host_only=True),
        "timer.resume": Route(session_clicks.resume, STEER, host_only=True),
        "session.end": Route(session_clicks.end, END, host_only=True),
        "session.adjourn": Route(adjournment.adjourn_click, STEER, host_only=True),
        "session.resume": Route(adjournment.resume_click, STEER, host_only=True),
        "setup.open": Route(setup.open_setup, SETUP, host_only=True),
        "setup.template": Route(setup.use_template, SETUP, host_only=True),
        "setup.save": Route(setup.save, SETUP, host_only=True),
        "cohost.open": Route(hosts.open_roster, STEER, host_only=True),
        "cohost.add": Route(hosts.make_cohost, STEER, host_only=True),
        "action.open": Route(capture.open_card, CAPTURE, host_only=True),
        "action.prefill": Route(capture.prefill, CAPTURE, host_only=True),
        "action.edit": Route(capture.edit, CAPTURE, host_only=True),
        "action.save": Route(capture.save, CAPTURE, host_only=True),
        "action.remove": Route(capture.remove, CAPTURE, host_only=True),
        "history.summary": Route(history.show_summary, RECORDS),
        "session.delete": Route(history.confirm_delete, ANY_PHASE, host_only=True),
        "group.input": Route(group_clicks.add_input, ANY_PHASE),  # answers on its card
        "group.categorize": Route(group_clicks.categorize, ANY_PHASE),
        "group.vote": Route(group_clicks.vote, ANY_PHASE),
        "group.pick": Route(group_clicks.pick, ANY_PHASE),
        "vote.prepare": Route(vote_clicks.prepare, STEER, host_only=True),
        "vote.toggle": Route(vote_clicks.toggle, STEER, host_only=True),
        "vote.add": Route(vote_clicks.add, STEER, host_only=True),
        "merge.group": Route(merge_clicks.merge_group, STEER, host_only=True),
        "merge.hand": Route(merge_clicks.merge_by_hand, STEER, host_only=True),
        "merge.undo": Route(merge_clicks.undo, STEER, host_only=True),
        "merge.out": Route(merge_clicks.take_out, STEER, host_only=True),
        "merge.ignore": Route(merge_clicks.ignore, STEER, host_only=True),
        # answer on the vote card; VOTE_CLICK checks session, conversation and rev itself
        "vote.cast": Route(vote_clicks.routed, ANY_PHASE, direct=vote_clicks.click),
        "vote.page": Route(vote_clicks.routed, ANY_PHASE, direct=vote_clicks.click),
        "moderate.open": Route(moderation.open_card, STEER, host_only=True),
        "moderate.hide": Route(moderation.hide, STEER, host_only=True),
        "moderate.restore": Route(moderation.restore, STEER, host_only=True),
        # the owner's 1:1 after the end; the owner is checked against from.aadObjectId
        "followup.done": Route(follow_up_clicks.done, ANY_PHASE, anywhere=True),
        "followup.later": Route(follow_up_clicks.later, ANY_PHASE, anywhere=True),
        "followup.not_me": Route(follow_up_clicks.not_me, ANY_PHASE, anywhere=True),
    }
)


Render = Callable[[Deps, str], Awaitable[Any]]
# The publisher's marks besides a session's own card ("<sid>"): "<sid>" + one of these
# names, or + one of these letters and numbers (a group, a question, a round).
CARD_MARKS: Mapping[str, Render] = MappingProxyType(
    {
        moderation.IDEA_MARK: moderation.render_idea_card,
        setup.CHECKIN_MARK: setup.render_checkin_card,
        follow_up.HOST_MARK: follow_up.render_host_card,
    }
)
NUMBERED_MARKS: Mapping[str, Render] = MappingProxyType(
    {
        breakout.BOARD_MARK: breakout.render_board,
        breakout.FORM_MARK: breakout.render_form,
        rounds.VOTE_MARK: rounds.render_card,
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
        entry = COMMANDS[command.verb]
        typed = await commands.admit(self.deps, actor, command.arg, entry.guard, entry.ended)
        if typed is not None:
            await entry.handler(self.deps, typed)
        if actor.activity_id:
            await self.deps.store.turn_done(actor.conv_key, actor.activity_id)

    async def on_installed(self, actor: Actor) -> None:
        typed = await commands.admit(self.deps, actor, "", Guard.ANYONE)
        assert typed is not None  # anyone is admitted
        await commands.help_(self.deps, typed, lead="help.welcome")

    async def on_card_action(self, actor: Actor, data: object) -> Card:
        """The card this person sees after their click (the Action.Execute invoke answer)."""
        t = translator(language_for(actor.locale))
        if not isinstance(data, dict):
            return notice.message(t, "card.unknown", good=False)
        verb, sid, rev = data.get("action"), data.get("sid"), data.get("rev")
        route = ROUTES.get(verb) if isinstance(verb, str) else None
        if route is None or not isinstance(sid, str) or type(rev) is not int:
            return notice.message(t, "card.unknown", good=False)
        if route.direct is not None:
            return await route.direct(self.deps, actor, data)
        meta = await self.deps.store.meta(sid)
        if not meta or (meta.get("conv_key") != actor.conv_key and not route.anywhere):
            return notice.message(t, "card.gone", good=False)
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
            return notice.message(click.t, said.key, False, **said.params)
        return await session_clicks.view_card(self.deps, click, said)

    async def render_shared(
        self, mark: str
    ) -> tuple[ConvRef, str, Card] | tuple[ConvRef, str, Card, str | None] | None:
        """The publisher's render: the base card everybody sees, with no personal parts (and,
        for the idea card, its message's text: the round's announcement). A mark is a
        session id ("<sid>": its session card) or "<sid>|<card>" for one of its other cards,
        told apart by what follows the "|": a name, or a letter and numbers."""
        kind = mark[mark.find("|") :] if "|" in mark else ""
        if kind in CARD_MARKS:
            return await CARD_MARKS[kind](self.deps, mark)
        if kind[:2] in NUMBERED_MARKS and kind[2:3].isdecimal():
            return await NUMBERED_MARKS[kind[:2]](self.deps, mark)
        if kind:
            logger.warning("unknown_card_mark", extra={"mark": mark})
            return None
        sid = mark
        session, view = await shared_view(self.deps, sid)
        meta = await self.deps.store.meta(sid)
        if not meta or not meta.get("card_id"):
            return None
        card = session_card.build(view, translator(session.locale))
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
