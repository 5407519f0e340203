"""The issue's targets, and the text run.py prints from the readings (bench/readings.py)."""

from __future__ import annotations

from typing import Any

FINAL_UPDATE_TARGET_S = 3.0  # issue 5: the final update within 3 s of the last vote
RATIO_TARGET = 0.40  # issue 5: throughput at least 40 % of the HTTP stack's ceiling
# issue 13
SAME_CARD_RATIO_TARGET = 0.20  # closed loop, concurrency 50: ours / same-card ceiling
CLOSED_P99_TARGET_MS = 250.0  # closed loop: our p99
OPEN_P99_TARGET_MS = 2000.0  # open loop: p99 of every click, from its due time
OPEN_MAX_TARGET_MS = 3000.0  # open loop: the slowest click


def targets(fig: dict[str, Any]) -> list[dict[str, Any]]:
    c, u, conn = fig["counts"], fig["final_update"], fig["connector"]
    summary_lost = (
        None if fig["summary"]["count"] is None else (c["accepted"] - fig["summary"]["count"])
    )
    over = sum(len(v["over_limit"]) for v in conn["conversations"].values())
    final = u["last_ack_to_final_update_s"]
    ratio = fig["ceiling"]["ratio"] if "ceiling" in fig else None
    return [
        _row(
            "lost items (accepted − shared card)",
            c["lost_vs_shared_card"],
            "0",
            c["lost_vs_shared_card"] == 0 if c["lost_vs_shared_card"] is not None else None,
        ),
        _row(
            "lost items (accepted − summary)",
            summary_lost,
            "0",
            summary_lost == 0 if summary_lost is not None else None,
        ),
        _row(
            "allowance overruns",
            "pending (voting)" if c["overruns"] is None else c["overruns"],
            "0",
            None if c["overruns"] is None else c["overruns"] == 0,
        ),
        _row("windows over the limits", over, "0", over == 0),
        _row("429s sent to the bot", conn["429_total"], "0", conn["429_total"] == 0),
        _row(
            "final update after last ack (s)",
            final,
            f"≤ {FINAL_UPDATE_TARGET_S:g}",
            final is not None and final <= FINAL_UPDATE_TARGET_S,
        ),
        _row(
            "throughput ours / ceiling",
            ratio,
            f"≥ {RATIO_TARGET:.2f}",
            None if ratio is None else ratio >= RATIO_TARGET,
        ),
    ]


def _row(name: str, value: Any, target: str, met: bool | None) -> dict[str, Any]:
    """One target; met is None when the run could not tell."""
    return {
        "name": name,
        "value": value,
        "target": target,
        "met": None if met is None else bool(met),
    }


def _at_most(name: str, ms: float, target_ms: float) -> dict[str, Any]:
    return _row(name, ms, f"≤ {target_ms:g}", ms <= target_ms)


