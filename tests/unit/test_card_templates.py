"""The cards built once and personalised per click (issue 13) are exactly what the plain
builders give: a differential test over many views, in every language."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.i18n import LANGUAGES, translator
from cards import idea_round, voting
from cards.views import IdeaView, Notice, VoteItem, VoteView

BASE = IdeaView(
    sid="s1",
    rev=4,
    topic="Bedre skolevei",
    prompt="Hva gjør skoleveien tryggere?",
    max_len=1000,
    open=True,
    ends_ms=1_764_590_400_000,
)
MINE = ("Gåbuss", "[Logg inn](https://evil.example)", "Lys\nlangs veien")


def idea_views() -> list[IdeaView]:
    views = [BASE, replace(BASE, prompt=""), replace(BASE, open=False), replace(BASE, ends_ms=0)]
    out = []
    for v in views:
        out += [
            v,
            replace(v, notice=Notice("idea.received")),
            replace(v, notice=Notice("idea.too_long", {"max": 1000}, good=False), draft="x" * 9),
            replace(
                v,
                my_ideas=MINE,
                my_ids=("1", "7", "12"),
                my_hidden=(False, True, False),
                my_merged=("", "", "Mer lys"),
                notice=Notice("idea.received"),
            ),
            replace(
                v,
                my_ideas=tuple(f"idé {n}" for n in range(14)),
                my_ids=tuple(str(n) for n in range(14)),
            ),
        ]
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_idea_card_template_gives_what_the_builder_gives(lang: str) -> None:
    t = translator(lang)
    for view in idea_views():
        tpl = idea_round.template(view, t)
        assert idea_round.personalise(tpl, view, t) == idea_round.build(view, t), view


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_vote_card_template_gives_what_the_builder_gives(lang: str) -> None:
    t = translator(lang)
    items = tuple(VoteItem(str(n), f"Idé {n}") for n in range(1, 21))
    shared = VoteView("s1", 5, 1, True, 3, 2, items, start=20, total_ideas=45, left=3)
    tpl = voting.template(shared, t)
    mine = {"2": 1, "5": 2}
    for totals in (None, {i.idea_id: int(i.idea_id) for i in items}):
        for notice in (
            None,
            Notice("vote.counted", {"n": 0}),
            Notice("vote.idea_full", {"m": 2}, good=False),
        ):
            own = tuple(
                VoteItem(i.idea_id, i.text, mine.get(i.idea_id, 0), (totals or {}).get(i.idea_id))
                if totals is not None
                else VoteItem(i.idea_id, i.text, mine.get(i.idea_id, 0))
                for i in items
            )
            view = replace(shared, items=own, left=0, notice=notice)
            got = voting.personalise(
                tpl, t, left=0, allowance=3, mine=mine, totals=totals, notice=notice
            )
            assert got == voting.build(view, t)
