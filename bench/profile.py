"""`--py-spy PATH` (issue 13): sample the app with py-spy during the burst, then summarize.

`py-spy record -p <app pid> -f raw -o PATH --nonblocking` runs from just before the burst
to just after it (SIGINT makes py-spy write the file). The raw file is collapsed stacks,
one line per distinct stack: `frame;frame;…;frame COUNT`, a frame being
`function (file:line)` (full file names, shortened here). The summary puts frames together
by function and file (lines dropped): self time (the innermost frame of a sample) over all
code, and inclusive time (the frame anywhere in the stack, counted once per sample) over
our own code (bot/).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import signal
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
OURS = re.compile(r"(^|/)bot/")
# Issue 13's suspects: share of samples whose stack holds a frame matching (inclusive).
GROUPS: tuple[tuple[str, str], ...] = (
    ("msrest serializer_helper (SDK answer serialization)", "serializer_helper ("),
    ("msrest Deserializer (Activity.deserialize)", "Deserializer."),
    ("copy.deepcopy (SDK turn)", "deepcopy ("),
    ("pydantic BaseModel.__init__ (card models)", "BaseModel.__init__ ("),
    ("pydantic model_dump", "model_dump ("),
    ("bot/cards/ (card builders)", "(bot/cards/"),
    ("redis client (parser, connection, pool)", "(redis/"),
    ("json encoder", "(json/encoder.py)"),
    ("token check (authenticate_request)", "authenticate_request ("),
)


def py_spy() -> str:
    """The py-spy next to this Python (the project's .venv), else on PATH."""
    here = Path(sys.executable).parent / "py-spy"
    found = str(here) if here.exists() else shutil.which("py-spy")
    if not found:
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy")
    return found


@dataclass
class Recording:
    process: asyncio.subprocess.Process
    out: Path
    log: Path

    async def stop(self, within_s: float = 30.0) -> int | None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGINT)  # py-spy writes the file on SIGINT
            try:
                await asyncio.wait_for(self.process.wait(), within_s)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        return self.process.returncode


async def record(pid: int, out: Path, log: Path, rate: int = 100) -> Recording:
    argv = [py_spy(), "record", "-p", str(pid), "-f", "raw", "-o", str(out)]
    argv += ["--nonblocking", "--full-filenames", "--rate", str(rate)]
    with log.open("wb") as handle:
        process = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=handle, stderr=handle
        )
    await asyncio.sleep(0.5)  # attach before the burst starts
    if process.returncode is not None:
        tail = log.read_text(errors="replace")[-500:]  # noqa: ASYNC240 - small, once
        raise RuntimeError(f"py-spy exited at once: {tail}")
    return Recording(process, out, log)


def _key(frame: str) -> str:
    m = FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    file = m["file"]
    if "site-packages/" in file:  # a package: from its name on
        file = file.split("site-packages/", 1)[1]
    elif "/bot/" in file:  # ours, wherever the app was unpacked
        file = "bot/" + file.rsplit("/bot/", 1)[1]
    elif "/lib/python" in file:  # the standard library: from the module on
        file = file.split("/lib/python", 1)[1].split("/", 1)[-1]
    return f"{m['fn']} ({file})"


def summarize(path: Path, top: int = 15) -> dict[str, Any]:
    self_time: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [
            _key(f) for f in stack.split(";") if f and not f.startswith(("process ", "thread "))
        ]
        if not frames:
            continue
        total += n
        self_time[frames[-1]] += n
        joined = ";".join(frames)
        for name, mark in GROUPS:
            if mark in joined:
                groups[name] += n
        for frame in set(frames):
            if OURS.search(frame.rsplit(" (", 1)[-1].rstrip(")")):
                ours[frame] += n

    def pct(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
        return [
            {"frame": f, "samples": n, "pct": round(100 * n / total, 1) if total else 0.0}
            for f, n in rows
        ]

    return {
        "file": str(path),
        "samples": total,
        "top_self": pct(self_time.most_common(top)),
        "top_ours_inclusive": pct(ours.most_common(top)),
        "groups_inclusive": pct([(name, groups[name]) for name, _ in GROUPS]),
    }


def render(summary: dict[str, Any]) -> list[str]:
    out = [
        f"py-spy profile of the app during the burst: {summary['samples']} samples "
        f"(raw collapsed stacks in {summary['file']})",
        "  top frames by self time:",
    ]
    out += [f"    {r['pct']:>5.1f} %  {r['frame']}" for r in summary["top_self"]]
    out.append("  top frames of our code (bot/), inclusive:")
    out += [f"    {r['pct']:>5.1f} %  {r['frame']}" for r in summary["top_ours_inclusive"]]
    out.append("  issue 13's suspects, inclusive (a sample can count in several):")
    out += [f"    {r['pct']:>5.1f} %  {r['frame']}" for r in summary.get("groups_inclusive", [])]
    return out
