"""Check main.bicep and the parameter file without the Bicep compiler.

Where `az bicep build` / `bicep lint` can run, use them instead: they type-check everything.
This script is for machines without the Bicep CLI (it is a .NET binary fetched from GitHub,
not a PyPI or npm package). It does three things:

1. Parses main.bicep with pycep-parser (a Bicep grammar in Python): a syntax check.
2. Looks up every property name in every resource body in the REST models of the Azure SDK
   for Python (azure-mgmt-*), following both branches of `? :`, the arguments of concat()
   and union(), and variables. A misspelt or misplaced property is reported. Free-form maps
   (KEDA scale metadata, tags) are not checked; nor are values, types or API versions (the
   SDK models may be of a newer API version than the template uses).
3. Checks main.parameters.example.json against the template's parameters: names exist,
   required ones are given, values fit the type and @allowed/@min/@max decorators, and
   Key Vault references are used only for @secure() parameters.
4. Checks the template's own rules, each from Microsoft's documentation or from how the bot
   works (see RULES below and deploy/README.md): probe settings within the ranges the
   Container Apps API documents, secrets required (no default) and non-empty, image pulls
   by managed identity (no registry password), Redis without eviction and TLS only, no
   clustering policy the bot's plain Redis client cannot use, HOST=0.0.0.0, and only the
   bot's port behind ingress (metrics stay internal).

Run it from a throw-away virtualenv (none of this is an app dependency):

    python -m venv /tmp/bicep-check
    /tmp/bicep-check/bin/pip install pycep-parser azure-mgmt-redis azure-mgmt-redisenterprise \\
        azure-mgmt-appcontainers azure-mgmt-botservice azure-mgmt-loganalytics \\
        azure-mgmt-storage azure-mgmt-msi azure-mgmt-authorization azure-mgmt-monitor \\
        azure-mgmt-applicationinsights

pycep-parser does not read a conditional (`? :`) or a function call spread over several
lines: keep those on one line in main.bicep.
    /tmp/bicep-check/bin/python deploy/azure/offline_check.py
"""

from __future__ import annotations

import importlib
import json
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

from pycep import BicepParser

HERE = Path(__file__).resolve().parent
MODELS = {  # resource type -> (SDK models module, model of the PUT body)
    "Microsoft.Cache/redis": ("azure.mgmt.redis.models", "RedisCreateParameters"),
    "Microsoft.App/managedEnvironments": ("azure.mgmt.appcontainers.models", "ManagedEnvironment"),
    "Microsoft.App/containerApps": ("azure.mgmt.appcontainers.models", "ContainerApp"),
    "Microsoft.BotService/botServices": ("azure.mgmt.botservice.models", "Bot"),
    "Microsoft.BotService/botServices/channels": ("azure.mgmt.botservice.models", "BotChannel"),
    "Microsoft.OperationalInsights/workspaces": ("azure.mgmt.loganalytics.models", "Workspace"),
    "Microsoft.Storage/storageAccounts": (
        "azure.mgmt.storage.models",
        "StorageAccountCreateParameters",
    ),
    "Microsoft.Cache/redisEnterprise": ("azure.mgmt.redisenterprise.models", "Cluster"),
    "Microsoft.Cache/redisEnterprise/databases": ("azure.mgmt.redisenterprise.models", "Database"),
    "Microsoft.ManagedIdentity/userAssignedIdentities": ("azure.mgmt.msi.models", "Identity"),
    "Microsoft.Authorization/roleAssignments": (
        "azure.mgmt.authorization.models",
        "RoleAssignmentCreateParameters",
    ),
    "Microsoft.Insights/actionGroups": ("azure.mgmt.monitor.models", "ActionGroupResource"),
    "Microsoft.Insights/metricAlerts": ("azure.mgmt.monitor.models", "MetricAlertResource"),
    "Microsoft.Insights/scheduledQueryRules": (
        "azure.mgmt.monitor.models",
        "ScheduledQueryRuleResource",
    ),
    "Microsoft.Insights/components": (
        "azure.mgmt.applicationinsights.v2020_02_02.models",
        "ApplicationInsightsComponent",
    ),
    "Microsoft.Insights/webtests": (
        "azure.mgmt.applicationinsights.v2022_06_15.models",
        "WebTest",
    ),
}
TOP_LEVEL_ARM_KEYS = frozenset({"name", "location", "parent", "dependsOn", "scope", "tags"})
SUBCLASS = {  # polymorphic models: the subclass this template uses
    "Channel": "MsTeamsChannel",
    "MetricAlertCriteria": "WebtestLocationAvailabilityCriteria",
}
Shape = tuple[str, Any]  # ("model", class name) | ("list", item type) | ("dict", value type) | …


