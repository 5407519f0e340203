"""The complete record of a session (issue 6): Markdown minutes (referat) and CSV.

Everything the summary card cuts for size is here; the CSV also has the actions with owner,
due date and follow-up, and every vote round. Ideas merged before the vote (issue 18) are all
kept: the minutes list each merged candidate with its members nested beneath, and the CSV
gives each idea and input the id of the candidate it was merged into. Ideas stay anonymous:
no author, no voter, only texts and counts; people are named only as the host and as action owners.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass

from bot.domain.action_items import ActionItem
from bot.domain.follow_up import FollowUp
from bot.domain.participants import ROLES, Role
from bot.domain.session import Session
from bot.i18n import Translator, translator
from bot.service.deps import Deps
from bot.service.ideas import merging
from bot.store.groups import GroupInput
from bot.store.keys import VOTE_ROUNDS
from bot.store.moderation import GROUP_ITEM


@dataclass(frozen=True, slots=True)
class IdeaRow:
    idea_id: str
    text: str
    votes: tuple[int | None, ...]  # per vote round; None when the idea was not in that round


@dataclass(frozen=True, slots=True)
class Record:
    session: Session
    by_role: dict[Role, int]
    ideas: tuple[IdeaRow, ...]
    rounds: tuple[int, ...]  # the vote rounds that were held
    action_items: tuple[ActionItem, ...]
    inputs: tuple[GroupInput, ...] = ()
    group_votes: dict[str, int] | None = None  # input id -> dots in its group's top-3 vote
    tops: dict[int, tuple[str, ...]] | None = None
    input_votes: dict[str, tuple[int | None, ...]] | None = None  # in the plenary rounds
    follow_ups: dict[str, FollowUp] | None = None  # item id -> its follow-up, once started
    merged: dict[str, tuple[str, ...]] | None = None  # candidate -> ids merged into it


async def gather(deps: Deps, sid: str) -> Record:
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    snap = await deps.store.snapshot(sid, "-")
    tallies = {r: await deps.ballots.tally(sid, r) for r in VOTE_ROUNDS}
    rounds = tuple(r for r in VOTE_ROUNDS if tallies[r])
    ideas = tuple(
        IdeaRow(i.idea_id, i.text, tuple(tallies[r].get(i.idea_id) for r in rounds))
        for i in await deps.store.ideas(sid)
    )
    by_role = {Role(r): n for r, n in snap.roles.items() if r in Role.__members__.values()}
    inputs = tuple(await deps.groups.inputs(sid))
    count, _ = await deps.groups.placement(sid)
    places = await deps.groups.places(sid)
    votes: dict[str, int] = {}
    tops: dict[int, tuple[str, ...]] = {}
    for group in range(1, count + 1):
        votes |= await deps.groups.tally(sid, group)
        tops[group] = tuple(json.loads(places.get(f"{group}:top", "[]")))
    in_rounds = {  # a group's top 3 goes into the plenary vote as "g<input id>"
        i.input_id: tuple(tallies[r].get(f"{GROUP_ITEM}{i.input_id}") for r in rounds)
        for i in inputs
    }
    return Record(
        session,
        by_role,
        ideas,
        rounds,
        tuple(await deps.action_items.all(sid)),
        inputs,
        votes,
        tops,
        in_rounds,
        await deps.follow_ups.all(sid),
        await merging.current(deps, sid),
    )


def _when(ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(ms / 1000))


def _span(start_ms: int, end_ms: int) -> str:
    """'2026-12-01 10:00–10:45', or with both dates when it ran past midnight."""
    start, end = _when(start_ms), _when(end_ms)
    return f"{start}–{end[11:] if end[:10] == start[:10] else end}"


def _md(text: str) -> str:
    """Markdown-safe one-liner: user text never becomes markup in the minutes."""
    escaped = "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>" else c for c in text)
    return escaped.replace("\n", " ")


def markdown(record: Record) -> str:
    s = record.session
    t = translator(s.locale)
    lines = [
        f"# {t('export.title', topic=_md(s.topic))}",
        "",
        f"- {t('export.when', span=_span(s.created_ms, s.ended_ms or s.created_ms))}",
        f"- {t('session.host', name=_md(s.host_name))}",
        "",
    ]
    if s.settings.need:
        lines += [f"## {t('session.need')}", "", _md(s.settings.need), ""]
    lines += [f"## {t('summary.participants', n=sum(record.by_role.values()))}", ""]
    lines += [
        f"- {t('role.' + r.value)}: {record.by_role[r]}" for r in ROLES if r in record.by_role
    ]
    lines += ["", f"## {t('summary.ideas', n=len(record.ideas))}", ""]
    for n, idea in enumerate(record.ideas, start=1):
        votes = "".join(
            f" ({t('export.votes_round', r=r, n=v)})"
            for r, v in zip(record.rounds, idea.votes, strict=True)
            if v is not None
        )
        lines.append(f"{n}. {_md(idea.text)}{votes}")
    if record.rounds:
        last = len(record.rounds) - 1
        ranked = sorted(
            (i for i in record.ideas if i.votes[last] is not None),
            key=lambda i: (-(i.votes[last] or 0), int(i.idea_id)),
        )
        lines += ["", f"## {t('summary.ranking')}", ""]
        lines += [f"{n}. {_md(i.text)} – {i.votes[last]}" for n, i in enumerate(ranked, 1)]
    lines += _merged(record, t)
    for group, top in (record.tops or {}).items():
        mine = [i for i in record.inputs if i.group == group]
        if not mine:
            continue
        lines += ["", f"## {t('summary.group', g=group)}", ""]
        for part in (1, 2):
            lines += [
                f"- {_md(i.text)}" + (f" ({_md(i.category)})" if i.category else "")
                for i in mine
                if i.part == part
            ]
        texts = {i.input_id: i.text for i in mine}
        if top:
            lines += ["", f"{t('groups.top3')}:", ""]
            lines += [f"{n}. {_md(texts[i])}" for n, i in enumerate(top, 1) if i in texts]
    lines += ["", f"## {t('export.actions', n=len(record.action_items))}", ""]
    if record.action_items:
        lines += [
            f"| {t('export.col_action')} | {t('export.col_owner')} | {t('export.col_due')} |",
            "|---|---|---|",
        ]
        lines += [
            f"| {_md(a.text)} | {_md(a.owner_name)} | {a.due or '–'} |" for a in record.action_items
        ]
    else:
        lines.append(t("action.none_yet"))
    lines += ["", t("summary.anonymous"), ""]
    return "\n".join(lines)


def _texts(record: Record) -> dict[str, str]:
    """Texts by vote id: ideas by id, group inputs by "g<input id>"."""
    texts = {i.idea_id: i.text for i in record.ideas}
    return texts | {f"{GROUP_ITEM}{i.input_id}": i.text for i in record.inputs}


def _merged(record: Record, t: Translator) -> list[str]:
    """Each merged candidate as a bullet, its member ideas as a nested list beneath it."""
    texts = _texts(record)
    merged = {c: m for c, m in (record.merged or {}).items() if c in texts}
    if not merged:
        return []
    lines = ["", f"## {t('merge.export_title')}", ""]
    for cand, members in merged.items():
        lines.append(f"- {_md(texts[cand])}")
        lines += [f"  - {_md(texts[m])}" for m in members if m in texts]
    return lines


def _into(record: Record) -> dict[str, str]:
    return {m: c for c, members in (record.merged or {}).items() for m in members}


def _cell(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(record: Record) -> str:
    """One row per idea (its votes in each vote round), per group input (group, category,
    its votes in the group's top-3 vote and, for a group's top 3, in the plenary rounds),
    and per action (owner, due date, and how its follow-up stands)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rounds = [f"votes_round_{r}" for r in record.rounds]
    writer.writerow(
        [
            "type",
            "id",
            "group",
            "category",
            "text",
            *rounds,
            "group_votes",
            "owner",
            "due",
            "follow_up",
            "merged_into",
        ]
    )
    into = _into(record)
    none = ("", "", "")
    for idea in record.ideas:
        writer.writerow(
            [
                "idea",
                idea.idea_id,
                "",
                "",
                _cell(idea.text),
                *("" if v is None else str(v) for v in idea.votes),
                "",
                *none,
                into.get(idea.idea_id, ""),
            ]
        )
    votes = record.group_votes or {}
    in_rounds = record.input_votes or {}
    for item in record.inputs:
        count = votes.get(item.input_id)
        plenary = in_rounds.get(item.input_id) or (None,) * len(rounds)
        writer.writerow(
            [
                f"input_q{item.part}",
                item.input_id,
                str(item.group),
                _cell(item.category),
                _cell(item.text),
                *("" if v is None else str(v) for v in plenary),
                "" if count is None else str(count),
                *none,
                into.get(f"{GROUP_ITEM}{item.input_id}", ""),
            ]
        )
    follows = record.follow_ups or {}
    for action in record.action_items:
        follow = follows.get(action.item_id)
        writer.writerow(
            [
                "action",
                action.item_id,
                "",
                "",
                _cell(action.text),
                *([""] * len(rounds)),
                "",
                _cell(action.owner_name),
                (follow.due if follow else "") or action.due,
                follow.state.value if follow else "",
                "",
            ]
        )
    return out.getvalue()
