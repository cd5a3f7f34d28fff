"""Technicians' changes and the timers that fire at the same moment never deadlock or vanish."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.app.local import LocalLiaison
from bot.app.wiring import build_runtime
from bot.clock import ManualClock
from bot.domain.edit import Edit
from bot.domain.errors import DomainError
from bot.domain.model import RequestStatus
from bot.domain.transitions import Action
from bot.intake.filing import RequestForm
from bot.runtime import Runtime
from storage import history, requests, timers
from storage.engine import Database
from storage.retrying import sqlstate
from tests.factories import make_request

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]
COUNT = 200


@pytest.fixture
async def liaison(postgres_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    """Liaison on PostgreSQL; the test drives its services directly, many at once."""
    local = LocalLiaison(database_url=postgres_url, clock=clock)
    await local.start()
    yield local
    await local.stop()


def _form(n: int) -> RequestForm:
    return RequestForm(
        partner_id="U0PAT",
        service_id="network",
        summary=f"Outage {n}",
        details="",
        impact="stopped",
        needed_by=None,
    )


async def _try(liaison: LocalLiaison, number: int, technician: str, edit: Edit) -> str:
    """Applied, or refused with a message for the technician: nothing else may happen."""
    try:
        await liaison.runtime.triage.apply(number, actor=technician, edit=edit)
    except DomainError:
        return "refused"
    return "applied"


async def _race(
    liaison: LocalLiaison, replica: Runtime, edits: list[tuple[int, str, Edit]]
) -> list[str]:
    """Every edit at once, while both replicas' schedulers fire what fell due."""
    passes = [rt.scheduler.run_pass() for rt in (liaison.runtime, replica) for _ in range(3)]
    changes = [_try(liaison, number, who, edit) for number, who, edit in edits]
    results = await asyncio.gather(*changes, *passes, return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    return [r for r in results[: len(edits)] if isinstance(r, str)]


async def _due(liaison: LocalLiaison, kind: str) -> dt.datetime:
    async with liaison.runtime.database.reading() as session:
        pending = await timers.pending(session, request_id=1)
    return min(t.due_at for t in pending if t.kind == kind)


async def test_claims_and_updates_racing_warning_and_breach_timers_are_never_lost(
    liaison: LocalLiaison, clock: ManualClock
) -> None:
    runtime = liaison.runtime
    await runtime.scheduler.stop()  # passes run below, at the same moments as the clicks
    await runtime.outbox.stop()
    for n in range(COUNT):
        await runtime.intake.submit_request(_form(n))
    technicians = liaison.workspace.ids("technician")
    who = {n: technicians[n % len(technicians)] for n in range(1, COUNT + 1)}
    # A second replica's scheduler fires timers too, as it would in production.
    replica = await build_runtime(liaison.settings(), clock=clock)
    warning = await _due(liaison, "first_response_warning")
    breach = await _due(liaison, "first_response_breach")
    try:
        await clock.set(warning)
        claims = await _race(
            liaison, replica, [(n, who[n], Edit(Action.CLAIM, assignee=who[n])) for n in who]
        )
        # The update is the first response: it cancels the very breach timers firing now.
        await clock.set(breach)
        update = Edit(Action.UPDATE, status=RequestStatus.IN_PROGRESS, partner_message="On it.")
        updates = await _race(liaison, replica, [(n, who[n], update) for n in who])
    finally:
        await replica.close()
    async with runtime.database.reading() as session:
        for number in who:
            row = await requests.get_request(session, number=number)
            assert row is not None
            kinds = [e.kind for e in await history.timeline(session, request_id=row.id)]
            if claims[number - 1] == "applied":
                assert row.assignee_id == who[number]
            if updates[number - 1] == "applied":
                assert row.status == RequestStatus.IN_PROGRESS and "update" in kinds, kinds
        assert await timers.due(session, now=clock.now(), limit=10) == []
    assert claims.count("applied") > COUNT // 2  # most simply went through
    assert updates.count("applied") > COUNT // 2  # any refusal was said to the technician


async def test_a_change_holds_its_request_until_commit_so_a_timer_waits(
    postgres_url: str, clock: ManualClock
) -> None:
    database = Database(postgres_url)
    try:
        async with database.transaction() as session:
            request = await make_request(session, now=clock.now())
        async with database.transaction() as technician:
            assert await requests.get_for_update(technician, number=request.number) is not None
            with pytest.raises(DBAPIError) as waited:
                await _lock_within_50ms(database, request.id)
            assert sqlstate(waited.value) == "55P03"  # lock_not_available: it had to wait
    finally:
        await database.dispose()


async def _lock_within_50ms(database: Database, request_id: int) -> None:
    """What a timer does first: lock the request, here giving up after 50 ms of waiting."""
    async with database.transaction() as timer:
        await timer.execute(text("SET LOCAL lock_timeout = '50ms'"))
        await requests.lock(timer, request_id=request_id)


async def test_a_timer_leaves_a_request_being_changed_and_fires_right_after(
    liaison: LocalLiaison, clock: ManualClock
) -> None:
    runtime = liaison.runtime
    await runtime.scheduler.stop()
    await runtime.intake.submit_request(_form(1))
    await clock.set(await _due(liaison, "first_response_breach"))
    async with runtime.database.transaction() as technician:
        row = await requests.get_for_update(technician, number=1)
        assert row is not None
        # The breach falls due while the technician's change holds the request: the scheduler
        # neither waits for it (it would hold the timer the change is about to cancel) nor
        # fires on a stale copy.
        await runtime.scheduler.run_pass()
        async with runtime.database.reading() as session:
            kinds = [t.kind for t in await timers.pending(session, request_id=row.id)]
        assert "first_response_breach" in kinds
    assert await runtime.scheduler.next_due() == clock.now() + dt.timedelta(seconds=1)
    await clock.advance(dt.timedelta(seconds=1))
    await runtime.scheduler.run_pass()
    async with runtime.database.reading() as session:
        kinds = [t.kind for t in await timers.pending(session, request_id=row.id)]
        stored = await requests.get_request(session, number=1)
    assert "first_response_breach" not in kinds
    assert stored is not None and stored.first_response_breached_at is not None
