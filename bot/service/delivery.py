"""A message that must go out once: across replicas, restarts and reruns of its timer.

The run that wins `fire_once` sends. A send cut short (a 5xx after the sender's retries, a
replica stopping) gives the win back and fails the run, so the timer runs again after its
lease and the message is not lost; a refusal (403/404: the bot was removed there) is final
and logged, or it would be retried for ever.
"""

from __future__ import annotations

import logging

from bot.service.deps import Deps
from bot.service.ports import Card, ConvRef, SendError

logger = logging.getLogger(__name__)


async def send_once(
    deps: Deps,
    sid: str,
    once_id: str,
    where: ConvRef,
    card: Card | None = None,
    text: str | None = None,
) -> bool:
    """True when this run sent it; False when another run did (or Teams refused it)."""
    if not await deps.timers.fire_once(sid, once_id):
        return False
    try:
        await deps.sender.send(where, card=card, text=text)
    except SendError as exc:
        if exc.permanent:
            logger.warning("message_refused", extra={"sid": sid, "status": exc.status})
            return False
        await deps.timers.unfire(sid, once_id)
        raise
    except BaseException:
        await deps.timers.unfire(sid, once_id)
        raise
    return True
