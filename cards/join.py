"""Check-in form (SPEC §3 phase 1): a role and, if you like, a department or field."""

from __future__ import annotations

from microsoft_teams.cards import ChoiceSetInput, TextInput
from microsoft_teams.cards.core import Choice

from bot.domain.participants import DEPARTMENT_MAX, ROLES
from bot.i18n import Translator
from cards.text import Card, execute, finished, line, notice_block, plain
from cards.views import JoinView


def _origin(view: JoinView) -> dict[str, str]:
    """Marks presses on the standalone check-in card, so answers stay on that card."""
    return {"card": "checkin"} if view.standalone else {}


def build(view: JoinView, t: Translator) -> Card:
    body = [
        line(t("join.title"), weight="Bolder", size="Medium"),
        plain(view.topic, subtle=True, spacing="None"),
    ]
    if view.notice:
        body.append(notice_block(view.notice, t))
    body += [
        line(t("join.intro")),
        ChoiceSetInput(
            id="role",
            label=t("join.role_label"),
            style="expanded",
            is_required=True,
            error_message=t("join.pick_role"),
            value=view.role.value if view.role else None,
            choices=[Choice(title=t("role." + r.value), value=r.value) for r in ROLES],
        ),
        TextInput(
            id="department",
            label=t("join.department_label"),
            placeholder=t("join.department_placeholder"),
            max_length=DEPARTMENT_MAX,
            value=view.department or None,
        ),
    ]
    actions = [
        execute(
            t("join.confirm"),
            "join.confirm",
            view.sid,
            view.rev,
            style="positive",
            **({"card": "checkin"} if view.standalone else {}),
        ),
    ]
    if not view.standalone:  # opened from the session card: offer the way back to it
        actions.append(
            execute(t("join.cancel"), "card.refresh", view.sid, view.rev, associated_inputs="none")
        )
    return finished(body, t, actions=actions)
