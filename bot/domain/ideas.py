"""Idea rules (SPEC §3 idea round): anonymous, multi-line, non-empty, at most 1,000 characters."""

from __future__ import annotations

from bot.domain.refusal import Refusal
from bot.domain.text import clean_text

IDEA_MAX = 1000
TOPIC_MAX = 200


def decide_idea(raw: object, max_len: int = IDEA_MAX) -> str | Refusal:
    """The text we store, or why not. Length is counted after cleaning, in characters."""
    if raw is None:
        return Refusal.of("idea.empty")
    if not isinstance(raw, str):
        return Refusal.of("idea.bad_input")
    text = clean_text(raw)
    if not text:
        return Refusal.of("idea.empty")
    if len(text) > max_len:
        return Refusal.of("idea.too_long", max=max_len, n=len(text))
    return text


def decide_topic(raw: str) -> str | Refusal:
    topic = " ".join(clean_text(raw).split())
    if len(topic) > TOPIC_MAX:
        return Refusal.of("start.topic_too_long", max=TOPIC_MAX)
    return topic
