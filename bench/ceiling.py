"""The ceiling of the HTTP stack: an aiohttp handler that only parses the activity's JSON.

`python bench/ceiling.py PORT` serves POST /api/messages (and GET /healthz) on 127.0.0.1
and answers a tiny `{"ok": true}`: aiohttp + json.loads and nothing else.

`python bench/ceiling.py PORT CARD_JSON` is the same-card ceiling (issue 13): it answers
every request with the card in CARD_JSON (an answer the real app gave in this run, ~20 KB
for a vote) wrapped as an Action.Execute answer, `json.dumps` per request as a real handler
must (no cached bytes). That is the honest ceiling for this job: the same HTTP stack, the
same answer bytes, no bot. run.py fires the same requests at the same concurrency at these
and at the real app, and reports ours / ceiling for both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

CARD_TYPE = "application/vnd.microsoft.card.adaptive"


def handler(card: dict[str, Any] | None) -> Any:
    async def tiny(request: web.Request) -> web.Response:
        activity = json.loads(await request.read())
        return web.json_response({"ok": isinstance(activity, dict)})

    async def same_card(request: web.Request) -> web.Response:
        activity = json.loads(await request.read())
        if not isinstance(activity, dict):
            return web.Response(status=400)
        answer = {"statusCode": 200, "type": CARD_TYPE, "value": card}
        return web.Response(
            body=json.dumps(answer, ensure_ascii=False).encode(), content_type="application/json"
        )

    return tiny if card is None else same_card


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main(argv: list[str]) -> int:
    port = int(argv[1])
    card = json.loads(Path(argv[2]).read_text(encoding="utf-8")) if len(argv) > 2 else None
    app = web.Application(client_max_size=256 * 1024)
    app.router.add_post("/api/messages", handler(card))
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
