"""Checks of the bench's own readers (issue 13), outside the suite's testpaths: run with
`.venv/bin/python -m pytest bench/test_bench.py -q -p no:cacheprovider`. No app, no
network: the open-loop schedule, the error-notice and per-person readers, the py-spy
summary, and the same-card ceiling's answer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bench import ceiling, profile, readings, run
from bench.bursts import Burst, catalogue
from bench.load import BurstResult, Outcome
from tests.fakes.activities import Conversation, Person

ROOT = Path(__file__).resolve().parent.parent
NB = catalogue(ROOT)


def test_due_times_give_each_person_one_start_within_the_spread_and_repeat_with_the_seed() -> None:
    args = run.parse_args(["--open-loop", "--participants", "5", "--per-person", "3"])
    due = run.due_times(args, 15)
    assert due == run.due_times(args, 15)  # seeded
    for p in range(5):  # a person's 3 clicks (k-major order) go at the same moment
        assert due[p] == due[5 + p] == due[10 + p]
    assert all(0.0 <= d <= 1.0 for d in due)
    assert len(set(due[:5])) == 5


def _answer(*lines: str) -> bytes:
    body = [{"type": "TextBlock", "text": t} for t in lines]
    return json.dumps({"statusCode": 200, "value": {"type": "AdaptiveCard", "body": body}}).encode()


def test_error_notice_names_the_catalogue_key() -> None:
    unavailable = json.loads(_answer(NB["error.unavailable"]))
    generic = json.loads(_answer(NB["error.generic"].replace("{ref}", "ab12")))
    assert readings.error_notice(unavailable, NB) == "error.unavailable"
    assert readings.error_notice(generic, NB) == "error.generic"
    assert readings.error_notice(json.loads(_answer("Stemmen er registrert.")), NB) is None


def test_open_loop_figures_count_each_persons_refused_fourth_dot() -> None:
    place = Conversation(service_url="http://127.0.0.1:9")
    people = [Person("A"), Person("B")]
    activities = [place.invoke(p, {"action": "vote.cast"}) for _ in range(4) for p in people]
    counted = NB["vote.counted"].replace("{n}", "1")
    none_left = NB["vote.none_left"].replace("{n}", "3")
    # A: 3 accepted, 1 refused for the allowance. B: 2 accepted, 1 refused, 1 unavailable.
    answers = {
        0: _answer(counted),
        2: _answer(counted),
        4: _answer(counted),
        6: _answer(none_left),
        1: _answer(counted),
        3: _answer(counted),
        5: _answer(none_left),
        7: _answer(NB["error.unavailable"]),
    }
    outcomes = tuple(Outcome(i, 0.0, 0.5 + i, 200, raw) for i, raw in answers.items())
    result = BurstResult(8, outcomes, 0.0, 8.0, False)

    def accepted(answer: Any) -> bool:
        return counted in json.dumps(answer, ensure_ascii=False)

    no_count = re.compile(r"(?!)")  # the open-loop figures never read the shared card
    burst = Burst("votes", activities, accepted, no_count, lambda c: None)
    fig = readings.open_loop_figures(burst, result, NB, per_person=4, allowance=3)
    assert fig["valid_clicks"] == 6
    assert fig["persons_with_extra_refused"] == 1  # A only
    assert fig["error_notices"] == {"error.unavailable": 1}
    assert fig["later_than_2s"] == 6  # due at 0, answered at 2.5 … 7.5
    assert fig["later_than_3s"] == 5


def test_py_spy_summary_sums_self_and_inclusive_time(tmp_path: Path) -> None:
    raw = tmp_path / "p.raw"
    raw.write_text(
        "main (/x/app/app.py:3);messages (/x/app/bot/web.py:9);"
        "serializer_helper (/v/lib/python3.11/site-packages/msrest/serialization.py:1) 3\n"
        "main (/x/app/app.py:3);messages (/x/app/bot/web.py:9);"
        "cast (/x/app/bot/service/voting/clicks.py:5) 1\n"
    )
    s = profile.summarize(raw)
    assert s["samples"] == 4
    top = {r["frame"]: r["samples"] for r in s["top_self"]}
    assert top == {
        "serializer_helper (msrest/serialization.py)": 3,
        "cast (bot/service/voting/clicks.py)": 1,
    }
    ours = {r["frame"]: r["samples"] for r in s["top_ours_inclusive"]}
    assert ours == {"messages (bot/web.py)": 4, "cast (bot/service/voting/clicks.py)": 1}
    groups = {r["frame"]: r["samples"] for r in s["groups_inclusive"]}
    assert groups["msrest serializer_helper (SDK answer serialization)"] == 3


async def test_same_card_ceiling_answers_the_card_as_an_invoke_answer() -> None:
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Stemmer: 1 – ø"}]}
    app = web.Application()
    app.router.add_post("/api/messages", ceiling.handler(card))
    async with TestClient(TestServer(app)) as client:
        resp = await client.post("/api/messages", json={"type": "invoke"})
        assert resp.status == 200
        assert await resp.json() == {
            "statusCode": 200,
            "type": "application/vnd.microsoft.card.adaptive",
            "value": card,
        }