def targets13(fig: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 13: open loop (every click right within 2 s) or closed loop (throughput)."""
    c, o = fig["counts"], fig["ours"]
    summary = fig["summary"]["count"]
    totals = _row(
        "totals = acknowledged (shared card, summary)",
        f"{c['shared_card']}, {summary} vs {c['accepted']}",
        "equal",
        c["shared_card"] == c["accepted"] == summary,
    )
    if "open_loop" not in fig:
        ratio = fig.get("same_card_ceiling", {}).get("ratio")
        return [
            _row(
                "throughput ours / same-card ceiling",
                ratio,
                f"≥ {SAME_CARD_RATIO_TARGET:.2f}",
                None if ratio is None else ratio >= SAME_CARD_RATIO_TARGET,
            ),
            _at_most("p99 (ms)", o["p99_ms"], CLOSED_P99_TARGET_MS),
            totals,
        ]
    ol = fig["open_loop"]
    rows = [
        _row(
            "every valid click accepted",
            f"{c['accepted']} of {ol['valid_clicks']}",
            "all",
            c["accepted"] == ol["valid_clicks"],
        ),
        _row(
            "answers with an error notice", ol["error_notices"] or 0, "0", not ol["error_notices"]
        ),
        _row("HTTP non-2xx (or no answer)", ol["non_2xx"], "0", ol["non_2xx"] == 0),
        _at_most("p99 (ms, from due time)", o["p99_ms"], OPEN_P99_TARGET_MS),
        _at_most("max (ms, from due time)", ol["max_ms"], OPEN_MAX_TARGET_MS),
        totals,
        _row(
            "429s (connector to app, app to client)",
            f"{fig['connector']['429_total']}, {ol['http_429']}",
            "0, 0",
            fig["connector"]["429_total"] == 0 and ol["http_429"] == 0,
        ),
    ]
    if ol["persons_with_extra_refused"] is not None:
        rows.append(
            _row(
                "persons whose dots past the allowance were refused (and the rest accepted)",
                f"{ol['persons_with_extra_refused']} of {ol['persons']}",
                "all",
                ol["persons_with_extra_refused"] == ol["persons"],
            )
        )
    return rows


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def _timing_line(name: str, t: dict[str, Any]) -> str:
    return (
        f"  {name:<9} {t['rps']:>8.1f} req/s   p50 {t['p50_ms']:>7.1f} ms   "
        f"p95 {t['p95_ms']:>7.1f} ms   p99 {t['p99_ms']:>7.1f} ms   "
        f"({t['answered_2xx']}/{t['requests']} 2xx in {t['wall_s']:.2f} s, "
        f"status {t['http_status']})"
    )


def _per_request_ms(rps: float) -> float | None:
    return 1000.0 / rps if rps else None


def _baseline_lines(fig: dict[str, Any]) -> list[str]:
    ceil, same = fig["ceiling"], fig["same_card_ceiling"]
    floor, noauth = fig.get("sdk_floor"), fig.get("sdk_floor_noauth")
    out = [
        "throughput and latency (same requests, same concurrency):",
        _timing_line("ours", fig["ours"]),
        _timing_line("same card", same["median"]),
        _timing_line("ceiling", ceil["median"]),
    ]
    if floor:
        out.append(_timing_line("sdk floor", floor["median"]))
    if noauth:
        out.append(_timing_line("sdk noauth", noauth["median"]))
    out += [
        f"  ratio ours / same-card ceiling: {same['ratio']}   (issue 13's figure; rounds "
        f"{same['rounds_rps']} req/s)",
        f"  ratio ours / ceiling: {ceil['ratio']}   (tiny answer; rounds {ceil['rounds_rps']}"
        " req/s)",
    ]
    if floor:
        out.append(
            f"  ratio ours / sdk floor: {floor['ratio']}   (sdk floor rounds "
            f"{floor['rounds_rps']} req/s; sdk floor / ceiling "
            f"{_ratio(floor['median']['rps'], ceil['median']['rps'])})"
        )
    out.append(
        f"  the answer card the same-card ceiling and the SDK floor replay: "
        f"{fig.get('answer_card_bytes')} bytes of JSON"
    )
    if floor and noauth:
        with_auth = _per_request_ms(floor["median"]["rps"])
        without = _per_request_ms(noauth["median"]["rps"])
        cost = round(with_auth - without, 2) if with_auth and without else None
        out.append(
            f"  token validation in the SDK floor: {cost} ms of wall per request at "
            f"concurrency {fig['args']['concurrency']} (sdk floor with auth "
            f"{floor['median']['rps']} vs without {noauth['median']['rps']} "
            "req/s; ours with auth vs without: compare consecutive runs)"
        )
    for name, error in fig.get("baseline_errors", {}).items():
        out.append(f"  {name} FAILED: {error}")
    return out


def _open_loop_lines(fig: dict[str, Any]) -> list[str]:
    ol, o, a = fig["open_loop"], fig["ours"], fig["args"]
    return [
        f"open loop: {a['participants']} persons × {a['per_person']} clicks at once, start "
        f"times uniform over {a['spread_s']} s (seed {a['seed']}), no cap in flight",
        f"  latency from due time: p50 {o['p50_ms']} ms, p95 {o['p95_ms']} ms, p99 "
        f"{o['p99_ms']} ms, max {ol['max_ms']} ms; later than 2 s: {ol['later_than_2s']}, "
        f"than 3 s: {ol['later_than_3s']}",
        f"  answered {ol['answered']} of {o['requests']} ({o['rps']} req/s over "
        f"{o['wall_s']} s), HTTP status {o['http_status']}, non-2xx {ol['non_2xx']}, "
        f"client errors {ol['client_errors'] or 0}",
        f"  error notices {ol['error_notices'] or 0}; HTTP 429 to the client {ol['http_429']}",
        f"  client lateness (send − due) at most {ol['client_send_lag_max_ms']} ms; "
        f"connections slower than 0.5 s to open: {ol['slow_connects']['over_0.5s']} "
        f"(slowest {ol['slow_connects']['slowest_s']} s)",
        f"  valid clicks {ol['valid_clicks']}; persons whose extra dots were refused: "
        f"{ol['persons_with_extra_refused']}",
    ]


def render(fig: dict[str, Any]) -> str:
    a, m = fig["args"], fig["machine"]
    c, u, s = fig["counts"], fig["final_update"], fig["summary"]
    mode = "open loop" if "open_loop" in fig else f"at concurrency {a['concurrency']}"
    out = [
        f"Digikok bench, {a['burst']} burst: {a['participants']} participants × "
        f"{a['per_person']} {mode}   ({fig['date']})",
        f"machine: {m['nproc']} cpu, {m['cpu']}, Python {m['python']}, {m['system']}; "
        f"load average at the start {m.get('load_avg_1_5_15')}, at the end "
        f"{fig.get('load_avg_at_end')}",
        f"app: {fig.get('app_source')}; pacing: {fig.get('pacing', 'app')}; auth: "
        f"{'on (MicrosoftAppId, signed tokens)' if fig.get('auth') else 'off (anonymous)'}",
        "",
        *(_open_loop_lines(fig) if "open_loop" in fig else _baseline_lines(fig)),
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
    for line in log.get("first_errors", []):
        out.append(f"  ERROR record: {line}")
    if log["non_json_lines"]:
        out.append(f"  {log['non_json_lines']} non-JSON log lines, e.g. {log['non_json_sample']}")
    if "token_validation" in fig:
        t = fig["token_validation"]
        out += [
            "",
            f"token validation alone (CachingAuthentication.authenticate_request, {t['calls']} "
            f"calls in the bench process): {t['validation_cpu_ms']} ms CPU per request "
            f"({t['with_auth_cpu_ms']} with the app id − {t['anonymous_cpu_ms']} anonymous; "
            f"wall {t['validation_wall_ms']} ms)",
        ]
    if "profile" in fig:
        out += ["", *profile_lines(fig["profile"])]
    for title, key in (
        ("targets (issue 5):", "targets"),
        ("targets (issue 13):", "targets_issue13"),
    ):
        out += ["", title]
        for t in fig.get(key, []):
            mark = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
            out.append(f"  {mark:<6} {t['name']}: {t['value']} (target {t['target']})")
    return "\n".join(out)


def profile_lines(summary: dict[str, Any]) -> list[str]:
    from bench.profile import render as render_profile

    return render_profile(summary)
