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
from bot.domain.phases import JOINABLE, Phase
from bot.domain.session import Session
from bot.i18n import language_for, translator
from bot.service import actions, commands
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

COMMANDS: Mapping[Verb, CommandHandler] = MappingProxyType(
    {
        Verb.START: commands.start,
        Verb.HELP: commands.help_,
        Verb.STATUS: commands.status,
        Verb.NEXT: commands.next_,
        Verb.END: commands.end,
        Verb.UNKNOWN: commands.unknown,
    }
)

LIVE: frozenset[Phase] = frozenset(Phase) - {Phase.ENDED}


@dataclass(frozen=True, slots=True)
class Route:
    handler: ActionHandler
    phases: frozenset[Phase]  # a button from another phase → "this step is over"
    host_only: bool = False  # checked against the caller's tag, never card data


ROUTES: Mapping[str, Route] = MappingProxyType(
    {
        "card.refresh": Route(actions.refresh, frozenset(Phase)),
        "join.open": Route(actions.open_join, JOINABLE),
        "join.confirm": Route(actions.confirm_join, JOINABLE),
        "idea.submit": Route(actions.submit_idea, frozenset({Phase.IDEAS})),
        "phase.next": Route(actions.advance, LIVE, host_only=True),
        "session.end": Route(actions.end, LIVE, host_only=True),
    }
)


class Service:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def on_message(self, actor: Actor, text: object) -> None:
        if actor.activity_id and not await self.deps.store.first_turn(actor.activity_id):
            logger.info("duplicate_activity_ignored")
            return  # Teams redelivered a message it got no answer to in time
        command = parse_command(text)
        await COMMANDS[command.verb](self.deps, actor, command.arg)

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
        meta = await self.deps.store.meta(sid)
        if not meta or meta.get("conv_key") != actor.conv_key:
            return to_json(notice.message(t, "card.gone", good=False))
        session = Session.from_meta(sid, meta)
        click = Click(actor, sid, rev, data, session, translator(session.locale))
        if session.phase not in route.phases:
            key = "card.ended" if not session.active else "card.stale"
            return await actions.view_card(self.deps, click, Notice(key, good=False))
        if route.host_only and not await self.deps.store.is_host(
            sid, member_tag(self.deps, sid, actor)
        ):
            return await actions.view_card(self.deps, click, Notice("host.only", good=False))
        return await route.handler(self.deps, click)

    async def render_shared(self, sid: str) -> tuple[ConvRef, str, Card] | None:
        """The publisher's render: the base card everybody sees, with no personal parts."""
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
