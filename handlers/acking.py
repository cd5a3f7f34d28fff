"""Acknowledge only what is stored: run the change first, then close the form or the click.

Slack waits three seconds for an acknowledgement. A change gets most of that to commit; if it
cannot begin in time, nothing is written and the person is told where they are, with their
text still in the form.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.domain.errors import DomainError, FieldErrors
from bot.records.deadlines import WriterBusy, write_deadline

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Seconds a change may take before its form is answered; the rest of Slack's three seconds is
# the answer's trip back.
ACK_BUDGET = 2.5
BUSY = (
    "Liaison is very busy and could not save this in time. Nothing was saved, and what you "
    "wrote is still here: please submit again."
)
BROKEN = (
    "Liaison could not save this because of a fault on its side. Nothing was saved, and what "
    "you wrote is still here: please try again in a minute, and tell your service desk if it "
    "keeps happening."
)
BUSY_CLICK = (
    "Liaison is very busy and could not do that in time. Nothing changed: please try again."
)
BROKEN_CLICK = (
    "Liaison could not do that because of a fault on its side. Nothing changed: please try "
    "again in a minute."
)


async def submit_then_ack(
    ack: AsyncAck,
    change: Callable[[], Awaitable[T]],
    *,
    field: str,
    answer: Callable[[T], dict[str, Any]] | None = None,
) -> T | None:
    """Store a form's change, then close the form; on any refusal keep it open and say why.

    `field` is the block under which a refusal that names no field is shown; `answer`, when
    given, turns the stored result into the acknowledgement (e.g. the view to show next).
    """
    try:
        with write_deadline(ACK_BUDGET):
            result = await change()
    except FieldErrors as invalid:
        await ack(response_action="errors", errors=invalid.errors)
    except DomainError as refused:
        await ack(response_action="errors", errors={field: str(refused)})
    except WriterBusy:
        logger.warning("form kept open: its change could not be stored in time")
        await ack(response_action="errors", errors={field: BUSY})
    except Exception:
        logger.exception("form kept open: storing its change failed")
        await ack(response_action="errors", errors={field: BROKEN})
    else:
        await ack(**answer(result)) if answer else await ack()
        return result
    return None


async def click_then_ack(
    ack: AsyncAck, change: Callable[[], Awaitable[T]]
) -> tuple[T | None, str | None]:
    """Store a click's change, then acknowledge it; returns (result, what to tell the person).

    A click's acknowledgement is empty, so waiting for the commit costs little; a refusal is
    answered by the caller where the person is (an ephemeral message).
    """
    try:
        with write_deadline(ACK_BUDGET):
            result = await change()
    except DomainError as refused:
        await ack()
        return None, str(refused)
    except WriterBusy:
        logger.warning("click not applied: its change could not be stored in time")
        await ack()
        return None, BUSY_CLICK
    except Exception:
        logger.exception("click not applied: storing its change failed")
        await ack()
        return None, BROKEN_CLICK
    await ack()
    return result, None
