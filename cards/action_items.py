"""The actions card (SPEC §3 phase 7), for hosts: actions so far, and a form for one more.

The responsible person comes from Teams' people picker (an Input.ChoiceSet on the
`graph.microsoft.com/users` dataset, which answers with the person's AAD object id); the
free-text field beside it serves clients without the picker, and people outside the org.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    ChoiceSetInput,
    Container,
    DateInput,
    TextInput,
)
from microsoft_teams.cards.core import Choice, QueryData

from bot.domain.action_items import OWNER_MAX, TEXT_MAX, ActionItem
from bot.i18n import Translator
from cards.text import Card, execute, finished, line, notice_block, plain, with_error
from cards.views import Notice

PEOPLE_DATASET = "graph.microsoft.com/users"
IDEA_CHOICE_CHARS = 120


@dataclass(frozen=True, slots=True)
class ActionsView:
    sid: str
    rev: int
    items: tuple[ActionItem, ...]
    top_ideas: tuple[tuple[str, str], ...]  # (idea id, text), best first
    editing: str = ""  # item id being edited, "" for a new one
    draft: dict[str, str] = field(default_factory=dict)  # text, owner_text, due
    errors: dict[str, Notice] = field(default_factory=dict)
    notice: Notice | None = None
    today: str = ""


def _item(view: ActionsView, item: ActionItem, t: Translator) -> Container:
    due = t("action.due", date=item.due) if item.due else t("action.no_due")
    buttons = [
        execute(t("action.edit"), "action.edit", view.sid, view.rev, item=item.item_id),
        execute(t("action.remove"), "action.remove", view.sid, view.rev, item=item.item_id),
    ]
    return Container(
        separator=True,
        items=[
            plain(item.text, bold=True),
            plain(t("action.owner_line", name=item.owner_name), subtle=True, spacing="None"),
            line(due, is_subtle=True, spacing="None"),
            ActionSet(actions=buttons),
        ],
    )


def build(view: ActionsView, t: Translator) -> Card:
    body: list[Any] = [line(t("action.title", n=len(view.items)), weight="Bolder", size="Medium")]
    if view.notice:
        body.append(notice_block(view.notice, t))
    if not view.items:
        body.append(line(t("action.none_yet"), is_subtle=True))
    body += [_item(view, item, t) for item in view.items]
    body.append(
        line(
            t("action.edit_title") if view.editing else t("action.new_title"),
            weight="Bolder",
            spacing="Large",
        )
    )
    if view.top_ideas:
        body.append(
            ChoiceSetInput(
                id="from_idea",
                label=t("action.from_idea"),
                style="compact",
                choices=[
                    Choice(title=text[:IDEA_CHOICE_CHARS], value=idea_id)
                    for idea_id, text in view.top_ideas
                ],
            )
        )
        body.append(
            ActionSet(
                actions=[
                    execute(
                        t("action.use_idea"),
                        "action.prefill",
                        view.sid,
                        view.rev,
                        item=view.editing,
                    )
                ]
            )
        )
    fields = [
        TextInput(
            id="text",
            label=t("action.text"),
            is_multiline=True,
            max_length=TEXT_MAX,
            value=view.draft.get("text") or None,
        ),
        ChoiceSetInput(
            id="owner",
            label=t("action.owner"),
            style="filtered",
            choices_data=QueryData(dataset=PEOPLE_DATASET),
            choices=[],
            fallback=line(t("action.no_picker"), is_subtle=True),
        ),
        TextInput(
            id="owner_text",
            label=t("action.owner_text"),
            max_length=OWNER_MAX,
            value=view.draft.get("owner_text") or None,
        ),
        DateInput(
            id="due",
            label=t("action.due_label"),
            value=view.draft.get("due") or None,
            min=view.today or None,
        ),
    ]
    for field_ in fields:
        body += with_error(field_, view.errors, t)
    save = execute(
        t("action.save"), "action.save", view.sid, view.rev, item=view.editing, style="positive"
    )
    return finished(body, t, actions=[save])
