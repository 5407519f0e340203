"""GET /export/<sid>.<md|csv>?exp=…&sig=… — the signed download of a session's record.

Any failure — bad signature, expired, tampered, unknown or deleted session — is the same
403 with the same body, so a guessed link learns nothing.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from aiohttp import web

from bot.domain.links import check
from bot.service.deps import Deps
from bot.service.records import export

logger = logging.getLogger(__name__)

TYPES = {"md": "text/markdown", "csv": "text/csv"}


def _refused() -> web.Response:
    return web.Response(status=403, text="This link is not valid.")


DepsOf = Callable[[web.Application], Deps]
Handler = Callable[[web.Request], Awaitable[web.Response]]


def handler(deps_of: DepsOf) -> Handler:
    """The route, given how to find the app's Deps (they live in a cleanup context)."""

    async def download(request: web.Request) -> web.Response:
        deps = deps_of(request.app)
        sid, _, fmt = request.match_info["name"].partition(".")
        ok = check(
            deps.rules.anon_key,
            sid,
            fmt,
            request.query.get("exp", ""),
            request.query.get("sig", ""),
            deps.clock.now_ms() // 1000,
        )
        if not ok or not await deps.store.meta(sid):
            logger.info("export_refused")
            return _refused()
        record = await export.gather(deps, sid)
        body = export.markdown(record) if fmt == "md" else export.csv_text(record)
        logger.info("export_served", extra={"sid": sid, "format": fmt})
        return web.Response(
            text=body,
            content_type=TYPES[fmt],
            charset="utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="digikok-{sid}.{fmt}"',
                "Cache-Control": "no-store",
            },
        )

    return download
