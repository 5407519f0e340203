"""Issue 8 soak: whole sessions, many at once, for minutes, against the real app.

    .venv/bin/python bench/soak.py [--minutes 5] [--sessions 20] [--participants 30]

Starts the throttling fake Bot Connector (tests/harness/connector.py, in this process) and the real
app (`python app.py`, embedded Redis in a temp DATA_DIR), then keeps `--sessions` channel
sessions running side by side until the time is up, each in its own channel, each a whole
Digikok through POST /api/messages as Teams would send it: `start`, every participant
checks in (join.open, join.confirm), `neste` ×2, one idea each, `neste` until the vote
opens (groups, one presentation per group), three dots each, `avslutt`, the summary. A slot
starts its next session when one ends; sessions running when the time is up are finished
(bounded), not cut.

Prints, and with --json writes: sessions done, requests by status, errors (HTTP ≥ 400,
no answer, an answer card saying something broke, a card that never came, a refused
check-in or idea, a summary whose counts differ from the session's), the app's RSS at
start / after a minute / middle / end with samples in between and a stated bound on its
growth, Redis memory (INFO used_memory) per session with the keys by family (MEMORY
USAGE), the timer queue left at the end, and the 429s the connector sent. Each session's
summary card is checked against what the bot accepted in it (check-ins, ideas, dots).
`--app-ref HEAD` runs a `git archive` of the committed app instead of the working tree.
Every wait polls with a deadline; nothing is asserted on speed (STYLE 3.1). Everything it
starts is stopped, also on error or Ctrl-C. Exit code 1 if anything went wrong: an error
above, an app ERROR or WARNING line but the start-up `auth_disabled`, a 429, RSS past the
bound.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import re
import statistics
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/soak.py` puts bench/, not the repo, first

import aiohttp  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from bench import procs, readings  # noqa: E402
from bench.bursts import Catalogue, _count, _pattern, catalogue, offers  # noqa: E402
from tests.fakes.activities import Conversation, Person  # noqa: E402
from tests.fakes.cards import texts, walk  # noqa: E402
from tests.harness import processes  # noqa: E402
from tests.harness.connector import TEAMS_LIMITS, Connector, Sent  # noqa: E402

ROLES = ("citizen", "employee", "business", "volunteer", "student", "other")
MAX_STEPS_TO_VOTE = 12  # groups 1 and 2, one per presenting group, then the vote
MB = 1024 * 1024
# The stated bound: from the end of the first minute (imports, pools, caches warm) to the
# end, the app's RSS grows by at most this fraction of its first-minute size, plus slack.
RSS_GROWTH_BOUND = 0.10
RSS_SLACK_MB = 16.0
EXPECTED_WARNINGS = ("WARNING auth_disabled",)  # anonymous mode: no app id in the soak


def log_trouble(log: dict[str, Any]) -> dict[str, int]:
    """The app's ERROR and WARNING events but the expected start-up warning."""
    return {
        k: v
        for k, v in log["events"].items()
        if k.startswith(("ERROR", "CRITICAL", "WARNING")) and not k.startswith(EXPECTED_WARNINGS)
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=5.0, help="how long to keep starting sessions")
    p.add_argument("--sessions", type=int, default=20, help="sessions running at once")
    p.add_argument("--participants", type=int, default=30, help="people in each session")
    p.add_argument("--dots", type=int, default=3, help="votes each person casts")
    p.add_argument("--concurrency", type=int, default=64, help="requests in flight at most")
    p.add_argument("--sample-s", type=float, default=10.0, help="seconds between RSS samples")
    p.add_argument("--card-wait-s", type=float, default=120.0, help="most seconds for one card")
    p.add_argument(
        "--log-level", default="WARNING", help="the app's LOG_LEVEL (INFO logs every event)"
    )
    p.add_argument(
        "--app-ref",
        default=None,
        help="run the app from a clean `git archive` of this ref (e.g. HEAD) "
        "instead of the working tree",
    )
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    p.add_argument("--keep", action="store_true", help="keep the temp folder (logs, data)")
    args = p.parse_args(argv)
    if min(args.sessions, args.participants, args.dots, args.concurrency) < 1:
        p.error("counts must be at least 1")
    if args.minutes <= 0:
        p.error("--minutes must be positive")
    return args


