"""The issue 13 set's summary: `python bench/issue13.py DIR` reads DIR/*.json (one per
bench/run.py run, written by bench/issue13.sh) and writes DIR/summary.json and
DIR/summary.md (a table per loop, the targets met or missed, the cost of auth)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ORDER = (
    "votes-closed",
    "votes-closed-auth",
    "ideas-closed",
    "votes-open",
    "ideas-open",
    "votes-open-4",
    "votes-closed-pyspy",
)


def _load(folder: Path) -> dict[str, dict[str, Any]]:
    runs = {}
    for name in ORDER:
        path = folder / f"{name}.json"
        if path.exists():
            runs[name] = json.loads(path.read_text(encoding="utf-8"))
    return runs


def _targets(fig: dict[str, Any]) -> str:
    rows = fig.get("targets_issue13", [])
    missed = [r["name"] for r in rows if r["met"] is False]
    return "all met" if not missed else "MISSED: " + "; ".join(missed)


def _timing(name: str, f: dict[str, Any]) -> dict[str, Any]:
    """The columns every row starts with: the run, the machine's load, our timing."""
    o = f["ours"]
    return {
        "run": name,
        "load": (f["machine"].get("load_avg_1_5_15") or [None])[0],
        "rps": o["rps"],
        "p50_ms": o["p50_ms"],
        "p95_ms": o["p95_ms"],
        "p99_ms": o["p99_ms"],
    }


def closed_row(name: str, f: dict[str, Any]) -> dict[str, Any]:
    c = f["counts"]
    same = f.get("same_card_ceiling", {})
    return _timing(name, f) | {
        "max_ms": f["ours"].get("max_ms"),
        "same_card_ceiling_rps": same.get("median", {}).get("rps"),
        "ours_over_same_card": same.get("ratio"),
        "tiny_ceiling_rps": f.get("ceiling", {}).get("median", {}).get("rps"),
        "ours_over_tiny": f.get("ceiling", {}).get("ratio"),
        "sdk_floor_rps": f.get("sdk_floor", {}).get("median", {}).get("rps"),
        "sdk_floor_noauth_rps": f.get("sdk_floor_noauth", {}).get("median", {}).get("rps"),
        "answer_card_bytes": f.get("answer_card_bytes"),
        "accepted": f"{c['accepted']}/{c['sent']}",
        "shared_card": c["shared_card"],
        "summary": f["summary"]["count"],
        "targets": _targets(f),
    }


def open_row(name: str, f: dict[str, Any]) -> dict[str, Any]:
    c, ol = f["counts"], f["open_loop"]
    return _timing(name, f) | {
        "max_ms": ol["max_ms"],
        "accepted": f"{c['accepted']}/{ol['valid_clicks']}",
        "error_notices": sum(ol["error_notices"].values()),
        "non_2xx": ol["non_2xx"],
        "over_2s": ol["later_than_2s"],
        "over_3s": ol["later_than_3s"],
        "shared_card": c["shared_card"],
        "summary": f["summary"]["count"],
        "429": f"{f['connector']['429_total']}+{ol['http_429']}",
        "extra_refused": (
            None
            if ol["persons_with_extra_refused"] is None
            else f"{ol['persons_with_extra_refused']}/{ol['persons']}"
        ),
        "targets": _targets(f),
    }


def _table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    keys = list(rows[0])
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    out += [
        "| " + " | ".join("—" if r[k] is None else str(r[k]) for k in keys) + " |" for r in rows
    ]
    return out


def summarize(folder: Path) -> dict[str, Any]:
    runs = _load(folder)
    closed = [closed_row(n, f) for n, f in runs.items() if "open_loop" not in f]
    opened = [open_row(n, f) for n, f in runs.items() if "open_loop" in f]
    auth: dict[str, Any] = {}
    if "votes-closed" in runs and "votes-closed-auth" in runs:
        plain, signed = (
            runs["votes-closed"]["ours"]["rps"],
            runs["votes-closed-auth"]["ours"]["rps"],
        )
        floor = runs["votes-closed-auth"]
        auth = {
            "ours_rps_without_auth": plain,
            "ours_rps_with_auth": signed,
            "ours_ms_per_request_added": round(1000 / signed - 1000 / plain, 2)
            if plain and signed
            else None,
            "sdk_floor_rps_with_auth": floor.get("sdk_floor", {}).get("median", {}).get("rps"),
            "sdk_floor_rps_without_auth": floor.get("sdk_floor_noauth", {})
            .get("median", {})
            .get("rps"),
        }
        a, b = auth["sdk_floor_rps_with_auth"], auth["sdk_floor_rps_without_auth"]
        auth["sdk_floor_ms_per_request_added"] = round(1000 / a - 1000 / b, 2) if a and b else None
    first = next(iter(runs.values()), {})
    profile = runs.get("votes-closed-pyspy", {}).get("profile")
    return {
        "app_source": first.get("app_source"),
        "date": first.get("date"),
        "machine": first.get("machine"),
        "closed_loop": closed,
        "open_loop": opened,
        "auth_cost": auth,
        "profile": profile,
    }


def markdown(s: dict[str, Any]) -> str:
    out = [
        f"# Issue 13 bench: {s['app_source']}, {s['date']}",
        "",
        "machine: {nproc} cpu, {cpu}, Python {python}, {system}; load average at the first "
        "run's start {load}".format(
            load=(s["machine"] or {}).get("load_avg_1_5_15"), **(s["machine"] or {})
        )
        if s["machine"]
        else "machine: ?",
        "",
        "## Closed loop, concurrency 50 (targets: ours / same-card ceiling ≥ 0.20, p99 ≤ 250 ms)",
        "",
        *_table(s["closed_loop"]),
        "",
        "## Open loop: 300 persons × clicks at once over 1 s (targets: all accepted, "
        "p99 ≤ 2 s, max ≤ 3 s, 0 errors, totals = acknowledged, 0 × 429)",
        "",
        *_table(s["open_loop"]),
        "",
    ]
    if s["auth_cost"]:
        a = s["auth_cost"]
        out += [
            "## Authentication (votes, closed loop)",
            "",
            f"ours {a['ours_rps_without_auth']} req/s without auth, {a['ours_rps_with_auth']} "
            f"with (consecutive runs): {a['ours_ms_per_request_added']} ms per request; SDK "
            f"floor {a['sdk_floor_rps_without_auth']} → {a['sdk_floor_rps_with_auth']} req/s "
            f"(same run): {a['sdk_floor_ms_per_request_added']} ms per request.",
            "",
        ]
    if s["profile"]:
        from bench.profile import render

        out += ["## py-spy (votes, closed loop)", "", "```", *render(s["profile"]), "```", ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    folder = Path(argv[1])
    summary = summarize(folder)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    text = markdown(summary)
    (folder / "summary.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    ROOT = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv))
