"""bot/privacy.py: the pages the Teams manifest links to (privacyUrl, termsOfUseUrl).

Served through aiohttp's test client on an app that has only these routes, as bot/web.py
wires them, so the test needs neither Redis nor Teams.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot import privacy
from bot.privacy import FACTS, Facts, choose_language

TEXTS = Path(privacy.__file__).resolve().parent / "privacy"


def make_app(facts: Facts) -> web.Application:
    app = web.Application()
    app[FACTS] = facts
    app.router.add_get("/privacy", privacy.privacy)
    app.router.add_get("/terms", privacy.terms)
    return app


@pytest.fixture
async def client(aiohttp_client) -> TestClient:
    return await aiohttp_client(make_app(Facts(retention_days=14, idle_days=45)))


class _Text(HTMLParser):
    """Visible text of a page, and whether every tag that opened was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ("meta", "br"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing"

    def handle_data(self, data: str) -> None:
        if not self.open or self.open[-1] not in ("style", "title"):
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    assert parser.open == ["html"] or parser.open == [], parser.open
    return " ".join(" ".join(parser.parts).split())


async def test_privacy_page_defaults_to_bokmal_and_states_the_configured_periods(
    client: TestClient,
) -> None:
    response = await client.get("/privacy")
    assert response.status == 200
    assert response.content_type == "text/html"
    assert response.headers["Content-Language"] == "nb"
    text = visible_text(await response.text())
    assert "Hva som lagres" in text
    assert "etter 14 dager" in text  # RETENTION_DAYS of this deployment, not the default
    assert "etter 45 dager uten aktivitet" in text  # the idle expiry
    assert "slett" in text and "delete" in text
    assert "DIGIKOK_SECRET" in text  # who could re-link: holders of data and key
    assert "{" not in text  # every placeholder filled


@pytest.mark.parametrize(
    ("query", "header", "expected", "marker"),
    [
        ("?lang=nn", "en-GB,en;q=0.9", "nn", "Kva som blir lagra"),
        ("?lang=en", None, "en", "What is stored"),
        ("?lang=nb", "nn", "nb", "Hva som lagres"),
        ("", "nn-NO,nn;q=0.9,nb;q=0.8", "nn", "Kva som blir lagra"),
        ("", "en-US,en;q=0.9", "en", "What is stored"),
        ("", "de-DE,de;q=0.9", "nb", "Hva som lagres"),  # none of ours: bokmål
        ("?lang=xx", "en", "en", "What is stored"),  # an unknown ?lang= falls through
    ],
)
async def test_language_comes_from_the_query_then_accept_language(
    client: TestClient, query: str, header: str | None, expected: str, marker: str
) -> None:
    headers = {"Accept-Language": header} if header else {}
    response = await client.get(f"/privacy{query}", headers=headers)
    assert response.status == 200
    assert response.headers["Content-Language"] == expected
    page = await response.text()
    assert f'<html lang="{expected}">' in page
    assert marker in visible_text(page)


async def test_terms_page_in_every_language(client: TestClient) -> None:
    titles = {"nb": "vilkår for bruk", "nn": "vilkår for bruk", "en": "terms of use"}
    for language, title in titles.items():
        response = await client.get(f"/terms?lang={language}")
        assert response.status == 200
        text = visible_text(await response.text())
        assert title in text
        assert "14" in text and "{" not in text


async def test_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    for path in ("/privacy", "/terms"):
        response = await client.get(path)
        page = await response.text()
        assert "<script" not in page
        assert not re.search(r'(src|href)="(https?:)?//', page)  # links only to ?lang=
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_the_three_languages_have_the_same_structure() -> None:
    def shape(node: object) -> object:
        if isinstance(node, dict):
            return {key: shape(value) for key, value in node.items()}
        if isinstance(node, list):
            return [shape(item) for item in node]
        return sorted(re.findall(r"\{(\w+)\}", node)) if isinstance(node, str) else node

    shapes = {
        language: shape(json.loads((TEXTS / f"{language}.json").read_text(encoding="utf-8")))
        for language in privacy.LANGUAGES
    }
    assert shapes["nn"] == shapes["nb"]
    assert shapes["en"] == shapes["nb"]


def test_choose_language_weighs_accept_language() -> None:
    assert choose_language(None, None) == "nb"
    assert choose_language(None, "") == "nb"
    assert choose_language(None, "en;q=0.5, nn;q=0.8") == "nn"
    assert choose_language(None, "no") == "nb"
    assert choose_language(None, "en, nn") == "en"  # equal weight: the first wins
    assert choose_language(None, "nn;q=bad, en;q=0.1") == "en"
    assert choose_language("NN", None) == "nn"