# -- the connector: bounded memory over minutes --------------------------------------------


@dataclass(frozen=True, slots=True)
class Seen:
    seq: int  # accepted-call number, across the run
    call: Sent


@dataclass
class SoakConnector(Connector):
    """The fake connector with Teams' per-conversation limits, 429 + Retry-After) that keeps
    only each channel's latest calls and counts the rest: the bench must not be what grows."""

    keep_per_channel: int = 400
    seq: Any = field(default_factory=lambda: itertools.count(1))
    recent: dict[str, deque[Seen]] = field(default_factory=dict)
    accepted: Counter[str] = field(default_factory=Counter)
    throttled: int = 0

    def _accept(self, kind: str, cid: str, aid: str, body: dict[str, Any]) -> None:
        channel = cid.split(";", 1)[0]
        kept = self.recent.setdefault(channel, deque(maxlen=self.keep_per_channel))
        kept.append(Seen(next(self.seq), Sent(kind, cid, aid, body, self.clock())))
        self.accepted[kind] += 1

    def trim(self) -> None:
        """Count the 429s sent so far and let the records go (the connector keeps them)."""
        self.throttled += len(self.refused)
        self.refused.clear()
        self.sent.clear()

    def mark(self) -> int:
        return next(self.seq)  # a number no earlier call has: "newer than now"

    def newest(self, channel: str, since: int, match: Callable[[Seen], bool]) -> Seen | None:
        for seen in reversed(self.recent.get(channel, ())):
            if seen.seq < since:
                return None
            if match(seen):
                return seen
        return None


# -- one session ----------------------------------------------------------------------------


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)  # HTTP status (0: no answer)
    errors: Counter[str] = field(default_factory=Counter)  # kind → count
    examples: dict[str, str] = field(default_factory=dict)  # kind → first example
    sessions_done: int = 0
    sessions_failed: int = 0
    session_s: list[float] = field(default_factory=list)
    votes_refused: int = 0  # a dot past an allowance: the bot said no, as it should
    checked_in: int = 0  # accepted by the bot, over all sessions
    ideas: int = 0
    votes: int = 0

    def error(self, kind: str, example: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, example[:300])


class SessionFailed(Exception):
    pass


