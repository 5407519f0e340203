"""The Teams app package: manifest template, icons and deploy/teams/package.py.

An admin uploads the zip to Teams admin center, which rejects a manifest that breaks the
schema or icons of the wrong size, so these tests check what Teams will check, offline:
the vendored v1.29 schema (the newest Microsoft documents as generally available, see
deploy/teams/schema/README.md), the PNG headers and pixels (stdlib only, no Pillow), and the
zip that package.py writes when run as an admin would run it.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema import Draft4Validator, Draft6Validator

REPO = Path(__file__).resolve().parents[2]
TEAMS = REPO / "deploy" / "teams"
SCHEMA_FILE = TEAMS / "schema" / "MicrosoftTeams.schema.json"
TEMPLATE_FILE = TEAMS / "manifest.json"
PACKAGE_SCRIPT = TEAMS / "package.py"

SAMPLE_BOT_ID = "0b7c2a44-3f1e-4d5a-9c8b-2e6f4a1d9c03"  # invented
SAMPLE_BASE_URL = "https://digikok.example.no"
SAMPLE_VALUES = {
    "BOT_ID": SAMPLE_BOT_ID,
    "TEAMS_APP_ID": SAMPLE_BOT_ID,
    "APP_VERSION": "1.0.0",
    "DEVELOPER_NAME": "Eksempel kommune",
    "WEBSITE_URL": SAMPLE_BASE_URL,
    "PRIVACY_URL": f"{SAMPLE_BASE_URL}/privacy",
    "TERMS_URL": f"{SAMPLE_BASE_URL}/terms",
    "BOT_DOMAIN": "digikok.example.no",
}
# SPEC.md section 4: every command the bot answers.
SPEC_COMMANDS = frozenset(
    {"start", "help", "status", "next", "back", "extend", "pause", "resume", "groups",
     "cohost", "end", "export", "delete", "language"}
)  # fmt: skip
COMMAND_DESCRIPTION_MAX = 128  # the schema limit up to manifest v1.20; longer ones crowd the menu

# The schema says draft-04 but uses "const" (draft-06), as does Microsoft's own validator
# (ajv-draft-04 in @microsoft/app-manifest), so we honour it too.
ManifestValidator = jsonschema.validators.extend(
    Draft4Validator, {"const": Draft6Validator.VALIDATORS["const"]}
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    # Structure only: one pattern in the Office add-in part we don't use ("\p{L}") is
    # ECMAScript, which Python's re cannot compile, so the metaschema's regex format is skipped.
    Draft4Validator(Draft4Validator.META_SCHEMA).validate(loaded)
    return loaded


def schema_errors(schema: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[str]:
    validator = ManifestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]


def filled_template(values: Mapping[str, str] = SAMPLE_VALUES) -> dict[str, Any]:
    """The template with each ${{NAME}} replaced, independently of package.py."""
    text = TEMPLATE_FILE.read_text(encoding="utf-8")
    return json.loads(re.sub(r"\$\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], text))


def command_lists(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    (bot,) = manifest["bots"]
    return bot["commandLists"]


# --- manifest template ---------------------------------------------------------------------


def test_vendored_schema_matches_the_manifest_version(schema: dict[str, Any]) -> None:
    template = json.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))
    version = schema["properties"]["manifestVersion"]["const"]
    assert template["manifestVersion"] == version
    assert template["$schema"].endswith(f"/v{version}/MicrosoftTeams.schema.json")


def test_filled_template_is_valid_against_the_schema(schema: dict[str, Any]) -> None:
    assert schema_errors(schema, filled_template()) == []


def test_schema_check_is_not_toothless(schema: dict[str, Any]) -> None:
    broken = filled_template()
    broken["manifestVersion"] = "1.28"
    broken["bots"][0]["botId"] = "not-a-guid"
    del broken["developer"]["privacyUrl"]
    errors = schema_errors(schema, broken)
    assert len(errors) == 3, errors


def test_template_uses_only_placeholders_the_package_script_fills() -> None:
    text = TEMPLATE_FILE.read_text(encoding="utf-8")
    assert set(re.findall(r"\$\{\{([A-Z_]+)\}\}", text)) == set(SAMPLE_VALUES)


def test_bot_is_conversational_in_team_group_chat_and_personal() -> None:
    (bot,) = filled_template()["bots"]
    assert bot["botId"] == SAMPLE_BOT_ID
    assert set(bot["scopes"]) == {"team", "groupChat", "personal"}
    assert not bot.get("isNotificationOnly", False)


def test_command_menus_cover_the_spec_commands() -> None:
    lists = command_lists(filled_template())
    titles = [command["title"] for entry in lists for command in entry["commands"]]
    assert set(titles) == SPEC_COMMANDS  # every command somewhere, nothing unknown


def test_each_scope_has_exactly_one_command_menu_with_help() -> None:
    lists = command_lists(filled_template())
    scopes = [scope for entry in lists for scope in entry["scopes"]]
    assert sorted(scopes) == ["groupChat", "personal", "team"]  # Teams: one list per scope
    for entry in lists:
        assert "help" in {command["title"] for command in entry["commands"]}


def test_channel_and_group_chat_menus_are_the_same() -> None:
    by_scope = {entry["scopes"][0]: entry["commands"] for entry in command_lists(filled_template())}
    assert by_scope["team"] == by_scope["groupChat"]


def test_command_descriptions_are_short_and_titles_are_lowercase_words() -> None:
    for entry in command_lists(filled_template()):
        for command in entry["commands"]:
            assert re.fullmatch(r"[a-z]+", command["title"])
            assert 0 < len(command["description"]) <= COMMAND_DESCRIPTION_MAX


# --- icons ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    color_type: int  # 2 = RGB, 6 = RGBA
    rows: list[bytes]  # unfiltered scanlines

    def pixels(self) -> Iterator[tuple[int, ...]]:
        channels = {2: 3, 6: 4}[self.color_type]
        for row in self.rows:
            for x in range(self.width):
                yield tuple(row[x * channels : (x + 1) * channels])


def read_png(path: Path) -> Png:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG, as Pillow writes them."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    offset, chunks = 8, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{path.name}: bad CRC in {kind!r}"
        chunks.append((kind, body))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, interlace) == (8, 0), f"{path.name}: expected 8-bit, non-interlaced"
    assert color_type in (2, 6), f"{path.name}: expected RGB or RGBA, got colour type {color_type}"
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    return Png(
        width, height, color_type, _unfilter(raw, width, height, 4 if color_type == 6 else 3)
    )


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[bytes]:
    stride = width * bpp
    assert len(raw) == height * (stride + 1)
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
            else:
                assert kind == 0, f"unknown PNG filter {kind}"
        rows.append(bytes(line))
        previous = line
    return rows


def test_manifest_names_the_two_icons() -> None:
    assert filled_template()["icons"] == {"color": "color.png", "outline": "outline.png"}


def test_color_icon_is_192_square_and_in_colour() -> None:
    png = read_png(TEAMS / "color.png")
    assert (png.width, png.height) == (192, 192)
    pixels = list(png.pixels())
    assert any(max(p[:3]) - min(p[:3]) > 64 for p in pixels), "no coloured pixel"
    assert len(set(pixels)) > 2, "a flat square is not an icon"


def test_outline_icon_is_32_square_white_on_transparent() -> None:
    png = read_png(TEAMS / "outline.png")
    assert (png.width, png.height) == (32, 32)
    assert png.color_type == 6, "the outline icon needs an alpha channel"
    pixels = list(png.pixels())
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3] > 0), "only white may show"
    transparent = sum(p[3] == 0 for p in pixels)
    opaque = sum(p[3] == 255 for p in pixels)
    assert transparent >= len(pixels) // 4 and opaque >= len(pixels) // 10


# --- package.py, run as an admin would -----------------------------------------------------


def run_package(tmp_path: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the script from an unrelated folder with only the given variables set."""
    clean_env = {"PYTHONDONTWRITEBYTECODE": "1", **env}
    if "SYSTEMROOT" in os.environ:  # Windows needs it to start Python at all
        clean_env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    output = tmp_path / "out" / "digikok-teams.zip"
    return subprocess.run(
        [sys.executable, str(PACKAGE_SCRIPT), "--output", str(output)],
        cwd=tmp_path,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_package_script_writes_a_valid_zip(tmp_path: Path, schema: dict[str, Any]) -> None:
    result = run_package(
        tmp_path, {"MicrosoftAppId": SAMPLE_BOT_ID, "PUBLIC_BASE_URL": f"{SAMPLE_BASE_URL}/"}
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "digikok-teams.zip") as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        for icon in ("color.png", "outline.png"):
            assert archive.read(icon) == (TEAMS / icon).read_bytes()
    assert schema_errors(schema, manifest) == []
    assert "${{" not in json.dumps(manifest)
    assert manifest["id"] == manifest["bots"][0]["botId"] == SAMPLE_BOT_ID
    assert manifest["validDomains"] == ["digikok.example.no"]
    # The bot serves these pages itself (bot/privacy.py): no link answers 404.
    assert manifest["developer"]["privacyUrl"] == f"{SAMPLE_BASE_URL}/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == f"{SAMPLE_BASE_URL}/terms"
    assert manifest["developer"]["websiteUrl"] == f"{SAMPLE_BASE_URL}/privacy"
    assert "warning" not in result.stderr


def test_package_links_follow_bot_domain_when_no_base_url(tmp_path: Path) -> None:
    env = {"MicrosoftAppId": SAMPLE_BOT_ID, "BOT_DOMAIN": "bot.example.no"}
    assert run_package(tmp_path, env).returncode == 0
    with zipfile.ZipFile(tmp_path / "out" / "digikok-teams.zip") as archive:
        developer = json.loads(archive.read("manifest.json"))["developer"]
    assert developer["privacyUrl"] == "https://bot.example.no/privacy"
    assert developer["termsOfUseUrl"] == "https://bot.example.no/terms"


def test_package_script_takes_every_optional_setting(
    tmp_path: Path, schema: dict[str, Any]
) -> None:
    env = {
        "MicrosoftAppId": SAMPLE_BOT_ID,
        "TEAMS_APP_ID": "5d1e8f0a-7b3c-4e2d-8a9f-1c6b0e4d7a21",
        "TEAMS_APP_VERSION": "1.4.2",
        "TEAMS_DEVELOPER_NAME": 'Eksempel "kommune"',  # a quote must not break the JSON
        "BOT_DOMAIN": "bot.example.no",
        "TEAMS_WEBSITE_URL": "https://www.example.no/digikok",
        "TEAMS_PRIVACY_URL": "https://www.example.no/personvern",
        "TEAMS_TERMS_URL": "https://www.example.no/vilkar",
    }
    result = run_package(tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "digikok-teams.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert schema_errors(schema, manifest) == []
    assert manifest["id"] == env["TEAMS_APP_ID"] and manifest["version"] == "1.4.2"
    assert manifest["bots"][0]["botId"] == SAMPLE_BOT_ID
    assert manifest["developer"]["name"] == 'Eksempel "kommune"'
    assert manifest["validDomains"] == ["bot.example.no"]


def test_package_script_is_reproducible(tmp_path: Path) -> None:
    env = {"MicrosoftAppId": SAMPLE_BOT_ID, "BOT_DOMAIN": "digikok.example.no"}
    zip_path = tmp_path / "out" / "digikok-teams.zip"
    assert run_package(tmp_path, env).returncode == 0
    first = zip_path.read_bytes()
    assert run_package(tmp_path, env).returncode == 0
    assert zip_path.read_bytes() == first


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PUBLIC_BASE_URL": SAMPLE_BASE_URL}, "MicrosoftAppId is not set"),
        ({"MicrosoftAppId": "", "PUBLIC_BASE_URL": SAMPLE_BASE_URL}, "MicrosoftAppId is not set"),
        ({"MicrosoftAppId": "digikok-bot", "PUBLIC_BASE_URL": SAMPLE_BASE_URL}, "must be a GUID"),
        ({"MicrosoftAppId": SAMPLE_BOT_ID, "PUBLIC_BASE_URL": "http://x.no"}, "https://"),
        ({"MicrosoftAppId": SAMPLE_BOT_ID, "BOT_DOMAIN": "https://x.no/api"}, "host name only"),
        ({"MicrosoftAppId": SAMPLE_BOT_ID}, "set PUBLIC_BASE_URL or BOT_DOMAIN"),
    ],
)
def test_package_script_refuses_bad_settings_clearly(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = run_package(tmp_path, env)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists(), "no zip, not even a partial one"
