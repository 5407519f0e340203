"""Continue another day: the adjourned parts of the session card, the host's Adjourn form and
Resume button, and the two messages posted to the conversation (adjourned, resumed).

Dates go through the Adaptive Card DATE/TIME functions, so each person reads the moment
in their own time zone. The host's note is user text: a plain TextRun, never Markdown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    DateInput,
    ExecuteAction,
    ShowCardAction,
    TimeInput,
)

from bot.domain.phases import AgendaItem, Phase
from bot.domain.session import ResumePlan
from bot.i18n import Translator
from cards.text import Card, execute, finished, item_name, line, local_time, plain
from cards.views import SessionView


@dataclass(frozen=True, slots=True)
class AdjournmentView:
    """What the conversation is told when a Digikok is adjourned or resumed."""

    sid: str
    rev: int
    topic: str
    phase: Phase
    resume: ResumePlan = ResumePlan()
    ends_ms: int = 0  # after a resume: the phase's new end (0 = untimed)
    left_ms: int = 0


def when(resume: ResumePlan) -> str:
    """A moment the client localises: {{DATE(…, SHORT)}} and, unless a day only, {{TIME(…)}}."""
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(resume.at_ms / 1000))
    day = "{{DATE(" + iso + ", SHORT)}}"
    return day if resume.day_only else f"{day} {local_time(resume.at_ms)}"


def refusal_params(resume: ResumePlan) -> tuple[str, dict[str, object]]:
    """The answer to a click while adjourned: the key and its parameters."""
    if resume.at_ms:
        return "adjourn.refused_at", {"when": when(resume)}
    return "adjourn.refused", {}


def _banner(resume: ResumePlan, t: Translator) -> list[Any]:
    if resume.at_ms:
        title = t("adjourn.banner_at", when=when(resume))
    else:
        title = t("adjourn.banner")
    blocks: list[Any] = [line(title, weight="Bolder", size="Medium", color="Warning")]
    if resume.note:
        blocks.append(plain(f"«{resume.note}»", spacing="None"))
    return blocks


def session_blocks(view: SessionView, t: Translator) -> list[Any]:
    """The phase part of the session card while adjourned (replaces phase and timer)."""
    phase = item_name(t, AgendaItem(view.phase, 0, view.part))
    blocks = _banner(view.resume, t)
    blocks.append(line(t("adjourn.continues_in", phase=phase)))
    blocks.append(line(t("adjourn.kept"), is_subtle=True, spacing="None"))
    if view.idea_count:
        blocks.append(line(t("ideas.count", n=view.idea_count)))
    if view.is_host:
        blocks.append(line(t("adjourn.host_hint"), is_subtle=True))
    return blocks


def adjourn_action(view: SessionView, t: Translator) -> ShowCardAction:
    """The host's "Adjourn…": an optional date and time, then one press."""
    verb = "session.adjourn"
    form = AdaptiveCard(
        body=[
            line(t("adjourn.form_intro")),
            DateInput(id="adjourn_date", label=t("adjourn.date_label")),
            TimeInput(id="adjourn_time", label=t("adjourn.time_label")),
        ],
        actions=[execute(t("adjourn.confirm"), verb, view.sid, view.rev)],
    )
    return ShowCardAction(title=t("adjourn.button"), mode="secondary", card=form)


def host_actions(view: SessionView, t: Translator) -> list[ExecuteAction]:
    """While adjourned a host may resume or end; nothing else moves the session."""
    resume = execute(
        t("adjourn.resume_button"), "session.resume", view.sid, view.rev, style="positive"
    )
    end = execute(
        t("host.end"), "session.end", view.sid, view.rev, mode="secondary", style="destructive"
    )
    return [resume, end]


def adjourned(view: AdjournmentView, t: Translator, status: str = "") -> Card:
    """Posted when adjourned; with a status line, the answer to `status` meanwhile."""
    body: list[Any] = [plain(view.topic, bold=True)]
    body += _banner(view.resume, t)
    body.append(line(t("adjourn.continues_in", phase=t(f"phase.{view.phase.value}"))))
    body.append(line(t("adjourn.kept"), is_subtle=True))
    if status:
        body.append(line(status, is_subtle=True))
    return finished(body, t)


def resumed(view: AdjournmentView, t: Translator) -> Card:
    phase = t(f"phase.{view.phase.value}")
    body: list[Any] = [
        plain(view.topic, bold=True),
        line(t("adjourn.resumed_title", phase=phase), weight="Bolder", color="Accent"),
    ]
    if view.ends_ms:
        minutes = max(1, round(view.left_ms / 60_000))
        body.append(line(t("adjourn.resumed_left", n=minutes, time=local_time(view.ends_ms))))
    else:
        body.append(line(t("adjourn.resumed_untimed"), is_subtle=True))
    return finished(body, t)
