"""The outage desk on a real database: who is told, once each, and what is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.catalogue import Catalogue, load_catalogue
from bot.clock import ManualClock
from bot.delivery.scheduler import Scheduler
from bot.domain.errors import FieldErrors, InvalidTransition, NotFound, NotPermitted
from bot.domain.outage import OutageEvent, OutageStatus
from bot.domain.timers import TimerKind
from bot.intake.filing import IntakeService, RequestForm
from bot.outages.cache import LIVE_SECONDS, LiveOutages
from bot.outages.desk import MaintenanceForm, OutageDesk, OutageEdit, OutageForm
from storage import outages, outbox, requests, timers
from storage.engine import Database
from tests.conftest import EXAMPLE_CATALOGUE

TECH, BOSS, PAT, JO, CASEY = "U0TECH", "U0BOSS", "U0PAT", "U0JO", "U0CASEY"


@dataclass
class Roles:
    """Technicians and supervisors without asking Slack."""

    technicians: tuple[str, ...] = (TECH,)
    supervisors: tuple[str, ...] = (BOSS,)

    async def is_supervisor(self, user: str) -> bool:
        return user in self.supervisors

    async def technician_channels(self, user: str) -> list[str]:
        return ["C0TRIAGE"] if user in self.technicians else []


@dataclass
class Triage:
    """Records resolutions; refuses the numbers it is told to, as the real one would."""

    refuse: dict[int, str] = field(default_factory=dict)
    applied: list[tuple[int, str, str]] = field(default_factory=list)

    async def apply(self, number: int, *, actor: str, edit: Any) -> None:
        if number in self.refuse:
            raise NotPermitted(self.refuse[number])
        self.applied.append((number, actor, edit.partner_message))


@dataclass
class Desk:
    desk: OutageDesk
    intake: IntakeService
    triage: Triage
    scheduler: Scheduler
    database: Database
    clock: ManualClock

    async def file(self, partner: str, service: str = "network") -> int:
        form = RequestForm(
            partner_id=partner,
            service_id=service,
            summary="It is broken",
            details="",
            impact="degraded",
            needed_by=None,
        )
        return (await self.intake.submit_request(form)).number

    async def declare(self, service: str = "network", *, actor: str = TECH, **kw: Any) -> int:
        values: dict[str, Any] = {
            "service_id": service,
            "kind": "outage",
            "summary": "No network in bldg 4",
            "workaround": "",
            "next_update_due": self.clock.now() + dt.timedelta(hours=1),
        }
        values.update(kw)
        outcome = await self.desk.declare(OutageForm(**values), actor=actor)
        return outcome.outage.number

    async def schedule(self, *, start_in: dt.timedelta, length: dt.timedelta) -> int:
        start = self.clock.now() + start_in
        form = MaintenanceForm("email", "Mail is down for patching", start, start + length)
        return (await self.desk.schedule_maintenance(form, actor=TECH)).outage.number

    async def queued(self) -> list[Any]:
        async with self.database.reading() as session:
            return list(await outbox.list_messages(session))

    async def outage_id(self, number: int) -> int:
        async with self.database.reading() as session:
            row = await outages.get_outage(session, number=number)
        assert row is not None
        return row.id

    async def pending_timers(self, number: int) -> list[tuple[str, dt.datetime]]:
        async with self.database.reading() as session:
            rows = await timers.pending(session, outage_id=await self.outage_id(number))
        return [(t.kind, t.due_at) for t in rows]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(EXAMPLE_CATALOGUE)


@pytest.fixture
def desk(database: Database, catalogue: Catalogue, clock: ManualClock) -> Desk:
    intake = IntakeService(
        database=database,
        catalogue=catalogue,
        clock=clock,
        default_triage_channel="C0TRIAGE",
        committed=lambda: None,
    )
    triage = Triage()
    service = OutageDesk(
        database=database,
        catalogue=catalogue,
        clock=clock,
        roles=Roles(),  # type: ignore[arg-type]
        triage=triage,  # type: ignore[arg-type]
        announcements_channel="C0ANNOUNCE",
        committed=lambda: None,
    )
    intake.on_filed(service.on_filed)
    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None)
    scheduler.handle(
        [
            (TimerKind.OUTAGE_LINKED, service.timers.on_linked),
            (TimerKind.MAINTENANCE_REMINDER, service.timers.on_reminder),
            (TimerKind.MAINTENANCE_END, service.timers.on_end),
            (TimerKind.OUTAGE_UPDATE_NUDGE, service.promises.on_nudge),
            (TimerKind.OUTAGE_UPDATE_LAPSE, service.promises.on_lapse),
        ]
    )
    return Desk(service, intake, triage, scheduler, database, clock)


def dms(queued: list[Any], user: str) -> list[Any]:
    return [m for m in queued if m.args["channel"] == user and m.method == "chat.postMessage"]


async def test_declaring_queues_the_announcement_and_one_message_per_affected_partner(
    desk: Desk,
) -> None:
    await desk.file(PAT)
    await desk.file(PAT)
    await desk.file(CASEY)
    await desk.file(JO, service="email")
    before = len(await desk.queued())

    number = await desk.declare()

    assert number == 1
    new = (await desk.queued())[before:]
    [post] = [m for m in new if m.args["channel"] == "C0ANNOUNCE"]
    assert post.role == "outage_announcement" and "OUT-1" in post.args["text"]
    assert [m.args["channel"] for m in new if m is not post] == [CASEY, PAT]
    assert {m.ordering_key for m in new if m is not post} == {"partner:U0CASEY", "partner:U0PAT"}
    assert len({m.dedupe_key for m in new}) == len(new)
    assert await desk.declare(service="email") == 2, "outage numbers are sequential"


async def test_only_technicians_and_supervisors_may_declare(desk: Desk) -> None:
    with pytest.raises(NotPermitted, match="Only technicians"):
        await desk.declare(actor=PAT)
    assert await desk.declare(actor=BOSS) == 1
    assert await desk.desk.may_manage(TECH) and not await desk.desk.may_manage(PAT)


@pytest.mark.parametrize(
    ("override", "block"),
    [
        ({"service_id": None}, "service"),
        ({"service_id": "teleporters"}, "service"),
        ({"kind": "maintenance"}, "outage_kind"),
        ({"summary": "   "}, "outage_summary"),
        ({"summary": "x" * 501}, "outage_summary"),
        ({"workaround": "x" * 1001}, "outage_workaround"),
        ({"next_update_due": None}, "outage_next_update"),
        (
            {"next_update_due": dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)},
            "outage_next_update",
        ),
    ],
)
async def test_declaration_errors_name_the_field(
    desk: Desk, override: dict[str, Any], block: str
) -> None:
    with pytest.raises(FieldErrors) as raised:
        await desk.declare(**override)
    assert block in raised.value.errors
    assert await desk.queued() == []


async def test_a_request_filed_during_an_outage_is_linked_and_noted_once_filed(
    desk: Desk,
) -> None:
    await desk.declare(service="email")
    await desk.declare()
    number = await desk.file(PAT)
    other = await desk.file(JO, service="printers")

    async with desk.database.reading() as session:
        row = await requests.get_request(session, number=number)
        unlinked = await requests.get_request(session, number=other)
        pending = await timers.pending(session, request_id=row.id if row else 0)
    assert row is not None and row.outage_id == await desk.outage_id(2), "the network outage"
    assert unlinked is not None and unlinked.outage_id is None
    assert [t.kind for t in pending if t.kind == TimerKind.OUTAGE_LINKED] == [
        TimerKind.OUTAGE_LINKED
    ]

    await desk.scheduler.drain()
    notes = [m for m in await desk.queued() if m.parent_field == "thread_ts"]
    texts = " ".join(m.args["text"] for m in notes)
    assert "REQ-1 is linked to OUT-2" in texts and "Linked to OUT-2" in texts


async def test_following_is_idempotent_and_ends_with_the_outage(desk: Desk) -> None:
    await desk.declare()
    await desk.desk.follow(1, user=JO)
    await desk.desk.follow(1, user=JO)
    async with desk.database.reading() as session:
        assert await outages.followers(session, outage_id=await desk.outage_id(1)) == [JO]
    [banner] = await desk.desk.banners(viewer=JO)
    assert banner.following and banner.ref == "OUT-1"
    assert not (await desk.desk.banners(viewer=PAT))[0].following

    await desk.desk.resolve(1, actor=TECH, resolution="Fixed")
    with pytest.raises(InvalidTransition, match="already resolved"):
        await desk.desk.follow(1, user=CASEY)
    with pytest.raises(NotFound):
        await desk.desk.follow(9, user=CASEY)
    assert await desk.desk.banners(viewer=JO) == []


async def test_updates_tell_followers_what_changed_and_never_collide(desk: Desk) -> None:
    await desk.declare()
    await desk.desk.follow(1, user=JO)
    later = desk.clock.now() + dt.timedelta(hours=3)
    edit = OutageEdit(message="Crew on site", workaround="Use room 12", next_update_due=later)

    first = await desk.desk.update(1, actor=TECH, edit=edit)
    second = await desk.desk.update(1, actor=TECH, edit=OutageEdit(message="Still on it"))

    assert first.notified == second.notified == 1
    assert first.outage.next_update_due == later and first.outage.workaround == "Use room 12"
    [one, two] = dms(await desk.queued(), JO)
    assert "Crew on site" in str(one.args["blocks"]) and "Still on it" in str(two.args["blocks"])
    assert "workaround, next update time" in str(one.args["blocks"])
    assert one.dedupe_key != two.dedupe_key, "two updates in the same second both go out"
    with pytest.raises(FieldErrors) as raised:
        await desk.desk.update(1, actor=TECH, edit=OutageEdit(message=" "))
    assert "outage_message" in raised.value.errors


async def test_resolving_threads_under_the_announcement_and_happens_once(desk: Desk) -> None:
    await desk.file(CASEY)  # before the outage: told, but not linked
    await desk.declare()
    await desk.file(PAT)  # during it: linked
    await _mark_announcement_sent(desk)

    event, outcome = await desk.desk.resolve(1, actor=TECH, resolution="Fibre spliced")

    assert event is OutageEvent.RESOLVED and outcome.outage.status is OutageStatus.RESOLVED
    assert outcome.linked_open == ("REQ-2",) and outcome.notified == 2
    queued = await desk.queued()
    edit = [m for m in queued if m.method == "chat.update"]
    reply = [
        m for m in queued if m.parent_field == "thread_ts" and m.args["channel"] == "C0ANNOUNCE"
    ]
    assert len(edit) == 1 and len(reply) == 1
    async with desk.database.reading() as session:
        row = await outages.get_outage(session, number=1)
    assert row is not None and row.announcement_ts == "1795442400.000100"
    with pytest.raises(InvalidTransition):
        await desk.desk.resolve(1, actor=TECH, resolution="Again")


async def _mark_announcement_sent(desk: Desk) -> None:
    async with desk.database.transaction() as session:
        [root] = [m for m in await outbox.list_messages(session) if m.role == "outage_announcement"]
        await outbox.mark_sent(
            session,
            message_id=root.id,
            now=desk.clock.now(),
            channel="C0ANNOUNCE",
            ts="1795442400.000100",
        )


async def test_resolving_linked_requests_skips_those_that_refuse(desk: Desk) -> None:
    await desk.declare()
    first, second, third = await desk.file(PAT), await desk.file(CASEY), await desk.file(JO)
    with pytest.raises(InvalidTransition, match="Resolve OUT-1 first"):
        await desk.desk.links.resolve_linked(1, actor=TECH)
    await desk.desk.resolve(1, actor=TECH, resolution="Fibre spliced")
    desk.triage.refuse[second] = "REQ-2 is resolved, so it cannot be resolved any more."

    result = await desk.desk.links.resolve_linked(1, actor=TECH)

    assert result.resolved == (f"REQ-{first}", f"REQ-{third}")
    assert result.skipped == ((f"REQ-{second}", desk.triage.refuse[second]),)
    assert {message for _, _, message in desk.triage.applied} == {"Fibre spliced"}
    with pytest.raises(NotPermitted):
        await desk.desk.links.resolve_linked(1, actor=PAT)


async def test_maintenance_timers_remind_an_hour_before_and_end_it(desk: Desk) -> None:
    await desk.file(PAT, service="email")
    number = await desk.schedule(start_in=dt.timedelta(hours=3), length=dt.timedelta(hours=2))
    start = desk.clock.now() + dt.timedelta(hours=3)
    assert await desk.pending_timers(number) == [
        (TimerKind.MAINTENANCE_REMINDER, start - dt.timedelta(hours=1)),
        (TimerKind.MAINTENANCE_END, start + dt.timedelta(hours=2)),
    ]
    board = await desk.desk.board(viewer=PAT)
    assert board.current == () and [o.ref for o in board.upcoming] == ["OUT-1"]
    assert not board.can_manage

    await desk.clock.advance(dt.timedelta(hours=2))
    await desk.scheduler.drain()
    assert any("Reminder" in m.args["text"] for m in dms(await desk.queued(), PAT))
    await desk.clock.advance(dt.timedelta(hours=3))
    await desk.scheduler.drain()
    async with desk.database.reading() as session:
        row = await outages.get_outage(session, number=number)
    assert row is not None and row.status == "completed"
    assert any("Maintenance complete" in m.args["text"] for m in dms(await desk.queued(), PAT))


async def test_moving_maintenance_moves_its_timers_and_ending_early_cancels_them(
    desk: Desk,
) -> None:
    number = await desk.schedule(start_in=dt.timedelta(hours=3), length=dt.timedelta(hours=2))
    later = desk.clock.now() + dt.timedelta(hours=6)
    edit = OutageEdit(message="Moved", starts_at=later, ends_at=later + dt.timedelta(hours=1))
    outcome = await desk.desk.update(number, actor=TECH, edit=edit)
    assert await desk.pending_timers(number) == [
        (TimerKind.MAINTENANCE_REMINDER, later - dt.timedelta(hours=1)),
        (TimerKind.MAINTENANCE_END, later + dt.timedelta(hours=1)),
    ]
    assert outcome.outage.starts_at == later

    event, _ = await desk.desk.resolve(number, actor=TECH, resolution="Not needed after all")
    assert event is OutageEvent.CANCELLED
    assert await desk.pending_timers(number) == []


async def test_maintenance_soon_is_reminded_at_once_and_shows_once_started(desk: Desk) -> None:
    number = await desk.schedule(start_in=dt.timedelta(minutes=20), length=dt.timedelta(hours=1))
    [(kind, due), _] = await desk.pending_timers(number)
    assert (kind, due) == (TimerKind.MAINTENANCE_REMINDER, desk.clock.now())
    assert await desk.desk.banners(viewer=PAT) == []
    await desk.clock.advance(dt.timedelta(minutes=30))
    [banner] = await desk.desk.banners(viewer=PAT)
    assert banner.ref == "OUT-1" and banner.ends_at is not None


async def test_maintenance_window_errors_name_the_field(desk: Desk) -> None:
    start = desk.clock.now() + dt.timedelta(hours=1)
    cases = [
        (MaintenanceForm("email", "x", None, start), "outage_starts_at"),
        (MaintenanceForm("email", "x", start - dt.timedelta(hours=2), start), "outage_starts_at"),
        (MaintenanceForm("email", "x", start, start), "outage_ends_at"),
        (MaintenanceForm("email", "x", start, None), "outage_ends_at"),
    ]
    for form, block in cases:
        with pytest.raises(FieldErrors) as raised:
            await desk.desk.schedule_maintenance(form, actor=TECH)
        assert block in raised.value.errors


async def test_the_form_banner_comes_from_memory_and_learns_of_other_replicas_in_time(
    desk: Desk, database: Database, catalogue: Catalogue, clock: ManualClock
) -> None:
    elapsed = [0.0]
    here = desk.desk
    here._live = LiveOutages(database=database, summarise=here._summary, elapsed=lambda: elapsed[0])
    assert await here.banners(viewer=PAT) == []
    other = OutageDesk(
        database=database,
        catalogue=catalogue,
        clock=clock,
        roles=Roles(),  # type: ignore[arg-type]
        triage=Triage(),  # type: ignore[arg-type]
        announcements_channel="C0ANNOUNCE",
        committed=lambda: None,
    )
    form = OutageForm(
        service_id="network",
        kind="outage",
        summary="Core switch down",
        workaround=None,
        next_update_due=clock.now() + dt.timedelta(hours=1),
    )
    await other.declare(form, actor=TECH)
    assert await here.banners(viewer=PAT) == [], "another replica's news is not read at once"
    elapsed[0] += LIVE_SECONDS + 1
    # Past its age the memory still answers at once, and one read refreshes it meanwhile.
    assert await here.banners(viewer=PAT) == []
    assert here._live._reading is not None
    await here._live._reading
    [banner] = await here.banners(viewer=PAT)
    assert banner.summary == "Core switch down"
    await here.resolve(banner.number, actor=TECH, resolution="Switch replaced")
    assert await here.banners(viewer=PAT) == [], "this replica's own change is seen at once"