@dataclass
class Soak:
    http: aiohttp.ClientSession
    url: str
    connector: SoakConnector
    nb: Catalogue
    tally: Tally
    gate: asyncio.Semaphore
    card_wait_s: float
    connector_url: str = ""

    async def post(self, activity: dict[str, Any], what: str) -> Any:
        async with self.gate:
            try:
                async with self.http.post(self.url, json=activity) as resp:
                    status, raw = resp.status, await resp.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                self.tally.statuses[0] += 1
                self.tally.error("no answer", f"{what}: {type(exc).__name__}")
                return None
        self.tally.statuses[status] += 1
        if status >= 400:
            self.tally.error(f"HTTP {status}", f"{what}: {raw[:200]!r}")
            return None
        answer = json.loads(raw) if raw else None
        if isinstance(answer, dict) and isinstance(answer.get("value"), dict):
            shown = " ".join(texts(answer["value"]))
            for key in ("error.generic", "error.unavailable"):
                if self.nb[key].split("{")[0].strip() in shown:
                    self.tally.error(f"card says {key}", f"{what}: {shown[:200]}")
        return answer

    async def card(
        self,
        channel: str,
        since: int,
        verb: str | None,
        title: str = "",
        thread: str = "",
    ) -> Seen:
        """The newest call since `since` in the channel: a card offering `verb`, a card
        showing `title`, or (thread) any message the bot posted in that thread. Waits."""

        def match(seen: Seen) -> bool:
            if thread:
                return seen.call.kind == "send" and seen.call.conversation_id == thread
            card = seen.call.card
            if card is None:
                return False
            if verb is not None:
                return offers(card, verb) is not None
            return title in texts(card)

        deadline = time.monotonic() + self.card_wait_s
        while time.monotonic() < deadline:
            if found := self.connector.newest(channel, since, match):
                return found
            await asyncio.sleep(0.1)
        what = verb or title or f"an answer in {thread}"
        self.tally.error("card never came", f"{what} in {channel}")
        raise SessionFailed(what)

    async def to_voting(self, place: Conversation, host: Person) -> None:
        """`neste` until the bot says the vote has begun. Presentations take one `neste` per
        group, and the groups depend on who checked in, so the count is not fixed; each
        `neste` waits for the bot's answer, so none skips past the vote."""
        started = self.nb["phase.started"].format(phase=self.nb["phase.voting"])

        def voting(seen: Seen) -> bool:
            call = seen.call
            return (
                call.body.get("text") == started or offers(call.card or {}, "vote.cast") is not None
            )

        for _ in range(MAX_STEPS_TO_VOTE):
            since = self.connector.mark()
            await self.post(place.message(host, "neste"), "neste")
            await self.card(place.channel, since, None, thread=place.conversation_id)
            for _ in range(20):  # the phase's messages come together: look for 2 s
                if self.connector.newest(place.channel, since, voting):
                    return
                await asyncio.sleep(0.1)
        self.tally.error("vote never began", f"{place.channel}: {MAX_STEPS_TO_VOTE} × neste")
        raise SessionFailed("voting")

    async def clicks(self, activities: list[tuple[dict[str, Any], str]]) -> list[Any]:
        return await asyncio.gather(*(self.post(a, what) for a, what in activities))

    def taken(self, answers: list[Any], key: str) -> int:
        """How many invoke answers show the catalogue line `key` (up to its first {…})."""
        head = self.nb[key].split("{")[0]
        return sum(
            1
            for answer in answers
            if isinstance(answer, dict)
            and any(t.startswith(head) for t in texts(answer.get("value") or {}))
        )

    def check_summary(self, channel: str, summary: dict[str, Any], expect: dict[str, int]) -> None:
        """The summary card's counts against what the bot accepted in this session."""
        for key, want in expect.items():
            got = _count(summary, _pattern(self.nb, key))
            if got != want:
                self.tally.error(
                    f"summary {key} off", f"{channel}: accepted {want}, summary says {got}"
                )

    async def session(self, slot: int, n: int, people: list[Person], dots: int) -> None:
        host = people[0]
        crowd = people[1:]
        place = Conversation(
            service_url=self.connector_url,
            channel=f"19:soak-{slot:02d}@thread.tacv2",
            thread_root=f"{1_700_000_000_000 + n}",
        )
        channel = place.channel
        since = self.connector.mark()
        await self.post(place.message(host, f"start Soak {slot}-{n}"), "start")
        session_card = await self.card(channel, since, "join.open")
        join = offers(session_card.call.card or {}, "join.open") or {}
        forms = await self.clicks([(place.invoke(p, join), "join.open") for p in crowd])
        confirms = [
            offers((f or {}).get("value") or {}, "join.confirm") if f else None for f in forms
        ]
        joined = await self.clicks(
            [
                (
                    place.invoke(p, c, {"role": ROLES[i % len(ROLES)], "department": "Soak"}),
                    "join.confirm",
                )
                for i, (p, c) in enumerate(zip(crowd, confirms, strict=True))
                if c is not None
            ]
        )
        checked_in = self.taken(joined, "join.done")
        if checked_in != len(crowd):
            self.tally.error("check-in refused", f"{channel}: {checked_in} of {len(crowd)}")
        since = self.connector.mark()
        for _ in range(2):
            await self.post(place.message(host, "neste"), "neste")
        idea_card = await self.card(channel, since, "idea.submit")
        submit = offers(idea_card.call.card or {}, "idea.submit") or {}
        submitted = await self.clicks(
            [
                (
                    place.invoke(p, submit, {"idea": f"Soak-idé {slot}-{n}-{i}: trygg skolevei"}),
                    "idea",
                )
                for i, p in enumerate(crowd)
            ]
        )
        ideas = self.taken(submitted, "idea.received")
        if ideas != len(crowd):
            self.tally.error("idea refused", f"{channel}: {ideas} of {len(crowd)}")
        since = self.connector.mark()
        await self.to_voting(place, host)
        vote_card = await self.card(channel, since, "vote.cast")
        buttons = [
            node["data"]
            for node in walk((vote_card.call.card or {}).get("body", []))
            if node.get("type") == "Action.Execute"
            and node.get("verb") == "vote.cast"
            and node["data"].get("delta") == 1
        ]
        if buttons:
            answers = await self.clicks(
                [
                    (place.invoke(p, buttons[(i + k) % len(buttons)]), "vote")
                    for k in range(dots)
                    for i, p in enumerate(crowd)
                ]
            )
            votes = self.taken(answers, "vote.counted")
            self.tally.votes_refused += sum(1 for a in answers if a is not None) - votes
        else:
            votes = 0
            self.tally.error("vote card without buttons", f"{channel} session {n}")
        since = self.connector.mark()
        await self.post(place.message(host, "avslutt"), "avslutt")
        summary = await self.card(channel, since, None, title=self.nb["summary.title"])
        expect = {"summary.participants": checked_in, "summary.ideas": ideas}
        self.check_summary(channel, summary.call.card or {}, expect | {"summary.votes": votes})
        self.tally.checked_in += checked_in
        self.tally.ideas += ideas
        self.tally.votes += votes

    async def slot(self, slot: int, until: float, participants: int, dots: int) -> None:
        people = [Person(f"Soak {slot:02d}-{i:02d}") for i in range(participants + 1)]
        for n in itertools.count(1):
            if time.monotonic() >= until:
                return
            started = time.monotonic()
            try:
                await self.session(slot, n, people, dots)
            except SessionFailed:
                self.tally.sessions_failed += 1
                continue
            self.tally.sessions_done += 1
            self.tally.session_s.append(time.monotonic() - started)


