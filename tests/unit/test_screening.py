"""Screening at submit (issue 10) and the start-up checks of its file and of the switches
this session added (bot/config.py): a bad setting is one clear line, never a trace."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.domain.screening import Screening, build_screening, screen

BASE = {"DIGIKOK_SECRET": "x" * 40, "REDIS_URL": "redis://localhost:6379/0"}


def test_whole_words_and_phrases_in_the_session_language_only() -> None:
    rules = build_screening({"nb": ["idiot", "full  av  dritt"], "en": ["moron"]})
    assert screen("Du er en IDIOT!", rules, "nb") is not None
    assert screen("idioti er et ord", rules, "nb") is None  # a whole word, not a part
    assert screen("Kommunen er full av\ndritt", rules, "nb") is not None
    assert screen("you moron", rules, "nb") is None and screen("you moron", rules, "en")
    assert screen("Gåbuss", rules, "nn") is None  # no list for nynorsk: nothing screened


def test_min_chars_and_off_by_default() -> None:
    assert not Screening().enabled and screen("x", Screening(), "nb") is None
    short = build_screening({}, min_chars=10)
    refusal = screen("for kort", short, "nb")
    assert refusal is not None and refusal.params == {"n": 10}
    assert screen("akkurat lang nok", short, "nb") is None
    assert build_screening({"nb": ["", "  "]}).patterns == {}  # blank entries are ignored


def test_the_screening_file_is_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "screen.json"
    good.write_text(json.dumps({"min_chars": 3, "words": {"nb": ["idiot"]}}), encoding="utf-8")
    config = load_config({**BASE, "SCREENING_FILE": str(good)})
    assert config.screening.enabled and screen("idiot", config.screening, "nb")
    assert not load_config(BASE).screening.enabled
    bad = {
        "missing": str(tmp_path / "nope.json"),
        "not json": "x",
        "wrong language": json.dumps({"words": {"de": ["x"]}}),
        "not a list": json.dumps({"words": {"nb": "idiot"}}),
        "min_chars": json.dumps({"min_chars": -1, "words": {}}),
    }
    for name, content in bad.items():
        path = tmp_path / f"{name}.json"
        if name != "missing":
            path.write_text(content, encoding="utf-8")
        with pytest.raises(ConfigError, match="SCREENING_FILE"):
            load_config({**BASE, "SCREENING_FILE": str(path) if name != "missing" else content})


def test_connector_pacing_is_on_unless_switched_off() -> None:
    assert load_config(BASE).connector_pacing
    assert not load_config({**BASE, "CONNECTOR_PACING": "OFF"}).connector_pacing
    with pytest.raises(ConfigError, match="CONNECTOR_PACING must be on or off"):
        load_config({**BASE, "CONNECTOR_PACING": "maybe"})


def test_every_setting_the_app_reads_is_documented() -> None:
    """An admin finds each variable bot/config.py reads in both READMEs and the example."""
    root = Path(__file__).resolve().parents[2]
    source = (root / "bot" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"((?:Microsoft[A-Za-z]+)|(?:[A-Z]+(?:_[A-Z]+)+)|HOST|PORT)"', source))
    assert {"CONNECTOR_PACING", "SCREENING_FILE", "BOT_OPENID_METADATA_URL"} <= names
    compose_sets = {"REDIS_URL", "DATA_DIR", "HOST", "PORT"}  # deploy/docker-compose.yml
    example = (root / "deploy" / ".env.example").read_text(encoding="utf-8")
    for doc in ("README.md", "deploy/README.md"):
        text = (root / doc).read_text(encoding="utf-8")
        assert not [n for n in names if f"`{n}`" not in text], doc
    assert not [n for n in names - compose_sets if f"{n}=" not in example]
