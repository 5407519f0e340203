"""Issue 18 without I/O: the prep card's suggestions and merges (under 28 KB, every verb
routed, in three languages), what a host kept apart, which merges stand, the export."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.session import Session
from bot.i18n import translator
from bot.service.handlers import ROUTES, verbs_in
from bot.service.ideas.merging import _keep_apart, _suggest, standing
from bot.service.records.export import IdeaRow, Record, csv_text, markdown
from bot.store.merges import Merges, pair
from cards import vote_prep
from cards.text import card_bytes
from tests.fakes.cards import all_text, walk
from tests.unit.test_card_templates import BASE as IDEA_VIEW
from tests.unit.test_cards import assert_valid

LONG = "Lang idé med mange ord om skoleveien og lyset om morgenen " * 20


def prep(n_suggested: int, members: int) -> vote_prep.PrepView:
    candidates = tuple((str(i), LONG, i % 3 != 0) for i in range(300))
    groups = tuple(
        tuple((str(g * members + m), LONG) for m in range(members)) for g in range(n_suggested)
    )
    merged = tuple((str(i), 4) for i in range(0, 30, 2))
    return vote_prep.PrepView("s1", 3, 1, candidates, None, 1000, "", merged, groups)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("shape", [(0, 0), (1, 2), (12, 3), (12, 40)])
def test_prep_card_stays_small_and_routed(lang: str, shape: tuple[int, int]) -> None:
    t = translator(lang)
    data = vote_prep.build(prep(*shape), t)
    assert card_bytes(data) <= 28 * 1024
    assert verbs_in(data) <= set(ROUTES)
    verbs = verbs_in(data)
    assert {"merge.hand", "merge.undo", "vote.toggle"} <= verbs
    if shape[0]:
        assert {"merge.group", "merge.ignore", "merge.out"} <= verbs
        assert t("list.more", n=1).split("1")[0] in all_text(data)  # lists are cut, and say so
    for node in walk(data["body"]):
        if node.get("verb") in ("merge.group", "merge.ignore", "merge.out"):
            assert all(i.isdigit() for i in node["data"]["ids"].split(","))


def test_the_merge_button_sends_the_picked_text() -> None:
    view = prep(1, 3)
    data = vote_prep.build(view, translator("nb"))
    merge = next(n for n in walk(data["body"]) if n.get("verb") == "merge.group")
    pick = next(n for n in walk(data["body"]) if n.get("type") == "Input.ChoiceSet")
    assert merge["data"]["pick"] == pick["id"] and pick["value"] == "0"
    assert "slått sammen med 4 like ideer" in all_text(data)


def test_round_two_has_no_merging() -> None:
    view = vote_prep.PrepView("s1", 3, 2, (("1", "a", True),), suggestions=((("1", "a"),),))
    assert not {v for v in verbs_in(vote_prep.build(view, translator("nb")))} & {
        "merge.group",
        "merge.hand",
    }


def test_what_a_host_kept_apart_is_not_suggested_together() -> None:
    ids = ["1", "2", "3", "4"]
    assert _keep_apart(ids, frozenset()) == ids
    out = frozenset(pair("2", x) for x in ids if x != "2")
    assert _keep_apart(ids, out) == ["1", "3", "4"]  # one taken out, the rest stay
    everything = frozenset(pair(a, b) for a in ids for b in ids if a < b)
    assert len(_keep_apart(ids, everything)) == 1  # ignored: nothing left to suggest


def test_suggestions_respect_apart_and_put_the_representative_first() -> None:
    items = [
        ("1", "Bedre belysning langs skoleveien"),
        ("2", "Mer lys langs skoleveien om morgenen"),
        ("3", "Gatelys langs skolevegen"),
        ("4", "Gåbuss til skolen"),
    ]
    found = _suggest(items, "nb", frozenset())
    assert [set(s.ids) for s in found] == [{"1", "2", "3"}]
    assert found[0].ids[0] == found[0].representative
    ignored = frozenset({pair("1", "2"), pair("1", "3"), pair("2", "3")})
    assert _suggest(items, "nb", ignored) == ()


def test_standing_merges() -> None:
    merges = Merges({"1": ("2", "3"), "4": ("5",)})
    assert standing(merges, ()) == {"1": ("2", "3"), "4": ("5",)}
    assert standing(merges, {"3", "5"}) == {"1": ("2",)}
    assert standing(merges, {"1"}) == {"4": ("5",)}


def record(merged: dict[str, tuple[str, ...]] | None) -> Record:
    session = Session.from_meta("s1", {"topic": "Skolevei", "host_name": "Vert", "rev": "1"})
    ideas = (
        IdeaRow("1", "Lys", (None,)),
        IdeaRow("2", "Mer lys", (3,)),
        IdeaRow("3", "Gatelys", (None,)),
        IdeaRow("4", "Gåbuss", (1,)),
    )
    return Record(session, {}, ideas, (1,), (), merged=merged)


def test_export_keeps_every_idea_and_says_where_it_went() -> None:
    md = markdown(record({"2": ("1", "3")}))
    assert "## Sammenslåtte ideer\n\n- Mer lys\n  - Lys\n  - Gatelys\n" in md
    rows = csv_text(record({"2": ("1", "3")})).split("\r\n")
    assert rows[0].endswith(",merged_into")
    assert [r.rsplit(",", 1)[1] for r in rows[1:5]] == ["2", "", "2", ""]
    assert "Sammenslåtte" not in markdown(record(None))


def test_prep_card_is_valid_with_every_suggestion() -> None:
    assert_valid(vote_prep.build(prep(3, 3), translator("en")))


def test_during_the_idea_round_the_card_only_merges() -> None:
    view = vote_prep.PrepView(
        "s1", 3, 1, (("1", "a", True), ("2", "b", True)), merged=(("1", 1),), early=True
    )
    data = vote_prep.build(view, translator("nn"))
    assert verbs_in(data) == {"merge.undo", "merge.hand"}
    assert "slått saman med 1 like idear" in all_text(data)


def test_the_app_starts_without_loading_scikit_learn() -> None:
    """Suggestions import scikit-learn on first use, so start-up stays fast."""
    import subprocess
    import sys

    code = "import sys, bot.web; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_author_sees_where_their_idea_went() -> None:
    """The idea card's line for an author's own merged idea (IdeaView.my_merged)."""
    from cards import idea_round

    view = replace(
        IDEA_VIEW,
        my_ideas=("Gatelys langs skolevegen", "Gåbuss"),
        my_merged=("Mer lys langs skoleveien", ""),
    )
    text = all_text(idea_round.build(view, translator("nb")))
    assert "I avstemningen står: Mer lys langs skoleveien" in text
    assert text.count("I avstemningen står") == 1