# -- readings ------------------------------------------------------------------------------


@dataclass
class Sample:
    at_s: float
    app_rss_mb: float
    redis_rss_mb: float
    redis_used_mb: float
    sessions_done: int


async def redis_memory(redis: Redis) -> float:
    info = await redis.info("memory")
    return float(info["used_memory"]) / MB


SESSION_KEY = re.compile(r"^dk:\{(?!timers\}|pace\})[^}]+\}:([a-z_]+)(:.*)?$")


def key_kind(key: str) -> str:
    """A key's family in bot/store/keys.py: dk:{sid}:tally:1 → dk:{sid}:tally:*."""
    if m := SESSION_KEY.match(key):
        return f"dk:{{sid}}:{m.group(1)}" + (":*" if m.group(2) else "")
    parts = key.split(":")
    return ":".join(parts[:2]) + (":*" if len(parts) > 2 else "")


async def key_census(redis: Redis, within_s: float = 60.0) -> dict[str, dict[str, Any]]:
    """Keys and MEMORY USAGE (bytes, with Redis' own overhead) by family, and whether
    they expire (TTL set). Bounded: a SCAN in batches, at most within_s."""
    deadline = time.monotonic() + within_s
    found: dict[str, dict[str, Any]] = {}
    async for batch in _batches(redis.scan_iter(count=1000), 500):
        if time.monotonic() > deadline:
            break
        pipe = redis.pipeline(transaction=False)
        for key in batch:
            pipe.memory_usage(key)
            pipe.ttl(key)
        replies = await pipe.execute()
        for key, used, ttl in zip(batch, replies[::2], replies[1::2], strict=True):
            row = found.setdefault(
                key_kind(key), {"keys": 0, "bytes": 0, "with_ttl": 0, "example": key}
            )
            row["keys"] += 1
            row["bytes"] += used or 0
            row["with_ttl"] += 1 if ttl is not None and ttl >= 0 else 0
    return dict(sorted(found.items(), key=lambda kv: -kv[1]["bytes"]))


async def timers_due(redis: Redis) -> dict[str, Any]:
    """The shared timer queue at the end: entries left, and how far ahead they fall due
    (an ended session's timers stay until their due time, then are dropped as stale)."""
    now_s, _ = await redis.time()
    due = await redis.zrange("dk:{timers}:due", 0, -1, withscores=True)
    ahead = sorted(score / 1000 - now_s for _, score in due)
    return {
        "entries": len(due),
        "sessions": len({member.split(":", 1)[0] for member, _ in due}),
        "due_in_s": [round(ahead[0]), round(ahead[-1])] if ahead else None,
    }


