"""What the bench adds to the suites' processes (tests/harness/processes.py starts and stops
the app and the baselines by pid): a clean copy of the app at a git ref."""

from __future__ import annotations

import subprocess
from pathlib import Path

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
