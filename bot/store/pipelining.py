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
from typing import Any, Awaitable, Sequence

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, ResponseError

from bot.service.ports import StoreUnavailable
from bot.store.connection import UNAVAILABLE

MAX_BATCH = 64  # commands in one write; a larger burst is sent as several writes

Command = tuple[Any, ...]
Call = tuple[AsyncScript, Sequence[str], Sequence[Any]]


class AutoPipeline:
    def __init__(self, redis: Redis) -> None:
        self._pool = redis.connection_pool
        self._calls: list[tuple[Command, asyncio.Future[Any]]] = []
        self._marks: dict[Command, asyncio.Future[Any]] = {}
        self._scheduled = False
        self._sending: set[asyncio.Task[None]] = set()

    async def run(self, call: Call, mark: Call | None = None) -> Any:
        """The script's reply, once it and its mark (sent after it, in the same write) are
        done. A script Redis no longer knows (it restarted) is loaded and run once more: a
        NOSCRIPT reply means it did not run."""
        reply = self._queue(call, self._calls_future())
        marked = self._queue_mark(mark) if mark is not None else None
        try:
            return await _answer(reply, call)
        finally:  # shared by the batch's clicks: one caller's cancellation is not theirs
            if marked is not None and mark is not None:
                await _answer(asyncio.shield(marked), mark)

    def _calls_future(self) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)
        return loop.create_future()

    def _queue(self, call: Call, reply: asyncio.Future[Any]) -> asyncio.Future[Any]:
        script, keys, args = call
        self._calls.append((("EVALSHA", script.sha, len(keys), *keys, *args), reply))
        return reply

    def _queue_mark(self, mark: Call) -> asyncio.Future[Any]:
        script, keys, args = mark
        command = ("EVALSHA", script.sha, len(keys), *keys, *args)
        if command not in self._marks:
            self._marks[command] = asyncio.get_running_loop().create_future()
        return self._marks[command]

    def _flush(self) -> None:
        self._scheduled = False
        batch = self._calls + list(self._marks.items())
        self._calls, self._marks = [], {}
        for start in range(0, len(batch), MAX_BATCH):
            task = asyncio.ensure_future(self._send(batch[start : start + MAX_BATCH]))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[tuple[Command, asyncio.Future[Any]]]) -> None:
        try:
            conn = await self._pool.get_connection()
        except BaseException as exc:  # noqa: BLE001 - every caller of the batch hears of it
            _fail(batch, exc)
            return
        try:
            await conn.send_packed_command(conn.pack_commands([cmd for cmd, _ in batch]))
            for _, reply in batch:
                try:
                    answer: Any = await conn.read_response()
                except ResponseError as exc:
                    answer = exc
                if reply.done():
                    continue
                if not isinstance(answer, ResponseError):
                    reply.set_result(answer)
                elif str(answer).startswith("NOSCRIPT"):
                    reply.set_exception(NoScriptError(str(answer)))
                else:
                    reply.set_exception(answer)
        except BaseException as exc:  # noqa: BLE001 - the socket's state is unknown now
            await conn.disconnect()
            _fail(batch, exc)
        finally:
            await self._pool.release(conn)


async def _answer(reply: Awaitable[Any], call: Call) -> Any:
    try:
        return await reply
    except NoScriptError:
        script, keys, args = call
        return await script(keys=list(keys), args=list(args))  # loads it, then runs it


def _fail(batch: list[tuple[Command, asyncio.Future[Any]]], exc: BaseException) -> None:
    if isinstance(exc, UNAVAILABLE):  # as the store's client says it (bot/store/connection.py)
        exc = StoreUnavailable(type(exc).__name__)
    for _, reply in batch:
        if not reply.done():
            reply.set_exception(exc)
