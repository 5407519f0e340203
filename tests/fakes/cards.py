"""Reading card JSON the way a person reads the card: texts shown, buttons offered."""

from __future__ import annotations

from typing import Any, Iterator


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def texts(card: dict[str, Any]) -> list[str]:
    """Every visible string: TextBlock and TextRun texts, fact titles and values."""
    found = []
    for node in walk(card.get("body", [])):
        if node.get("type") in ("TextBlock", "TextRun") and "text" in node:
            found.append(node["text"])
        if "title" in node and "value" in node and "type" not in node:
            found.extend([node["title"], node["value"]])
    return found


def all_text(card: dict[str, Any]) -> str:
    return "\n".join(texts(card))


def actions(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """verb → data of every Action.Execute in the card (body and actions, not refresh)."""
    found = {}
    for node in walk({"b": card.get("body", []), "a": card.get("actions", [])}):
        if node.get("type") == "Action.Execute":
            found[node["verb"]] = node["data"]
    return found


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        n["id"]: n
        for n in walk(card.get("body", []))
        if str(n.get("type", "")).startswith("Input.")
    }
