"""The body of a request read once (bot/web.py parse_json): fast for what Teams sends, and
everything the JSON grammar allows is read, what it does not is a clear 400 reason."""

from __future__ import annotations

from bot.web import parse_json


def test_an_activity_is_read() -> None:
    assert parse_json(b'{"type": "invoke", "value": {"n": 1}}') == (
        {"type": "invoke", "value": {"n": 1}},
        "",
    )


def test_what_the_grammar_allows_is_read_even_where_the_fast_parser_refuses() -> None:
    lone, _ = parse_json(b'{"text": "half a pair \\ud83d"}')  # a surrogate without its pair
    assert lone == {"text": "half a pair \ud83d"}
    huge, _ = parse_json(b'{"rev": 123456789012345678901234567890}')
    assert isinstance(huge, dict) and type(huge["rev"]) is not int  # no card's rev: refused


def test_bad_bodies_get_a_reason() -> None:
    assert parse_json(b'{"type": ') == (None, "body is not valid JSON")
    assert parse_json(b"\xff\xfe") == (None, "body is not valid JSON")
    assert parse_json(b"[" * 200_000) == (None, "body is nested too deeply")