async def _batches(keys: Any, size: int) -> Any:
    batch: list[str] = []
    async for key in keys:
        batch.append(key)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rss_mb(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    # VmRSS from /proc (Linux): no psutil, which is not among the project's requirements
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / MB  # kB
    return float("nan")


async def sample(app_pid: int, redis_pid: int | None, redis: Redis, tally: Tally, t0: float):
    return Sample(
        at_s=time.monotonic() - t0,
        app_rss_mb=rss_mb(app_pid),
        redis_rss_mb=rss_mb(redis_pid),
        redis_used_mb=await redis_memory(redis),
        sessions_done=tally.sessions_done,
    )


async def sampler(
    app_pid: int,
    redis_pid: int | None,
    redis: Redis,
    tally: Tally,
    t0: float,
    every_s: float,
    out: list[Sample],
) -> None:
    while True:
        out.append(await sample(app_pid, redis_pid, redis, tally, t0))
        await asyncio.sleep(every_s)


def slope_mb_per_min(samples: list[Sample]) -> float:
    if len(samples) < 3:
        return float("nan")
    xs = [s.at_s / 60 for s in samples]
    ys = [s.app_rss_mb for s in samples]
    return statistics.linear_regression(xs, ys).slope


def memory_figures(samples: list[Sample], load_s: float) -> dict[str, Any]:
    under_load = [s for s in samples if s.at_s <= load_s + 1] or samples
    first_minute = next((s for s in under_load if s.at_s >= 60), under_load[0])
    middle = min(under_load, key=lambda s: abs(s.at_s - load_s / 2))
    end = samples[-1]
    allowed = first_minute.app_rss_mb * (1 + RSS_GROWTH_BOUND) + RSS_SLACK_MB
    after_warmup = [s for s in under_load if s.at_s >= first_minute.at_s]
    return {
        "app_rss_mb": {
            "start": round(samples[0].app_rss_mb, 1),
            "after_1_min": round(first_minute.app_rss_mb, 1),
            "middle": round(middle.app_rss_mb, 1),
            "end": round(end.app_rss_mb, 1),
            "peak": round(max(s.app_rss_mb for s in samples), 1),
        },
        "bound": (
            f"end ≤ after_1_min × {1 + RSS_GROWTH_BOUND:.2f} + {RSS_SLACK_MB:.0f} MB "
            f"= {allowed:.1f} MB"
        ),
        "bound_held": end.app_rss_mb <= allowed,
        "slope_after_1_min_mb_per_min": round(slope_mb_per_min(after_warmup), 2),
        "redis_rss_mb": {
            "start": round(samples[0].redis_rss_mb, 1),
            "end": round(end.redis_rss_mb, 1),
        },
        # [seconds, app RSS MB, Redis used MB, sessions done]
        "samples": [
            [round(s.at_s), round(s.app_rss_mb, 1), round(s.redis_used_mb, 2), s.sessions_done]
            for s in samples
        ],
    }


# -- the run ---------------------------------------------------------------------------------


async def run(args: argparse.Namespace, tmp: Path, figures: dict[str, Any]) -> None:
    connector = SoakConnector(limits=TEAMS_LIMITS)
    tally = Tally()
    samples: list[Sample] = []
    async with contextlib.AsyncExitStack() as stack:
        runner = await connector.serve()
        connector_url = connector.url
        stack.push_async_callback(runner.cleanup)
        port = processes.free_port()
        (tmp / "tmp").mkdir()
        env = {
            "DATA_DIR": str(tmp / "data"),
            "TMPDIR": str(tmp / "tmp"),
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "LOG_LEVEL": args.log_level,
        }
        app_dir = procs.export_ref(args.app_ref, tmp / "app") if args.app_ref else ROOT
        figures["app_source"] = (
            f"git archive {args.app_ref} ({procs.commit_of(args.app_ref)})"
            if args.app_ref
            else f"working tree (on {procs.commit_of('HEAD')}, uncommitted edits included)"
        )
        app = await processes.start(
            "app", ["app.py"], processes.child_env(env), tmp / "app.log", port, cwd=app_dir
        )
        redis_pid: list[int | None] = [None]

        async def stop_app() -> None:
            redis_pid[0] = redis_pid[0] or processes.redis_pid(tmp / "tmp")
            figures["app_exit_code"] = await app.stop()
            figures["redis_left_running"] = await processes.stop_leftover_redis(redis_pid[0])

        stack.push_async_callback(stop_app)
        await app.wait_ready("/readyz", 60)
        redis_pid[0] = processes.redis_pid(tmp / "tmp")
        sockets = sorted((tmp / "tmp").glob("*/redis.socket"))
        if not sockets:
            raise RuntimeError("the app's embedded Redis socket was not found under TMPDIR")
        redis = Redis.from_url(f"unix://{sockets[0]}", decode_responses=True)
        stack.push_async_callback(redis.aclose)
        used_before = await redis_memory(redis)
        keys_before = await redis.dbsize()

        t0 = time.monotonic()
        until = t0 + args.minutes * 60
        pid = app.pid
        sampling = asyncio.create_task(
            sampler(pid, redis_pid[0], redis, tally, t0, args.sample_s, samples)
        )

        async def trim() -> None:
            while True:
                await asyncio.sleep(5)
                connector.trim()

        trimming = asyncio.create_task(trim())
        limit = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=args.concurrency)
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(connector=limit, timeout=timeout) as http:
            soak = Soak(
                http,
                app.url + "/api/messages",
                connector,
                catalogue(app_dir),
                tally,
                asyncio.Semaphore(args.concurrency),
                args.card_wait_s,
                connector_url=connector_url,
            )
            slots = [
                asyncio.create_task(soak.slot(i, until, args.participants, args.dots))
                for i in range(args.sessions)
            ]
            finish_s = args.minutes * 60 + 5 * args.card_wait_s  # sessions running at the end
            try:
                async with asyncio.timeout(finish_s):
                    await asyncio.gather(*slots)
            except TimeoutError:
                tally.error("sessions still running at the hard stop", f"after {finish_s:.0f} s")
            finally:
                for task in slots:
                    task.cancel()
                await asyncio.gather(*slots, return_exceptions=True)
        load_s = time.monotonic() - t0
        await asyncio.sleep(5)  # the last card updates (two publish intervals) settle
        sampling.cancel()
        trimming.cancel()
        await asyncio.gather(sampling, trimming, return_exceptions=True)
        samples.append(await sample(pid, redis_pid[0], redis, tally, t0))
        used_after = await redis_memory(redis)
        keys_after = await redis.dbsize()
        census = await key_census(redis)
        figures["timers_due"] = await timers_due(redis)
        connector.trim()
        done = max(1, tally.sessions_done)
        figures["load_s"] = round(load_s, 1)
        figures["sessions"] = {
            "done": tally.sessions_done,
            "failed": tally.sessions_failed,
            "median_s": round(statistics.median(tally.session_s), 1) if tally.session_s else None,
            "max_s": round(max(tally.session_s), 1) if tally.session_s else None,
        }
        figures["requests"] = {
            "total": sum(tally.statuses.values()),
            "by_status": dict(sorted(tally.statuses.items())),
            "per_s": round(sum(tally.statuses.values()) / load_s, 1),
            "votes_refused_by_rule": tally.votes_refused,
        }
        figures["accepted"] = {
            "checked_in": tally.checked_in,
            "ideas": tally.ideas,
            "votes": tally.votes,
        }
        figures["errors"] = {"by_kind": dict(tally.errors), "examples": tally.examples}
        figures["connector"] = {
            "accepted_by_kind": dict(connector.accepted),
            "throttled_429": connector.throttled,
            "unexpected": len(connector.unexpected),
        }
        figures["memory"] = memory_figures(samples, load_s)
        figures["redis"] = {
            "used_mb_before": round(used_before, 2),
            "used_mb_after": round(used_after, 2),
            "kb_per_session": round((used_after - used_before) * 1024 / done, 1),
            "keys_per_session": round((keys_after - keys_before) / done, 1),
            # MEMORY USAGE summed by key family, per session done (a key's own bytes with
            # Redis' overhead for it; used_memory also counts buffers and the allocator)
            "by_family_per_session": {
                kind: {
                    "keys": round(row["keys"] / done, 1),
                    "kb": round(row["bytes"] / 1024 / done, 2),
                    "expiring": f"{row['with_ttl']:.0f}/{row['keys']:.0f}",
                    "example": row["example"],
                }
                for kind, row in census.items()
            },
        }
        await stack.aclose()
    figures["app_log"] = readings.log_figures(tmp / "app.log")


