"""A proxy between the app and redis-server that loses a script's reply on cue.

`arm(*shas)` picks the next EVALSHA of one of those scripts: the proxy forwards it, waits
until Redis has answered (so the script ran and its writes are in), then hangs up on the
app instead of passing the answer on. The app sees a dropped connection after its command
was sent: redis-py's retry re-sends it (and the script answers 'again:…'), or a failed
turn is left to Teams' redelivery. Everything else is passed through byte for byte.

It listens on a unix socket of its own (`url`), in front of the server's socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field


def script_sha(text: str) -> str:
    """The sha redis-py's register_script sends with EVALSHA."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def parse_command(buf: bytes) -> tuple[list[bytes], int] | None:
    """One RESP request (an array of bulk strings) from the front of buf: (args, length),
    or None while it is incomplete. redis-py sends only this form."""
    if not buf:
        return None
    if buf[:1] != b"*":  # an inline command: up to the line end
        end = buf.find(b"\r\n")
        return None if end < 0 else (buf[:end].split(), end + 2)
    end = buf.find(b"\r\n")
    if end < 0:
        return None
    count, pos, args = int(buf[1:end]), end + 2, []
    for _ in range(count):
        end = buf.find(b"\r\n", pos)
        if end < 0:
            return None
        assert buf[pos : pos + 1] == b"$", buf[pos : pos + 20]
        size = int(buf[pos + 1 : end])
        start = end + 2
        if len(buf) < start + size + 2:
            return None
        args.append(buf[start : start + size])
        pos = start + size + 2
    return args, pos


@dataclass
class LostReplyProxy:
    upstream: str  # the redis-server's unix socket
    armed: list[frozenset[str]] = field(default_factory=list)  # one reply to lose, each
    lost: list[str] = field(default_factory=list)  # sha of every reply lost so far
    _dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="dkp-"))
    _server: asyncio.AbstractServer | None = None
    _pumps: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def socket_file(self) -> str:
        return os.path.join(self._dir, "proxy.sock")

    @property
    def url(self) -> str:
        return f"unix://{self.socket_file}"

    def arm(self, *shas: str) -> None:
        """Lose the reply of the next EVALSHA of any of these scripts (once)."""
        self.armed.append(frozenset(shas))

    def _hit(self, args: list[bytes]) -> bool:
        if len(args) < 2 or args[0].upper() != b"EVALSHA":
            return False
        sha = args[1].decode()
        for shas in self.armed:
            if sha in shas:
                self.armed.remove(shas)
                self.lost.append(sha)
                return True
        return False

    async def start(self) -> None:
        self._server = await asyncio.start_unix_server(self._client, path=self.socket_file)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)
        for task in list(self._pumps):
            task.cancel()
        with contextlib.suppress(OSError):
            os.unlink(self.socket_file)
            os.rmdir(self._dir)

    async def _client(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._pumps.add(task)
        try:
            s_reader, s_writer = await asyncio.open_unix_connection(self.upstream)
        except OSError:
            c_writer.close()
            self._pumps.discard(task)
            return
        losing = asyncio.Event()  # the next answer from Redis is not passed on

        async def upward() -> None:
            buf = b""
            while True:
                chunk = await c_reader.read(65536)
                if not chunk:
                    return
                buf += chunk
                out = b""
                while (parsed := parse_command(buf)) is not None:
                    args, size = parsed
                    out, buf = out + buf[:size], buf[size:]
                    if self._hit(args):
                        losing.set()  # before it is sent: its answer must not slip through
                        s_writer.write(out)
                        await s_writer.drain()
                        return  # nothing more from this client: it is hung up on
                if out:
                    s_writer.write(out)
                    await s_writer.drain()

        async def downward() -> None:
            while True:
                chunk = await s_reader.read(65536)
                if not chunk or losing.is_set():
                    return  # on losing: the script ran; its answer never reaches the app
                c_writer.write(chunk)
                await c_writer.drain()

        up, down = asyncio.create_task(upward()), asyncio.create_task(downward())
        try:
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
            if losing.is_set():  # Redis answers (the script ran), then the app is hung up on
                await asyncio.wait({down}, timeout=10)
        except asyncio.CancelledError:
            pass  # the proxy closes: both ends are hung up on below
        finally:
            for pump in (up, down):
                pump.cancel()
            for writer in (c_writer, s_writer):
                writer.close()
            self._pumps.discard(task)
