"""The app on its own event loop in a thread, for hypothesis: `@given` tests stay plain sync
functions (STYLE 3.4: async fixtures and @given mix badly) and every example is one or a few
real HTTP requests to the same running app, through the shared driver (tests/harness/teams.py).

The shared fake connector runs on that loop too; every card the bot sends or answers with is kept,
so fuzzed card payloads can start from the real data of a real card (then get mangled).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, TypeVar

import redis
from aiohttp.test_utils import TestClient, TestServer

from tests.fakes.activities import Conversation, Person
from tests.fakes.cards import actions, walk
from tests.harness.connector import Connector
from tests.harness.in_process import bot_app, keep_cancelling_at_shutdown
from tests.harness.teams import Answer, Teams

T = TypeVar("T")
HOST = Person("Fuzz Vert")
PEOPLE = [Person(f"Fuzz Deltaker {i}") for i in range(4)]
ROLES = ("citizen", "employee", "business", "student")
REQUEST_DEADLINE_S = 60.0


_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _line(record: logging.LogRecord) -> str:
    """ "logger: event (ExceptionType) {extra fields}": enough to tell one failure from another."""
    kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
    extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
    return f"{record.name}: {record.getMessage()} ({kind}) {extra}"


class ErrorLog(logging.Handler):
    """ERROR records from any thread (the app logs on its loop's thread)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            self.records.append(record)

    def take(self) -> list[str]:
        with self._lock:
            taken, self.records = self.records, []
        return [_line(r) for r in taken]


@dataclass(repr=False)
class Live:
    redis_url: str
    data_dir: Path
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    connector: Connector = field(default_factory=Connector)
    errors: ErrorLog = field(default_factory=ErrorLog)
    answers: list[dict[str, Any]] = field(default_factory=list)  # invoke answer cards
    client: TestClient | None = None
    connector_server: TestServer | None = None
    teams: Teams | None = None  # the shared driver, on this loop
    _thread: threading.Thread | None = None
    _redis: redis.Redis | None = None

    def __repr__(self) -> str:  # hypothesis prints it with every failing example
        return f"Live({self.client.make_url('') if self.client else 'not started'})"

    @property
    def service_url(self) -> str:
        return self.connector.url

    # -- running it ----------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._redis = redis.Redis.from_url(self.redis_url, decode_responses=True)
        self._redis.flushdb()
        logging.getLogger().addHandler(self.errors)
        self.run(self._start())

    async def _start(self) -> None:
        self.connector_server = TestServer(self.connector.app())
        await self.connector_server.start_server()
        self.connector.url = str(self.connector_server.make_url("")).rstrip("/")
        app = keep_cancelling_at_shutdown(bot_app(self.redis_url, self.data_dir))
        self.client = TestClient(TestServer(app))
        await self.client.start_server()
        place = Conversation(service_url=self.connector.url)
        self.teams = Teams.in_process(self.client, self.connector, place)

    def stop(self) -> None:
        try:
            self.run(self._stop())
        finally:
            logging.getLogger().removeHandler(self.errors)
            self.loop.call_soon_threadsafe(self.loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            self.loop.close()
            if self._redis is not None:
                self._redis.close()

    async def _stop(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self.connector_server is not None:
            await self.connector_server.close()
        nags = [t for t in asyncio.all_tasks() if t.get_name() == "test-shutdown-nag"]
        await asyncio.gather(*nags, return_exceptions=True)  # done once the app has stopped

    def run(self, coroutine: Awaitable[T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)  # type: ignore[arg-type]
        return future.result(REQUEST_DEADLINE_S)

    # -- requests --------------------------------------------------------------------------

    def post_raw(self, body: bytes, content_type: str = "application/json") -> Answer:
        assert self.teams is not None
        answer = self.run(self.teams.send_raw(body, content_type=content_type))
        if isinstance(answer.body, dict) and isinstance(answer.body.get("value"), dict):
            self.answers.append(answer.body["value"])
            del self.answers[:-200]  # the newest are the useful ones
        return answer

    def post(self, activity: Any) -> Answer:
        return self.post_raw(json.dumps(activity, ensure_ascii=False).encode())

    # -- what the bot said -----------------------------------------------------------------

    def _cards(self) -> list[dict[str, Any]]:
        return [s.card for s in list(self.connector.sent) if s.card] + list(self.answers)

    def offered(self, sid: str) -> dict[str, list[dict[str, Any]]]:
        """verb → the data of every Action.Execute of this session seen so far (cards posted,
        updated, answered; refresh actions too)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for card in self._cards():
            for node in walk(card):
                if node.get("type") == "Action.Execute" and isinstance(node.get("data"), dict):
                    data = node["data"]
                    if data.get("sid") == sid and isinstance(data.get("action"), str):
                        found.setdefault(data["action"], []).append(data)
        return found

    def input_ids(self) -> list[str]:
        """Every Input id on any card seen: the field names card forms really send."""
        return sorted(
            {
                str(node["id"])
                for card in self._cards()
                for node in walk(card)
                if str(node.get("type", "")).startswith("Input.") and "id" in node
            }
        )

    # -- sessions in known places ------------------------------------------------------------

    def session(self, place: Conversation) -> tuple[str, dict[str, str]]:
        assert self._redis is not None
        key = place.conversation_id.split(";", 1)[0]
        sid = self._redis.get(f"dk:conv:{key}") or ""
        meta = self._redis.hgetall(f"dk:{{{sid}}}:meta") if sid else {}
        return sid, meta

    def say(self, place: Conversation, person: Person, text: str) -> None:
        status, body = self.post(place.message(person, text))
        assert status in (200, 201), (text, status, body)

    def click(self, place: Conversation, person: Person, data: dict, **inputs: Any) -> dict:
        status, answer = self.post(place.invoke(person, data, inputs))
        assert status == 200, (data, status, answer)
        return answer["value"]

    def prepare(self, place: Conversation, target: str) -> None:
        """Bring the place's session to `target`: "setup", "ended", or "step:N" (N × next
        after check-in, with people checked in and ideas in). Cheap when already there."""
        sid, meta = self.session(place)
        if self._at(meta, target):
            return
        if meta.get("status") == "active":
            self.say(place, HOST, "avslutt")
        if target == "setup":
            self.say(place, HOST, "start")
            return
        self.say(place, HOST, "start Fuzz-økt")
        sid, meta = self.session(place)
        join = self.offered(sid).get("join.open", [])
        if join:
            form = self.click(place, PEOPLE[0], join[-1])
            confirm = actions(form).get("join.confirm")
            for person, role in zip(PEOPLE, ROLES, strict=True):
                if confirm:
                    self.click(place, person, confirm, role=role, department="Fuzz")
        if target == "ended":
            self.say(place, HOST, "avslutt")
            return
        steps = int(target.split(":")[1])
        for _ in range(steps):
            self.say(place, HOST, "neste")
            sid, meta = self.session(place)
            if meta.get("phase") == "ideas":
                submit = self.offered(sid).get("idea.submit", [])
                for n, person in enumerate(PEOPLE[:3]):
                    if submit:
                        self.click(place, person, submit[-1], idea=f"Fuzz-idé {n}")

    @staticmethod
    def _at(meta: dict[str, str], target: str) -> bool:
        if not meta:
            return False
        if target == "ended":
            return meta.get("status") == "ended"
        if meta.get("status") != "active":
            return False
        if target == "setup":
            return meta.get("phase") == "setup"
        return meta.get("phase") != "setup" and meta.get("step") == target.split(":")[1]
