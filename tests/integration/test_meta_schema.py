"""The meta hash's fields are spelled in one place (bot/store/meta.py): every field a Lua
script reads or writes on meta, and every field the Python reads from a meta dict, is there;
a write of a field that is not is refused before it reaches Redis."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.domain.session import settings_meta
from bot.service.ports import ConvRef
from bot.store import meta as schema
from bot.store.scripting import LUA, load
from bot.store.sessions import SessionStore
from bot.templates import DEFAULT_TEMPLATE, settings_from

ROOT = Path(__file__).resolve().parents[2]
_META_CALL = re.compile(r"redis\.call\('(HGET|HMGET|HSET|HSETNX|HINCRBY)', KEYS\[1\], ")


def _args(code: str, start: int) -> list[str]:
    """The arguments of the call whose argument list starts at `start`, split at top level."""
    depth, out, here = 0, [], ""
    for ch in code[start:]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            out.append(here.strip())
            here = ""
        else:
            here += ch
    return [*out, here.strip()]


def lua_fields() -> set[str]:
    """Field names the scripts use on KEYS[1], meta (only the scripts whose KEYS[1] is meta)."""
    found: set[str] = set()
    for path in LUA.glob("*.lua"):
        code = "\n".join(line.split("--", 1)[0] for line in load(path.stem).splitlines())
        for call in _META_CALL.finditer(code):
            args = _args(code, call.end())
            names = args[::2] if call.group(1) == "HSET" else args[:1]
            names = args if call.group(1) == "HMGET" else names
            found |= {n.strip("'") for n in names if re.fullmatch(r"'[a-z_0-9]+'", n)}
        found |= set(re.findall(r"\bm\['([a-z_0-9]+)'\]", code))  # a click's meta, read whole
    return found


def python_reads() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"\bmeta(?:\.get\(|\[)\"([a-z_0-9]+)\"", text))
        found |= set(re.findall(r"_int\(meta, \"([a-z_0-9]+)\"", text))
    return found


def test_the_scripts_use_only_fields_of_the_schema() -> None:
    used = lua_fields()
    assert {"status", "rev", "tver", "idea_seq", "ready_ideas", "resume_note"} <= used
    # scripts whose KEYS[1] is not meta (the queues, follow-ups) use no field names there
    assert sorted(f for f in used if not schema.known(f)) == []


def test_the_python_reads_only_fields_of_the_schema() -> None:
    read = python_reads()
    assert {"status", "locale", "cohost_uids"} <= read
    assert sorted(f for f in read if not schema.known(f)) == []
    # views.conv_ref reads the conversation's fields by ConvRef's names
    assert all(schema.known(f.name) for f in dataclasses.fields(ConvRef))


def test_the_settings_are_fields_of_the_schema() -> None:
    assert all(
        schema.known(f) for f in settings_meta(settings_from(DEFAULT_TEMPLATE, "nb", "Tema"))
    )


async def test_a_write_of_an_unknown_field_is_refused(redis: Redis) -> None:
    store = SessionStore(redis)
    with pytest.raises(ValueError, match="sumary_failed"):
        await store.save_settings("s1", {"sumary_failed": "1"})
    with pytest.raises(ValueError, match="phse"):
        await store.update("s1", "a1", "h", 1, {"phse": "ideas"})
    assert await redis.exists("dk:{s1}:meta") == 0
    await store.save_settings("s1", {"summary_failed": "1", "vote_out:1": "[]"})
    assert await store.meta("s1") == {"summary_failed": "1", "vote_out:1": "[]"}
