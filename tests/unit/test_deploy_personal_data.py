"""deploy/README.md, section "Personal data", is kept true to the code.

An IT department writes its DPIA from that section, so it must list every Redis key the bot
writes and nothing else. The key schema lives in bot/store/keys.py: one function per key
shape (`meta(sid)` -> "dk:{sid}:meta") and module constants for the fixed keys. The test
renders every builder with placeholder arguments (`sid` stays "sid", any other parameter
becomes "<name>", e.g. `tally(sid, round_)` -> "dk:{sid}:tally:<round>") and requires the
section's table to show that key and name the function; and every `dk:` key the section
shows must be one the code writes. The same for bot/logs.py's list of redacted log fields.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path

from bot import logs
from bot.domain.commands import WORDS, Verb
from bot.store import keys

README = Path(__file__).resolve().parents[2] / "deploy" / "README.md"
SECTION = re.compile(r"^## (?:\d+\. )?Personal data\n(.*?)(?=^## )", re.S | re.M)
REDACTED_SENTENCE = re.compile(r"The redacted field names are(.*?)\.\s", re.S)


def personal_data_section(text: str | None = None) -> str:
    found = SECTION.search(README.read_text(encoding="utf-8") if text is None else text)
    assert found, 'deploy/README.md has no "## … Personal data" section'
    return found.group(1)


def key_builders() -> dict[str, Callable[..., str]]:
    """Public functions of keys.py that name one key (not a pattern, not a tuple of keys)."""
    found = {}
    for name, function in inspect.getmembers(keys, inspect.isfunction):
        if name.startswith("_") or function.__module__ != keys.__name__:
            continue
        if inspect.signature(function).return_annotation not in ("str", str):
            continue
        if "*" in rendered(function):  # a SCAN pattern, not a key
            continue
        found[name] = function
    return found


def rendered(function: Callable[..., str]) -> str:
    args = [
        "sid" if p == "sid" else f"<{p.rstrip('_').replace('_', ' ')}>"
        for p in inspect.signature(function).parameters
    ]
    return function(*args)


def key_constants() -> set[str]:
    return {
        value
        for name, value in vars(keys).items()
        if name.isupper() and isinstance(value, str) and value.startswith("dk:")
    }


def problems(section: str) -> list[str]:
    """Every mismatch between the section and the code, as readable lines."""
    found: list[str] = []
    quoted = set(re.findall(r"`([^`]+)`", section))
    builders = key_builders()
    known_keys = {rendered(f) for f in builders.values()} | key_constants()
    for name, function in sorted(builders.items()):
        if rendered(function) not in quoted:
            found.append(f"key {rendered(function)} (keys.{name}) is not in the section")
        if f"{name}()" not in quoted:
            found.append(f"keys.{name} is not named as `{name}()` in the section")
    for constant in sorted(key_constants()):
        if constant not in quoted:
            found.append(f"key {constant} (a keys.py constant) is not in the section")
    for key in sorted(k for k in quoted if k.startswith("dk:")):
        if key not in known_keys:
            found.append(f"the section names {key}, which bot/store/keys.py does not write")
    for call in sorted(re.findall(r"`(\w+)\(\)`", section)):
        if call not in builders:
            found.append(f"the section names {call}(), which is no key builder in keys.py")
    sentence = REDACTED_SENTENCE.search(section)
    listed = set(re.findall(r"`([^`]+)`", sentence.group(1))) if sentence else set()
    if listed != set(logs.REDACTED_FIELDS):
        missing = sorted(set(logs.REDACTED_FIELDS) - listed)
        extra = sorted(listed - set(logs.REDACTED_FIELDS))
        found.append(
            f"redacted log fields differ from bot/logs.py: missing {missing}, extra {extra}"
        )
    return found


def test_section_matches_the_key_schema_and_the_log_redaction() -> None:
    assert problems(personal_data_section()) == []


def test_the_key_schema_is_found_at_all() -> None:
    """Guards the discovery itself: a rename of the builders' style must not make it vacuous."""
    builders = key_builders()
    assert {"meta", "roster", "ideas", "by_author", "ballots", "action_items"} <= set(builders)
    assert rendered(builders["meta"]) == "dk:{sid}:meta"
    assert rendered(builders["tally"]) == "dk:{sid}:tally:<round>"
    assert "session_pattern" not in builders and "session_keys" not in builders
    assert {keys.TIMERS_DUE, keys.OUTBOX_DUE, keys.LEGACY_OUTBOX} <= key_constants()


def test_the_check_notices_a_missing_or_invented_key() -> None:
    section = personal_data_section()
    dropped = "\n".join(line for line in section.splitlines() if "`roster()`" not in line)
    assert any("keys.roster" in p for p in problems(dropped))
    invented = section + "\n| `dk:{sid}:emails` (`emails()`) | e-mail addresses | yes |\n"
    found = problems(invented)
    assert any("dk:{sid}:emails" in p for p in found)
    assert any("emails()" in p for p in found)
    unredacted = section.replace("`email`, ", "")
    assert any("missing ['email']" in p for p in problems(unredacted))


def test_section_names_the_delete_command_the_bot_understands() -> None:
    section = personal_data_section()
    for word in ("slett", "delete"):
        assert f"`{word}`" in section
        assert WORDS[word] is Verb.DELETE
    for setting in ("RETENTION_DAYS", "DIGIKOK_SECRET"):
        assert f"`{setting}`" in section
