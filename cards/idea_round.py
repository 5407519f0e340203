"""The idea card (SPEC §3 phase 3): its own message, posted when the idea round starts.

No live count updates it, so nobody's half-written idea is wiped by one. Each author's
receipt and own ideas come back in their invoke response only. The one update while the
round is open is a host hiding or restoring an idea (issue 16, through the outbox): the
card then carries a `refresh` for the people checked in, so each one's Teams fetches their
own view (an author sees their hidden idea marked) without the store knowing whose idea
it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Container,
    RefreshDefinition,
    ShowCardAction,
    TextInput,
)

from bot.i18n import Translator
from cards.session import MAX_REFRESH_USERS
from cards.text import Card, dumped, execute, finished, line, local_time, notice_block, plain
from cards.views import IdeaView, Notice

MY_IDEAS_SHOWN = 10


def _own_actions(
    view: IdeaView, t: Translator, idea_id: str, text: str, was_hidden: bool
) -> ActionSet:
    """Change your mind while the round is open (issue 16): edit or withdraw your own idea.
    Only its author gets this card, in the answer to their own click."""
    withdraw = execute(t("ideas.withdraw"), "idea.withdraw", view.sid, view.rev, item=idea_id)
    if was_hidden:  # hidden by a host: it may go, it is not edited back in
        return ActionSet(actions=[withdraw], spacing="None")
    field = f"edit_{idea_id}"
    save = execute(t("ideas.save_edit"), "idea.edit", view.sid, view.rev, item=idea_id, field=field)
    form = AdaptiveCard(
        body=[
            TextInput(
                id=field,
                label=t("ideas.edit_label"),
                is_multiline=True,
                max_length=view.max_len,
                value=text,
            )
        ],
        actions=[save],
    )
    edit = ShowCardAction(title=t("ideas.edit"), card=form)
    return ActionSet(actions=[edit, withdraw], spacing="None")


def _refresh(view: IdeaView, user_ids: tuple[str, ...], version: int) -> RefreshDefinition:
    """Each listed person's Teams asks for their own view when the card changes: the same
    `idea.look` as the "My ideas" button (one round trip). `at` (how many are hidden)
    makes each update differ from the one before."""
    look = execute(None, "idea.look", view.sid, view.rev, at=version)
    return RefreshDefinition(action=look, user_ids=list(user_ids[:MAX_REFRESH_USERS]))


def build(
    view: IdeaView, t: Translator, refresh_for: tuple[str, ...] = (), version: int = 0
) -> Card:
    """`refresh_for`: Teams user ids whose view is fetched per person (open round only)."""
    body: list[Any] = [
        line(t("ideas.title"), weight="Bolder", size="Medium", color="Accent"),
        plain(view.topic, bold=True, spacing="None"),
    ]
    if view.prompt:
        body.append(plain(view.prompt))
    if view.notice:
        body.append(notice_block(view.notice, t))
    if view.my_ideas:
        hidden = view.my_hidden or (False,) * len(view.my_ideas)
        # issue 18: per own idea, the text it was merged into ('' = not merged); only the
        # author sees this, on their own card (IdeaView.my_merged, when the view carries it)
        into = view.my_merged or ("",) * len(view.my_ideas)
        ids = view.my_ids or ("",) * len(view.my_ideas)
        shown = list(zip(view.my_ideas, hidden, into, ids, strict=True))[-MY_IDEAS_SHOWN:]
        items: list[Any] = [line(t("ideas.mine", n=len(view.my_ideas)), weight="Bolder")]
        for text, was_hidden, merged_into, idea_id in shown:
            items.append(plain("• " + text, spacing="Small"))
            if was_hidden:
                items.append(line(t("moderation.hidden_mine"), color="Warning", spacing="None"))
            elif merged_into:
                items.append(plain(t("merge.mine", text=merged_into), subtle=True, spacing="None"))
            if view.open and idea_id:
                items.append(_own_actions(view, t, idea_id, text, was_hidden))
        if len(view.my_ideas) > len(shown):
            items.append(line(t("list.more", n=len(view.my_ideas) - len(shown)), is_subtle=True))
        body.append(Container(items=items, style="emphasis"))
    if not view.open:
        body.append(line(t("ideas.closed"), is_subtle=True))
        return finished(body, t)
    body.append(line(t("ideas.anonymous"), is_subtle=True))
    if view.ends_ms:
        body.append(
            line(t("phase.ends_at", time=local_time(view.ends_ms)), is_subtle=True, spacing="None")
        )
    body.append(
        TextInput(
            id="idea",
            label=t("ideas.label"),
            placeholder=t("ideas.placeholder"),
            is_multiline=True,
            max_length=view.max_len,
            value=view.draft or None,
        )
    )
    send = execute(t("ideas.send"), "idea.submit", view.sid, view.rev, style="positive")
    # an author's own list as it stands now (a host may have hidden one since): only they
    # see it, in the answer; the store cannot tell the server whose ideas to push anywhere
    look = execute(t("ideas.look"), "idea.look", view.sid, view.rev)
    body.append(ActionSet(actions=[send, look]))
    refresh = _refresh(view, refresh_for, version) if refresh_for else None
    return finished(body, t, refresh=refresh)


# -- the shared part built once, the author's own part per click (issue 13) --------------

TEXT = "\x00text\x00"  # placeholders in the dumped prototypes, filled per own idea
ID = "\x00id\x00"
_TEXT_JSON, _ID_JSON = orjson.dumps(TEXT).decode(), orjson.dumps(ID).decode()[1:-1]


@dataclass(frozen=True, slots=True)
class Template:
    """The idea card as everybody sees it (no notice, no own ideas, no draft), dumped once,
    and dumped prototypes of an author's own parts; `personalise` gives what `build` would."""

    card: dict[str, Any]
    at: int  # body index where the notice and the author's own ideas go
    input_at: int | None  # body index of the idea text box (open round only)
    protos: dict[str, Any]
    notices: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)  # dumped


