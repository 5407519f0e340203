"""Issue 5 bench: a Digikok burst at Teams scale, and the HTTP stack's ceiling, in one run.

    .venv/bin/python bench/run.py [--participants 300] [--per-person 3] [--concurrency 50]

Starts the throttling fake Bot Connector (in this process), the real app (`python app.py`,
embedded Redis in a temp DATA_DIR), runs a session to the burst's phase, fires the burst,
waits for the shared card to settle, ends the session, stops the app; then fires the same
requests at the same concurrency at a JSON-only aiohttp handler (bench/ceiling.py, its own
process) and at the SDK alone (bench/sdk_floor.py: CloudAdapter and a fixed answer), and
prints ours / ceiling and ours / SDK floor. Everything it starts is stopped, also on error.
bench/README.md explains each figure. `--burst ideas` or `--burst votes`; `--pacing on|off`
sets CONNECTOR_PACING for the app (the per-conversation pacer; on is the app's default),
for a before/after on the same tree.

Issue 13: `--open-loop` sends each person's clicks at once at a start time drawn uniform
over `--spread-s` (seeded), no cap on requests in flight, and reports the tail, error
notices and totals against what was acknowledged (no baselines then). Closed loop adds the
same-card ceiling (bench/ceiling.py answering the app's own answer card). `--auth` runs the
app with MicrosoftAppId and locally signed tokens (bench/auth.py), and the SDK floor with
and without auth; `--py-spy PATH` profiles the app during the burst (bench/profile.py).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/run.py` puts bench/, not the repo, first

import aiohttp  # noqa: E402

from bench import auth as bench_auth  # noqa: E402
from bench import procs, profile, readings, report  # noqa: E402
from bench.bursts import BUILDERS, PENDING, SETUPS, VERBS, answer_card, catalogue  # noqa: E402
from bench.load import BurstResult, fire, fire_open  # noqa: E402
from bench.session import Driver, warmup_activities  # noqa: E402
from tests.fakes.activities import Conversation, Person  # noqa: E402
from tests.harness import processes  # noqa: E402
from tests.harness.connector import TEAMS_LIMITS, Connector  # noqa: E402

DEFAULT_INTERVAL_S = 2.0  # the app's CARD_UPDATE_INTERVAL_SECONDS default
ALLOWANCE = 3  # dots per person (the app's default): --per-person beyond it must be refused


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--per-person", type=int, default=3)
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--burst", choices=sorted(BUILDERS), default="ideas")
    p.add_argument(
        "--interval",
        type=float,
        default=None,
        help="CARD_UPDATE_INTERVAL_SECONDS for the app (unset: its default, 2)",
    )
    p.add_argument("--warmup", type=int, default=100, help="read-only clicks before each burst")
    p.add_argument("--ceiling-rounds", type=int, default=5)
    p.add_argument("--timeout", type=float, default=300.0, help="most seconds for one burst")
    p.add_argument(
        "--app-ref",
        default=None,
        help="run the app from a clean `git archive` of this ref (e.g. HEAD) "
        "instead of the working tree",
    )
    p.add_argument(
        "--pacing",
        choices=("on", "off"),
        default="on",
        help="CONNECTOR_PACING for the app: the per-conversation pacer (default on, "
        "as the app's own default)",
    )
    p.add_argument(
        "--open-loop",
        action="store_true",
        help="issue 13: each person's clicks at once, persons' start times uniform over "
        "--spread-s, no cap on requests in flight (no baselines)",
    )
    p.add_argument("--spread-s", type=float, default=1.0, help="open loop: start-time spread")
    p.add_argument("--seed", type=int, default=13, help="open loop: the start times' RNG seed")
    p.add_argument(
        "--auth",
        action="store_true",
        help="MicrosoftAppId set, tokens signed locally (bench/auth.py), a bearer on every "
        "request; the SDK floor runs with and without auth",
    )
    p.add_argument(
        "--py-spy",
        type=Path,
        default=None,
        metavar="PATH",
        help="py-spy record (raw collapsed stacks) of the app during the burst, summarized",
    )
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    p.add_argument("--keep", action="store_true", help="keep the temp folder (logs, data)")
    args = p.parse_args(argv)
    if min(args.participants, args.per_person, args.concurrency, args.ceiling_rounds) < 1:
        p.error("counts must be at least 1")
    if args.spread_s < 0:
        p.error("--spread-s must be at least 0")
    if args.burst in PENDING:
        p.error(f"the {args.burst} burst is pending: see `votes` in bench/bursts.py (issue 5)")
    return args


@dataclass(frozen=True, slots=True)
class Played:
    """What the baselines replay: the same requests, and an answer card the app really gave."""

    app_dir: Path
    warm: list[dict[str, Any]]
    measured: list[dict[str, Any]]
    answer_card: dict[str, Any]
    auth: bench_auth.Auth | None


async def run_app_session(
    args: argparse.Namespace, tmp: Path, figures: dict[str, Any], keep: contextlib.AsyncExitStack
) -> Played:
    """The real app through a whole session, from `start` to the summary. With --auth the
    key server is pushed on `keep` (the baselines check tokens against it too)."""
    interval = args.interval if args.interval is not None else DEFAULT_INTERVAL_S
    quiet_s = 2 * interval + 1.5  # two publish intervals and a tick with nothing new
    connector = Connector(limits=TEAMS_LIMITS)
    async with contextlib.AsyncExitStack() as stack:
        runner = await connector.serve()
        connector_url = connector.url
        stack.push_async_callback(runner.cleanup)
        port = processes.free_port()
        env = {
            "DATA_DIR": str(tmp / "data"),
            "TMPDIR": str(tmp / "tmp"),
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "INFO",
            "CONNECTOR_PACING": args.pacing,
        }
        if args.interval is not None:
            env["CARD_UPDATE_INTERVAL_SECONDS"] = str(args.interval)
        (tmp / "tmp").mkdir()
        app_dir = procs.export_ref(args.app_ref, tmp / "app") if args.app_ref else ROOT
        figures["app_source"] = (
            f"git archive {args.app_ref} ({procs.commit_of(args.app_ref)})"
            if args.app_ref
            else f"working tree (on {procs.commit_of('HEAD')}, uncommitted edits included)"
        )
        figures["pacing"] = args.pacing
        auth = None
        if args.auth:
            auth = await bench_auth.start(app_dir, connector_url)
            keep.push_async_callback(auth.close)
            env |= auth.env
        figures["auth"] = bool(auth)
        nb = catalogue(app_dir)
        app = await processes.start(
            "app",
            bench_auth.app_argv(auth),
            processes.child_env(env),
            tmp / "app.log",
            port,
            cwd=app_dir,
        )
        redis_pid: list[int | None] = [None]

        async def stop_app() -> None:
            redis_pid[0] = redis_pid[0] or processes.redis_pid(tmp / "tmp")  # if start-up failed
            figures["app_exit_code"] = await app.stop()
            figures["redis_left_running"] = await processes.stop_leftover_redis(redis_pid[0])

        stack.push_async_callback(stop_app)
        await app.wait_ready("/readyz", 60)
        redis_pid[0] = processes.redis_pid(tmp / "tmp")

        place = Conversation(service_url=connector_url)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            drive = Driver(
                http,
                connector,
                place,
                [app.url],
                concurrency=args.concurrency,
                nb=nb,
                auth=auth.bearer if auth else None,
            )
            played = await play(drive, args, quiet_s, figures, app.pid, tmp)
        await stack.aclose()  # stop the app (and its redis) now, before the ceiling runs
    figures["connector"] = readings.connector_figures(connector, place.conversation_id)
    figures["connector"]["429_at_s"] = [  # from the burst's start: < 0 is during the setup
        round(r.at - figures["burst_started_at"], 2) for r in connector.refused
    ]
    figures["app_log"] = readings.log_figures(tmp / "app.log")
    return Played(app_dir, *played, auth)


def due_times(args: argparse.Namespace, count: int) -> list[float]:
    """Open loop: person p's start time, uniform over the spread (seeded), for each of the
    burst's activities; the builders order them k-major, so activity i is person i % P."""
    rng = random.Random(args.seed)
    starts = [rng.uniform(0.0, args.spread_s) for _ in range(args.participants)]
    return [starts[i % args.participants] for i in range(count)]


