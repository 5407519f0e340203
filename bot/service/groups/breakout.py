"""Breakout groups (SPEC §3 phase 4, issue 4): assignment, threads, prompts, top 3, plenary.

Groups are made once, when group work begins, from the checked-in roster (the host who
started the session runs it and stays out; a checked-in co-host is placed like anyone else).
In a channel each group gets its own thread; each question opens there with its own board,
mentioning the members, and the board of the question before stays readable, closed. In a
group chat each group's cards go in the chat, addressed by name. Inputs are anonymous: they
carry their group, never their author.
"""

from __future__ import annotations

import json
import logging

from bot.domain.grouping import Groups, Member, group_count, make_groups, small_groups
from bot.domain.participants import Role
from bot.domain.phases import Phase
from bot.domain.session import Session
from bot.domain.voting import rank
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.ports import Card, ConvRef, SendError
from bot.service.views import conv_ref
from bot.templates import category_aliases
from cards import groups as group_cards
from cards.views import BoardInput, BoardView, Notice

logger = logging.getLogger(__name__)

TOP = 3


def part_of(session: Session) -> int:
    item = session.item
    return item.part if item and item.phase is Phase.GROUPS else 0


def _open_part(session: Session) -> int:
    """The question a board shows unless told: the one open, or question 2 once it is over."""
    return max(1, part_of(session) or 2)


BOARD_MARK = "|g"  # "<sid>|g<group>[p<question>]": a group's board
FORM_MARK = "|n"  # "<sid>|n<group>p<question>": a question's input form in a group's thread


def board_mark(sid: str, group: int, part: int = 0) -> str:
    """The publisher's mark for a group's board (a plain sid marks the session card): the
    board of the question now open (part 0), or of question `part`."""
    return f"{sid}{BOARD_MARK}{group}" + (f"p{part}" if part else "")


def form_mark(sid: str, group: int, part: int) -> str:
    """The publisher's mark for a question's input form in a group's thread (redrawn after
    a change of language; the close of a question updates it directly)."""
    return f"{sid}{FORM_MARK}{group}p{part}"


def board_key(group: int, part: int) -> str:
    """Where a question's board is kept: "<g>:board" for question 1 (and for sessions that
    began with one board for both), "<g>:board:2" for question 2."""
    return f"{group}:board" if part <= 1 else f"{group}:board:{part}"


def form_key(group: int, part: int) -> str:
    """Where a question's input form in a group's thread is kept."""
    return f"{group}:form:{part}"


PARTS = (1, 2)


async def as_groups(deps: Deps, sid: str) -> Groups:
    count, placement = await deps.groups.placement(sid)
    roster = await deps.store.roster(sid)
    found: list[list[Member]] = [[] for _ in range(count)]
    for tag, g in placement.items():
        entry = roster.get(tag)
        if entry and 1 <= g <= count:
            found[g - 1].append(Member(tag, Role(entry.role), entry.department))
    return tuple(tuple(sorted(g, key=lambda m: m.tag)) for g in found)


async def _assign(deps: Deps, session: Session) -> list[str]:
    """Make the groups; what the main thread should hear about them (said with the phase's
    announcement, issue 16), or nothing if another replica made them first."""
    roster = await deps.store.roster(session.sid)
    members = [
        Member(tag, Role(e.role), e.department)
        for tag, e in roster.items()
        if not (e.user_id and e.user_id == session.host_uid)  # the host runs the session
    ]
    wanted = session.settings.groups
    t = translator(session.locale)
    if not members:  # nobody to group: group work goes on without boards
        await deps.groups.assign(session.sid, {}, 0)
        return [t("groups.nobody")]
    n = group_count(len(members), wanted)  # never a group of one when it can be avoided
    seed = int(session.sid[:12], 16) if session.sid[:12].isalnum() else 0
    made = make_groups(members, n, abs(seed) % (2**31))
    placement = {m.tag: g for g, group in enumerate(made, start=1) for m in group}
    if not await deps.groups.assign(session.sid, placement, len(made)):
        return []  # another replica made them first, and told the host
    logger.info(
        "groups_made", extra={"sid": session.sid, "groups": len(made), "people": len(members)}
    )
    said = []
    if n < wanted:  # what was done, not a suggestion: the groups are made already
        key = "groups.fewer_one" if n == 1 else "groups.fewer"
        said.append(t(key, have=len(members), made=n, want=wanted))
    if (small := small_groups(made)) is not None:  # with one group, nobody can be moved
        said.append(t(small.key if len(made) > 1 else "groups.small_one", **small.params))
    return said