def render(f: dict[str, Any]) -> str:
    m, r, s, q = f["memory"], f["redis"], f["sessions"], f["requests"]
    rss = m["app_rss_mb"]
    errors = f["errors"]["by_kind"]
    trouble = log_trouble(f["app_log"])
    lines = [
        f"Digikok soak — {f['date']}, {f['machine']['nproc']} cores ({f['machine']['cpu']}),"
        f" Python {f['machine']['python']}; {f['app_source']}",
        f"  {f['args']['sessions']} sessions at once × {f['args']['participants']} participants,"
        f" {f['args']['minutes']} min of new sessions, {f['load_s']} s under load",
        f"  sessions: {s['done']} done, {s['failed']} failed;"
        f" median {s['median_s']} s, longest {s['max_s']} s",
        f"  requests: {q['total']} ({q['per_s']}/s), by status {q['by_status']};"
        f" dots refused by the rules: {q['votes_refused_by_rule']}",
        f"  accepted: {f['accepted']['checked_in']} check-ins, {f['accepted']['ideas']} ideas,"
        f" {f['accepted']['votes']} dots (each session's summary checked against its own)",
        f"  errors: {errors or 'none'}",
        f"  app log: ERROR/WARNING events but auth_disabled: {trouble or 'none'};"
        f" levels {f['app_log']['levels']}",
        f"  connector: accepted {f['connector']['accepted_by_kind']},"
        f" 429 sent {f['connector']['throttled_429']}",
        f"  app RSS MB: start {rss['start']}, after 1 min {rss['after_1_min']},"
        f" middle {rss['middle']}, end {rss['end']}, peak {rss['peak']}",
        f"  bound: {m['bound']} → {'held' if m['bound_held'] else 'EXCEEDED'};"
        f" slope after 1 min {m['slope_after_1_min_mb_per_min']} MB/min",
        f"  Redis: used {r['used_mb_before']} → {r['used_mb_after']} MB,"
        f" {r['kb_per_session']} KB and {r['keys_per_session']} keys per session"
        f" (kept RETENTION_DAYS after the end); redis-server RSS"
        f" {m['redis_rss_mb']['start']} → {m['redis_rss_mb']['end']} MB",
        "  Redis keys per session by family (keys, KB by MEMORY USAGE, keys with a TTL):",
        *(
            f"    {kind:<24} {row['keys']:>6} keys {row['kb']:>8} KB   TTL {row['expiring']}"
            for kind, row in r["by_family_per_session"].items()
        ),
        f"  timer queue at the end: {f['timers_due']['entries']} entries for"
        f" {f['timers_due']['sessions']} sessions, due in {f['timers_due']['due_in_s']} s",
        f"  app exit code {f.get('app_exit_code')}, redis left running:"
        f" {f.get('redis_left_running')}",
    ]
    if f["errors"]["examples"]:
        lines.append("  first example of each error:")
        lines += [f"    {k}: {v}" for k, v in f["errors"]["examples"].items()]
    return "\n".join(lines)


def failed(f: dict[str, Any]) -> bool:
    return bool(
        f["errors"]["by_kind"]
        or log_trouble(f["app_log"])
        or f["connector"]["throttled_429"]
        or not f["memory"]["bound_held"]
    )


async def main(args: argparse.Namespace) -> int:
    return await procs.run_script(args, "soak", functools.partial(run, args), render, failed)


if __name__ == "__main__":
    procs.exit_with(main(parse_args(sys.argv[1:])))
