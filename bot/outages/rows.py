"""Finding an outage by the number people use, with the refusal they should read."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidTransition, NotFound
from bot.domain.outage import OutageStatus, format_outage_number
from storage import outages
from storage.models import Outage


async def outage_row(session: AsyncSession, number: int) -> Outage:
    """The outage with this number, or NotFound saying so."""
    row = await outages.get_outage(session, number=number)
    if row is None:
        raise NotFound(f"There is no outage {format_outage_number(number)}.")
    return row


async def live_outage_row(session: AsyncSession, number: int) -> Outage:
    """The outage with this number while it can still change, or why it cannot."""
    row = await outage_row(session, number)
    if not OutageStatus(row.status).is_live:
        raise InvalidTransition(
            f"{format_outage_number(number)} is already {row.status}; nothing more to change."
        )
    return row
