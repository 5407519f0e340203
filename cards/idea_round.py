"""The idea card (SPEC §3 phase 3): its own message, posted when the idea round starts.

The publisher never updates it, so nobody's half-written idea is wiped by a live count.
Each author's receipt and own ideas come back in their invoke response only.
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Container,
    ExecuteAction,
    ShowCardAction,
    TextInput,
)

from bot.i18n import Translator
from cards.text import action_data, card, line, local_time, notice_block, plain
from cards.views import IdeaView

MY_IDEAS_SHOWN = 10


def _own_actions(
    view: IdeaView, t: Translator, idea_id: str, text: str, was_hidden: bool
) -> ActionSet:
    """Change your mind while the round is open (issue 16): edit or withdraw your own idea.
    Only its author gets this card, in the answer to their own click."""
    withdraw = ExecuteAction(
        title=t("ideas.withdraw"),
        verb="idea.withdraw",
        data=action_data("idea.withdraw", view.sid, view.rev, item=idea_id),
    )
    if was_hidden:  # hidden by a host: it may go, it is not edited back in
        return ActionSet(actions=[withdraw], spacing="None")
    field = f"edit_{idea_id}"
    save = ExecuteAction(
        title=t("ideas.save_edit"),
        verb="idea.edit",
        data=action_data("idea.edit", view.sid, view.rev, item=idea_id, field=field),
    )
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


def build(view: IdeaView, t: Translator) -> AdaptiveCard:
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
        return card(body, t)
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
    send = ExecuteAction(
        title=t("ideas.send"),
        verb="idea.submit",
        style="positive",
        data=action_data("idea.submit", view.sid, view.rev),
    )
    body.append(ActionSet(actions=[send]))
    return card(body, t)
