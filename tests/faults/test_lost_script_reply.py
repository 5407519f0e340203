"""Issue 14: a transition whose Redis reply is lost ends as if nothing was lost.

The app talks to Redis through a proxy (lost_reply.py) that lets HOST_UPDATE run in Redis
and then hangs up before its answer reaches the app: redis-py re-sends the EVALSHA on a
new connection and the script answers 'again:…' (or, if the turn fails, Teams redelivers
the same activity). Every transition of a workshop goes through this, every `neste` from
the check-in to the actions, a `forleng` and the end, and each must still do everything
it causes: the phase is moved, the previous phase's card is closed, the new phase is
announced once, its end timer is in the queue; at the end the summary is posted once and
each owner's follow-up is sent once.
"""

from __future__ import annotations

from typing import AsyncIterator

import pytest

from bot.store import scripts
from tests.fakes.cards import actions, all_text
from tests.faults.conftest import Procs
from tests.faults.lost_reply import LostReplyProxy, script_sha
from tests.faults.procs import RedisServer
from tests.faults.workshop import (
    ACTIONS_PHASE,
    ANNE,
    ANNOUNCED,
    HOST,
    OWNED,
    WENT_WRONG,
    announcements,
    ended_once,
    eventually,
    meta,
    save_actions,
    start_with_owners,
    status,
    timers_of,
)
from tests.harness.teams import STANDARD_AGENDA, Teams

# The transition scripts: HOST_UPDATE, and RETIME (pause/extend/resume) where it exists.
TRANSITIONS = [
    script_sha(getattr(scripts, n)) for n in ("HOST_UPDATE", "RETIME") if hasattr(scripts, n)
]


@pytest.fixture
async def proxied(procs: Procs) -> AsyncIterator[tuple[RedisServer, LostReplyProxy]]:
    server = await procs.redis()
    proxy = LostReplyProxy(server.socket_file)
    await proxy.start()
    try:
        yield server, proxy
    finally:
        await proxy.close()


async def lose_reply(teams: Teams, proxy: LostReplyProxy, text: str) -> None:
    """`text` from the host, with its transition script's reply lost on the way back."""
    lost = len(proxy.lost)
    proxy.arm(*TRANSITIONS)
    answer = await teams.say(HOST, text)
    if len(proxy.lost) == lost:  # not one transition script ran: the test is void
        proxy.armed.clear()
        raise AssertionError(f"{text!r} ran no transition script (answer {answer})")
    failed = [s.text for s in teams.sent_here() if WENT_WRONG in s.text]
    assert not failed, f"{text!r} with a lost reply was answered {failed}"


async def end_timer_planned(redis_url: str, sid: str) -> bool:
    """The phase's end timer, of the session's current timer version, is in the queue at
    the phase's end (or the phase is untimed and nothing is)."""
    m = await meta(redis_url, sid)
    ends = int(m.get("phase_ends_ms") or 0)
    timers = await timers_of(redis_url, sid)
    if not ends:
        return True
    return timers.get(f"{sid}:{m['tver']}:end") == ends


async def test_every_transition_survives_a_lost_script_reply(
    procs: Procs,
    proxied: tuple[RedisServer, LostReplyProxy],
) -> None:
    fake, place = procs.connector, procs.place
    server, proxy = proxied
    app = await procs.app("a", proxy.url)
    teams = procs.teams(app)
    sid = await start_with_owners(teams)

    moves = 0
    while ACTIONS_PHASE not in await status(teams, HOST):
        assert moves < 12, "never reached the actions phase"
        before = await meta(server.url, sid)
        said = len(announcements(teams))
        await lose_reply(teams, proxy, "neste")
        moves += 1
        after = await meta(server.url, sid)
        if after["step"] == before["step"]:  # the next group presents: same phase
            assert int(after["presenting"]) == int(before["presenting"]) + 1, after
        else:
            assert int(after["step"]) == int(before["step"]) + 1, (before, after)
            await fake.wait_for(lambda said=said: len(announcements(teams)) > said)
        await eventually(lambda: end_timer_planned(server.url, sid), what="the end timer")
        if after["phase"] == "pitch":  # a retime, its reply lost: the end moves, the timer too
            await lose_reply(teams, proxy, "forleng 5")
            extended = await meta(server.url, sid)
            assert int(extended["phase_ends_ms"]) == int(after["phase_ends_ms"]) + 5 * 60_000
            await eventually(lambda: end_timer_planned(server.url, sid), what="the new timer")
        if after["phase"] == "ideas":
            submit = await teams.idea_submit()
            assert (await teams.send(place.invoke(ANNE, submit, {"idea": "Gå-buss"}))).received
        if before["phase"] == "ideas":  # the idea card is closed: no form, no button
            card_id = before["idea_card_id"]

            def closed(card_id: str = card_id) -> bool:
                updates = [s for s in fake.of("update") if s.activity_id == card_id]
                return bool(updates) and "idea.submit" not in actions(updates[-1].card or {})

            await fake.wait_for(closed)
    assert len(proxy.lost) == moves + 1 and moves >= 6  # each move, and the retime

    # Each phase of the standard agenda announced once, in order: as without the losses.
    names = [a.removeprefix(ANNOUNCED).split(".")[0] for a in announcements(teams)]
    assert names == list(STANDARD_AGENDA), names

    # The end, with its reply lost: the summary once, each owner's follow-up once.
    await save_actions(teams, HOST, OWNED)
    await lose_reply(teams, proxy, "avslutt")
    summary = await teams.summary()
    assert "Gå-buss" in all_text(summary), all_text(summary)
    await ended_once(teams, server.url, sid)
    assert not any(WENT_WRONG in s.text for s in fake.sent), [s.text for s in fake.sent]
