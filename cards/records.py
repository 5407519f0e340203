"""Cards about a session's record: the export links, the history list, the delete check."""

from __future__ import annotations

from dataclasses import dataclass

from microsoft_teams.cards import (
    ActionSet,
    Fact,
    FactSet,
    OpenUrlAction,
)

from bot.i18n import Translator
from cards.text import Card, execute, finished, line, local_date, local_time, plain

HISTORY_SHOWN = 15


def export_card(topic: str, md_url: str, csv_url: str, expires_ms: int, t: Translator) -> Card:
    body = [
        line(t("export.card_title"), weight="Bolder", size="Medium"),
        plain(topic, bold=True, spacing="None"),
        line(t("export.card_intro")),
        line(
            t("export.expires", date=local_date(expires_ms), time=local_time(expires_ms)),
            is_subtle=True,
        ),
    ]
    actions = [
        OpenUrlAction(title=t("export.markdown"), url=md_url),
        OpenUrlAction(title=t("export.csv"), url=csv_url),
    ]
    return finished(body, t, actions=actions)


@dataclass(frozen=True, slots=True)
class PastSession:
    sid: str
    rev: int
    topic: str
    ended_ms: int
    ideas: int


def history_card(sessions: tuple[PastSession, ...], t: Translator) -> Card:
    body = [line(t("history.title", n=len(sessions)), weight="Bolder", size="Medium")]
    if not sessions:
        body.append(line(t("history.none"), is_subtle=True))
        return finished(body, t)
    for past in sessions[:HISTORY_SHOWN]:
        body.append(plain(past.topic, bold=True, spacing="Medium"))
        body.append(
            FactSet(
                facts=[
                    Fact(title=t("history.ended"), value=local_date(past.ended_ms)),
                    Fact(title=t("history.ideas"), value=str(past.ideas)),
                ]
            )
        )
        show = execute(t("history.show"), "history.summary", past.sid, past.rev)
        body.append(ActionSet(actions=[show]))
    if len(sessions) > HISTORY_SHOWN:
        body.append(line(t("list.more", n=len(sessions) - HISTORY_SHOWN), is_subtle=True))
    return finished(body, t)


def delete_check(sid: str, rev: int, topic: str, t: Translator) -> Card:
    body = [
        line(t("delete.title"), weight="Bolder", size="Medium", color="Attention"),
        plain(topic, bold=True, spacing="None"),
        line(t("delete.explain")),
    ]
    confirm = execute(t("delete.confirm"), "session.delete", sid, rev, style="destructive")
    return finished(body, t, actions=[confirm])
