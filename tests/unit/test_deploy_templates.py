"""The deployment templates keep the rules the bot's start-up checks rely on.

The bot listens on loopback by default and refuses a non-loopback HOST without credentials;
metrics have their own internal port. So every template must set HOST=0.0.0.0, must not let
an empty credential through, and must publish or route only the bot's port. Text checks only
(no Docker, Compose, HAProxy or Bicep compiler needed); deploy/azure/offline_check.py checks
main.bicep in depth where pycep and the Azure SDK models are installed.
"""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
REQUIRED = ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId", "DIGIKOK_SECRET")


def read(name: str) -> str:
    return (DEPLOY / name).read_text(encoding="utf-8")


def test_image_listens_on_all_interfaces_and_bakes_in_no_credentials() -> None:
    dockerfile = read("Dockerfile")
    assert re.search(r"^\s+HOST=0\.0\.0\.0 \\$", dockerfile, re.M)
    assert "EXPOSE 3978" in dockerfile and "9464" not in re.sub(r"#.*", "", dockerfile)
    for name in REQUIRED:
        assert not re.search(rf"^\s*(ENV|ARG)\b.*\b{name}=", dockerfile, re.M)


def test_compose_requires_credentials_and_secret_and_sets_host() -> None:
    compose = read("docker-compose.yml")
    assert re.search(r"^\s+HOST: 0\.0\.0\.0$", compose, re.M)
    for name in REQUIRED:
        # ${NAME:?message}: Compose stops with the message while the value is empty or unset.
        assert re.search(rf"^\s+{name}: \$\{{{name}:\?[^}}]+\}}$", compose, re.M), name


def test_compose_publishes_only_the_bot_and_load_balancer_ports() -> None:
    # Every port mapping: a quoted "host:container" item with a published port.
    items = re.findall(r'^\s+- "([^"]+)"$', read("docker-compose.yml"), re.M)
    published = [item for item in items if re.search(r":\d+$", item)]
    assert published == [
        "${PUBLISH_ADDRESS:-127.0.0.1}:${BOT_PORT:-3978}:3978",
        "${PUBLISH_ADDRESS:-127.0.0.1}:${LB_PORT:-8080}:8080",
    ]


def test_haproxy_routes_only_the_bot_port_and_relies_on_no_metrics_path_rule() -> None:
    config = re.sub(r"#.*", "", read("haproxy.cfg"))
    assert re.findall(r"^\s*bind\s+(\S+)", config, re.M) == [":8080"]
    assert re.findall(r"^\s*server\s+\S+\s+(\S+)", config, re.M) == ["bot:3978", "bot-2:3978"]
    assert "metrics" not in config  # a path rule is bypassable (/%6detrics): none is needed


def test_env_example_ships_no_value_that_would_run_unauthenticated() -> None:
    lines = read(".env.example").splitlines()
    for name in REQUIRED:
        (line,) = [x for x in lines if x.startswith(f"{name}=")]
        assert line == f"{name}=", f"{name} must ship empty, so Compose refuses to start"
        above = lines[lines.index(line) - 1] + lines[lines.index(line) - 2]
        assert "REQUIRED" in above, f"{name}: mark it REQUIRED in a comment above it"
    assert not any(x.startswith(("HOST=", "REDIS_URL=", "METRICS_PORT=")) for x in lines)


def test_bicep_probes_stay_within_the_documented_container_apps_limits() -> None:
    bicep = read("azure/main.bicep")
    limits = {"failureThreshold": 10, "periodSeconds": 240, "timeoutSeconds": 240}
    found = re.findall(r"^\s+(failureThreshold|periodSeconds|timeoutSeconds): (\d+)$", bicep, re.M)
    assert len(found) >= 6
    for key, value in found:
        assert 1 <= int(value) <= limits[key], (key, value)
    for value in re.findall(r"^\s+initialDelaySeconds: (\d+)$", bicep, re.M):
        assert 1 <= int(value) <= 60


def test_bicep_secrets_are_required_and_host_is_set() -> None:
    bicep = read("azure/main.bicep")
    secure = re.findall(
        r"@secure\(\)\n(?:@\w+\([^)]*\)\n)*param (\w+) string( = .*)?$", bicep, re.M
    )
    assert {name for name, _ in secure} == {"botAppPassword", "digikokSecret"}
    assert all(default == "" for _, default in secure), "a @secure() param has a default"
    assert re.search(r"@minLength\(1\)\nparam botAppPassword string$", bicep, re.M)
    assert re.search(r"name: 'HOST'\n\s+value: '0\.0\.0\.0'", bicep)
    assert "passwordSecretRef" not in bicep  # images are pulled with a managed identity
