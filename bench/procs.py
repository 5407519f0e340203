"""What the bench adds to the suites' processes (tests/harness/processes.py starts and stops
the app and the baselines by pid): a clean copy of the app at a git ref, and the life of one
bench script (run.py, soak.py): its temp folder, its stop on SIGTERM, its exit code."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Awaitable, Callable, Coroutine, NoReturn

from bench import readings

ROOT = Path(__file__).resolve().parent.parent


def commit_of(ref: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", ref],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return out.stdout.strip() or "?"


def export_ref(ref: str, into: Path) -> Path:
    """A clean copy of the app at a git ref (`git archive`: reads the repo, writes nothing
    there), so the bench can run while others have the working tree half-edited."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        capture_output=True,
        check=True,
        timeout=60,
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True, timeout=60)
    return into


async def run_script(
    args: argparse.Namespace,
    name: str,
    measure: Callable[[Path, dict[str, Any]], Awaitable[None]],
    render: Callable[[dict[str, Any]], str],
    failed: Callable[[dict[str, Any]], bool] = lambda figures: False,
) -> int:
    """One bench run: measure into figures in a fresh temp folder, print them, write them as
    JSON if asked. SIGTERM cancels the run, so everything it started is stopped on the way
    out; a failed run keeps its logs. The exit code: 0, 1 (failed), 130 (stopped)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"digikok-{name}-"))
    figures: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": readings.machine(),
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        await measure(tmp, figures)
        print(render(figures))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
        return 1 if failed(figures) else 0
    except asyncio.CancelledError:  # SIGTERM or Ctrl-C: everything started is stopped above
        print(f"{name} stopped before the end", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the harness failed: say why, keep the logs
        print(f"{name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        args.keep = True
        return 1
    finally:
        if args.keep:
            print(f"logs and data kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def exit_with(main: Coroutine[Any, Any, int]) -> NoReturn:
    """A bench script's `__main__`: run main and exit with its code."""
    try:
        sys.exit(asyncio.run(main))
    except KeyboardInterrupt:  # Ctrl-C: main() has already stopped what it started
        sys.exit(130)
