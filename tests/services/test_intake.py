"""Filing a request stores it, its history and its notices in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import Catalogue, load_catalogue
from bot.clock import ManualClock
from bot.domain.errors import FieldErrors
from bot.intake.filing import IntakeService, RequestForm
from storage import history, outbox, requests
from storage.engine import Database
from tests.conftest import EXAMPLE_CATALOGUE

NY = dt.timezone(dt.timedelta(hours=-5))


@pytest.fixture
def catalogue() -> Catalogue:
    return load_catalogue(EXAMPLE_CATALOGUE)


@pytest.fixture
def intake(
    database: Database, catalogue: Catalogue, clock: ManualClock
) -> tuple[IntakeService, list[int]]:
    wakes: list[int] = []
    service = IntakeService(
        database=database,
        catalogue=catalogue,
        clock=clock,
        default_triage_channel="C0TRIAGE",
        committed=lambda: wakes.append(1),
    )
    return service, wakes


def form(**overrides: object) -> RequestForm:
    values: dict[str, object] = {
        "partner_id": "U0PARTNER",
        "service_id": "network",
        "summary": "  No   network in bldg 4 ",
        "details": "Since 0700.",
        "impact": "degraded",
        "needed_by": None,
    }
    values.update(overrides)
    return RequestForm(**values)  # type: ignore[arg-type]


async def test_filing_stores_request_history_and_two_notices(
    intake: tuple[IntakeService, list[int]], database: Database, clock: ManualClock
) -> None:
    service, wakes = intake
    summary = await service.submit_request(form())
    assert summary.ref == "REQ-1"
    assert summary.summary == "No network in bldg 4"
    assert summary.priority == "P3"  # degraded, no date → low urgency
    assert summary.card_channel == "C0TRIAGE"
    assert wakes == [1]
    async with database.reading() as session:
        row = await requests.get_request(session, number=1)
        assert row is not None
        events = await history.timeline(session, request_id=row.id)
        queued = await outbox.list_messages(session, request_id=row.id)
    assert [e.kind for e in events] == ["opened"]
    assert events[0].partner_visible
    assert events[0].data["details"] == "Since 0700."
    assert [(m.role, m.args["channel"]) for m in queued] == [
        ("partner_thread", "U0PARTNER"),
        ("card", "C0TRIAGE"),
    ]
    assert "REQ-1" in queued[0].args["text"]


async def test_first_response_target_counts_business_hours_over_the_weekend(
    intake: tuple[IntakeService, list[int]], clock: ManualClock
) -> None:
    service, _ = intake
    # Friday 27 Nov 2026, 16:00 in New York (the day after Thanksgiving is a working day).
    await clock.set(dt.datetime(2026, 11, 27, 16, 0, tzinfo=NY))
    summary = await service.submit_request(form(impact="workaround"))
    assert summary.priority == "P4"
    opened_local = summary.opened_at.astimezone(NY)
    due_local = summary.first_response_due.astimezone(NY)
    assert opened_local.weekday() == 4
    assert due_local.weekday() in (0, 1)  # lands on the next working week, not the weekend
    assert summary.next_update_due == summary.first_response_due


async def test_a_deadline_tomorrow_raises_the_priority(
    intake: tuple[IntakeService, list[int]], clock: ManualClock
) -> None:
    service, _ = intake
    tomorrow = clock.now().astimezone(NY).date() + dt.timedelta(days=1)
    summary = await service.submit_request(form(impact="stopped", needed_by=tomorrow))
    assert summary.priority == "P1"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 151}, "summary"),
        ({"details": "x" * 3001}, "details"),
        ({"service_id": None}, "service"),
        ({"service_id": "typewriters"}, "service"),
        ({"impact": None}, "impact"),
        ({"impact": "catastrophic"}, "impact"),
        ({"needed_by": dt.date(2026, 11, 1)}, "needed_by"),
    ],
)
async def test_invalid_forms_name_the_field_and_store_nothing(
    intake: tuple[IntakeService, list[int]],
    database: Database,
    overrides: dict[str, object],
    field: str,
) -> None:
    service, wakes = intake
    with pytest.raises(FieldErrors) as raised:
        await service.submit_request(form(**overrides))
    assert list(raised.value.errors) == [field]
    async with database.reading() as session:
        assert await requests.get_request(session, number=1) is None
        assert await outbox.depth(session) == (0, None)
    assert wakes == []


async def test_numbers_continue_across_requests(
    intake: tuple[IntakeService, list[int]],
) -> None:
    service, _ = intake
    refs = [(await service.submit_request(form())).ref for _ in range(3)]
    assert refs == ["REQ-1", "REQ-2", "REQ-3"]
