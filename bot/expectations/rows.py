"""What the clocks and promises read and write about a request: its level, its history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue, ServiceLevel
from bot.domain.model import Priority, RequestStatus
from bot.domain.summary import RequestSummary
from storage import history, requests
from storage.models import Request, Timer


def level_of(catalogue: Catalogue, row: Request | RequestSummary) -> ServiceLevel | None:
    """The level the request's service promises at its priority (None: service gone)."""
    service = catalogue.service(row.service_id)
    return catalogue.level(service, Priority(row.priority)) if service else None


def third_party_pauses(catalogue: Catalogue, row: Request) -> bool:
    """Whether the request's service stops the clock while a third party has it."""
    service = catalogue.service(row.service_id)
    return service.third_party_pauses_clock if service else False


async def open_request(session: AsyncSession, timer: Timer) -> Request | None:
    """The timer's request, if it is still open (a closed request's timers have nothing to do)."""
    if timer.request_id is None:
        return None
    row = await requests.get_request_by_id(session, request_id=timer.request_id)
    return row if row is not None and RequestStatus(row.status).is_open else None


async def record(
    session: AsyncSession,
    row: Request,
    kind: str,
    now: dt.datetime,
    *,
    actor: str | None = None,
    visible: bool = False,
    due: dt.datetime | None = None,
    paused_seconds: int | None = None,
    data: dict[str, object] | None = None,
) -> None:
    """A line in the request's history about its clocks or promises."""
    data = dict(data or {})
    if due is not None:
        data["due"] = due.isoformat()
    if paused_seconds is not None:
        data["paused_seconds"] = paused_seconds
    await history.append_event(
        session,
        request_id=row.id,
        at=now,
        kind=kind,
        actor_id=actor,
        partner_visible=visible,
        data=data,
    )
