"""Steps of the fault tests on the shared driver (tests/harness/teams.py): asking for the
stored count, pressing again after "try again in a moment"."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from tests.fakes.activities import Person
from tests.harness.teams import UNAVAILABLE, Answer, Teams, no_leak

USER_RETRIES = 3  # a person presses the button again after "try again in a moment"


async def gather_limited(limit: int, *jobs: Any) -> list[Any]:
    """Run coroutines with at most `limit` at once; exceptions are returned, not raised."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> Any:
        async with gate:
            return await job

    return await asyncio.gather(*(one(j) for j in jobs), return_exceptions=True)


def status_counts(teams: Teams) -> list[int]:
    """Idea counts in every `status` answer sent so far ("… Ideer: 12."), oldest first."""
    found = []
    for sent in teams.sent_here():
        if match := re.search(r"Sjekket inn: \d+\. Ideer: (\d+)\.", sent.text):
            found.append(int(match.group(1)))
    return found


async def stored_ideas(teams: Teams, host: Person, url: str | None = None) -> int:
    """How many ideas the session holds, as the `status` command reports it."""
    before = len(status_counts(teams))
    await teams.say(host, "status", url)
    counts = await teams.connector.wait_for(lambda: status_counts(teams)[before:])
    return counts[0]


async def submit_until_received(
    teams: Teams, person: Person, submit: dict[str, Any], text: str
) -> int:
    """Presses needed for a receipt: each press is a new activity, as in Teams."""
    answers: list[Answer] = []
    for press in range(1, USER_RETRIES + 1):
        answer = await teams.send(teams.place.invoke(person, submit, {"idea": text}))
        answers.append(answer)
        if answer.received:
            return press
        assert answer.status == 200 and UNAVAILABLE in answer.text, answer
        no_leak(answer.text)
        await asyncio.sleep(0.5)
    raise AssertionError(f"no receipt after {USER_RETRIES} presses: {answers}")
