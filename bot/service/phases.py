"""After a phase change: refresh the shared card and tell the conversation what happens now."""

from __future__ import annotations

import logging

from bot.domain.phases import Transition
from bot.i18n import translator
from bot.service.deps import Deps
from bot.service.views import conv_ref

logger = logging.getLogger(__name__)


async def announce_phase(deps: Deps, sid: str, step: Transition) -> None:
    await deps.outbox.mark(sid)
    meta = await deps.store.meta(sid)
    t = translator(meta.get("locale", "nb"))
    logger.info("phase_advanced", extra={"sid": sid, "phase": step.to.value})
    text = (
        t("phase.started", phase=t(f"phase.{step.to.value}"))
        + " "
        + t(f"phase.{step.to.value}.howto")
    )
    await deps.sender.send(conv_ref(meta), text=text)
