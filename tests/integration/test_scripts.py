"""The script declarations (bot/store/scripts.py) agree with the Lua they declare, and a
call by name sends KEYS and ARGV in the script's order."""

from __future__ import annotations

import re

import pytest
from redis.asyncio import Redis

from bot.store import keys, scripts
from bot.store.scripting import LUA, Script, load

DECLARED = {n: s for n, s in vars(scripts).items() if isinstance(s, Script)}


def _highest(text: str, name: str) -> int:
    return max((int(n) for n in re.findall(rf"{name}\[(\d+)\]", text)), default=0)


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_a_declaration_names_every_key_and_argument_its_script_reads(name: str) -> None:
    script = DECLARED[name]
    assert "-- include:" not in script  # every include resolved
    code = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    for names, array in ((script.keys, "KEYS"), (script.argv, "ARGV")):
        fixed = len(names) - bool(names and names[-1].startswith("*"))
        if names and names[-1].startswith("*"):  # a sequence: read past the fixed names
            assert _highest(code, array) >= fixed or f"#{array}" in code
        else:
            assert _highest(code, array) <= fixed, (name, array)
            assert f"#{array}" not in code or fixed == 0, (name, array)


def test_every_lua_file_is_a_script_or_an_included_part() -> None:
    used = {s.name for s in DECLARED.values()}
    parts = {m for s in DECLARED.values() for m in re.findall(r"-- include: (\w+)", _raw(s.name))}
    parts |= {m for p in list(parts) for m in re.findall(r"-- include: (\w+)", _raw(p))}
    assert {p.stem for p in LUA.glob("*.lua")} == used | parts


def _raw(name: str) -> str:
    return (LUA / f"{name}.lua").read_text(encoding="utf-8")


def test_an_include_is_the_part_itself() -> None:
    assert load("_seen") in scripts.JOIN and load("_host_check") in scripts.MERGE


def test_a_call_by_name_sends_keys_and_arguments_in_order(redis: Redis) -> None:
    bound = scripts.MODERATE.on(redis, seen_ttl_s=60)
    names, args = bound.keys_args(
        "s1",
        "a1",
        {
            "items": keys.ideas("s1"),
            "votes": [keys.tally("s1", 1), keys.ballots("s1", 1)],
            "actor": "h",
            "item": "3",
            "field": "3",
            "op": "hide",
            "now": 5,
            "per_vote": [3, "3", "0"],
        },
    )
    assert names == [
        keys.meta("s1"),
        keys.seen("s1", "a1"),
        keys.hosts("s1"),
        keys.hidden("s1"),
        keys.ideas("s1"),
        keys.tally("s1", 1),
        keys.ballots("s1", 1),
    ]
    assert args == ["60", "h", "3", "3", "hide", 5, 3, "3", "0"]
    with pytest.raises(TypeError):  # a name missing, or one the script does not have
        bound.keys_args("s1", "a1", {"actor": "h"})
