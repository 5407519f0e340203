"""Issue 15: user text never reaches Markdown. A topic, category or name typed as a link is
shown as typed, in a plain TextRun, on the follow-up cards and in every notice."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from bot.domain.follow_up import FollowState
from bot.i18n import translator
from cards import follow_up, notice
from cards.text import local_time, notice_block, said
from cards.views import Notice
from tests.fakes.cards import walk

LINK = "[Logg inn](https://evil.example/login)"


def blocks(node: Any) -> Iterator[dict[str, Any]]:
    return (n for n in walk(node) if n.get("type") in ("TextBlock", "TextRun"))


def assert_plain(card: dict[str, Any]) -> None:
    """The link text is on the card, and only in TextRuns (never Markdown)."""
    found = [b for b in blocks(card) if "evil.example" in (b.get("text") or "")]
    assert found, "the user's text should still be shown"
    assert {b["type"] for b in found} == {"TextRun"}
    assert any(LINK in b["text"] for b in found)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_follow_up_cards_show_a_topic_as_typed(lang: str) -> None:
    t = translator(lang)
    owner = follow_up.OwnerView(
        sid="s1",
        rev=1,
        item_id="a1",
        ver=1,
        topic=LINK,
        text=LINK,
        due="2026-12-24",
        state=FollowState.OPEN,
        errors=(Notice("followup.date_too_late", {"date": LINK}, good=False),),
        notice=Notice("groups.sorted", {"name": LINK}),
    )
    assert_plain(follow_up.owner_card(owner, t))
    rows = (follow_up.Row(LINK, LINK, FollowState.BACK, ""),)
    host = follow_up.StatusView(topic=LINK, rows=rows)
    assert_plain(follow_up.status_card(host, t))


@pytest.mark.parametrize(
    ("key", "param"),
    [
        ("followup.owner_title", "topic"),
        ("groups.sorted", "name"),
        ("groups.categories", "names"),
        ("followup.remind_these", "names"),
        ("followup.handed_back_host", "text"),
    ],
)
def test_notice_parameters_are_plain_text(key: str, param: str) -> None:
    t = translator("nb")
    params = {"name": "Kari", "text": "Tiltak", param: LINK}
    assert_plain(notice.message(t, key, good=False, **params))
    assert_plain(notice.message(t, key, **params))
    block = notice_block(Notice(key, params), t)
    assert_plain(block.model_dump(exclude_none=True))


def test_numbers_and_card_times_keep_their_markdown_block() -> None:
    """Only text parameters are plain; a count or the client's own time function stays a
    TextBlock (a TextRun would not be wrapped the same way, and this text is all ours)."""
    t = translator("nb")
    counted = said(t, "ideas.count", {"n": 3}, weight="Bolder")
    timed = said(t, "phase.ends_at", {"time": local_time(1_796_119_200_000)})
    assert counted.model_dump(exclude_none=True)["type"] == "TextBlock"
    assert timed.model_dump(exclude_none=True)["type"] == "TextBlock"
    forged = said(t, "phase.ends_at", {"time": "{{TIME(x)}} " + LINK})
    assert forged.model_dump(exclude_none=True)["type"] == "RichTextBlock"


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_group_board_shows_a_typed_category_and_names_as_typed(lang: str) -> None:
    from cards import groups
    from cards.views import BoardInput, BoardView

    t = translator(lang)
    view = BoardView(
        sid="s1",
        rev=1,
        group=1,
        part=1,
        question="Q",
        categories=(LINK,),
        members=((LINK, "29:1"), ("Kari </at> *Nordmann*", "29:2")),
        inputs=(BoardInput("1", "Gåbuss", LINK),),
        open=True,
        ends_ms=0,
        mention=True,
    )
    dumped = groups.board(view, t)
    linked = [b for b in blocks(dumped) if LINK in (b.get("text") or "")]
    assert linked and {b["type"] for b in linked} == {"TextRun"}  # shown, never a link
    mentions = dumped["msteams"]["entities"]
    for m in mentions:  # a mention's name can hold no tag, link or emphasis
        assert not set("<>[]()*") & set(m["text"].removeprefix("<at>").removesuffix("</at>"))
    assert groups.mention_name("Kari </at> *Nordmann*") == "Kari /at Nordmann"
