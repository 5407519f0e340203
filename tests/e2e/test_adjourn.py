"""Continue another day (issue 10 §4) through /api/messages: adjourn in the idea round, in group
work and in the vote; the app restarted; resumed days later with everything intact; timers
silent while adjourned; retention counted from the final end; clear refusals."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.store import keys
from tests.e2e.conftest import Bot, Restart
from tests.e2e.test_groups import HOST as GROUP_HOST
from tests.e2e.test_groups import PEOPLE, forms, to_groups
from tests.e2e.test_voting import vote_buttons
from tests.fakes.activities import Person
from tests.fakes.cards import actions, all_text
from tests.fakes.clock import FakeClock

HOST = Person("Hanne Vert")
OTHERS = [Person(f"Deltaker {i}") for i in range(4)]
DAY_S = 86_400
# The fake activities say localTimestamp +01:00: "3.12. 09:00" is 08:00 UTC.
WHEN = "{{DATE(2026-12-03T08:00:00Z, SHORT)}} {{TIME(2026-12-03T08:00:00Z)}}"
RETENTION_S = 30 * DAY_S


async def sid_of(redis: Redis) -> str:
    conv = [k async for k in redis.scan_iter(match="dk:conv:*")]
    assert len(conv) == 1
    return str(await redis.get(conv[0]))


async def timers_idle(bot: Bot, redis: Redis) -> None:
    """Every timer that fell due was claimed and run (and, while adjourned, did nothing).
    The session's idle end (`<sid>:idle`, weeks away) is not one of them."""
    for _ in range(1500):
        due = [t for t in await redis.zrange(keys.TIMERS_DUE, 0, -1) if not t.endswith(":idle")]
        running = await redis.zcard(keys.TIMERS_RUNNING)
        if not due and running == 0:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timers were not run")


def count(bot: Bot, fragment: str) -> int:
    texts = [t for t in bot.connector.texts() if fragment in t]
    cards = [c for c in bot.connector.cards("send") if fragment in all_text(c)]
    return len(texts) + len(cards)


async def session_ttls(redis: Redis, sid: str) -> set[int]:
    return {await redis.ttl(k) for k in keys.session_keys(sid) if await redis.exists(k)}


async def test_adjourn_in_the_idea_round_restart_resume_days_later_and_finish(
    bot: Bot, redis: Redis, clock: FakeClock, restart: Restart
) -> None:
    submit = await bot.open_idea_round(HOST)  # 10 minutes, a reminder 1 minute before the end
    for person, text in zip(OTHERS, ["Gåbuss", "Fotgjengerfelt", "Sykkelvei"], strict=False):
        assert "mottatt" in all_text(await bot.click(person, submit, {"idea": text}))
    sid = await sid_of(redis)
    clock.advance(2 * 60)

    await bot.say(HOST, "utsett 3.12. 09:00")
    posted = await bot.wait_card("Utsatt – fortsetter")
    assert f"Utsatt – fortsetter {WHEN}" in all_text(posted)
    assert "Den fortsetter i fasen «Idémyldring»." in all_text(posted)
    assert "ideer, grupper og stemmer" in all_text(posted)
    card = await bot.session_shows("Utsatt – fortsetter")
    assert "Ideer sendt inn: 3" in all_text(card) and "join.open" not in actions(card)
    host = await bot.host_view(HOST)
    assert set(actions(host)) == {"session.resume", "session.end"}

    # participants meet a clear answer on the card they pressed, and nothing changes
    refused = await bot.click(OTHERS[3], submit, {"idea": "Lavere fart"})
    assert f"Digikoken er utsatt til {WHEN} og fortsetter da." in all_text(refused)
    assert "idea.submit" in actions(refused)  # the form stays, with the text typed
    assert any(n.get("value") == "Lavere fart" for n in refused["body"])
    assert await redis.hlen(keys.ideas(sid)) == 3
    checkin = next(c for c in bot.connector.cards("send") if "join.confirm" in actions(c))
    joined = await bot.click(OTHERS[0], actions(checkin)["join.confirm"], {"role": "citizen"})
    assert "Digikoken er utsatt" in all_text(joined)
    assert await redis.hlen(keys.roster(sid)) == 0

    # odd states and other people: clear answers, nothing changes
    await bot.ask(OTHERS[0], "fortsett", "Det er bare verten")
    await bot.say(OTHERS[0], "utsett")
    await bot.ask(HOST, "utsett i morgen", "allerede utsatt")
    await bot.ask(HOST, "neste", "Digikoken er utsatt. Fortsett den først")
    await bot.say(HOST, "forleng 5")
    await bot.ask(HOST, "start Noe annet", "En Digikok her er utsatt: «Bedre skolevei»")
    await bot.say(OTHERS[1], "status")
    status = await bot.wait_card("Utsatt i fasen «Idémyldring»")
    assert "Sjekket inn: 0. Ideer: 3." in all_text(status)
    meta = await redis.hgetall(keys.meta(sid))
    assert (meta["status"], meta["phase"], meta["adjourned_left_ms"]) == (
        "adjourned",
        "ideas",
        "480000",
    )
    assert await sid_of(redis) == sid  # no new session replaced it

    # days pass: the phase's end and its reminder fall due, and nothing fires
    clock.advance(2 * DAY_S)
    await timers_idle(bot, redis)
    assert count(bot, "min igjen av") == 0 and count(bot, "Tiden er ute for") == 0
    assert await session_ttls(redis, sid) == {-1}  # retention counts from the final end

    bot = await restart(bot)
    clock.advance(DAY_S)  # 3 December
    await timers_idle(bot, redis)
    await bot.say(HOST, "fortsett")
    back = await bot.wait_card("Digikoken fortsetter: «Idémyldring»")
    assert "Tid igjen: 8 min" in all_text(back)
    card = await bot.session_shows("Nå: Idémyldring")
    assert "Utsatt" not in all_text(card)
    # the idea card posted before the adjournment works again
    again = await bot.click(OTHERS[3], submit, {"idea": "Lavere fart"})
    assert "Takk! Ideen din er mottatt." in all_text(again)
    await bot.ask(HOST, "fortsett", "ingenting å fortsette")

    clock.advance(7 * 60 + 5)  # the fresh reminder, once
    await bot.connector.wait_for(lambda: count(bot, "1 min igjen av «Idémyldring»") == 1)
    clock.advance(60)
    await bot.wait_card("Tiden er ute for «Idémyldring».")
    assert count(bot, "1 min igjen av «Idémyldring»") == 1

    await bot.say(HOST, "avslutt")
    summary = await bot.wait_card("Oppsummering av Digikok")
    text = all_text(summary)
    assert "Ideer: 4" in text
    for idea in ("Gåbuss", "Fotgjengerfelt", "Sykkelvei", "Lavere fart"):
        assert idea in text
    ttls = await session_ttls(redis, sid)
    assert ttls and all(RETENTION_S - 60 <= t <= RETENTION_S for t in ttls), ttls
    await bot.ask(HOST, "utsett", "avsluttet, så den kan ikke utsettes")


