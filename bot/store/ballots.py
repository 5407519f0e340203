"""Vote rounds in Redis: the tally and the ballots of one round (keys.py tally/ballots)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from redis.asyncio import Redis

from bot.store import keys, scripts
from bot.store.answers import repeat_as_first
from bot.store.ideas import flat_meta
from bot.store.marked import MarkedScript
from bot.store.scripting import Bound


class BallotStore:
    def __init__(self, redis: Redis, seen_ttl_s: int = keys.SEEN_TTL_S) -> None:
        self._redis = redis
        self._cast = scripts.CAST_VOTE.on(redis, seen_ttl_s)
        self._click = MarkedScript(redis, scripts.VOTE_CLICK, seen_ttl_s)

    async def open_round(self, sid: str, round_: int, idea_ids: list[str]) -> None:
        """Preset every idea in play to 0 dots; reopening (after `back`) keeps cast dots."""
        if not idea_ids:
            return
        pipe = self._redis.pipeline(transaction=True)
        for idea_id in idea_ids:
            pipe.hsetnx(keys.tally(sid, round_), idea_id, 0)
        await pipe.execute()

    async def cast(
        self,
        sid: str,
        round_: int,
        activity_id: str,
        voter: str,
        idea_id: str,
        rev: int,
        allowance: int,
        cap: int,
        delta: int,
        member_tag: str = "",
    ) -> str:
        """A checked-in voter (member tag in the roster) who uses every dot is "ready".
        'ok:<left>' or a refusal code: `Cast.of` reads it."""
        box = DotBox.plenary(sid, round_, allowance, cap)
        return await box.cast(self._cast, sid, activity_id, voter, idea_id, rev, delta, member_tag)

    async def click(
        self,
        sid: str,
        round_: int,
        conv_key: str,
        activity_id: str,
        voter: str,
        member: str,
        idea_id: str,
        rev: int,
        delta: int,
        start: int,
        page_size: int,
    ) -> VoteClick:
        """A vote-card click in one round trip (VOTE_CLICK); with a cast, the shared card's
        mark goes in the same pipeline, so the session card shows the new count."""
        raw = await self._click(
            sid if delta else None,
            sid,
            activity_id,
            tally=keys.tally(sid, round_),
            ballots=keys.ballots(sid, round_),
            voter=voter,
            idea=idea_id,
            rev=rev,
            delta=delta,
            member=member,
            conv_key=conv_key,
            start=start,
            size=page_size,
            round=round_,
        )
        return VoteClick.decode(raw)

    async def in_play(self, sid: str, round_: int) -> list[str]:
        """The ideas of a round, in the order they came in."""
        return _in_order(await self._redis.hkeys(keys.tally(sid, round_)))

    async def tally(self, sid: str, round_: int) -> dict[str, int]:
        raw = await self._redis.hgetall(keys.tally(sid, round_))
        return {idea_id: int(n) for idea_id, n in raw.items()}

    async def overview(
        self, sid: str, round_: int, voter: str | None, with_tally: bool
    ) -> RoundOverview:
        """What a vote card needs before it knows its page, in one round trip."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hgetall(keys.tally(sid, round_)) if with_tally else pipe.hkeys(keys.tally(sid, round_))
        pipe.hmget(keys.ballots(sid, round_), [voter or "#none", "#voters"])
        raw, (used, voters) = await pipe.execute()
        tally = {i: int(n) for i, n in raw.items()} if with_tally else {}
        return RoundOverview(_in_order(list(raw)), tally, int(used or 0), int(voters or 0))

    async def mine(self, sid: str, round_: int, voter: str, idea_ids: list[str]) -> dict[str, int]:
        """My dots on the given ideas (one HMGET: the ballots hash holds everyone's)."""
        if not idea_ids:
            return {}
        fields = [f"{voter}:{i}" for i in idea_ids]
        values = await self._redis.hmget(keys.ballots(sid, round_), fields)
        return {i: int(v) for i, v in zip(idea_ids, values, strict=True) if v and int(v) > 0}

    async def used(self, sid: str, round_: int, voter: str) -> int:
        return int(await self._redis.hget(keys.ballots(sid, round_), voter) or 0)

    async def ready(self, sid: str, round_: int) -> int:
        """Checked-in people who have used all their votes (kept by CAST_VOTE and JOIN)."""
        return int(await self._redis.hget(keys.ballots(sid, round_), "#ready") or 0)

    async def voters(self, sid: str, round_: int) -> int:
        """How many people have at least one dot placed (kept by CAST_VOTE)."""
        return int(await self._redis.hget(keys.ballots(sid, round_), "#voters") or 0)


