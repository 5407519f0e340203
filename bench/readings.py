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
from typing import Any, Mapping

from bench.bursts import Burst, answer_card
from bench.load import BurstResult
from tests.fakes.cards import walk
from tests.harness.connector import TEAMS_LIMITS, Connector, Sent


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
        "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()],  # other sessions' load
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
        "max_ms": round(result.max_ms, 1),
    }


def _refusal_text(card: dict[str, Any]) -> str:
    """The notice a refused click shows (an Attention-coloured line), to group refusals."""
    for node in walk(card.get("body", [])):
        if node.get("type") == "TextBlock" and node.get("color") == "Attention":
            return str(node.get("text", ""))
    return "(no notice in the answer)" if card else "(no card in the answer)"


def burst_figures(
    burst: Burst, result: BurstResult, final: Sent | None, updates: list[Sent]
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

    def since_ack(call: Sent | None) -> float | None:
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


def connector_figures(connector: Connector, channel_id: str) -> dict[str, Any]:
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
            "peaks": {f"{w:g}s": f"{f.peaks[w]}/{most}" for w, most in TEAMS_LIMITS},
            "over_limit": [f"{w:g}s" for w, most in TEAMS_LIMITS if f.peaks[w] > most],
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
    first_errors: list[str] = []  # the first ERROR records, whole (cut at 600 characters)
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
        if level in ("ERROR", "CRITICAL") and len(first_errors) < 5:
            first_errors.append(raw[:600])
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
        "first_errors": first_errors,
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


# -- issue 13: the open-loop burst ---------------------------------------------------------


def _strings(node: Any) -> Any:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def error_notice(answer: Any, nb: Mapping[str, str]) -> str | None:
    """The catalogue key of the error notice an answer shows (error.unavailable or
    error.generic, whose text ends in a reference), anywhere in the answer; else None."""
    for key in ("error.unavailable", "error.generic"):
        start = nb[key].split("{", 1)[0]
        if any(s.startswith(start) for s in _strings(answer)):
            return key
    return None


def open_loop_figures(
    burst: Burst, result: BurstResult, nb: Mapping[str, str], per_person: int, allowance: int
) -> dict[str, Any]:
    """What an open-loop burst tells beyond burst_figures: every request's fate, the tail,
    error notices, and (votes past the allowance) whether each person's extra dots were the
    ones refused."""
    errors: Counter[str] = Counter()
    http_429 = 0
    by_person: dict[str, list[bool]] = {}  # voter → accepted? per answered click
    refused_allowance: Counter[str] = Counter()
    none_left = nb["vote.none_left"].split("{", 1)[0]
    for o in result.outcomes:
        if o.status == 429:
            http_429 += 1
        answer = o.answer() if o.status else None
        key = error_notice(answer, nb) if answer is not None else None
        if key:
            errors[key] += 1
        voter = burst.activities[o.index]["from"]["aadObjectId"]
        took = 200 <= o.status < 300 and burst.accepted(answer)
        by_person.setdefault(voter, []).append(took)
        if not took and any(s.startswith(none_left) for s in _strings(answer)):
            refused_allowance[voter] += 1
    valid = len(burst.activities) if per_person <= allowance else len(by_person) * allowance
    persons_ok = None
    if per_person > allowance:  # every person: exactly `allowance` accepted, the rest refused
        extra = per_person - allowance
        persons_ok = sum(
            1
            for voter, fates in by_person.items()
            if sum(fates) == allowance and refused_allowance[voter] == extra
        )
    lags = [o.send_lag_s for o in result.outcomes]
    return {
        "valid_clicks": valid,
        "answered": len(result.outcomes),
        "not_answered_in_time": result.requested - len(result.outcomes),
        "client_errors": dict(Counter(o.error for o in result.outcomes if not o.status)),
        "non_2xx": sum(1 for o in result.outcomes if not 200 <= o.status < 300),
        "http_429": http_429,
        "error_notices": dict(errors),
        "later_than_2s": result.later_than(2.0),
        "later_than_3s": result.later_than(3.0),
        "max_ms": round(result.max_ms, 1),
        "client_send_lag_max_ms": round(max(lags) * 1000, 1) if lags else None,
        "slow_connects": {
            "over_0.5s": len(result.slow_connects_s),
            "slowest_s": [round(s, 3) for s in result.slow_connects_s[:5]],
        },
        "persons": len(by_person),
        "persons_with_extra_refused": persons_ok,
    }
