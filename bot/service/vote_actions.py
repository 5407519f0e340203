"""Vote card clicks: cast or take back a dot, turn a page. Each answers with the person's
own view of the vote card (bot/service/voting.py builds it)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from bot.domain.phases import Phase
from bot.service.actions import Click
from bot.service.deps import Deps
from bot.service.ports import Card
from bot.service.voting import round_of, view, voter_tag
from cards import voting
from cards.text import to_json
from cards.views import Notice

REFUSED: Mapping[str, str] = MappingProxyType(
    {
        "unknown_idea": "vote.unknown_idea",
        "no_votes_left": "vote.none_left",
        "idea_full": "vote.idea_full",
        "none_here": "vote.none_here",
        "bad_input": "vote.bad_input",
        "ended": "card.ended",
        "stale": "vote.closed",
        "wrong_phase": "vote.closed",
        "gone": "card.gone",
    }
)


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


async def cast(deps: Deps, click: Click) -> Card:
    round_ = _int(click.data.get("round"), 1)
    start = _int(click.data.get("start"), 0)
    idea_id, delta = click.data.get("idea"), click.data.get("delta")
    voter = voter_tag(deps, click.sid, click.actor.aad_id)
    if not isinstance(idea_id, str) or delta not in (1, -1) or isinstance(delta, bool):
        notice = Notice("vote.bad_input", good=False)
    elif click.session.phase is not Phase.VOTING or round_of(click.session) != round_:
        notice = Notice("vote.closed", good=False)
    else:
        result = await deps.ballots.cast(
            click.sid,
            round_,
            click.actor.activity_id,
            voter,
            idea_id,
            click.rev,
            click.session.settings.votes_per_person,
            click.session.settings.votes_per_idea,
            int(delta),
        )
        if result.startswith("ok:"):
            left = int(result.split(":")[1])
            notice = Notice("vote.counted" if delta == 1 else "vote.taken_back", {"n": left})
            await deps.outbox.mark(click.sid)
        else:
            params = {
                "n": click.session.settings.votes_per_person,
                "m": click.session.settings.votes_per_idea,
            }
            notice = Notice(REFUSED.get(result, "error.generic"), params, good=False)
    mine = await view(deps, click.session, round_, start, voter=voter, notice=notice)
    return to_json(voting.build(mine, click.t))


async def page(deps: Deps, click: Click) -> Card:
    round_ = _int(click.data.get("round"), 1)
    voter = voter_tag(deps, click.sid, click.actor.aad_id)
    mine = await view(deps, click.session, round_, _int(click.data.get("start"), 0), voter=voter)
    return to_json(voting.build(mine, click.t))