async def board_view(
    deps: Deps,
    session: Session,
    group: int,
    *,
    part: int | None = None,
    voter: str | None = None,
    notice: Notice | None = None,
    mention: bool = False,
) -> BoardView:
    part = part or _open_part(session)
    places = await deps.groups.places(session.sid)
    top = tuple(json.loads(places.get(f"{group}:top", "[]")))
    tied = tuple(json.loads(places.get(f"{group}:tied", "[]")))
    is_open = session.live and session.phase is Phase.GROUPS and part_of(session) == part
    tally = await deps.groups.tally(session.sid, group) if part == 2 and not is_open else {}
    used, mine = await deps.groups.mine(session.sid, group, voter) if voter else (0, {})
    aliases = category_aliases(session.settings.categories)  # sorted before a change of language
    items = tuple(
        BoardInput(
            i.input_id,
            i.text,
            aliases.get(i.category, i.category),
            tally.get(i.input_id) if tally else None,
            mine.get(i.input_id, 0),
        )
        for i in await deps.groups.inputs(session.sid, group)
        if i.part == part
    )
    members: tuple[tuple[str, str], ...] = ()
    voting_now = part == 2 and is_open
    placement = (
        (await deps.groups.placement(session.sid))[1]
        if mention or voter is None or voting_now
        else {}
    )
    if mention or voter is None:
        roster = await deps.store.roster(session.sid)
        members = tuple(
            sorted(
                (roster[t].name, roster[t].user_id)
                for t, g in placement.items()
                if g == group and t in roster
            )
        )
    question = session.settings.q1 if part == 1 else session.settings.q2
    voted = None
    if voting_now:  # how many of the group voted: a count, never who
        size = sum(1 for g in placement.values() if g == group)
        voted = (await deps.groups.ready(session.sid, group), size)
    return BoardView(
        sid=session.sid,
        rev=session.rev,
        group=group,
        part=part,
        question=question,
        categories=session.settings.categories,
        members=members,
        inputs=items,
        open=is_open,
        ends_ms=session.phase_ends_ms,
        top=top,
        tied=tied,
        left=(3 - used) if voter and part == 2 and is_open else None,
        notice=notice,
        mention=mention,
        voted=voted,
    )


def group_ref(main: ConvRef, places: dict[str, str], group: int) -> ConvRef:
    conversation = places.get(f"{group}:conv", main.conversation_id)
    return ConvRef(
        main.service_url,
        conversation,
        main.conversation_type,
        main.tenant_id,
        main.bot_id,
        main.bot_name,
    )


async def start_part(deps: Deps, sid: str, announce: str = "") -> None:
    """A question begins: groups are made (question 1) and each gets the question's own
    board, mentioning its members, and its input form; the other question's cards close.
    The main thread hears the phase's `announce` and what grouping found in one message."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    part = max(1, part_of(session))
    notes = [] if await deps.groups.assigned(sid) else await _assign(deps, session)
    main = conv_ref(meta)
    if said := " ".join(s for s in (announce, *notes) if s):
        await deps.sender.send(main, text=said)
    count, _ = await deps.groups.placement(sid)
    t = translator(session.locale)
    places = await deps.groups.places(sid)
    for group in range(1, count + 1):
        view = await board_view(deps, session, group, part=part, mention=True)
        if board_key(group, part) not in places:
            board = group_cards.board(view, t)
            if main.conversation_type == "channel" and f"{group}:conv" not in places:
                channel = main.conversation_id.split(";", 1)[0]
                thread, card_id = await deps.sender.thread(main, channel, board)
                await deps.groups.set_place(sid, f"{group}:conv", thread.conversation_id)
            else:  # the group's thread (or the chat) has its place: the new question joins it
                card_id = await deps.sender.send(group_ref(main, places, group), card=board)
            await deps.groups.set_place(sid, board_key(group, part), card_id)
            places = await deps.groups.places(sid)
        else:
            await deps.outbox.mark(board_mark(sid, group, part))
        form_id = await deps.sender.send(
            group_ref(main, places, group), card=group_cards.form(view, t)
        )
        await deps.groups.set_place(sid, form_key(group, part), form_id)
        await deps.groups.set_place(sid, f"{group}:closed:{part}", "")
    for other in PARTS:
        if other != part:
            await close_part(deps, sid, other)


async def close_part(deps: Deps, sid: str, part: int) -> None:
    """A question is over: its forms lose their text box and button (as the idea card
    closes), and its board redraws without buttons, still readable. Once per question."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    count, _ = await deps.groups.placement(sid)
    places = await deps.groups.places(sid)
    main = conv_ref(meta)
    t = translator(session.locale)
    for group in range(1, count + 1):
        form_id = places.get(form_key(group, part))
        if not form_id or places.get(f"{group}:closed:{part}"):
            continue
        await deps.groups.set_place(sid, f"{group}:closed:{part}", "1")
        view = await board_view(deps, session, group, part=part)
        try:
            card = group_cards.form(view, t)
            await deps.sender.update(group_ref(main, places, group), form_id, card)
        except SendError as exc:  # the question is over regardless; a press is refused
            logger.warning("group_form_close_failed", extra={"sid": sid, "status": exc.status})
        if board_key(group, part) in places:
            await deps.outbox.mark(board_mark(sid, group, part))


