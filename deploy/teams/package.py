"""Build the Teams app package: deploy/teams/build/digikok-teams.zip.

Usage (from the repository root):

    MicrosoftAppId=<bot app id> PUBLIC_BASE_URL=https://digikok.example.no \\
        python deploy/teams/package.py [--env-file deploy/.env] [--output PATH]

The zip holds manifest.json, color.png and outline.png at its root, which is what Teams
admin center and "Upload a custom app" expect. The manifest is deploy/teams/manifest.json with
its ${{NAME}} placeholders filled from the environment (see deploy/README.md for each one).
Values are put into the parsed JSON, never pasted into its text, so a quote in a name
cannot break the file. The zip is byte-for-byte the same for the same inputs.

Standard library only: an admin can run it with any Python 3.11 and nothing installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "manifest.json"
ICONS = ("color.png", "outline.png")
DEFAULT_OUTPUT = HERE / "build" / "digikok-teams.zip"

# The same patterns as the manifest schema's "guid" and "semver" definitions.
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^([0-9]|[1-9]+[0-9]*)\.([0-9]|[1-9]+[0-9]*)\.([0-9]|[1-9]+[0-9]*)$")
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
PLACEHOLDER = re.compile(r"\$\{\{([A-Z_]+)\}\}")
DOMAIN_PLACEHOLDER = "${{BOT_DOMAIN}}"
DEVELOPER_NAME_MAX = 32  # manifest schema: developer.name maxLength
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same zip


class PackageError(Exception):
    """One or more settings are missing or wrong; the message lists them all."""


@dataclass(frozen=True, slots=True)
class Settings:
    values: Mapping[str, str]  # placeholder name -> value
    domains: tuple[str, ...]  # what validDomains becomes (may be empty)
    warnings: tuple[str, ...]


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as in deploy/.env; '#' starts a comment line; quotes are optional."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise PackageError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _https_url(name: str, value: str, problems: list[str]) -> str | None:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        problems.append(f"{name} must be an https:// URL, got {value!r}")
        return None
    return value


def read_settings(env: Mapping[str, str]) -> Settings:
    """Check every setting at once and report all problems together."""
    problems: list[str] = []
    warnings: list[str] = []

    def get(name: str) -> str:
        return (env.get(name) or "").strip()

    bot_id = get("MicrosoftAppId")
    if not bot_id:
        problems.append(
            "MicrosoftAppId is not set: use the Application (client) ID of the bot's "
            "Entra ID app registration"
        )
    elif not GUID.match(bot_id):
        problems.append(
            "MicrosoftAppId must be a GUID like 00000000-0000-0000-0000-000000000000, "
            f"got {bot_id!r}"
        )

    app_id = get("TEAMS_APP_ID") or bot_id
    if get("TEAMS_APP_ID") and not GUID.match(app_id):
        problems.append(f"TEAMS_APP_ID must be a GUID, got {app_id!r}")

    version = get("TEAMS_APP_VERSION") or "1.0.0"
    if not SEMVER.match(version):
        problems.append(f"TEAMS_APP_VERSION must look like 1.0.0, got {version!r}")

    developer = get("TEAMS_DEVELOPER_NAME") or "Digikok"
    if len(developer) > DEVELOPER_NAME_MAX:
        problems.append(f"TEAMS_DEVELOPER_NAME must be at most {DEVELOPER_NAME_MAX} characters")

    domains: list[str] = []
    bot_domain = get("BOT_DOMAIN")
    if bot_domain:
        if HOSTNAME.match(bot_domain):
            domains.append(bot_domain.lower())
        else:
            problems.append(
                f"BOT_DOMAIN must be a host name only, like digikok.example.no, got {bot_domain!r}"
            )
    base = get("PUBLIC_BASE_URL").rstrip("/")
    if base and _https_url("PUBLIC_BASE_URL", base, problems):
        host = (urlsplit(base).hostname or "").lower()
        if host not in domains:
            domains.append(host)
    home = base or (f"https://{domains[0]}" if domains else "")

    # The manifest requires three https links. The bot serves a privacy statement at
    # /privacy and terms of use at /terms (bot/privacy.py, nb/nn/en), so by default the links
    # point there: never at an address that answers 404. The website defaults to the privacy
    # page too, which says what Digikok is and what it stores.
    urls: dict[str, str] = {}
    unset: list[str] = []
    for key, name, path in (
        ("WEBSITE_URL", "TEAMS_WEBSITE_URL", "/privacy"),
        ("PRIVACY_URL", "TEAMS_PRIVACY_URL", "/privacy"),
        ("TERMS_URL", "TEAMS_TERMS_URL", "/terms"),
    ):
        if value := get(name):
            urls[key] = _https_url(name, value, problems) or ""
        elif home:
            urls[key] = home + path
        else:
            unset.append(name)
    if unset:
        problems.append(
            "Teams requires https links to a page about the app, your privacy statement and "
            "your terms of use: set PUBLIC_BASE_URL or BOT_DOMAIN (the bot serves /privacy "
            "and /terms), or " + ", ".join(unset)
        )

    if problems:
        raise PackageError("Cannot build the Teams package:\n- " + "\n- ".join(problems))
    values = {
        "BOT_ID": bot_id,
        "TEAMS_APP_ID": app_id,
        "APP_VERSION": version,
        "DEVELOPER_NAME": developer,
        **urls,
    }
    return Settings(values=values, domains=tuple(domains), warnings=tuple(warnings))


def _fill(node: Any, values: Mapping[str, str], missing: set[str]) -> Any:
    if isinstance(node, dict):
        return {key: _fill(value, values, missing) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(item, values, missing) for item in node]
    if isinstance(node, str):

        def one(match: re.Match[str]) -> str:
            if match.group(1) not in values:
                missing.add(match.group(1))
                return match.group(0)
            return values[match.group(1)]

        return PLACEHOLDER.sub(one, node)
    return node


def fill_manifest(template: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """The template with every placeholder replaced; validDomains becomes settings.domains."""
    manifest = dict(template)
    if "validDomains" in manifest:
        domains: list[str] = []
        for entry in manifest["validDomains"]:
            domains.extend(settings.domains if entry == DOMAIN_PLACEHOLDER else [entry])
        if domains:
            manifest["validDomains"] = domains
        else:
            del manifest["validDomains"]  # a bot-only app needs none
    missing: set[str] = set()
    filled = _fill(manifest, settings.values, missing)
    if missing:
        raise PackageError(f"manifest.json has placeholders nothing fills: {sorted(missing)}")
    return filled


def write_package(manifest: Mapping[str, Any], icon_dir: Path, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    files = [
        ("manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    ]
    files += [(name, (icon_dir / name).read_bytes()) for name in ICONS]
    tmp = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    tmp.replace(output)  # never leave a half-written zip behind


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Digikok Teams app package.")
    parser.add_argument(
        "--env-file",
        type=Path,
        help="read settings from this KEY=VALUE file "
        "too (variables already in the environment win)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"where to write the zip (default: {DEFAULT_OUTPUT})",
    )
    args = parser.parse_args(argv)
    env = dict(os.environ if environ is None else environ)
    try:
        if args.env_file:
            env = {**read_env_file(args.env_file), **env}
        settings = read_settings(env)
        template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
        manifest = fill_manifest(template, settings)
        write_package(manifest, HERE, args.output)
    except (PackageError, OSError) as error:
        sys.stderr.write(f"{error}\n")
        return 2
    for warning in settings.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    sys.stdout.write(f"wrote {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