def _in_order(idea_ids: list[str]) -> list[str]:
    return sorted(idea_ids, key=lambda i: (len(i), i))


@dataclass(frozen=True, slots=True)
class DotBox:
    """Where CAST_VOTE puts a dot and by which rule: the plenary round's tally (voters
    counted in the roster, in the voting phase) or one group's (members counted among the
    groups, in the groups phase). The names are the script's own KEYS and ARGV."""

    tally: str
    ballots: str
    counted: str  # the hash whose `member` field says the voter counts (roster, groups)
    phase: str
    allowance: int  # dots per person
    cap: int  # dots per person on one idea
    ready_at: int  # dots placed that make a person "ready"
    must_be: str = ""  # the value `counted` must hold for the member ('' = any)

    @classmethod
    def plenary(cls, sid: str, round_: int, allowance: int, cap: int) -> DotBox:
        """A vote round's dots: a checked-in voter who uses every dot is "ready"."""
        tally, ballots = keys.tally(sid, round_), keys.ballots(sid, round_)
        return cls(tally, ballots, keys.roster(sid), "voting", allowance, cap, allowance)

    @classmethod
    def group(cls, sid: str, group: int, allowance: int) -> DotBox:
        """A group's top-3 vote: only its members, and one dot makes a member "ready"."""
        tally, ballots = keys.group_tally(sid, group), keys.group_ballots(sid, group)
        return cls(tally, ballots, keys.groups(sid), "groups", allowance, allowance, 1, str(group))

    async def cast(
        self,
        script: Bound,
        sid: str,
        aid: str,
        voter: str,
        idea: str,
        rev: int,
        delta: int,
        member: str,
    ) -> str:
        """One dot placed (delta 1) or taken back (-1): 'ok:<left>' or a refusal code."""
        dot = {"voter": voter, "idea": idea, "rev": rev, "delta": delta, "member": member}
        return await script.first(sid, aid, **asdict(self), **dot)


@dataclass(frozen=True, slots=True)
class RoundOverview:
    in_play: list[str]
    tally: dict[str, int]
    used: int
    voters: int


@dataclass(frozen=True, slots=True)
class Cast:
    """A dot's outcome (CAST_VOTE, VOTE_CLICK): in the store with `left` votes left (now, or
    on an earlier delivery of the same activity), or refused with a reason code."""

    refusal: str = ""
    left: int = 0

    @property
    def counted(self) -> bool:
        return not self.refusal

    @classmethod
    def of(cls, code: str) -> Cast:
        first = repeat_as_first(code)
        if first.startswith("ok:") and first[3:].lstrip("-").isdecimal():
            return cls("", int(first[3:]))
        return cls(first or "bad_input")


@dataclass(frozen=True, slots=True)
class VoteClick:
    """VOTE_CLICK's answer, decoded: the outcome and the clicking person's view of the page."""

    code: str  # 'look' | 'ok:<left>' | a refusal | 'gone'
    used: int = 0
    voters: int = 0
    start: int = 0
    in_play: int = 0
    ready: int = 0
    joined: int = 0
    page: tuple[str, ...] = ()
    mine: tuple[int, ...] = ()
    totals: tuple[int, ...] = ()
    meta: dict[str, str] | None = None

    @property
    def counted(self) -> bool:
        """The dot is in the store: cast now, or on an earlier delivery of this activity."""
        return self.code != "look" and Cast.of(self.code).counted

    @property
    def cast(self) -> Cast:
        return Cast.of(self.code)

    @classmethod
    def decode(cls, raw: list[object]) -> VoteClick:
        code = str(raw[0])
        if code == "gone":
            return cls(code)
        used, voters, start, in_play, ready, joined, n = (int(str(v)) for v in raw[1:8])
        page = tuple(str(v) for v in raw[8 : 8 + n])
        mine = tuple(int(str(v)) for v in raw[8 + n : 8 + 2 * n])
        totals = tuple(int(str(v)) for v in raw[8 + 2 * n : 8 + 3 * n])
        meta = flat_meta(raw[8 + 3 * n :])
        return cls(code, used, voters, start, in_play, ready, joined, page, mine, totals, meta)