async def test_adjourn_the_vote_from_the_card_restart_resume_and_the_ranking_is_whole(
    bot: Bot, redis: Redis, clock: FakeClock, restart: Restart
) -> None:
    submit = await bot.open_idea_round(HOST)
    ideas = ["Gåbuss", "Fotgjengerfelt", "Sykkelvei"]
    for n, text in enumerate(ideas):
        await bot.click(OTHERS[n], submit, {"idea": text})
    for _ in range(4):  # groups 1 and 2, presentations, voting
        await bot.say(HOST, "neste")
    vote_card = await bot.wait_card("Prioritering: gi stemmene dine")
    buttons = vote_buttons(vote_card)
    by_text = dict(zip(ideas, sorted({i for i, _ in buttons}, key=int), strict=True))
    for voter in OTHERS[:3]:
        await bot.click(voter, buttons[(by_text["Sykkelvei"], 1)])
    sid = await sid_of(redis)

    host = await bot.host_view(HOST)
    adjourn = actions(host)["session.adjourn"]
    past = await bot.click(HOST, adjourn, {"adjourn_date": "2026-11-30", "adjourn_time": "09:00"})
    assert "allerede vært" in all_text(past)
    assert (await redis.hget(keys.meta(sid), "status")) == "active"
    refused = await bot.click(OTHERS[0], adjourn, {"adjourn_date": "2026-12-03"})
    assert "bare verten" in all_text(refused)
    press = bot.place.invoke(HOST, adjourn, {"adjourn_date": "2026-12-03", "adjourn_time": "09:00"})
    answer = (await bot.post(press)).body["value"]
    assert f"Utsatt – fortsetter {WHEN}" in all_text(answer)
    assert "Digikoken er utsatt." in all_text(answer)
    redelivered = (await bot.post(press)).body["value"]  # Teams redelivers: the same answer
    assert "Digikoken er utsatt." in all_text(redelivered)
    tver = await redis.hget(keys.meta(sid), "tver")
    again = await bot.click(HOST, adjourn, {"adjourn_date": "2026-12-03", "adjourn_time": "09:00"})
    assert "Digikoken er utsatt. Fortsett den først" in all_text(again)  # a stale Adjourn
    await bot.wait_card("Utsatt – fortsetter")
    assert count(bot, "Utsatt – fortsetter") == 1  # posted once
    assert await redis.hget(keys.meta(sid), "tver") == tver  # and written once

    late = await bot.click(OTHERS[3], buttons[(by_text["Gåbuss"], 1)])
    assert "Digikoken er utsatt til" in all_text(late)
    assert vote_buttons(late)  # the vote card, still open for after the resume
    tally = await redis.hgetall(keys.tally(sid, 1))
    assert tally == {
        by_text["Gåbuss"]: "0",
        by_text["Fotgjengerfelt"]: "0",
        by_text["Sykkelvei"]: "3",
    }

    clock.advance(5 * DAY_S)  # long past the vote's 5 minutes
    await timers_idle(bot, redis)
    assert count(bot, "Tiden er ute for") == 0 and count(bot, "min igjen av") == 0
    bot = await restart(bot)
    host = await bot.host_view(HOST)
    resume = actions(host)["session.resume"]
    assert "bare verten" in all_text(await bot.click(OTHERS[1], resume))
    resumed = await bot.click(HOST, resume)
    assert "Digikoken fortsetter." in all_text(resumed)
    assert "Nå: Prioritering" in all_text(resumed)
    await bot.wait_card("Digikoken fortsetter: «Prioritering»")
    assert "ingenting å fortsette" in all_text(await bot.click(HOST, resume))

    await bot.click(OTHERS[3], buttons[(by_text["Gåbuss"], 1)])
    await bot.click(OTHERS[3], buttons[(by_text["Fotgjengerfelt"], 1)])
    await bot.say(HOST, "neste")  # → actions: the vote closes
    await bot.say(HOST, "avslutt")
    summary = all_text(await bot.wait_card("Oppsummering av Digikok"))
    assert "1. Sykkelvei · stemmer: 3" in summary
    assert "Gåbuss · stemmer: 1" in summary and "Fotgjengerfelt · stemmer: 1" in summary