async def finish_groups(deps: Deps, sid: str) -> None:
    """Question 2 is over: each group's top 3 is fixed from its vote (ties shown)."""
    count, _ = await deps.groups.placement(sid)
    for group in range(1, count + 1):
        ranked = rank(await deps.groups.tally(sid, group))
        above, tied = split_at_cut(ranked)
        spills = len(above) + len(tied) > TOP
        chosen = above + ([] if spills else tied)
        await deps.groups.set_place(sid, f"{group}:top", json.dumps(chosen))
        await deps.groups.set_place(sid, f"{group}:tied", json.dumps(tied if spills else []))
        await deps.outbox.mark(board_mark(sid, group))
    for part in PARTS:
        await close_part(deps, sid, part)
    logger.info("groups_finished", extra={"sid": sid, "groups": count})


def split_at_cut(ranked: list[tuple[str, int]]) -> tuple[list[str], list[str]]:
    """(inputs surely in the top 3, inputs tied at the cut). The tie only matters when it
    spills over the third place; then a member picks among the tied ones."""
    if len(ranked) <= TOP:
        return [i for i, _ in ranked], []
    edge = ranked[TOP - 1][1]
    return [i for i, v in ranked if v > edge], [i for i, v in ranked if v == edge]


async def pick(deps: Deps, sid: str, group: int, input_id: str) -> bool:
    """A member settles a tie: the picked input takes the next free place in the top 3
    (GROUP_PICK, one step: two members picking at once lose nothing)."""
    if await deps.groups.pick(sid, group, input_id, TOP) != "ok":
        return False
    await deps.outbox.mark(board_mark(sid, group))
    return True


async def present(deps: Deps, sid: str, group: int, announce: str = "") -> None:
    """One group's results in the main thread, for its presentation; the first one carries
    the phase's `announce` as its message text (issue 16: one message, not two)."""
    meta = await deps.store.meta(sid)
    session = Session.from_meta(sid, meta)
    count, _ = await deps.groups.placement(sid)
    if not 1 <= group <= count:
        if announce:  # no groups to present: the phase is still told
            await deps.sender.send(conv_ref(meta), text=announce)
        return
    t = translator(session.locale)
    sorting = await board_view(deps, session, group, part=1)
    picking = await board_view(deps, session, group, part=2)
    texts = {i.input_id: i.text for i in picking.inputs}
    top = tuple(texts[i] for i in picking.top if i in texts)
    card = group_cards.presentation(sorting, top, count, t)
    await deps.sender.send(conv_ref(meta), card=card, text=announce or None)


async def render_board(deps: Deps, mark: str) -> tuple[ConvRef, str, Card] | None:
    """A board as everybody sees it: `board_mark`'s question, or the one now open."""
    found = await _marked(deps, mark, BOARD_MARK)
    if found is None:
        return None
    session, main, group, part, places = found
    shown = part or _open_part(session)
    card_id = places.get(board_key(group, shown))
    if not card_id and not part:  # one board for both questions (sessions begun before)
        card_id = places.get(board_key(group, 1))
    if not card_id:
        return None
    view = await board_view(deps, session, group, part=shown)
    card = group_cards.board(view, translator(session.locale))
    return group_ref(main, places, group), card_id, card


async def render_form(deps: Deps, mark: str) -> tuple[ConvRef, str, Card] | None:
    """A question's input form as everybody sees it: open, or closed once it is over."""
    found = await _marked(deps, mark, FORM_MARK)
    if found is None:
        return None
    session, main, group, part, places = found
    form_id = places.get(form_key(group, part)) if part else None
    if not form_id:
        return None
    view = await board_view(deps, session, group, part=part)
    card = group_cards.form(view, translator(session.locale))
    return group_ref(main, places, group), form_id, card


async def _marked(
    deps: Deps, mark: str, kind: str
) -> tuple[Session, ConvRef, int, int, dict[str, str]] | None:
    """A group mark read: (session, its main conversation, group, question or 0 for the one
    open now, the group places)."""
    sid, _, rest = mark.partition(kind)
    group_text, _, part_text = rest.partition("p")
    meta = await deps.store.meta(sid)
    if not meta or not group_text.isdecimal() or part_text not in ("", *map(str, PARTS)):
        return None
    session = Session.from_meta(sid, meta)
    places = await deps.groups.places(sid)
    return session, conv_ref(meta), int(group_text), int(part_text or 0), places