class SdkModels:
    """Property names and types of one azure-mgmt models module, old (msrest) or new style."""

    def __init__(self, module_name: str) -> None:
        self.module: ModuleType = importlib.import_module(module_name)

    def is_model(self, cls: Any) -> bool:
        return isinstance(cls, type) and (
            hasattr(cls, "_attribute_map")
            or any(type(f).__name__ == "_RestField" for b in cls.__mro__ for f in vars(b).values())
        )

    def fields(self, class_name: str) -> dict[str, Any]:
        """JSON key -> type. msrest keys may be dotted paths ('properties.sku': flattened)."""
        cls = getattr(self.module, SUBCLASS.get(class_name, class_name))
        if hasattr(cls, "_attribute_map"):
            return {spec["key"]: spec["type"] for spec in cls._attribute_map.values()}
        found: dict[str, Any] = {}
        for base in reversed(cls.__mro__):
            namespace = {**vars(sys.modules[base.__module__]), "_models": self.module}
            for attr, field in vars(base).items():
                if type(field).__name__ == "_RestField":
                    annotation = base.__dict__.get("__annotations__", {}).get(attr)
                    if isinstance(annotation, str):
                        annotation = eval(annotation, namespace)  # the SDK's own annotation
                    found[getattr(field, "_rest_name_input", None) or attr] = annotation
        return found

    def shape(self, t: Any) -> Shape:
        if isinstance(t, typing.ForwardRef):
            t = t.__forward_arg__
        if isinstance(t, str):
            t = t.removeprefix("_models.")
            if t.startswith("[") or t.startswith("{"):
                return ("list" if t[0] == "[" else "dict", t[1:-1])
            cls = getattr(self.module, t, None)
            return ("model", t) if self.is_model(cls) else ("scalar", None)
        args = [a for a in typing.get_args(t) if a is not type(None)]
        origin = typing.get_origin(t)
        if origin is typing.Union:
            return self.shape(args[0]) if len(args) == 1 else ("scalar", None)
        if origin is list:
            return ("list", args[0])
        if origin is dict:
            return ("dict", args[1])
        return ("model", t.__name__) if self.is_model(t) else ("scalar", None)


class PropertyCheck:
    def __init__(self, variables: dict[str, Any]) -> None:
        self.variables = variables
        self.problems: list[str] = []
        self.checked = 0

    def variants(self, value: Any) -> list[Any]:
        """Every concrete value a Bicep expression can take, as far as structure goes."""
        if isinstance(value, str) and value in self.variables:
            return self.variants(self.variables[value])
        operator = value.get("operator") if isinstance(value, dict) else None
        if isinstance(operator, dict) and operator.get("type") == "conditional":
            operands = value["operator"]["operands"]
            return self.variants(operands["true_value"]) + self.variants(operands["false_value"])
        if isinstance(value, dict) and "loop_type" in value:  # [for x in xs: {...}]
            return [[value["config"]]]
        function = value.get("function", {}) if isinstance(value, dict) else {}
        function = function if isinstance(function, dict) else {}
        if function.get("type") in ("concat", "union"):
            parts = [v for arg in function["parameters"].values() for v in self.variants(arg)]
            if function["type"] == "concat":
                return [[item for part in parts if isinstance(part, list) for item in part]]
            merged: dict[str, Any] = {}
            for part in parts:
                merged.update(part if isinstance(part, dict) else {})
            return [merged]
        return [value]

    def model(self, sdk: SdkModels, class_name: str, body: dict[str, Any], path: str) -> None:
        self.properties(sdk, sdk.fields(class_name), body, path, top=path.count(".") == 0)

    def properties(
        self, sdk: SdkModels, fields: dict[str, Any], body: dict, path: str, top: bool = False
    ) -> None:
        nested: dict[str, dict[str, Any]] = {}  # msrest flattening: 'properties.sku'
        # A dot that is part of the name ('odata.type') is escaped in msrest: 'odata\\.type'.
        literal = {k.replace("\\.", "."): t for k, t in fields.items() if "\\." in k}
        fields = {k: t for k, t in fields.items() if "\\." not in k} | literal
        for key, t in fields.items():
            if key in literal:
                continue
            head, dot, rest = key.partition(".")
            if dot:
                nested.setdefault(head, {})[rest] = t
        for raw_key, value in body.items():
            key, where = raw_key.strip("'"), f"{path}.{raw_key.strip(chr(39))}"
            if top and key in TOP_LEVEL_ARM_KEYS:
                continue
            if key in fields:
                self.checked += 1
                self.value(sdk, sdk.shape(fields[key]), value, where)
            elif key in nested:
                self.checked += 1
                for variant in self.variants(value):
                    if isinstance(variant, dict):
                        self.properties(sdk, nested[key], variant, where)
            else:
                known = sorted({k.partition(".")[0] for k in fields} - {""})
                self.problems.append(f"{where}: unknown property (known: {', '.join(known)})")

    def value(self, sdk: SdkModels, shape: Shape, value: Any, path: str) -> None:
        kind, inner = shape
        for variant in self.variants(value):
            if kind == "model" and isinstance(variant, dict) and "function" not in variant:
                self.model(sdk, inner, variant, path)
            elif kind == "list" and isinstance(variant, list):
                for i, item in enumerate(variant):
                    self.value(sdk, sdk.shape(inner), item, f"{path}[{i}]")
            elif kind == "dict" and isinstance(variant, dict) and "function" not in variant:
                for key, item in variant.items():
                    self.value(sdk, sdk.shape(inner), item, f"{path}.{key}")


