"""What a script's refusal code tells the person: one map (bot/service/turn.py REFUSALS)."""

from __future__ import annotations

from bot.i18n import CATALOGUES, DEFAULT_LANGUAGE
from bot.service.turn import REFUSALS, refusal_notice, refused_key


def test_a_place_names_its_own_answers_and_shares_the_rest() -> None:
    assert refused_key("stale", "vote") == "vote.closed"  # the vote card says the vote closed
    assert refused_key("stale") == "card.stale"
    assert refused_key("not_host", "vote") == "host.only"  # from the shared row
    assert refused_key("limit", "action") == "action.limit"  # not the idea limit
    assert refused_key("limit", "idea") == "idea.limit"
    assert refused_key("no such code", "groups") == "error.generic"


def test_a_refusal_notice_carries_its_params_and_is_never_good() -> None:
    notice = refusal_notice("idea_full", "vote", m=2)
    assert (notice.key, notice.params, notice.good) == ("vote.idea_full", {"m": 2}, False)


def test_every_answer_is_in_the_catalogue() -> None:
    keys = {key for answers in REFUSALS.values() for key in answers.values()}
    assert keys - set(CATALOGUES[DEFAULT_LANGUAGE]) == set()
