"""The publisher's marks: each card's mark reaches that card's renderer and no other (a
form's mark once read as the follow-up card's, and two follow-up tests caught it)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from bot.service import handlers
from bot.service.action_items import follow_up
from bot.service.groups import breakout
from bot.service.handlers import Render, Service
from bot.service.ideas import moderation
from bot.service.session import setup
from bot.service.voting import rounds

SID = "c5382d74d1fe4962"
MARKS: dict[str, Render] = {
    moderation.idea_mark(SID): moderation.render_idea_card,
    setup.checkin_mark(SID): setup.render_checkin_card,
    follow_up.host_mark(SID): follow_up.render_host_card,
    breakout.board_mark(SID, 2): breakout.render_board,
    breakout.board_mark(SID, 12, 1): breakout.render_board,
    breakout.form_mark(SID, 3, 2): breakout.render_form,
    rounds.vote_mark(SID, 2): rounds.render_card,
}


@pytest.mark.parametrize("mark", [*MARKS, f"{SID}|x1", f"{SID}|gx", f"{SID}|ideas2"])
async def test_each_card_mark_reaches_its_own_renderer(
    mark: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[tuple[Render, str]] = []

    def recording(table: Any) -> Any:
        def record(render: Render) -> Render:
            async def rendered(_: Any, seen: str) -> None:
                called.append((render, seen))

            return rendered

        return MappingProxyType({kind: record(render) for kind, render in table.items()})

    monkeypatch.setattr(handlers, "CARD_MARKS", recording(handlers.CARD_MARKS))
    monkeypatch.setattr(handlers, "NUMBERED_MARKS", recording(handlers.NUMBERED_MARKS))
    assert await Service.render_shared(Service(None), mark) is None  # type: ignore[arg-type]
    assert called == ([(MARKS[mark], mark)] if mark in MARKS else [])


def test_the_marks_are_told_apart_by_what_follows_the_bar() -> None:
    kinds = [*handlers.CARD_MARKS, *handlers.NUMBERED_MARKS]
    assert all(k.startswith("|") for k in kinds) and len(set(kinds)) == len(kinds)
    assert all(len(k) == 2 for k in handlers.NUMBERED_MARKS)  # one letter, then numbers