def template(view: IdeaView, t: Translator) -> Template:
    shared = replace(
        view, notice=None, my_ideas=(), my_hidden=(), my_merged=(), my_ids=(), draft=""
    )
    built = build(shared, t)
    at = 3 if view.prompt else 2
    inputs = [i for i, b in enumerate(built["body"]) if b.get("type") == "Input.Text"]
    protos = {
        "title": dumped(line("-", weight="Bolder")),
        "idea": dumped(plain("-", spacing="Small")),
        "hidden": dumped(line(t("moderation.hidden_mine"), color="Warning", spacing="None")),
        "merged": dumped(plain("-", subtle=True, spacing="None")),
        "more": dumped(line("-", is_subtle=True)),
        # as JSON text: an own idea's buttons are two replaces and a parse, not a walk
        "actions": orjson.dumps(dumped(_own_actions(view, t, ID, TEXT, False))).decode(),
        "withdraw": orjson.dumps(dumped(_own_actions(view, t, ID, TEXT, True))).decode(),
    }
    return Template(built, at, inputs[0] if inputs else None, protos)


def _fill(proto: str, idea_id: str, text: str) -> Any:
    """A prototype's JSON text with the idea's id in every string and its text in the one
    string that is the text placeholder (the id first: the text is the author's own)."""
    return orjson.loads(
        proto.replace(_ID_JSON, idea_id).replace(_TEXT_JSON, orjson.dumps(text).decode())
    )


def _notice(tpl: Template, notice: Notice, t: Translator) -> dict[str, Any]:
    """A notice block, dumped once per template and kind (most clicks say "received")."""
    try:
        key: tuple[Any, ...] = (notice.key, notice.good, *sorted(notice.params.items()))
        hash(key)
    except TypeError:
        return dumped(notice_block(notice, t))
    if key not in tpl.notices:
        tpl.notices[key] = dumped(notice_block(notice, t))
    return tpl.notices[key]


def _run(proto: dict[str, Any], text: str) -> dict[str, Any]:
    """A dumped RichTextBlock prototype with its one TextRun's text replaced."""
    return {**proto, "inlines": [{**proto["inlines"][0], "text": text}]}


def _mine(tpl: Template, view: IdeaView, t: Translator) -> dict[str, Any]:
    p = tpl.protos
    hidden = view.my_hidden or (False,) * len(view.my_ideas)
    into = view.my_merged or ("",) * len(view.my_ideas)
    ids = view.my_ids or ("",) * len(view.my_ideas)
    shown = list(zip(view.my_ideas, hidden, into, ids, strict=True))[-MY_IDEAS_SHOWN:]
    items: list[dict[str, Any]] = [{**p["title"], "text": t("ideas.mine", n=len(view.my_ideas))}]
    for text, was_hidden, merged_into, idea_id in shown:
        items.append(_run(p["idea"], "• " + text))
        if was_hidden:
            items.append(p["hidden"])
        elif merged_into:
            items.append(_run(p["merged"], t("merge.mine", text=merged_into)))
        if view.open and idea_id:
            items.append(_fill(p["withdraw" if was_hidden else "actions"], idea_id, text))
    if len(view.my_ideas) > len(shown):
        items.append({**p["more"], "text": t("list.more", n=len(view.my_ideas) - len(shown))})
    return {"type": "Container", "items": items, "style": "emphasis"}


def personalise(tpl: Template, view: IdeaView, t: Translator) -> dict[str, Any]:
    """One author's idea card: the template with their notice, own ideas and draft. Only
    what differs is new; the rest is shared with the template."""
    body = list(tpl.card["body"])
    if view.draft and tpl.input_at is not None:
        body[tpl.input_at] = {**body[tpl.input_at], "value": view.draft}
    extra: list[dict[str, Any]] = []
    if view.notice:
        extra.append(_notice(tpl, view.notice, t))
    if view.my_ideas:
        extra.append(_mine(tpl, view, t))
    body[tpl.at : tpl.at] = extra
    return {**tpl.card, "body": body}
