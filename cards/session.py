"""The session card: the one shared card of a Digikok, plus each person's own view of it.

Everyone sees the same base card (no names, only counts: ideas are anonymous). Hosts get
their controls through `refresh` with their user ids, which makes Teams fetch the host
view from us; everyone else gets their personal view (their ideas, a receipt) only in the
invoke response to their own click, which costs no message operation.
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    RefreshDefinition,
    TextInput,
)

from bot.domain.participants import ROLES
from bot.domain.phases import JOINABLE, Phase
from bot.i18n import Translator
from cards.text import action_data, card, line, local_time, notice_block, plain
from cards.views import SessionView

MY_IDEAS_SHOWN = 10


def _agenda(view: SessionView, t: Translator) -> FactSet:
    facts = []
    for item in view.agenda:
        marker = "▶ " if item.phase is view.phase else ""
        length = t("agenda.minutes", n=item.minutes) if item.minutes else t("agenda.open")
        facts.append(Fact(title=marker + t(f"phase.{item.phase.value}"), value=length))
    return FactSet(facts=facts)


def _joined(view: SessionView, t: Translator) -> list[Any]:
    blocks: list[Any] = [line(t("checkin.count", n=view.joined), weight="Bolder")]
    if view.by_role:
        parts = [f"{t('role.' + r.value)} {view.by_role[r]}" for r in ROLES if r in view.by_role]
        blocks.append(line(" · ".join(parts), is_subtle=True, spacing="None"))
    return blocks


def _phase(view: SessionView, t: Translator) -> list[Any]:
    if not view.active:
        return [line(t("session.ended_banner"), weight="Bolder", color="Accent")]
    blocks: list[Any] = [
        line(
            t("phase.now", phase=t(f"phase.{view.phase.value}")),
            weight="Bolder",
            size="Medium",
            color="Accent",
        ),
        line(t(f"phase.{view.phase.value}.howto")),
    ]
    if view.phase_ends_ms:
        blocks.append(
            line(
                t("phase.ends_at", time=local_time(view.phase_ends_ms)),
                is_subtle=True,
                spacing="None",
            )
        )
    return blocks


def _ideas(view: SessionView, t: Translator) -> list[Any]:
    blocks: list[Any] = [line(t("ideas.count", n=view.idea_count), weight="Bolder")]
    if view.my_ideas:
        shown = view.my_ideas[-MY_IDEAS_SHOWN:]
        items: list[Any] = [line(t("ideas.mine", n=len(view.my_ideas)), weight="Bolder")]
        items += [plain("• " + text, spacing="Small") for text in shown]
        if len(view.my_ideas) > len(shown):
            items.append(line(t("list.more", n=len(view.my_ideas) - len(shown)), is_subtle=True))
        blocks.append(Container(items=items, style="emphasis"))
    blocks.append(
        TextInput(
            id="idea",
            label=t("ideas.label"),
            placeholder=t("ideas.placeholder"),
            is_multiline=True,
            max_length=view.idea_max_len,
            value=view.draft or None,
        )
    )
    send = ExecuteAction(
        title=t("ideas.send"),
        verb="idea.submit",
        style="positive",
        data=action_data("idea.submit", view.sid, view.rev),
    )
    blocks.append(ActionSet(actions=[send]))
    return blocks


def _actions(view: SessionView, t: Translator) -> list[ExecuteAction]:
    if not view.active:
        return []
    actions = []
    if view.phase in JOINABLE:
        key = "checkin.change" if view.my_role else "checkin.join"
        actions.append(
            ExecuteAction(
                title=t(key), verb="join.open", data=action_data("join.open", view.sid, view.rev)
            )
        )
    if view.is_host:
        target = t(f"phase.{view.next_phase.value}") if view.next_phase else t("phase.summary")
        actions.append(
            ExecuteAction(
                title=t("host.next", phase=target),
                verb="phase.next",
                data=action_data("phase.next", view.sid, view.rev),
            )
        )
        actions.append(
            ExecuteAction(
                title=t("host.end"),
                verb="session.end",
                style="destructive",
                data=action_data("session.end", view.sid, view.rev),
            )
        )
    return actions


def build(view: SessionView, t: Translator) -> AdaptiveCard:
    body: list[Any] = [
        line(t("session.title"), size="Small", is_subtle=True),
        plain(view.topic, bold=True, size="Large", spacing="None"),
        plain(t("session.host", name=view.host_name), subtle=True, spacing="None"),
    ]
    if view.notice:
        body.append(notice_block(view.notice, t))
    body += _phase(view, t)
    if view.my_role:
        body.append(
            line(t("checkin.you_are", role=t("role." + view.my_role.value)), is_subtle=True)
        )
    body += _joined(view, t)
    if view.active and view.phase is Phase.IDEAS:
        body += _ideas(view, t)
    elif view.idea_count:
        body.append(line(t("ideas.count", n=view.idea_count)))
    body.append(line(t("agenda.title"), weight="Bolder", spacing="Medium"))
    body.append(_agenda(view, t))
    refresh = None
    if view.active and view.refresh_user_ids:
        refresh = RefreshDefinition(
            action=ExecuteAction(
                verb="card.refresh", data=action_data("card.refresh", view.sid, view.rev)
            ),
            user_ids=list(view.refresh_user_ids[:60]),  # Teams refreshes at most 60 users
        )
    return card(body, t, actions=_actions(view, t), refresh=refresh)
