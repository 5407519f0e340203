"""Near-duplicate suggestions (issue 18, bot/domain/similarity.py): rules and measured quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.domain.similarity import (
    DEFAULT_THRESHOLD,
    SuggestedGroup,
    normalise,
    similarity,
    suggest_groups,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "ideas_labelled.json"

LIGHTS = [
    ("a1", "Bedre belysning langs skoleveien"),
    ("a2", "Mer lys langs skoleveien om morgenen"),
    ("a3", "Gatelys langs skulevegen"),
]
UNRELATED = [
    ("b1", "Gratis skolemat til alle elever"),
    ("b2", "Flere ladestasjoner for elbil i sentrum"),
    ("b3", "Hundepark der hunder kan løpe fritt"),
    ("b4", "Kortere ventetid på byggesøknader"),
]


def test_the_issue_example_is_one_group_and_unrelated_ideas_stay_out() -> None:
    groups = suggest_groups(LIGHTS + UNRELATED, "nb")
    assert [g.ids for g in groups] == [("a1", "a2", "a3")]
    assert isinstance(groups[0], SuggestedGroup)
    assert DEFAULT_THRESHOLD <= groups[0].score <= 1.0


def test_same_ideas_give_the_same_groups_whatever_the_order() -> None:
    ideas = (
        LIGHTS + UNRELATED + [("c1", "Nattbuss i helgene"), ("c2", "Nattbuss fredag og laurdag")]
    )
    first = suggest_groups(ideas, "nb")
    assert first == suggest_groups(list(reversed(ideas)), "nb")
    assert first == suggest_groups(ideas[3:] + ideas[:3], "nb")
    # Largest group first, then by first id; ids sorted within a group.
    assert [g.ids for g in first] == [("a1", "a2", "a3"), ("c1", "c2")]


def test_the_representative_is_the_idea_most_like_the_others() -> None:
    ideas = [
        ("x1", "Flere benker langs turveien"),
        ("x2", "Flere benker langs turveien ved vannet"),
        ("x3", "Benker langs turveien ved vannet til å hvile på for eldre og andre"),
    ]
    (group,) = suggest_groups(ideas, "nb")
    assert group.ids == ("x1", "x2", "x3")
    # x2 shares most with both others; check against the pairwise scores, not by hand.
    means = {i: sum(similarity(t, u, "nb") for j, u in ideas if j != i) / 2 for i, t in ideas}
    assert group.representative == max(means, key=lambda k: means[k]) == "x2"


def test_a_pair_tie_goes_to_the_first_id() -> None:
    (group,) = suggest_groups([("z9", "Nattbuss i helgene"), ("k2", "Nattbuss i helga")], "nb")
    assert group.ids == ("k2", "z9")
    assert group.representative == "k2"
    assert group.score == round(similarity("Nattbuss i helgene", "Nattbuss i helga", "nb"), 4)


def test_no_ideas_or_one_idea_give_no_groups() -> None:
    assert suggest_groups([], "nb") == ()
    assert suggest_groups([("a1", "Gatelys langs skoleveien")], "nb") == ()


def test_texts_of_stop_words_only_are_never_grouped() -> None:
    assert suggest_groups([("a1", "Mer!"), ("a2", "Mer!"), ("a3", "...")], "nb") == ()
    assert similarity("", "", "en") == 0.0


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError):
        suggest_groups([("a1", "Gatelys"), ("a1", "Gatelys")], "nb")


def test_identical_texts_are_fully_similar() -> None:
    assert similarity(
        "Lengre åpningstider på biblioteket", "Lengre åpningstider på biblioteket", "nb"
    ) == pytest.approx(1.0)


def test_nynorsk_and_bokmal_spellings_meet() -> None:
    assert normalise("skulevegen", "nn") == normalise("skoleveien", "nb")
    assert similarity("Gatelys langs skulevegen", "Gatelys langs skoleveien", "nn") > 0.9
    pairs = [
        ("Meir tid til kvar brukar i heimetenesta", "Mer tid til hver bruker i hjemmetjenesten"),
        ("Fleire ladestasjonar for elbil", "Flere ladestasjoner for elbil i sentrum"),
    ]
    for nynorsk, bokmal in pairs:
        assert similarity(nynorsk, bokmal, "nn") >= DEFAULT_THRESHOLD, (nynorsk, bokmal)


def test_folding_keeps_norwegian_letters_and_drops_other_marks() -> None:
    assert normalise("Språkkafé på TORGET!", "nb") == normalise("språkkafe torget", "nb")
    assert normalise("Språkkafé på TORGET!", "nb") == "språkkaf torg"
    assert "ø" in normalise("Støyskjerm", "nb") and "å" in normalise("Låne", "nb")
    # ò folds to o; "hol" (nynorsk) names the concept "hull"; vegen → vei.
    assert normalise("Meld frå om hòl i vegen", "nn") == "meld hol hull vei"


def test_english_ideas_match_in_an_english_session() -> None:
    ideas = [
        ("e1", "Longer opening hours at the library"),
        ("e2", "Keep the library open in the evenings and on weekends"),
        ("e3", "A skate park for teenagers"),
        ("e4", "Flood protection along the river"),
    ]
    assert [g.ids for g in suggest_groups(ideas, "en")] == [("e1", "e2")]


def test_a_shared_word_in_another_sense_does_not_group() -> None:
    # "lyse ut" (advertise), a lit ski track and traffic lights are not street lighting.
    ideas = LIGHTS[:1] + [
        ("d1", "Lyse ut flere stillinger i barnehagen"),
        ("d2", "Lysløype for skigåing om kvelden"),
        ("d3", "Trafikklys i krysset ved kjøpesenteret"),
    ]
    assert suggest_groups(ideas, "nb") == ()
    english = [
        ("e1", "A lighter workload for teachers"),
        ("e2", "More lights along the school route"),
    ]
    assert suggest_groups(english, "en") == ()


def test_average_linkage_does_not_chain() -> None:
    # c1~c2 and c2~c3 each pass the threshold, c1 and c3 share nothing: single linkage would
    # chain all three; average linkage keeps c3 out of the c1-c2 group.
    ideas = [
        ("c1", "Sykkelparkering ved stasjonen"),
        ("c2", "Sykkelparkering og toaletter"),
        ("c3", "Toaletter i parken"),
        ("c4", "Hundepark med gjerde"),
    ]
    text = dict(ideas)
    assert similarity(text["c1"], text["c2"], "nb") >= DEFAULT_THRESHOLD
    assert similarity(text["c2"], text["c3"], "nb") >= DEFAULT_THRESHOLD
    assert similarity(text["c1"], text["c3"], "nb") < DEFAULT_THRESHOLD / 2
    assert [g.ids for g in suggest_groups(ideas, "nb")] == [("c1", "c2")]


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {(a, b) for g in groups for a in sorted(g) for b in sorted(g) if a < b}


def _precision_recall(ideas: list[dict[str, str]]) -> tuple[float, float]:
    """Pairs of same-idea texts; a pair is suggested when both are in one suggested group.
    Norwegian (nb and nn) ideas form one session, English ideas another."""
    labelled: dict[str, list[str]] = {}
    for idea in ideas:
        if idea["group"]:
            labelled.setdefault(idea["group"], []).append(idea["id"])
    suggested: list[list[str]] = []
    for langs, session_lang in ((("nb", "nn"), "nb"), (("en",), "en")):
        session = [(i["id"], i["text"]) for i in ideas if i["lang"] in langs]
        suggested += [list(g.ids) for g in suggest_groups(session, session_lang)]
    gold, got = _pairs(list(labelled.values())), _pairs(suggested)
    return len(gold & got) / len(got), len(gold & got) / len(gold)


def _labelled(part: str) -> list[dict[str, str]]:
    ideas = json.loads(DATA.read_text(encoding="utf-8"))["ideas"]
    return [i for i in ideas if i["set"] == part]


def test_default_threshold_meets_the_quality_targets_on_the_labelled_set() -> None:
    """Issue 18: precision >= 0.85 and recall >= 0.6 over same-idea pairs (not timed), on the
    labelled set the method was built with (its tuning and held-out halves together)."""
    ideas = _labelled("main")
    sizes: dict[str, int] = {}
    for idea in ideas:
        if idea["group"]:
            sizes[idea["group"]] = sizes.get(idea["group"], 0) + 1
    assert len(ideas) >= 200 and len(sizes) >= 40
    assert all(2 <= n <= 5 for n in sizes.values())
    precision, recall = _precision_recall(ideas)
    assert precision >= 0.85, (precision, recall)
    assert recall >= 0.6, (precision, recall)


def test_ideas_written_after_tuning_stay_precise() -> None:
    """The fresh set was written after the method was frozen. Suggestions there stay right
    (measured precision 1.00) but find fewer of the pairs (measured recall 0.50, below the
    0.6 target): a guard against regressions, not a claim that the target holds there."""
    precision, recall = _precision_recall(_labelled("fresh"))
    assert precision >= 0.85, (precision, recall)
    assert recall >= 0.45, (precision, recall)
