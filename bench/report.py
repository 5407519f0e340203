"""The issue's targets, and the text run.py prints from the readings (bench/readings.py)."""

from __future__ import annotations

from typing import Any

FINAL_UPDATE_TARGET_S = 3.0  # issue 5: the final update within 3 s of the last vote
RATIO_TARGET = 0.40  # issue 5: throughput at least 40 % of the HTTP stack's ceiling


def targets(fig: dict[str, Any]) -> list[dict[str, Any]]:
    c, u, conn = fig["counts"], fig["final_update"], fig["connector"]
    summary_lost = (
        None if fig["summary"]["count"] is None else (c["accepted"] - fig["summary"]["count"])
    )
    over = sum(len(v["over_limit"]) for v in conn["conversations"].values())
    final = u["last_ack_to_final_update_s"]
    ratio = fig["ceiling"]["ratio"]

    def row(name: str, value: Any, target: str, met: bool | None) -> dict[str, Any]:
        return {
            "name": name,
            "value": value,
            "target": target,
            "met": None if met is None else bool(met),
        }

    return [
        row(
            "lost items (accepted − shared card)",
            c["lost_vs_shared_card"],
            "0",
            c["lost_vs_shared_card"] == 0 if c["lost_vs_shared_card"] is not None else None,
        ),
        row(
            "lost items (accepted − summary)",
            summary_lost,
            "0",
            summary_lost == 0 if summary_lost is not None else None,
        ),
        row(
            "allowance overruns",
            "pending (voting)" if c["overruns"] is None else c["overruns"],
            "0",
            None if c["overruns"] is None else c["overruns"] == 0,
        ),
        row("windows over the limits", over, "0", over == 0),
        row("429s sent to the bot", conn["429_total"], "0", conn["429_total"] == 0),
        row(
            "final update after last ack (s)",
            final,
            f"≤ {FINAL_UPDATE_TARGET_S:g}",
            final is not None and final <= FINAL_UPDATE_TARGET_S,
        ),
        row(
            "throughput ours / ceiling",
            ratio,
            f"≥ {RATIO_TARGET:.2f}",
            ratio is not None and ratio >= RATIO_TARGET,
        ),
    ]


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def _timing_line(name: str, t: dict[str, Any]) -> str:
    return (
        f"  {name:<9} {t['rps']:>8.1f} req/s   p50 {t['p50_ms']:>7.1f} ms   "
        f"p95 {t['p95_ms']:>7.1f} ms   p99 {t['p99_ms']:>7.1f} ms   "
        f"({t['answered_2xx']}/{t['requests']} 2xx in {t['wall_s']:.2f} s, "
        f"status {t['http_status']})"
    )


def render(fig: dict[str, Any]) -> str:
    a, m = fig["args"], fig["machine"]
    c, u, s = fig["counts"], fig["final_update"], fig["summary"]
    ceil = fig["ceiling"]
    out = [
        f"Digikok bench, {a['burst']} burst: {a['participants']} participants × "
        f"{a['per_person']} at concurrency {a['concurrency']}   ({fig['date']})",
        f"machine: {m['nproc']} cpu, {m['cpu']}, Python {m['python']}, {m['system']}",
        f"app: {fig.get('app_source')}; pacing: {fig.get('pacing', 'app')}",
        "",
        "throughput and latency (same requests, same concurrency):",
        _timing_line("ours", fig["ours"]),
        _timing_line("ceiling", ceil["median"]),
        _timing_line("sdk floor", fig["sdk_floor"]["median"]),
        f"  ratio ours / ceiling: {ceil['ratio']}   (ceiling rounds {ceil['rounds_rps']} req/s)",
        f"  ratio ours / sdk floor: {fig['sdk_floor']['ratio']}   (sdk floor rounds "
        f"{fig['sdk_floor']['rounds_rps']} req/s; sdk floor / ceiling "
        f"{_ratio(fig['sdk_floor']['median']['rps'], ceil['median']['rps'])})",
        f"  the answer card the SDK floor replays: {fig.get('answer_card_bytes')} bytes of JSON",
        "",
        f"items: sent {c['sent']}, accepted {c['accepted']}, refused {c['refused'] or 0}",
        f"  shared card shows {c['shared_card']}; summary says {s['count']} "
        f"(lists {s['shown']}, '… og N til' {s['more']}, unknown {s['unknown']}, "
        f"duplicates {s['duplicates']})",
        f"final shared-card update: {u['last_ack_to_final_update_s']} s after the last ack "
        f"(first update with the final count: {u['last_ack_to_first_update_with_final_count_s']}"
        f" s; updates during burst {u['updates_during_burst']}, after {u['updates_after_burst']})",
        f"  updates at {u['update_times_s']} s from the burst's start (it took "
        f"{u['burst_wall_s']} s), showing {u['counts_on_updates']}",
        f"  updates identical to the one before: {u.get('same_as_previous')}",
        "",
        "connector operations per conversation (peak in any window / limit):",
    ]
    for label, v in fig["connector"]["conversations"].items():
        peaks = "  ".join(f"{w} {p}" for w, p in v["peaks"].items())
        out.append(
            f"  {label:<15} {v['operations']:>3} ops {v['by_kind']}   {peaks}   429s {v['429']}"
        )
    if fig["connector"].get("429_at_s"):
        out.append(
            f"  429s at {fig['connector']['429_at_s']} s from the burst's start"
            " (< 0: during the setup's phase changes)"
        )
    if fig["connector"]["unexpected_calls"]:
        out.append(f"  unexpected calls: {fig['connector']['unexpected_calls']}")
    log = fig["app_log"]
    out += [
        "",
        f"app: exit code {fig.get('app_exit_code')}, embedded redis left running: "
        f"{fig.get('redis_left_running')}; log levels {log['levels']}",
        f"  log events {log['events']}; connector retries {log['connector_retries'] or 0}",
        f"  pacing waits of 1 s or more: {log.get('paced_waits_over_1s', 0)} (longest "
        f"{log.get('paced_longest_wait_s')} s)",
    ]
    if log["non_json_lines"]:
        out.append(f"  {log['non_json_lines']} non-JSON log lines, e.g. {log['non_json_sample']}")
    out += ["", "targets (issue 5):"]
    for t in fig["targets"]:
        mark = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        out.append(f"  {mark:<6} {t['name']}: {t['value']} (target {t['target']})")
    return "\n".join(out)
