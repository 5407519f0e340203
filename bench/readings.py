"""Figures out of a bench run: what the burst, the connector and the app's log tell.

Plain dicts, so run.py can print them (bench/report.py) and write them as JSON.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import platform
import statistics
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from bench.bursts import Burst, answer_card
from bench.connector import LIMITS, Call, ThrottledConnector
from bench.load import BurstResult
from tests.fakes.cards import walk


def as_dict(obj: Any) -> dict[str, Any]:
    return dataclasses.asdict(obj)


def machine() -> dict[str, Any]:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=5).stdout
        model = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")),
            "",
        )
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def timing(result: BurstResult) -> dict[str, Any]:
    return {
        "requests": result.requested,
        "answered_2xx": len(result.ok),
        "not_answered": result.requested - len(result.outcomes),
        "http_status": {str(k): v for k, v in result.statuses().items()},
        "timed_out": result.timed_out,
        "wall_s": round(result.wall_s, 3),
        "rps": round(result.rps, 1),
        "p50_ms": round(result.percentile_ms(50), 1),
        "p95_ms": round(result.percentile_ms(95), 1),
        "p99_ms": round(result.percentile_ms(99), 1),
    }


def _refusal_text(card: dict[str, Any]) -> str:
    """The notice a refused click shows (an Attention-coloured line), to group refusals."""
    for node in walk(card.get("body", [])):
        if node.get("type") == "TextBlock" and node.get("color") == "Attention":
            return str(node.get("text", ""))
    return "(no notice in the answer)" if card else "(no card in the answer)"


def burst_figures(
    burst: Burst, result: BurstResult, final: Call | None, updates: list[Call]
) -> dict[str, Any]:
    pairs = [(burst.activities[o.index], o) for o in result.ok]
    accepted = [o for _, o in pairs if burst.accepted(o.answer())]
    refused = Counter(
        _refusal_text(answer_card(o.answer())) for _, o in pairs if not burst.accepted(o.answer())
    )
    final_count = burst.shared_count(final.card or {}) if final else None
    last_ack = max((o.done_at for o in accepted), default=None)
    first_final = next(
        (
            u
            for u in updates
            if final_count is not None and burst.shared_count(u.card or {}) == final_count
        ),
        None,
    )

    def since_ack(call: Call | None) -> float | None:
        return round(call.at - last_ack, 3) if call and last_ack is not None else None

    overruns = None
    if burst.overruns is not None:
        overruns = burst.overruns([(a, o.answer()) for a, o in pairs])
    return {
        "ours": timing(result),
        "counts": {
            "sent": burst.expected,
            "accepted": len(accepted),
            "refused": dict(refused),
            "shared_card": final_count,
            "lost_vs_shared_card": None if final_count is None else len(accepted) - final_count,
            "overruns": overruns,
        },
        "final_update": {
            "updates_during_burst": sum(1 for u in updates if u.at <= result.ended),
            "updates_after_burst": sum(1 for u in updates if u.at > result.ended),
            "last_ack_to_final_update_s": since_ack(updates[-1] if updates else None),
            "last_ack_to_first_update_with_final_count_s": since_ack(first_final),
            "update_times_s": [round(u.at - result.started, 3) for u in updates],
            "burst_wall_s": round(result.wall_s, 3),
            "counts_on_updates": [burst.shared_count(u.card or {}) for u in updates],
            # updates whose card is the same as the one before it: operations Teams did not need
            "same_as_previous": sum(1 for a, b in itertools.pairwise(updates) if a.card == b.card),
        },
    }


def connector_figures(connector: ThrottledConnector, channel_id: str) -> dict[str, Any]:
    convs = {}
    for cid, f in connector.figures().items():
        label = (
            "channel thread"
            if cid == channel_id
            else ("personal chat" if cid.startswith("a:") else cid)
        )
        convs[label] = {
            "operations": f.operations,
            "by_kind": f.by_kind,
            "peaks": {f"{w:g}s": f"{f.peaks[w]}/{most}" for w, most in LIMITS},
            "over_limit": [f"{w:g}s" for w, most in LIMITS if f.peaks[w] > most],
            "429": f.refused,
        }
    return {
        "conversations": convs,
        "429_total": len(connector.refused),
        "unexpected_calls": [f"{m} {p}" for m, p in connector.unexpected],
    }


def log_figures(path: Path) -> dict[str, Any]:
    """The app's own JSON log: warnings and errors by event, retries by status, oddities."""
    levels: Counter[str] = Counter()
    events: Counter[str] = Counter()
    retries: Counter[str] = Counter()
    paced: list[float] = []  # connector_paced: waits of 1 s or more for a pacing slot
    other: list[str] = []
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        lines = []
    for raw in lines:
        try:
            rec = json.loads(raw)
        except ValueError:
            if raw.strip():
                other.append(raw[:200])
            continue
        if not isinstance(rec, dict):
            continue
        level, event = str(rec.get("level")), str(rec.get("event"))
        levels[level] += 1
        if level in ("WARNING", "ERROR", "CRITICAL"):
            events[f"{level} {event}"] += 1
        if event == "connector_retry":
            retries[f"{rec.get('op')} {rec.get('status')}"] += 1
        if event == "connector_paced" and isinstance(rec.get("delay_s"), (int, float)):
            paced.append(float(rec["delay_s"]))
        if event in ("idea_submitted",):
            events[f"INFO {event}"] += 1
    return {
        "levels": dict(levels),
        "events": dict(events),
        "connector_retries": dict(retries),
        "paced_waits_over_1s": len(paced),
        "paced_longest_wait_s": round(max(paced), 3) if paced else None,
        "non_json_lines": len(other),
        "non_json_sample": other[:5],
    }


def ceiling_figures(rounds: list[BurstResult], ours_rps: float) -> dict[str, Any]:
    by_rps = sorted(rounds, key=lambda r: r.rps)
    median = by_rps[len(by_rps) // 2]
    rps = [round(r.rps, 1) for r in rounds]
    return {
        "rounds_rps": rps,
        "median": timing(median),
        "spread_rps": round(statistics.pstdev(rps), 1) if len(rps) > 1 else 0.0,
        "ratio": round(ours_rps / median.rps, 3) if median.rps else None,
    }
