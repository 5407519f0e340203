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

Run it from a throw-away virtualenv (none of this is an app dependency):

    python -m venv /tmp/bicep-check
    /tmp/bicep-check/bin/pip install pycep-parser azure-mgmt-redis azure-mgmt-appcontainers \\
        azure-mgmt-botservice azure-mgmt-loganalytics azure-mgmt-storage
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
}
TOP_LEVEL_ARM_KEYS = frozenset({"name", "location", "parent", "dependsOn", "scope", "tags"})
SUBCLASS = {"Channel": "MsTeamsChannel"}  # polymorphic models: the subclass this template uses
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
        if isinstance(value, dict) and value.get("operator", {}).get("type") == "conditional":
            operands = value["operator"]["operands"]
            return self.variants(operands["true_value"]) + self.variants(operands["false_value"])
        function = value.get("function", {}) if isinstance(value, dict) else {}
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
        for key, t in fields.items():
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


def main() -> int:
    template = sys.argv[1] if len(sys.argv) > 1 else str(HERE / "main.bicep")
    parameters = sys.argv[2] if len(sys.argv) > 2 else str(HERE / "main.parameters.example.json")
    tree = BicepParser().parse(file_path=Path(template))
    report = [f"syntax: {template} parses"]

    check = PropertyCheck({name: v["value"] for name, v in tree["variables"].items()})
    for name, resource in tree["resources"].items():
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

    problems = check.problems + parameter_problems
    sys.stdout.write("\n".join(report + (problems or ["no problems found"])) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