def check_parameters(declared: dict[str, Any], given: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for name, entry in given.items():
        if name not in declared:
            problems.append(f"{name}: not a parameter of the template")
            continue
        decorators = {d["type"]: d.get("argument") for d in declared[name].get("decorators", [])}
        if "reference" in entry:
            if "secure" not in decorators:
                problems.append(
                    f"{name}: Key Vault reference for a parameter that is not @secure()"
                )
            continue
        value, kind = entry["value"], declared[name]["type"]
        if {"string": str, "int": int, "bool": bool}.get(kind) is not type(value):
            problems.append(f"{name}: {value!r} is not a {kind}")
            continue
        if "allowed" in decorators and value not in decorators["allowed"]:
            problems.append(f"{name}: {value!r} is not one of {decorators['allowed']}")
        size = len(value) if isinstance(value, str) else value
        # pycep names the decorators in snake case: @minValue(1) -> "min_value"
        for decorator, sign in (
            ("min_value", 1),
            ("max_value", -1),
            ("min_length", 1),
            ("max_length", -1),
        ):
            if decorator in decorators and sign * (size - int(decorators[decorator])) < 0:
                problems.append(f"{name}: {value!r} fails {decorator} {decorators[decorator]}")
    for name, spec in declared.items():
        if spec.get("default") is None and name not in given:
            problems.append(f"{name}: required (no default) but missing")
    return problems


# --- The template's own rules -----------------------------------------------------------------

# Probe limits of the Container Apps API (ContainerAppProbe): "failureThreshold ... Minimum
# value is 1. Maximum value is 10", periodSeconds and timeoutSeconds 1-240, initialDelaySeconds
# 1-60, successThreshold 1-10 and exactly 1 for liveness and startup probes.
# https://learn.microsoft.com/javascript/api/@azure/arm-appcontainers/containerappprobe
PROBE_LIMITS = {
    "failureThreshold": (1, 10),
    "periodSeconds": (1, 240),
    "timeoutSeconds": (1, 240),
    "initialDelaySeconds": (1, 60),
    "successThreshold": (1, 10),
}
# Secrets the bot cannot run without: required (no default) and at least this long.
SECRET_MIN_LENGTH = {"botAppPassword": 1, "digikokSecret": 32}
BOT_PORT = 3978


def _decorators(spec: dict[str, Any]) -> dict[str, Any]:
    return {d["type"]: d.get("argument") for d in spec.get("decorators", [])}


def _body(resource: dict[str, Any]) -> dict[str, Any]:
    body = resource["config"]
    return body["config"] if "condition" in body and "config" in body else body


def _literal_values(check: PropertyCheck, params: dict[str, Any], value: Any) -> list[Any]:
    """Every value an expression can take: a parameter stands for its @allowed values (or
    its default), a `? :` for both branches."""
    found: list[Any] = []
    for variant in check.variants(value):
        if isinstance(variant, str) and variant in params:
            allowed = _decorators(params[variant]).get("allowed")
            found.extend(allowed if allowed else [params[variant].get("default")])
        else:
            found.append(variant)
    return found


def check_rules(tree: dict[str, Any], check: PropertyCheck) -> list[str]:
    params = tree["parameters"]
    problems: list[str] = []
    for name, spec in params.items():
        decorators = _decorators(spec)
        if "secure" in decorators and spec.get("default") is not None:
            problems.append(f"param {name}: a @secure() parameter must have no default")
    for name, least in SECRET_MIN_LENGTH.items():
        spec = params.get(name)
        if spec is None:
            problems.append(f"param {name}: missing")
            continue
        decorators = _decorators(spec)
        if "secure" not in decorators:
            problems.append(f"param {name}: must be @secure()")
        if int(decorators.get("min_length") or 0) < least:
            problems.append(f"param {name}: needs @minLength({least}) so an empty one is refused")

    for name, resource in tree["resources"].items():
        kind, body = resource["type"], _body(resource)
        properties = body.get("properties", {}) if isinstance(body, dict) else {}
        if kind == "Microsoft.App/containerApps":
            problems += _container_app_rules(name, properties, check)
        elif kind == "Microsoft.Cache/redisEnterprise/databases":
            for key, wanted in (("evictionPolicy", "NoEviction"), ("clientProtocol", "Encrypted")):
                got = _literal_values(check, params, properties.get(key))
                if got != [wanted] * len(got) or not got:
                    problems.append(f"{name}.properties.{key}: must be {wanted}, can be {got}")
            policies = _literal_values(check, params, properties.get("clusteringPolicy"))
            if not policies or "OSSCluster" in policies or None in policies:
                problems.append(
                    f"{name}.properties.clusteringPolicy: the bot's plain Redis client needs "
                    f"NoCluster or EnterpriseCluster, can be {policies}"
                )
        elif kind == "Microsoft.Cache/redis":
            if _literal_values(check, params, properties.get("enableNonSslPort")) != [False]:
                problems.append(f"{name}.properties.enableNonSslPort: must be false (TLS only)")
            for variant in check.variants(properties.get("redisConfiguration")):
                policy = variant.get("'maxmemory-policy'", variant.get("maxmemory-policy"))
                if policy != "noeviction":
                    problems.append(f"{name}: maxmemory-policy must be noeviction, got {policy}")
    return problems


def _container_app_rules(name: str, properties: dict[str, Any], check: PropertyCheck) -> list[str]:
    problems: list[str] = []
    configuration = properties.get("configuration", {})
    ingress = configuration.get("ingress", {})
    if ingress.get("targetPort") != BOT_PORT:
        problems.append(f"{name}: ingress.targetPort must be the bot's port {BOT_PORT}")
    if "additionalPortMappings" in ingress or "exposedPort" in ingress:
        problems.append(f"{name}: ingress exposes another port (metrics must stay internal)")
    for variant in check.variants(configuration.get("registries", [])):
        for registry in variant if isinstance(variant, list) else []:
            if (
                "passwordSecretRef" in registry
                or "username" in registry
                or "identity" not in registry
            ):
                problems.append(f"{name}: pull images with a managed identity, not a password")
    template = properties.get("template", {})
    for container in template.get("containers", []):
        where = f"{name}.containers.{container.get('name')}"
        for env in check.variants(container.get("env", [])):
            host = [e.get("value") for e in env if isinstance(e, dict) and e.get("name") == "HOST"]
            if host != ["0.0.0.0"]:
                problems.append(
                    f"{where}: HOST must be 0.0.0.0 (the bot binds loopback by default)"
                )
        seen: set[str] = set()
        for probe in container.get("probes", []):
            kind = str(probe.get("type"))
            if kind.lower() in seen:
                problems.append(f"{where}: more than one {kind} probe")
            seen.add(kind.lower())
            for key, (low, high) in PROBE_LIMITS.items():
                if key not in probe:
                    continue
                value = probe[key]
                if not isinstance(value, int) or not low <= value <= high:
                    problems.append(f"{where}: {kind} probe {key}={value!r} not in {low}-{high}")
            if kind.lower() in ("liveness", "startup") and probe.get("successThreshold", 1) != 1:
                problems.append(f"{where}: {kind} probe successThreshold must be 1")
    return problems


def main() -> int:
    template = sys.argv[1] if len(sys.argv) > 1 else str(HERE / "main.bicep")
    parameters = sys.argv[2] if len(sys.argv) > 2 else str(HERE / "main.parameters.example.json")
    tree = BicepParser().parse(file_path=Path(template))
    report = [f"syntax: {template} parses"]

    check = PropertyCheck({name: v["value"] for name, v in tree["variables"].items()})
    for name, resource in tree["resources"].items():
        if resource.get("existing"):  # declared elsewhere: only read, never sent
            continue
        module_name, class_name = MODELS[resource["type"]]
        body = resource["config"]
        if "condition" in body and "config" in body:  # resource x '...' = if (cond) { ... }
            body = body["config"]
        check.model(SdkModels(module_name), class_name, body, name)
    report.append(
        f"properties: {check.checked} names checked in {len(tree['resources'])} resources"
    )

    given = json.loads(Path(parameters).read_text(encoding="utf-8"))["parameters"]
    parameter_problems = check_parameters(tree["parameters"], given)
    report.append(f"parameters: {len(given)} of {len(tree['parameters'])} given in {parameters}")

    rule_problems = check_rules(tree, check)
    report.append("rules: probes, secrets, image pull, Redis, HOST, ingress checked")

    problems = check.problems + parameter_problems + rule_problems
    sys.stdout.write("\n".join(report + (problems or ["no problems found"])) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
