"""The privacy statement and terms of use, served by the bot at /privacy and /terms.

The Teams app manifest must link to both (developer.privacyUrl, developer.termsOfUseUrl), and
deploy/teams/package.py points them here, so the links never answer 404. The texts live in
bot/privacy/{nb,nn,en}.json, one file per language; they are ours, not user input, and may hold
a little inline HTML (<code>, <strong>). `{retention_days}` and `{idle_days}` in them are
filled from the running configuration, so the page states what this deployment does.

Language: `?lang=nb|nn|en` first, then the browser's Accept-Language, else bokmål.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from aiohttp import web

TEXTS = Path(__file__).resolve().parent / "privacy"
LANGUAGES = ("nb", "nn", "en")
DEFAULT_LANGUAGE = "nb"
DOCUMENTS = ("privacy", "terms")
# Accept-Language tags that mean one of our languages ("no" is Norwegian, written bokmål).
_ALIASES = {"nb": "nb", "no": "nb", "nn": "nn", "en": "en"}


@dataclass(frozen=True, slots=True)
class Facts:
    """What the pages state about this deployment (from Config: RETENTION_DAYS and the
    idle expiry of sessions that never end)."""

    retention_days: int = 30
    idle_days: int = 30


FACTS = web.AppKey("privacy_facts", Facts)


@cache
def texts(language: str) -> dict[str, Any]:
    return json.loads((TEXTS / f"{language}.json").read_text(encoding="utf-8"))


def choose_language(query_lang: str | None, accept_language: str | None) -> str:
    """`?lang=` wins when it names one of ours; then the best Accept-Language match."""
    if query_lang:
        wanted = _ALIASES.get(query_lang.strip().lower().split("-")[0])
        if wanted:
            return wanted
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        language = _ALIASES.get(tag.strip().lower().split("-")[0])
        if not language:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        q -= position * 1e-6  # equal weights: the earlier tag wins
        if q > best_q:
            best, best_q = language, q
    return best


def render(document: str, language: str, facts: Facts) -> str:
    """One self-contained HTML page (no scripts, no external resources)."""
    page = texts(language)[document]
    values = {"retention_days": facts.retention_days, "idle_days": facts.idle_days}
    body: list[str] = [f"<h1>{page['title']}</h1>"]
    for section in page["sections"]:
        body.append(f"<h2>{section['heading']}</h2>")
        for paragraph in section.get("paragraphs", []):
            body.append(f"<p>{paragraph.format(**values)}</p>")
        if items := section.get("items"):
            body.append("<ul>" + "".join(f"<li>{i.format(**values)}</li>" for i in items) + "</ul>")
    others = " · ".join(
        f'<a href="?lang={code}" hreflang="{code}">{html.escape(texts(code)["language_name"])}</a>'
        for code in LANGUAGES
        if code != language
    )
    body.append(f"<p><small>{others}</small></p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{page['title']}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}code{background:#eef;padding:0 .2em}</style>\n"
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _respond(request: web.Request, document: str) -> web.Response:
    language = choose_language(request.query.get("lang"), request.headers.get("Accept-Language"))
    return web.Response(
        text=render(document, language, request.app[FACTS]),
        content_type="text/html",
        charset="utf-8",
        headers={
            "Content-Language": language,
            "Vary": "Accept-Language",
            "Cache-Control": "public, max-age=3600",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def privacy(request: web.Request) -> web.Response:
    return _respond(request, "privacy")


async def terms(request: web.Request) -> web.Response:
    return _respond(request, "terms")