async def test_adjourn_during_group_work_keeps_groups_and_inputs(
    bot: Bot, redis: Redis, clock: FakeClock
) -> None:
    await to_groups(bot)
    sid = await sid_of(redis)
    _, form = forms(bot, 1)[1]
    placement = await redis.hgetall(keys.groups(sid))
    accepted = None  # somebody in group 1: the first whose input is taken
    for person in PEOPLE:
        answer = await bot.click(person, form, {"input": f"Innspill fra {person.name}"})
        if "Innspillet er lagt til" in all_text(answer):
            accepted = person
            break
    assert accepted is not None
    before = await redis.hgetall(keys.inputs(sid))

    await bot.say(GROUP_HOST, "utsett etter vinterferien")
    posted = await bot.wait_card("Utsatt – fortsetter en annen dag")
    assert "«etter vinterferien»" in all_text(posted)
    refused = await bot.click(accepted, form, {"input": "Et til"})
    assert "Digikoken er utsatt og fortsetter når verten tar den opp igjen." in all_text(refused)
    assert "group.input" in actions(refused)
    assert await redis.hgetall(keys.inputs(sid)) == before
    assert await redis.hgetall(keys.groups(sid)) == placement

    clock.advance(3 * DAY_S)
    await bot.say(GROUP_HOST, "gjenoppta")
    await bot.wait_card("Digikoken fortsetter: «Gruppearbeid»")
    added = await bot.click(accepted, form, {"input": "Et til"})
    assert "Innspillet er lagt til" in all_text(added)
    assert len(await redis.hgetall(keys.inputs(sid))) == len(before) + 1
    assert await redis.hgetall(keys.groups(sid)) == placement


async def test_end_an_adjourned_session_and_odd_states(bot: Bot, redis: Redis) -> None:
    await bot.ask(HOST, "utsett", "Det pågår ingen Digikok her nå")
    await bot.say(HOST, "start Trygg skolevei")
    await bot.ask(HOST, "fortsett", "ingenting å fortsette")
    await bot.ask(HOST, "utsett 31.2. 10:00", "forsto ikke datoen")
    await bot.say(HOST, "utsett")
    await bot.wait_card("Utsatt – fortsetter en annen dag")
    sid = await sid_of(redis)
    assert await session_ttls(redis, sid) == {-1}
    await bot.ask(OTHERS[0], "avslutt", "Det er bare verten")
    await bot.say(HOST, "avslutt")
    await bot.wait_card("Oppsummering av Digikok")
    assert (await redis.hget(keys.meta(sid), "status")) == "ended"
    ttls = await session_ttls(redis, sid)
    assert ttls and all(RETENTION_S - 60 <= t <= RETENTION_S for t in ttls), ttls
    await bot.ask(HOST, "fortsett", "Det pågår ingen Digikok her nå")


async def test_a_passed_day_is_asked_back_and_confirmed_with_the_year(
    bot: Bot, redis: Redis
) -> None:
    """Issue 15: `utsett 30.11.` on 1 Dec is not taken silently as next year; the host is
    asked and confirms by saying it with the year. `utsett 29.2.` answers, never fails."""
    await bot.say(HOST, "start Trygg skolevei")
    await bot.say(HOST, "utsett 30.11. 09:00")
    await bot.wait_text(
        "30. nov. er passert: mente du 30. nov. 2027? Skriv i så fall «utsett 30.11.2027 09:00»."
    )
    sid = await sid_of(redis)
    assert (await redis.hget(keys.meta(sid), "status")) == "active"
    # 2026 has none: the coming one is too far ahead
    await bot.ask(HOST, "utsett 29.2.", "for langt fram")
    assert not [t for t in bot.connector.texts() if "gikk galt" in t]
    await bot.say(HOST, "utsett 30.11.2027 09:00")
    posted = await bot.wait_card("Utsatt – fortsetter")
    assert "2027-11-30T08:00:00Z" in all_text(posted)
    assert (await redis.hget(keys.meta(sid), "status")) == "adjourned"
