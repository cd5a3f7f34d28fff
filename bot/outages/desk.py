"""Outages and maintenance: declare, schedule, update, resolve, follow; one transaction each."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.domain.errors import InvalidTransition, NotPermitted
from bot.domain.model import format_number
from bot.domain.outage import (
    CHANGED_END,
    CHANGED_KIND,
    CHANGED_NEXT_UPDATE,
    CHANGED_START,
    CHANGED_SUMMARY,
    CHANGED_WORKAROUND,
    OutageBanner,
    OutageBoard,
    OutageChange,
    OutageEvent,
    OutageKind,
    OutageOutcome,
    OutageStatus,
    OutageSummary,
    as_of,
    format_outage_number,
)
from bot.domain.summary import RequestSummary
from bot.outages import notices as outage_notices
from bot.outages.cache import LiveOutages
from bot.outages.forms import (
    MaintenanceForm,
    OutageEdit,
    OutageForm,
    require_resolution,
    validate_declaration,
    validate_edit,
    validate_maintenance,
)
from bot.outages.links import OutageLinks
from bot.outages.promises import OutagePromises
from bot.outages.rows import live_outage_row
from bot.outages.timers import OutageTimers
from bot.triage.work import TriageService
from bot.workspace.roles import RoleDirectory
from storage import numbering, outages
from storage.engine import Database
from storage.models import Outage

__all__ = ["MaintenanceForm", "OutageDesk", "OutageEdit", "OutageForm", "require_resolution"]
logger = logging.getLogger(__name__)
OUTAGE_COUNTER = "outage"
REFUSAL = (
    "Only technicians (members of a triage channel) and supervisors can declare, update or "
    "resolve outages and maintenance. If something is broken for you, `/request` files a "
    "request, and `/request outages` shows what we already know about."
)
E, S = OutageEvent, OutageStatus
# Runs inside a declaration's transaction: (session, outage row, declarer, alert's burst, now).
DeclaredHook = Callable[[AsyncSession, Outage, str, int | None, dt.datetime], Awaitable[None]]


class OutageDesk:
    """Tells everyone affected by an outage or maintenance, once each, through the outbox."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        roles: RoleDirectory,
        triage: TriageService,
        announcements_channel: str,
        committed: Callable[[], None],
        scheduled: Callable[[], None] = lambda: None,
        supervisor_channel: str = "",
        supervisors: tuple[str, ...] = (),
        nudge_lead: dt.timedelta = dt.timedelta(minutes=30),
    ) -> None:
        """`committed` wakes the outbox after each commit; `scheduled` wakes the scheduler."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._roles = roles
        self._triage = triage
        self._channel = announcements_channel
        self._committed = committed
        self._scheduled = scheduled
        self.timers = OutageTimers(catalogue=catalogue, announcements_channel=announcements_channel)
        self.promises = OutagePromises(
            catalogue=catalogue,
            announcements_channel=announcements_channel,
            supervisor_channel=supervisor_channel,
            supervisors=supervisors,
            nudge_lead=nudge_lead,
        )
        self._live = LiveOutages(database=database, summarise=self._summary)
        self._declared_hooks: list[DeclaredHook] = []
        self.links = OutageLinks(
            database=database,
            clock=clock,
            triage=triage,
            timers=self.timers,
            require_manager=self.require_manager,
            summarise=self._summary,
            changed=self._changed,
            scheduled=scheduled,
        )

    def _changed(self) -> None:
        """After a commit that changed an outage: wake the outbox, forget the live list."""
        self._live.forget()
        self._committed()

    def on_declared(self, hook: DeclaredHook) -> None:
        """Run `hook` inside each declaration's transaction (a suspected outage settles)."""
        self._declared_hooks.append(hook)

    async def link_request(
        self, session: AsyncSession, *, request_id: int, outage_id: int, by: str, now: dt.datetime
    ) -> None:
        """Link a request to an outage in the caller's transaction; its partner hears of it."""
        await self.timers.link_one(
            session, request_id=request_id, outage_id=outage_id, now=now, by=by
        )

    # Checks before a modal opens or closes ---------------------------------------------------

    def validate_declaration(self, form: OutageForm) -> None:
        """Check the declare modal (no I/O)."""
        validate_declaration(form, catalogue=self._catalogue, now=self._clock.now())

    def validate_maintenance(self, form: MaintenanceForm) -> None:
        """Check the maintenance modal (no I/O)."""
        validate_maintenance(form, catalogue=self._catalogue, now=self._clock.now())

    def validate_edit(self, edit: OutageEdit) -> None:
        """Check the update modal (no I/O)."""
        validate_edit(edit, now=self._clock.now())

    async def may_manage(self, user: str) -> bool:
        """Technicians (members of any triage channel) and supervisors manage outages."""
        if await self._roles.is_supervisor(user):
            return True
        return bool(await self._roles.technician_channels(user))

    async def require_manager(self, user: str) -> None:
        """Raise NotPermitted, saying why and what to do instead, for everyone else."""
        if not await self.may_manage(user):
            raise NotPermitted(REFUSAL)

    async def authorise(self, number: int, *, actor: str) -> OutageSummary:
        """Before opening an Update or Resolve modal: the actor may, and the outage is live."""
        await self.require_manager(actor)
        async with self._db.reading() as session:
            return self._summary(await live_outage_row(session, number))

    # Changes -------------------------------------------------------------------------------

    async def declare(
        self, form: OutageForm, *, actor: str, burst_id: int | None = None
    ) -> OutageOutcome:
        """Open an outage; announce it and tell every partner with an open request on it.

        `burst_id` names the suspected-outage alert it was declared from, if any.
        """
        self.validate_declaration(form)
        await self.require_manager(actor)
        assert form.service_id is not None and form.kind is not None
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await self._insert(
                session,
                form.service_id,
                kind=form.kind,
                status=S.OPEN,
                summary=form.summary or "",
                workaround=(form.workaround or "").strip(),
                starts_at=now,
                next_update_due=form.next_update_due,
                actor=actor,
                now=now,
            )
            outcome = await self._first_word(session, row, E.DECLARED, actor=actor, now=now)
            await self.promises.promised(session, row, before=None, now=now)
            for hook in self._declared_hooks:
                await hook(session, row, actor, burst_id, now)
            earlier = await outages.open_unlinked_requests(session, service_id=row.service_id)
        self._changed()
        if self._declared_hooks:
            self._scheduled()  # notes about linked reports are written by timers due now
        return replace(outcome, unlinked_open=tuple(format_number(r.number) for r in earlier))

    async def schedule_maintenance(self, form: MaintenanceForm, *, actor: str) -> OutageOutcome:
        """Plan maintenance: announce it now, remind before it starts, say when it has ended."""
        self.validate_maintenance(form)
        await self.require_manager(actor)
        assert form.service_id and form.starts_at and form.ends_at
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await self._insert(
                session,
                form.service_id,
                kind=OutageKind.MAINTENANCE,
                status=S.SCHEDULED,
                summary=form.summary or "",
                starts_at=form.starts_at,
                ends_at=form.ends_at,
                actor=actor,
                now=now,
            )
            await self.timers.plan(session, row, start=True, end=True, now=now)
            outcome = await self._first_word(session, row, E.SCHEDULED, actor=actor, now=now)
        self._changed()
        self._scheduled()
        return outcome

    async def update(self, number: int, *, actor: str, edit: OutageEdit) -> OutageOutcome:
        """Tell followers and affected partners what is new, what changed and when next."""
        self.validate_edit(edit)
        await self.require_manager(actor)
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await live_outage_row(session, number)
            values, changed = _edit_values(row, edit)
            promise = row.next_update_due
            updated = await self._change(session, row, values)
            await self.promises.promised(session, updated, before=promise, now=now)
            await self.timers.plan(
                session,
                updated,
                start=CHANGED_START in changed,
                end=CHANGED_END in changed,
                now=now,
            )
            sequence = await numbering.next_number(session, f"outage:{row.id}:updates")
            change = OutageChange(
                E.UPDATED, self._summary(updated), actor, edit.message.strip(), tuple(changed)
            )
            notified = await self._spread(session, updated, change, f"update:{sequence}", now)
        self._changed()
        self._scheduled()
        return OutageOutcome(change.outage, notified)

    async def resolve(
        self, number: int, *, actor: str, resolution: str
    ) -> tuple[OutageEvent, OutageOutcome]:
        """Resolve an outage (or end or cancel maintenance) and tell everyone who heard of it."""
        text = require_resolution(resolution)
        await self.require_manager(actor)
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await live_outage_row(session, number)
            event, status = _ending(row, now)
            promise = row.next_update_due
            values: dict[str, object] = {
                "status": status,
                "resolved_at": now,
                "resolution": text,
                "next_update_due": None,
            }
            updated = await self._change(session, row, values)
            await self.timers.cancel(session, updated)
            await self.promises.promised(session, updated, before=promise, now=now)
            change = OutageChange(event, self._summary(updated), actor, text)
            notified = await self._spread(session, updated, change, event.value, now)
            linked = await outages.open_linked_requests(session, outage_id=row.id)
        self._changed()
        refs = tuple(format_number(r.number) for r in linked)
        return event, OutageOutcome(change.outage, notified, refs)

    async def follow(self, number: int, *, user: str) -> OutageSummary:
        """Record that `user` wants every update of an outage; a second click changes nothing."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await live_outage_row(session, number)
            added = await outages.add_follower(session, outage_id=row.id, user_id=user, now=now)
        if added:
            logger.info("outage followed outage=%s user=%s", format_outage_number(number), user)
        return self._summary(row)

    async def on_filed(
        self, session: AsyncSession, filed: Sequence[RequestSummary], now: dt.datetime
    ) -> None:
        """Link requests filed during an open outage of their service (inside the filing)."""
        await self.timers.link(session, filed, now)

    # Reads -----------------------------------------------------------------------------------

    async def banners(self, *, viewer: str | None = None) -> list[OutageBanner]:
        """What is broken right now, for the top of the request form (a quick read)."""
        now = self._clock.now()
        current = [as_of(o, now) for o in await self._live.live() if o.in_progress(now)]
        followed: set[int] = set()
        if current and viewer:  # usually nothing is broken: then no database read at all
            async with self._db.reading() as session:
                ids = [o.id for o in current]
                followed = await outages.followed_by(session, user_id=viewer, outage_ids=ids)
        current.sort(key=lambda o: (o.is_maintenance, -o.number))
        return [_banner(o, following=o.id in followed) for o in current]

    async def board(self, *, viewer: str) -> OutageBoard:
        """`/request outages`: current outages, upcoming maintenance, and whether viewer manages."""
        can_manage = await self.may_manage(viewer)
        now = self._clock.now()
        async with self._db.reading() as session:
            live = [as_of(self._summary(r), now) for r in await outages.list_live(session)]
        return OutageBoard(
            current=tuple(o for o in live if o.in_progress(now)),
            upcoming=tuple(o for o in live if not o.in_progress(now)),
            can_manage=can_manage,
        )

    # Helpers ---------------------------------------------------------------------------------

    async def _insert(
        self,
        session: AsyncSession,
        service_id: str,
        *,
        kind: str,
        status: OutageStatus,
        summary: str,
        actor: str,
        now: dt.datetime,
        starts_at: dt.datetime,
        ends_at: dt.datetime | None = None,
        workaround: str = "",
        next_update_due: dt.datetime | None = None,
    ) -> Outage:
        return await outages.insert_outage(
            session,
            number=await numbering.next_number(session, OUTAGE_COUNTER),
            service_id=service_id,
            kind=kind,
            status=status.value,
            summary=summary.strip(),
            workaround=workaround,
            starts_at=starts_at,
            ends_at=ends_at,
            next_update_due=next_update_due,
            declared_by=actor,
            created_at=now,
            announcement_channel=self._channel,
        )

    async def _first_word(
        self,
        session: AsyncSession,
        row: Outage,
        event: OutageEvent,
        *,
        actor: str,
        now: dt.datetime,
    ) -> OutageOutcome:
        """Post the announcement and tell everyone affected, in the creating transaction."""
        outage = self._summary(row)
        await outage_notices.announce(
            session, row=row, outage=outage, channel=self._channel, now=now
        )
        people = await outage_notices.audience(session, row)
        change = OutageChange(event, outage, actor)
        notified = await outage_notices.tell(
            session, change=change, people=people, key=event.value, now=now
        )
        logger.info(
            "outage %s outage=%s service=%s kind=%s actor=%s notified=%d",
            event.value,
            outage.ref,
            row.service_id,
            row.kind,
            actor,
            notified,
        )
        return OutageOutcome(outage, notified)

    async def _spread(
        self, session: AsyncSession, row: Outage, change: OutageChange, key: str, now: dt.datetime
    ) -> int:
        return await outage_notices.spread(
            session, row=row, change=change, key=key, channel=self._channel, now=now
        )

    async def _change(
        self, session: AsyncSession, row: Outage, values: dict[str, object]
    ) -> Outage:
        # Even a message-only update writes the status back: that takes the row's lock and
        # checks nobody resolved it since it was read.
        updated = await outages.change_outage(
            session,
            outage_id=row.id,
            from_statuses=[row.status],
            values=values or {"status": row.status},
        )
        if updated is None:
            raise InvalidTransition(
                f"{format_outage_number(row.number)} was changed by someone else just now; "
                "look at `/request outages` and try again."
            )
        return updated

    def _summary(self, row: Outage) -> OutageSummary:
        return outage_notices.summarise_outage(row, catalogue=self._catalogue)


def _edit_values(row: Outage, edit: OutageEdit) -> tuple[dict[str, object], list[str]]:
    """The columns an update changes, and what changed in the words partners read."""
    values: dict[str, object] = {}
    changed: list[str] = []
    candidates: list[tuple[str, object, object, str]] = [
        ("kind", edit.kind, row.kind, CHANGED_KIND),
        ("summary", _clean(edit.summary), row.summary, CHANGED_SUMMARY),
        ("workaround", _clean(edit.workaround), row.workaround, CHANGED_WORKAROUND),
        ("next_update_due", edit.next_update_due, row.next_update_due, CHANGED_NEXT_UPDATE),
        ("starts_at", edit.starts_at, row.starts_at, CHANGED_START),
        ("ends_at", edit.ends_at, row.ends_at, CHANGED_END),
    ]
    for column, new, old, words in candidates:
        if new is not None and new != old:
            values[column] = new
            changed.append(words)
    return values, changed


def _ending(row: Outage, now: dt.datetime) -> tuple[OutageEvent, str]:
    """What resolving means: resolved, or for maintenance cancelled before it starts, else done."""
    if row.kind != OutageKind.MAINTENANCE:
        return E.RESOLVED, S.RESOLVED.value
    if now < row.starts_at:
        return E.CANCELLED, S.CANCELLED.value
    return E.COMPLETED, S.COMPLETED.value


def _banner(outage: OutageSummary, *, following: bool) -> OutageBanner:
    return OutageBanner(
        number=outage.number,
        service_name=outage.service_name,
        kind=outage.kind,
        summary=outage.summary,
        workaround=outage.workaround,
        next_update_due=outage.next_update_due,
        ends_at=outage.ends_at,
        following=following,
        update_overdue_since=outage.update_overdue_since,
    )


def _clean(text: str | None) -> str | None:
    return None if text is None else text.strip()
