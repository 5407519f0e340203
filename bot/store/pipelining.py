"""Clicks that arrive together go to Redis together (issue 13): one write, one read loop.

Under a burst, dozens of turns reach their one script call within the same turn of the
event loop. Each used to take a pooled connection, pack, send and read on its own: per
click a pool lock, a syscall each way and redis-py's pipeline machinery, a third of a
click's CPU in the bench's profile. `AutoPipeline` queues what the turns ask for during one
loop iteration and sends it in the next, on one connection, as one packed write; each turn
still waits for its own reply only, so it is one round trip per click as before.

Semantics are a plain pipeline's: every script is atomic on its own, and the commands of
one batch run in the order sent. Marks that ask the publisher to re-render a shared card
(`mark=`) are sent once per batch, after every script of it, so a mark always follows the
change it announces (a publisher that claims it sees all of them); duplicates collapse.
A reply that is a Redis error is raised to the turn that asked; a broken connection fails
every turn of its batch with StoreUnavailable (none of them is told "stored"), as the
one-turn path would.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Sequence

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, ResponseError

from bot.service.ports import StoreUnavailable
from bot.store.connection import UNAVAILABLE

MAX_BATCH = 64  # commands in one write; a larger burst is sent as several writes

Call = tuple[AsyncScript, Sequence[str], Sequence[Any]]


@dataclass(slots=True)
class _Entry:
    call: Call
    reply: asyncio.Future[Any]
    mark: bool = False
    forgotten: bool = field(default=False)  # NOSCRIPT: Redis restarted; it did not run

    def command(self) -> tuple[Any, ...]:
        script, keys, args = self.call
        return ("EVALSHA", script.sha, len(keys), *keys, *args)


class AutoPipeline:
    def __init__(self, redis: Redis) -> None:
        self._pool = redis.connection_pool
        self._calls: list[_Entry] = []
        self._marks: dict[tuple[Any, ...], _Entry] = {}
        self._sending: set[asyncio.Task[None]] = set()

    async def run(self, call: Call, mark: Call | None = None) -> Any:
        """The script's reply, once it and its mark (sent after it, in the same write) are
        done."""
        loop = asyncio.get_running_loop()
        if not self._calls and not self._marks:
            loop.call_soon(self._flush)
        entry = _Entry(call, loop.create_future())
        self._calls.append(entry)
        marked = self._mark(mark, loop) if mark is not None else None
        try:
            return await entry.reply
        finally:  # shared by the batch's clicks: one caller's cancellation is not theirs
            if marked is not None:
                await asyncio.shield(marked)

    def _mark(self, mark: Call, loop: asyncio.AbstractEventLoop) -> asyncio.Future[Any]:
        entry = _Entry(mark, loop.create_future(), mark=True)
        return self._marks.setdefault(entry.command(), entry).reply

    def _flush(self) -> None:
        batch = self._calls + list(self._marks.values())
        self._calls, self._marks = [], {}
        for start in range(0, len(batch), MAX_BATCH):
            task = asyncio.ensure_future(self._send(batch[start : start + MAX_BATCH]))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[_Entry]) -> None:
        try:
            conn = await self._pool.get_connection()
        except BaseException as exc:  # noqa: BLE001 - every caller of the batch hears of it
            _fail(batch, exc)
            return
        try:
            await conn.send_packed_command(conn.pack_commands([e.command() for e in batch]))
            for entry in batch:
                try:
                    _settle(entry, await conn.read_response())
                except ResponseError as exc:
                    _settle(entry, exc)
        except BaseException as exc:  # noqa: BLE001 - the socket's state is unknown now
            await conn.disconnect()
            _fail(batch, exc)
        finally:
            await self._pool.release(conn)
        if any(e.forgotten for e in batch):
            await _again(batch)


def _settle(entry: _Entry, answer: Any) -> None:
    if entry.reply.done():
        return
    if not isinstance(answer, ResponseError):
        entry.reply.set_result(answer)
    elif isinstance(answer, NoScriptError):
        entry.forgotten = True
    else:
        entry.reply.set_exception(answer)


async def _again(batch: list[_Entry]) -> None:
    """Redis restarted and forgot our scripts: load and run each that did not run, in the
    batch's order; then every mark again, so that each still follows its change."""
    scripts_again = any(e.forgotten and not e.mark for e in batch)
    for entry in batch:
        if not (entry.forgotten or (entry.mark and scripts_again)):
            continue
        script, keys, args = entry.call
        try:
            answer = await script(keys=list(keys), args=list(args))  # loads it, then runs it
        except BaseException as exc:  # noqa: BLE001 - its caller hears of it
            _fail([entry], exc)
            continue
        if not entry.reply.done():
            entry.reply.set_result(answer)


def _fail(batch: list[_Entry], exc: BaseException) -> None:
    if isinstance(exc, UNAVAILABLE):  # as the store's client says it (bot/store/connection.py)
        exc = StoreUnavailable(type(exc).__name__)
    for entry in batch:
        if not entry.reply.done():
            entry.reply.set_exception(exc)