async def measured_burst(
    drive: Driver, args: argparse.Namespace, activities: list[dict[str, Any]]
) -> BurstResult:
    if args.open_loop:
        due = due_times(args, len(activities))
        return await fire_open(
            drive.messages_url, activities, due, burst_timeout_s=args.timeout, auth=drive.auth
        )
    return await fire(
        drive.messages_url,
        activities,
        args.concurrency,
        burst_timeout_s=args.timeout,
        auth=drive.auth,
    )


async def play(
    drive: Driver,
    args: argparse.Namespace,
    quiet_s: float,
    figures: dict[str, Any],
    app_pid: int,
    tmp: Path,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Setup steps, warm-up, the measured burst, settling, `avslutt` and the summary.
    Returns the warm-up and burst activities and one answer card, for the baselines."""
    place, connector, nb = drive.place, drive.connector, drive.nb
    host = Person("Bench Vert")
    people = [Person(f"Deltaker {i:04d}") for i in range(args.participants)]
    for step in SETUPS[args.burst]:
        if step.startswith("burst:"):
            await drive.unmeasured_burst(step.removeprefix("burst:"), people)
        else:
            await drive.say(host, step)
    _, card = await drive.card_offering(VERBS[args.burst])
    warm = warmup_activities(place, people, card, args.warmup)
    await fire(drive.messages_url, warm, args.concurrency, auth=drive.auth)
    burst = BUILDERS[args.burst](place, people, args.per_person, card, nb)
    before = len(connector.sent)
    recording = None
    if args.py_spy:
        recording = await profile.record(app_pid, args.py_spy, tmp / "py-spy.log")
    try:
        result = await measured_burst(drive, args, burst.activities)
    finally:
        if recording is not None:
            figures["py_spy_exit"] = await recording.stop()
    if recording is not None:
        figures["profile"] = profile.summarize(args.py_spy)
    figures["burst_started_at"] = result.started

    def last_update() -> float | None:
        ups = drive.count_updates(burst.shared_count, before)
        return ups[-1].at if ups else None

    await drive.settle(last_update, result.ended, quiet_s, within_s=60)
    updates = drive.count_updates(burst.shared_count, before)
    if updates:  # the shared card is the one whose updates show the count
        updates = [u for u in updates if u.activity_id == updates[-1].activity_id]
    final = updates[-1] if updates else drive.newest_count_card(burst.shared_count)
    figures.update(readings.burst_figures(burst, result, final, updates))
    if args.open_loop:
        figures["open_loop"] = readings.open_loop_figures(
            burst, result, nb, args.per_person, ALLOWANCE
        )
    answers = [answer_card(o.answer()) for o in result.ok]
    sample = next((a for a in reversed(answers) if a), {})
    figures["answer_card_bytes"] = len(json.dumps(sample, ensure_ascii=False).encode())

    await drive.say(host, "avslutt")
    summary = await drive.connector.wait_for(lambda: drive.summary_in(place.conversation_id), 30)
    figures["summary"] = readings.as_dict(burst.summary_check(summary.card or {}))
    await drive.settle(lambda: connector.sent[-1].at, time.monotonic(), quiet_s, 30)
    return warm, burst.activities, sample


async def run_baseline(
    name: str,
    argv: list[str],
    args: argparse.Namespace,
    tmp: Path,
    played: Played,
    env: dict[str, str] | None = None,
    bearer: dict[str, str] | None = None,
) -> list[BurstResult]:
    """A baseline server as its own process: warm it up, then the same burst, N rounds."""
    port = processes.free_port()
    argv = [argv[0], str(port), *argv[1:]]
    proc = await processes.start(
        name, argv, processes.child_env(env or {}), tmp / f"{name}.log", port
    )
    try:
        await proc.wait_ready("/healthz", 30)
        url = proc.url + "/api/messages"
        await fire(url, played.warm, args.concurrency, auth=bearer)
        return [
            await fire(
                url,
                played.measured,
                args.concurrency,
                burst_timeout_s=args.timeout,
                auth=bearer,
            )
            for _ in range(args.ceiling_rounds)
        ]
    finally:
        await proc.stop()


async def baselines(
    args: argparse.Namespace, tmp: Path, played: Played, figures: dict[str, Any]
) -> None:
    """The same requests at the tiny and the same-card ceiling and at the SDK floor (with
    --auth: the SDK floor with auth, then without, so the difference is the token check)."""
    ours = figures["ours"]["rps"]
    rounds = await run_baseline("ceiling", ["bench/ceiling.py"], args, tmp, played)
    figures["ceiling"] = readings.ceiling_figures(rounds, ours)
    card_file = tmp / "answer-card.json"
    card_file.write_text(json.dumps(played.answer_card, ensure_ascii=False))
    argv = ["bench/ceiling.py", str(card_file)]
    rounds = await run_baseline("same_card_ceiling", argv, args, tmp, played)
    figures["same_card_ceiling"] = readings.ceiling_figures(rounds, ours)
    floor_argv = ["bench/sdk_floor.py", str(played.app_dir), str(card_file)]
    auth = played.auth
    # The SDK floor imports the app's bot/teams/auth.py: if a rewrite moved what it uses,
    # say so and go on (the app's own figures stand without it).
    try:
        rounds = await run_baseline(
            "sdk_floor",
            floor_argv,
            args,
            tmp,
            played,
            env=auth.env if auth else None,
            bearer=auth.bearer if auth else None,
        )
        figures["sdk_floor"] = readings.ceiling_figures(rounds, ours)
        if auth is not None:
            rounds = await run_baseline("sdk_floor_noauth", floor_argv, args, tmp, played)
            figures["sdk_floor_noauth"] = readings.ceiling_figures(rounds, ours)
    except Exception as exc:  # noqa: BLE001 - a baseline failed: keep the run's figures
        figures["baseline_errors"] = {"sdk_floor": f"{type(exc).__name__}: {exc}"[:800]}


async def measure(args: argparse.Namespace, tmp: Path, figures: dict[str, Any]) -> None:
    """The app's session and the baselines; the key server (--auth) lives until both are done."""
    async with contextlib.AsyncExitStack() as keep:
        played = await run_app_session(args, tmp, figures, keep)
        if not args.open_loop:
            await baselines(args, tmp, played, figures)
        if played.auth is not None:
            try:
                figures["token_validation"] = await bench_auth.validation_cost(
                    played.app_dir, played.auth, played.measured[0]
                )
            except Exception as exc:  # noqa: BLE001 - as the SDK floor: say, go on
                figures.setdefault("baseline_errors", {})["token_validation"] = (
                    f"{type(exc).__name__}: {exc}"[:800]
                )
    figures["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["targets"] = report.targets(figures)
    figures["targets_issue13"] = report.targets13(figures)


async def main(args: argparse.Namespace) -> int:
    return await procs.run_script(args, "bench", functools.partial(measure, args), report.render)


if __name__ == "__main__":
    procs.exit_with(main(parse_args(sys.argv[1:])))
