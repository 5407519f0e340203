"""The session card: the one shared card of a Digikok — its status board — plus each host's
own view of it.

Everyone sees the same base card, updated in place by the publisher: phase, time, agenda and
counts, never names (ideas are anonymous). Hosts get their controls through `refresh` with
their user ids, which makes Teams fetch the host view from us. Forms that people type into
(check-in, ideas) live on their own cards, because an update of this one would wipe them.
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ExecuteAction,
    Fact,
    FactSet,
    RefreshDefinition,
)

from bot.domain.participants import ROLES
from bot.domain.phases import JOINABLE, AgendaItem, Phase
from bot.i18n import Translator
from cards import adjournment
from cards.text import Card, execute, finished, item_name, line, local_time, notice_block, plain
from cards.timeup import EXTEND_MINUTES
from cards.views import SessionView

MAX_REFRESH_USERS = 60  # Teams refreshes a card for at most 60 listed users


def _agenda(view: SessionView, t: Translator) -> FactSet:
    facts = []
    for index, item in enumerate(view.agenda):
        marker = "▶ " if (view.active or view.adjourned) and index == view.step else ""
        name = item_name(t, item)
        length = t("agenda.minutes", n=item.minutes) if item.minutes else t("agenda.open")
        facts.append(Fact(title=marker + name, value=length))
    return FactSet(facts=facts)


def _joined(view: SessionView, t: Translator) -> list[Any]:
    blocks: list[Any] = [line(t("checkin.count", n=view.joined), weight="Bolder")]
    if view.by_role:
        parts = [f"{t('role.' + r.value)} {view.by_role[r]}" for r in ROLES if r in view.by_role]
        blocks.append(line(" · ".join(parts), is_subtle=True, spacing="None"))
    return blocks


def _timer(view: SessionView, t: Translator) -> list[Any]:
    if view.paused_left_ms:
        minutes = max(1, round(view.paused_left_ms / 60_000))
        return [line(t("timer.paused_banner", n=minutes), color="Warning", spacing="None")]
    if view.phase_ends_ms:
        return [
            line(
                t("phase.ends_at", time=local_time(view.phase_ends_ms)),
                is_subtle=True,
                spacing="None",
            )
        ]
    return []


def _phase_details(view: SessionView, t: Translator) -> list[Any]:
    blocks: list[Any] = []
    if view.phase in (Phase.CHECKIN, Phase.PITCH) and view.need:
        blocks += [line(t("session.need"), weight="Bolder"), plain(view.need, spacing="None")]
    if view.phase in (Phase.CHECKIN, Phase.PITCH) and view.pitchers:
        blocks.append(plain(t("session.pitchers", names=view.pitchers), subtle=True))
    if view.phase is Phase.GROUPS and view.question:
        blocks += [
            line(t("groups.question", n=view.part), weight="Bolder"),
            plain(view.question, spacing="None"),
        ]
        if view.part == 1 and view.categories:
            blocks.append(
                plain(t("groups.categories", names=", ".join(view.categories)), subtle=True)
            )
    if view.phase is Phase.VOTING:
        blocks.append(line(t("voting.rules", n=view.votes_per_person, m=view.votes_per_idea)))
        if view.part == 2:
            blocks.append(line(t("voting.top_rule_2", k=view.top_k), is_subtle=True))
        elif any(i.phase is Phase.VOTING and i.part == 2 for i in view.agenda):
            blocks.append(line(t("voting.top_rule", k=view.top_k), is_subtle=True))
        blocks.append(
            line(
                t("voting.progress", voters=view.voters, joined=view.joined, n=view.votes_cast),
                weight="Bolder",
            )
        )
        if view.joined:
            blocks.append(_readiness(view, "ready.votes", t))
    if view.phase is Phase.PRESENTATIONS and view.presenting:
        blocks.append(
            line(t("groups.presenting", g=view.presenting, n=len(view.groups)), weight="Bolder")
        )
    if view.groups:
        where = t("groups.in_thread") if view.threads else t("groups.in_chat")
        blocks.append(
            line(
                t("groups.title", n=len(view.groups), where=where),
                weight="Bolder",
                spacing="Medium",
            )
        )
        for g, names in view.groups:
            shown = ", ".join(names[:12]) + (
                f" {t('list.more', n=len(names) - 12)}" if len(names) > 12 else ""
            )
            blocks.append(plain(t("groups.line", g=g, n=len(names), names=shown), spacing="None"))
    if view.phase is Phase.IDEAS:
        blocks.append(line(t("ideas.count", n=view.idea_count), weight="Bolder"))
        if view.joined:
            blocks.append(_readiness(view, "ready.ideas", t))
    elif view.idea_count:
        blocks.append(line(t("ideas.count", n=view.idea_count)))
    return blocks


def everyone_done(view: SessionView) -> bool:
    """Every checked-in person has sent an idea (idea round) or used all votes (vote)."""
    return view.phase in (Phase.IDEAS, Phase.VOTING) and 0 < view.joined <= view.ready


def _readiness(view: SessionView, key: str, t: Translator) -> Any:
    """A count, never names: who is missing stays unknown to everyone."""
    done = min(view.ready, view.joined)
    color = "Good" if done == view.joined else None
    return line(t(key, done=done, total=view.joined), color=color, spacing="None")


def _phase(view: SessionView, t: Translator) -> list[Any]:
    if view.adjourned:
        return adjournment.session_blocks(view, t)
    if not view.active:
        return [line(t("session.ended_banner"), weight="Bolder", color="Accent")]
    name = item_name(t, AgendaItem(view.phase, 0, view.part))
    blocks: list[Any] = [
        line(t("phase.now", phase=name), weight="Bolder", size="Medium", color="Accent"),
        line(t(f"phase.{view.phase.value}.howto")),
    ]
    return blocks + _timer(view, t) + _phase_details(view, t)


def _host_actions(view: SessionView, t: Translator) -> list[Any]:
    def act(verb: str, title: str, secondary: bool = True, **extra: Any) -> ExecuteAction:
        return execute(
            title, verb, view.sid, view.rev, mode="secondary" if secondary else None, **extra
        )

    target = item_name(t, view.next_item) if view.next_item else t("phase.summary")
    label = t("host.all_done" if everyone_done(view) else "host.next", phase=target)
    actions: list[Any] = [act("phase.next", label, secondary=False)]
    if view.phase is Phase.CHECKIN:
        actions.append(act("setup.open", t("setup.open"), secondary=False))
    if view.phase is Phase.ACTIONS:
        actions.append(act("action.open", t("action.open"), secondary=False))
    if view.phase not in (Phase.SETUP, Phase.CHECKIN, Phase.PITCH) or view.idea_count:
        actions.append(act("moderate.open", t("moderation.open")))
    next_phase = view.next_item.phase if view.next_item else None
    if (next_phase is Phase.VOTING and view.phase is not Phase.VOTING) or (
        view.phase is Phase.IDEAS  # similar ideas can be merged already (issue 18)
    ):
        actions.append(act("vote.prepare", t("prep.open"), secondary=False))
    if view.phase_ends_ms or view.paused_left_ms:
        actions.append(
            act("timer.extend", t("timer.extend_button", n=EXTEND_MINUTES), minutes=EXTEND_MINUTES)
        )
        actions.append(
            act("timer.resume", t("timer.resume_button"))
            if view.paused_left_ms
            else act("timer.pause", t("timer.pause_button"))
        )
    if view.step > 0:
        actions.append(act("phase.back", t("host.back")))
    actions.append(act("phase.skip", t("host.skip")))
    actions.append(act("cohost.open", t("cohost.open")))
    if view.phase is not Phase.SETUP:
        actions.append(adjournment.adjourn_action(view, t))
    end = act("session.end", t("host.end"))
    end.style = "destructive"
    return actions + [end]


def _actions(view: SessionView, t: Translator) -> list[Any]:
    if view.adjourned:
        return list(adjournment.host_actions(view, t)) if view.is_host else []
    if not view.active:
        return []
    actions = []
    # A host's own card is for steering: checking in (or changing it) is offered there only
    # during check-in; later the standalone check-in card is still there for them.
    if view.phase in JOINABLE and not (view.is_host and view.phase is not Phase.CHECKIN):
        key = "checkin.change" if view.my_role else "checkin.join"
        actions.append(execute(t(key), "join.open", view.sid, view.rev))
    if view.is_host:
        actions += _host_actions(view, t)
    return actions


def build(view: SessionView, t: Translator) -> Card:
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
    body.append(line(t("agenda.title"), weight="Bolder", spacing="Medium"))
    body.append(_agenda(view, t))
    refresh = None
    if (view.active or view.adjourned) and view.refresh_user_ids:
        refresh = RefreshDefinition(
            action=execute(None, "card.refresh", view.sid, view.rev),
            user_ids=list(view.refresh_user_ids[:MAX_REFRESH_USERS]),
        )
    return finished(body, t, actions=_actions(view, t), refresh=refresh)
