"""One JSON line per event, with a correlation id per activity or job (STYLE §4 Logging).

Log calls name an event and pass plain fields in `extra`: session id, phase, counts,
durations. Never idea text, names, AAD ids, raw activities or card payloads. Two guards
back that up here: an `extra` field with a personal-sounding name is written as
"[redacted]", and an exception is written as its type and frames without its message,
because a message may quote data (a pydantic error quotes its input, a KeyError its key).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import secrets
import sys
import time
import traceback
from typing import Awaitable, Callable, Iterator

import orjson

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")

# Attributes every LogRecord has; anything else came in through `extra`.
_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}
# `extra` keys that would carry personal data or user text: never written as given.
REDACTED_FIELDS = frozenset(
    {
        "aad",
        "aad_id",
        "aad_object_id",
        "activity",
        "body",
        "card",
        "department",
        "display_name",
        "email",
        "from",
        "from_",
        "idea",
        "ideas",
        "members",
        "mentions",
        "payload",
        "roster",
        "text",
        "topic",
        "uid",
        "user",
        "user_id",
        "user_name",
    }
)
REDACTED = "[redacted]"
# The SDK's msrest logs whole HTTP bodies at DEBUG, aiohttp.access every request: keep them
# quiet whatever our level.
QUIET_LOGGERS = ("msrest", "botframework", "botbuilder", "urllib3", "msal", "aiohttp.access")


def new_correlation_id() -> str:
    return secrets.token_hex(8)


@contextlib.contextmanager
def correlated() -> Iterator[str]:
    """A fresh correlation id for one background job (a publish, a timer run, a tick)."""
    token = correlation_id.set(new_correlation_id())
    try:
        yield correlation_id.get()
    finally:
        correlation_id.reset(token)


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def exception_without_message(exc: BaseException | None) -> str:
    """The traceback (causes first, as Python prints it) with every message left out."""
    chain: list[BaseException] = []
    while exc is not None and all(exc is not seen for seen in chain):
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    parts = [
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_tb(e.__traceback__))
        + _type_name(e)
        for e in reversed(chain)
    ]
    return "\n\nwhich led to:\n\n".join(parts)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            "cid": correlation_id.get(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key.lower() in REDACTED_FIELDS:
                line[key] = REDACTED
            elif value is None or isinstance(value, (bool, int, float)):
                line[key] = value
            else:
                line[key] = str(value)
        if record.exc_info and record.exc_info[1] is not None:
            line["exc_type"] = _type_name(record.exc_info[1])
            line["exc"] = exception_without_message(record.exc_info[1])
        if record.stack_info:
            line["stack"] = record.stack_info
        try:  # a click's log line: orjson costs a tenth of json.dumps
            return orjson.dumps(line).decode()
        except TypeError:  # an int beyond 64 bits
            return json.dumps(line, ensure_ascii=False)


def raise_if_cancelled(exc: BaseException | None = None) -> None:
    """Call from a background loop's `except Exception`. A cancel can be swallowed on the way
    (on Python 3.11 a timeout inside redis-py may turn it into TimeoutError); the request
    still stands on the task, so honour it: else shutdown waits for a loop that never ends."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError from exc


class Backoff:
    """A background loop's pause after failed ticks: doubling up to a cap, reset on success.

    With Redis down every tick fails the same way. One line per step (0.5, 1, 2, 4, 8, 10 s)
    tells the operator; the cap step is logged once, not every 10 s; the failure metric
    counts them all. The first line has the traceback, later ones name the exception.
    """

    def __init__(
        self, log: logging.Logger, loop: str, first_s: float = 0.5, cap_s: float = 10.0
    ) -> None:
        self._log = log
        self._loop = loop
        self._first_s = first_s
        self._cap_s = cap_s
        self.failures = 0

    def delay_s(self, failures: int) -> float:
        return min(self._cap_s, self._first_s * 2 ** max(0, failures - 1))

    def failed(self, exc: BaseException) -> float:
        """Call from the except block; returns how long to wait before the next tick."""
        self.failures += 1
        delay = self.delay_s(self.failures)
        if self.failures == 1 or delay > self.delay_s(self.failures - 1):
            self._log.log(
                logging.ERROR if self.failures == 1 else logging.WARNING,
                "%s_tick_failed",
                self._loop,
                exc_info=exc if self.failures == 1 else None,
                extra={"failures": self.failures, "retry_s": delay, "error": _type_name(exc)},
            )
        return delay

    def succeeded(self) -> None:
        if self.failures:
            self._log.info("%s_tick_recovered", self._loop, extra={"failures": self.failures})
            self.failures = 0


def setup_logging(level: str) -> None:
    # Our lines name no source file, line, thread or process: skip gathering them (the
    # logging HOWTO's "Optimization"), a third of a log call on the click path.
    logging._srcfile = None  # noqa: SLF001 - the documented switch
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)


async def run_loop(
    log: logging.Logger,
    name: str,
    tick: Callable[[], Awaitable[object]],
    poll_s: float,
    *,
    failed: Callable[[], None] | None = None,
    pause: Callable[[float], Awaitable[None]] | None = None,
) -> None:
    """A background loop (publisher, timers, effects): tick, wait, back off while ticks
    fail (Backoff), each tick with its own correlation id. A cancel that a Redis call
    swallowed (Python 3.11 + redis-py) still stops it, or shutdown would wait in vain."""
    backoff = Backoff(log, name)
    while True:
        with correlated():
            try:
                await tick()
                backoff.succeeded()
                delay = poll_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - logged once per backoff step
                raise_if_cancelled(exc)
                if failed is not None:
                    failed()
                delay = max(poll_s, backoff.failed(exc))
        raise_if_cancelled()  # also when a swallowed cancel let the tick return normally
        await (pause or asyncio.sleep)(delay)
