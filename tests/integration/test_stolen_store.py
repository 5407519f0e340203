"""A stolen store tells nothing (SPEC §5, issue 15): in a Redis dump without the secret, no
two ideas are linked by a shared author, yet each author still sees their own ideas."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.store import keys
from bot.store.sessions import SessionStore
from tests.integration.test_store import new_session, slots_for, submit


async def test_a_dump_links_no_two_ideas_of_one_author(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    for n in range(3):
        assert (await submit(store, "s1", f"a{n}", "kari", f"idé {n}", 1, 1, 50)).startswith("ok:")
    assert (await submit(store, "s1", "b0", "ola", "annen idé", 1, 1, 50)).startswith("ok:")
    dump = await redis.hgetall(keys.by_author("s1"))
    ids = [v for f, v in dump.items() if not f.startswith("#")]
    # one idea id per field: no list, no field shared by two ideas
    assert sorted(ids) == ["1", "2", "3", "4"] and all("," not in v for v in dump.values())
    # what is keyed by the author tag is a count only
    assert {f: v for f, v in dump.items() if f.startswith("#")} == {"#kari": "3", "#ola": "1"}
    # a redelivery record keeps the outcome only: no text, no list of the author's ideas
    assert await redis.get(keys.seen("s1", "a2")) == "ok:3"
    # and the author still sees exactly their own, with their key (their identity)
    mine = await store.my_ideas("s1", "kari", slots_for("s1", "kari"))
    assert [i.text for i in mine] == ["idé 0", "idé 1", "idé 2"]
    assert await store.my_ideas("s1", "kari", slots_for("s1", "someone else")) == []


async def test_an_older_list_entry_is_still_read_and_counted(redis: Redis) -> None:
    store = SessionStore(redis)
    await new_session(store)
    await redis.hset(keys.ideas("s1"), "1", '{"text": "fra før", "at": 1}')
    await redis.hset(keys.meta("s1"), "idea_seq", 1)
    await redis.hset(keys.by_author("s1"), "kari", "1")  # written by the previous version
    assert await submit(store, "s1", "a1", "kari", "ny", 1, 1, 2) == "ok:2"
    assert await submit(store, "s1", "a2", "kari", "for mye", 1, 1, 2) == "limit"
    mine = await store.my_ideas("s1", "kari", slots_for("s1", "kari", 2))
    assert [i.text for i in mine] == ["fra før", "ny"]
