"""Moderation while a vote is prepared or open, on a real Redis (found in a review of issue 10):
a restore during a vote puts an idea hidden before it opened into the vote; a hidden idea
never takes a round-2 place; round 2 (top K of round 1) takes no new host ideas, so the
prep card offers adding only before round 1 (tests/e2e/test_voting.py). Moving a person
during the groups' vote is refused (tests/e2e/test_groups.py).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from redis.asyncio import Redis

from bot.domain.session import Session
from bot.i18n import Translator
from bot.service.handlers import verbs_in
from bot.service.voting import rounds
from bot.store import keys
from bot.store.ballots import BallotStore
from bot.store.moderation import ModerationStore
from cards import vote_prep

HOST = "host-tag"


async def _session(redis: Redis, phase: str, **meta: str) -> None:
    await redis.hset(
        keys.meta("s1"), mapping={"status": "active", "phase": phase, "rev": "4", **meta}
    )
    await redis.sadd(keys.hosts("s1"), HOST)


async def test_restore_during_vote_of_an_idea_hidden_before_it(redis: Redis) -> None:
    await _session(redis, "ideas")
    for idea in ("1", "2", "3"):
        await redis.hset(keys.ideas("s1"), idea, json.dumps({"text": f"idé {idea}", "at": 1}))
    moderation, ballots = ModerationStore(redis), BallotStore(redis)
    assert await moderation.change("s1", "h1", HOST, "2", True, 1, {}) == "ok:hidden"
    # The vote opens: rounds.candidates leaves the hidden idea out (bot/service/voting/rounds.py).
    await redis.hset(keys.meta("s1"), "phase", "voting")
    await ballots.open_round("s1", 1, ["1", "3"])
    # The host restores it during the vote (moderation._open_votes gives {"1": 3}).
    restored = await moderation.change("s1", "h2", HOST, "2", False, 2, {"1": 3}, join_open=True)
    assert restored == "ok:restored"
    # It is back on the shared cards, so people try to vote for it:
    answer = await ballots.cast("s1", 1, "c1", "v1", "2", 4, 3, 2, 1, "m1")
    assert answer.startswith("ok:"), answer  # today: 'unknown_idea'


def test_the_prep_card_offers_adding_an_idea_before_round_one_only() -> None:
    t = Translator("nb")
    first = vote_prep.build(vote_prep.PrepView("s1", 3, 1, ()), t)
    second = vote_prep.build(vote_prep.PrepView("s1", 3, 2, ()), t)
    assert "vote.add" in verbs_in(first) and "vote.add" not in verbs_in(second)


async def test_a_hidden_idea_does_not_take_a_round_two_place(redis: Redis) -> None:
    await _session(redis, "presentations", template="problems_first")  # top_k 10
    ideas = [str(i) for i in range(1, 13)]
    for idea in ideas:
        await redis.hset(keys.ideas("s1"), idea, json.dumps({"text": f"idé {idea}", "at": 1}))
    await redis.hset(keys.tally("s1", 1), mapping={i: 20 - int(i) for i in ideas})
    moderation = ModerationStore(redis)
    assert await moderation.change("s1", "h1", HOST, "1", True, 1, {}) == "ok:hidden"
    deps = SimpleNamespace(moderation=moderation, ballots=BallotStore(redis))
    session = Session.from_meta("s1", await redis.hgetall(keys.meta("s1")))
    found = await rounds.candidates(deps, session, 2)  # type: ignore[arg-type]
    assert len(found) == 10, found  # today: 9 (ideas 2..10); idea 11 should move up
