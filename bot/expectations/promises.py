"""Service-level clocks and promises: warn before a target, say so at breach, never go silent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue, ServiceLevel
from bot.clock import Clock
from bot.delivery import notices
from bot.delivery.scheduler import Scheduler, TimerHandler
from bot.domain.errors import NotFound, NotPermitted
from bot.domain.escalation import (
    next_partner_promise,
    next_partner_window,
    partner_may_hear,
    told_on_day,
)
from bot.domain.model import Priority, RequestStatus, format_number
from bot.domain.summary import RequestSummary
from bot.expectations.ladder import PROMISE_ESCALATE, Ladder
from bot.records.summaries import summarise_in
from bot.views.expectations import (
    breach_note,
    nudge_note,
    promise_lapse_message,
    update_asked_note,
    update_asked_reply,
    warning_note,
)
from storage import history, requests, timers
from storage.engine import Database
from storage.models import Request, Timer

FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"
WARNING, BREACH = "warning", "breach"
PROMISE_NUDGE, PROMISE_LAPSE = "promise_nudge", "promise_lapse"
TARGET_TIMERS = {
    FIRST_RESPONSE: (f"{FIRST_RESPONSE}_{WARNING}", f"{FIRST_RESPONSE}_{BREACH}"),
    RESOLUTION: (f"{RESOLUTION}_{WARNING}", f"{RESOLUTION}_{BREACH}"),
}
PROMISE_TIMERS = (PROMISE_NUDGE, PROMISE_LAPSE, PROMISE_ESCALATE)
PARTNER_NOTICE = "promise_notice"  # a deferred "no news" message about an earlier lapse
PARTNER_TOLD = ("promise_lapsed", PARTNER_NOTICE)
ALL_TIMERS = (*TARGET_TIMERS[FIRST_RESPONSE], *TARGET_TIMERS[RESOLUTION], *PROMISE_TIMERS)


@dataclass(frozen=True)
class Before:
    """What a request looked like before a change, for the clocks to compare against."""

    status: RequestStatus
    next_update_due: dt.datetime | None
    first_responded_at: dt.datetime | None
    resolved_at: dt.datetime | None = None
    priority: Priority | None = None  # None: the change cannot have moved the priority


class Expectations:
    """Keeps the clocks and promises of every request in timers, so restarts lose nothing."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        warning_lead: float,
        nudge_lead: dt.timedelta,
        committed: Callable[[], None],
        supervisor_channel: str = "",
        supervisors: tuple[str, ...] = (),
    ) -> None:
        """`warning_lead` is the share of a target left when technicians are warned."""
        self._ladder = Ladder(
            catalogue=catalogue, supervisor_channel=supervisor_channel, supervisors=supervisors
        )
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._lead = warning_lead
        self._nudge_lead = nudge_lead
        self._committed = committed

    def register(self, scheduler: Scheduler) -> None:
        """Tell the scheduler what each of our timers does."""
        for target, (warning, breach) in TARGET_TIMERS.items():
            scheduler.on(warning, self._warn_handler(target))
            scheduler.on(breach, self._breach_handler(target))
        scheduler.on(PROMISE_NUDGE, self._on_promise_nudge)
        scheduler.on(PROMISE_LAPSE, self._on_promise_lapse)
        self._ladder.register(scheduler)

    async def on_filed(
        self, session: AsyncSession, filed: Sequence[RequestSummary], now: dt.datetime
    ) -> None:
        """Start both clocks and the first promise of new requests (one statement for all)."""
        await timers.schedule_many(
            session,
            [
                {"kind": kind, "due_at": due_at, "request_id": request.id}
                for request in filed
                for kind, due_at in self.opening_timers(request, now=request.opened_at)
            ],
            now=now,
        )

    def opening_timers(
        self, request: RequestSummary, *, now: dt.datetime
    ) -> list[tuple[str, dt.datetime]]:
        """The timers a new request starts with: each target's warning and breach, the promise."""
        return [
            *self._target_timers(request, FIRST_RESPONSE, start=now),
            *self._target_timers(request, RESOLUTION, start=now),
            *self._promise_timers(request.next_update_due, now=now),
        ]

    async def after_change(
        self,
        session: AsyncSession,
        row: Request,
        before: Before,
        *,
        visible: bool,
        now: dt.datetime,
    ) -> None:
        """Adjust clocks and promises after a change; `row` is the request as now written."""
        status = RequestStatus(row.status)
        if before.priority is not None and before.priority != Priority(row.priority):
            await self._retarget(session, row, before.priority, now=now)
        if not status.is_open:
            # Resolved while waiting: the pause moves the target out, as a resumption would.
            paused = await self._settle_pause(session, row, now=now)
            if paused:
                row.resolution_due = self._calendar_add(row, row.resolution_due, paused)
            await timers.cancel(session, kinds=ALL_TIMERS, request_id=row.id)
            await self._ladder.answered(session, row, now=now)
            return
        if not before.status.is_open:
            await self._resume_after_reopen(session, row, before, now=now)
        if before.first_responded_at is None and row.first_responded_at is not None:
            await timers.cancel(session, kinds=TARGET_TIMERS[FIRST_RESPONSE], request_id=row.id)
        await self._pause_or_resume(session, row, now=now)
        if visible and row.next_update_due != before.next_update_due:
            await self._ladder.answered(session, row, now=now)
            kept = await timers.cancel(session, kinds=(PROMISE_LAPSE,), request_id=row.id)
            await timers.cancel(session, kinds=(PROMISE_NUDGE,), request_id=row.id)
            if kept and before.next_update_due and now <= before.next_update_due:
                await self._event(session, row, "promise_kept", now, due=before.next_update_due)
            row.last_partner_update_at = now
            await self._schedule_promise(session, row, now=now)

    async def ask_for_update(self, number: int, *, partner: str) -> RequestSummary:
        """The partner pressed "Ask for an update": nudge whoever has it, tell the partner when."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await requests.get_for_update(session, number=number)
            if row is None or row.partner_id != partner:
                raise NotFound(f"There is no request {format_number(number)} of yours.")
            if not RequestStatus(row.status).is_open:
                raise NotPermitted(f"{format_number(number)} is no longer open.")
            summary = self._summary(row)
            await self._event(session, row, "update_requested", now, actor=partner)
            await notices.card_thread_reply(
                session, request=summary, rendered=update_asked_note(summary), now=now
            )
            await notices.partner_thread_reply(
                session, request=summary, rendered=update_asked_reply(summary), now=now
            )
        self._committed()
        return summary

    # Timers -------------------------------------------------------------------------------

    def _warn_handler(self, target: str) -> TimerHandler:
        async def on_warning(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
            row = await self._open_request(session, timer)
            if row is not None:
                summary = self._summary(row)
                note = warning_note(summary, target=target, due=_due(row, target))
                await notices.card_thread_reply(session, request=summary, rendered=note, now=now)

        return on_warning

    def _breach_handler(self, target: str) -> TimerHandler:
        async def on_breach(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
            row = await self._open_request(session, timer)
            if row is None:
                return
            await self._record_breach(session, row, target, now)

        return on_breach

    async def _record_breach(
        self, session: AsyncSession, row: Request, target: str, now: dt.datetime
    ) -> None:
        """The target has passed: on the row, in the history, on the card and in its thread."""
        if target == FIRST_RESPONSE:
            row.first_response_breached_at = now
        else:
            row.resolution_breached_at = now
        await session.flush()
        await self._event(session, row, f"{target}_breached", now, due=_due(row, target))
        summary = self._summary(row)
        await notices.card_refresh(session, request=summary, now=now)
        note = breach_note(summary, target=target, due=_due(row, target))
        await notices.card_thread_reply(session, request=summary, rendered=note, now=now)

    async def _on_promise_nudge(
        self, session: AsyncSession, timer: Timer, now: dt.datetime
    ) -> None:
        row = await self._open_request(session, timer)
        # Before anyone has responded, the first-response warning already does the nudging.
        if row is not None and row.next_update_due is not None and row.first_responded_at:
            summary = self._summary(row)
            await notices.card_thread_reply(
                session, request=summary, rendered=nudge_note(summary), now=now
            )

    async def _on_promise_lapse(
        self, session: AsyncSession, timer: Timer, now: dt.datetime
    ) -> None:
        """No update by the promised time: the ladder climbs; the partner hears the truth once.

        A lapse that starts a neglect episode sets the ladder going; later lapses of the same
        episode (the timer's data says so) only keep the partner informed, within the daily
        allowance and, unless the priority runs around the clock, inside working hours.
        """
        row = await self._open_request(session, timer)
        if row is None or row.next_update_due is None:
            return
        deferred = timer.data.get("missed")
        missed = dt.datetime.fromisoformat(str(deferred)) if deferred else row.next_update_due
        rules = self._ladder.rules(row)
        events = await history.timeline(session, request_id=row.id)
        told = (e.at for e in events if e.kind in PARTNER_TOLD and e.partner_visible)
        calendar = self._catalogue.calendar
        told_today = told_on_day(calendar, told, now)
        may = partner_may_hear(rules, calendar, now=now, told_today=told_today)
        if not deferred:
            await self._event(session, row, "promise_lapsed", now, due=missed, visible=may)
        if not timer.data.get("episode"):
            await self._ladder.start(session, row, missed=missed, partner_told=may, now=now)
        if not may:
            window = next_partner_window(rules, calendar, now=now, told_today=told_today)
            data = {"episode": True, "missed": missed.isoformat()}
            await timers.schedule(
                session, kind=PROMISE_LAPSE, due_at=window, now=now, request_id=row.id, data=data
            )
            return
        if deferred:
            await self._event(session, row, PARTNER_NOTICE, now, due=missed, visible=True)
        await self._tell_partner(session, row, missed=missed, told_today=told_today + 1, now=now)

    async def _tell_partner(
        self,
        session: AsyncSession,
        row: Request,
        *,
        missed: dt.datetime,
        told_today: int,
        now: dt.datetime,
    ) -> None:
        """What is known, who has it, the last real update, and a promise the rules let us keep."""
        last = await self._last_update_text(session, row)
        row.next_update_due = next_partner_promise(
            self._ladder.rules(row),
            self._catalogue.calendar,
            now=now,
            cadence_due=self._cadence(row, now),
            told_today=told_today,
        )
        row.last_partner_update_at = now
        await session.flush()
        summary = self._summary(row)
        message = promise_lapse_message(summary, missed=missed, last_update=last)
        await notices.partner_thread_reply(session, request=summary, rendered=message, now=now)
        await notices.card_refresh(session, request=summary, now=now)
        await self._schedule_promise(session, row, now=now, episode=True)

    async def _retarget(
        self, session: AsyncSession, row: Request, old: Priority, *, now: dt.datetime
    ) -> None:
        """A new priority brings its own targets, counted from when the request was opened.

        Time already paused still moves the resolution target out. A target the new priority
        puts in the past is breached now, shown on the card and recorded; the rest get fresh
        warning and breach timers.
        """
        service = self._catalogue.service(row.service_id)
        if service is None:
            return
        new = Priority(row.priority)
        before = (row.first_response_due, row.resolution_due)
        paused = dt.timedelta(seconds=row.paused_seconds or 0)
        row.first_response_due = self._catalogue.first_response_due(service, new, row.opened_at)
        resolution = self._catalogue.resolution_due(service, new, row.opened_at)
        row.resolution_due = self._calendar_add(row, resolution, paused)
        await session.flush()
        await self._event(
            session,
            row,
            "targets_moved",
            now,
            data={
                "from_priority": old.value,
                "to_priority": new.value,
                "first_response_due": [d.isoformat() for d in (before[0], row.first_response_due)],
                "resolution_due": [d.isoformat() for d in (before[1], row.resolution_due)],
            },
        )
        if not RequestStatus(row.status).is_open:
            return
        answered = row.first_responded_at
        if row.first_response_breached_at is None and (
            answered is None or answered > row.first_response_due
        ):
            await self._move_target(session, row, FIRST_RESPONSE, now=now)
        if row.paused_at is None and row.resolution_breached_at is None:
            await self._move_target(session, row, RESOLUTION, now=now)

    async def _move_target(
        self, session: AsyncSession, row: Request, target: str, *, now: dt.datetime
    ) -> None:
        due = _due(row, target)
        if due > now:
            await self._schedule_target(session, row, target, start=now)
            return
        await timers.cancel(session, kinds=TARGET_TIMERS[target], request_id=row.id)
        await self._record_breach(session, row, target, now)

    # Clocks -------------------------------------------------------------------------------

    async def _pause_or_resume(
        self, session: AsyncSession, row: Request, *, now: dt.datetime
    ) -> None:
        pausing = self._pauses(row)
        if pausing and row.paused_at is None:
            row.paused_at = now
            await timers.cancel(session, kinds=TARGET_TIMERS[RESOLUTION], request_id=row.id)
            await self._event(session, row, "clock_paused", now)
        elif not pausing and row.paused_at is not None:
            paused = await self._settle_pause(session, row, now=now)
            row.resolution_due = self._calendar_add(row, row.resolution_due, paused)
            await self._schedule_target(session, row, RESOLUTION, start=now)
            await self._event(
                session, row, "clock_resumed", now, paused_seconds=int(paused.total_seconds())
            )

    async def _resume_after_reopen(
        self, session: AsyncSession, row: Request, before: Before, *, now: dt.datetime
    ) -> None:
        """Reopened: the time it sat resolved does not count, and the clock runs again."""
        if before.resolved_at is not None:
            stopped = self._elapsed(row, before.resolved_at, now)
            row.resolution_due = self._calendar_add(row, row.resolution_due, stopped)
            row.paused_seconds = (row.paused_seconds or 0) + int(stopped.total_seconds())
        await self._schedule_target(session, row, RESOLUTION, start=now)
        await self._event(session, row, "clock_resumed", now)

    def _elapsed(self, row: Request, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        level = self._level(row)
        atc = level.around_the_clock if level else False
        return self._catalogue.calendar.elapsed(start, end, around_the_clock=atc)

    async def _settle_pause(
        self, session: AsyncSession, row: Request, *, now: dt.datetime
    ) -> dt.timedelta:
        """Count the paused time (business time, as the target) and end the pause."""
        if row.paused_at is None:
            return dt.timedelta(0)
        level = self._level(row)
        paused = self._catalogue.calendar.elapsed(
            row.paused_at, now, around_the_clock=level.around_the_clock if level else False
        )
        row.paused_seconds = (row.paused_seconds or 0) + int(paused.total_seconds())
        row.paused_at = None
        await session.flush()
        return paused

    def _pauses(self, row: Request) -> bool:
        status = RequestStatus(row.status)
        if status is RequestStatus.WAITING_PARTNER:
            return True
        service = self._catalogue.service(row.service_id)
        third_party_pauses = service.third_party_pauses_clock if service else False
        return status is RequestStatus.WAITING_THIRD_PARTY and third_party_pauses

    async def _schedule_target(
        self,
        session: AsyncSession,
        row: Request,
        target: str,
        *,
        start: dt.datetime,
        new: bool = False,
    ) -> None:
        """(Re)schedule a target's warning and breach; a new request has none to cancel."""
        if not new:
            await timers.cancel(session, kinds=TARGET_TIMERS[target], request_id=row.id)
        for kind, due_at in self._target_timers(row, target, start=start):
            await timers.schedule(session, kind=kind, due_at=due_at, now=start, request_id=row.id)

    def _target_timers(
        self, row: Request | RequestSummary, target: str, *, start: dt.datetime
    ) -> list[tuple[str, dt.datetime]]:
        """A target's warning (when there is time for one) and breach, counted from `start`."""
        warning, breach = TARGET_TIMERS[target]
        due = _due(row, target)
        level = self._level(row)
        atc = level.around_the_clock if level else False
        full = (
            (level.first_response if target == FIRST_RESPONSE else level.resolution)
            if level
            else dt.timedelta(0)
        )
        remaining = self._catalogue.calendar.elapsed(start, due, around_the_clock=atc)
        before_due = min(remaining, full * self._lead)
        warn_at = self._catalogue.calendar.add(start, remaining - before_due, around_the_clock=atc)
        warned = [(warning, warn_at)] if warn_at < due else []
        return [*warned, (breach, due)]

    async def _schedule_promise(
        self, session: AsyncSession, row: Request, *, now: dt.datetime, episode: bool = False
    ) -> None:
        """The lapse timer, and a nudge before it unless the ladder is already climbing."""
        data = {"episode": True} if episode else None
        for kind, due_at in self._promise_timers(row.next_update_due, now=now, episode=episode):
            await timers.schedule(
                session, kind=kind, due_at=due_at, now=now, request_id=row.id, data=data
            )

    def _promise_timers(
        self, promise: dt.datetime | None, *, now: dt.datetime, episode: bool = False
    ) -> list[tuple[str, dt.datetime]]:
        """The nudge before a promised update (when there is time for one) and its lapse."""
        if promise is None:
            return []
        nudge_at = max(now, promise - min(self._nudge_lead, (promise - now) / 4))
        nudged = [(PROMISE_NUDGE, nudge_at)] if nudge_at < promise and not episode else []
        return [*nudged, (PROMISE_LAPSE, promise)]

    # Helpers ------------------------------------------------------------------------------

    async def _open_request(self, session: AsyncSession, timer: Timer) -> Request | None:
        if timer.request_id is None:
            return None
        row = await requests.get_request_by_id(session, request_id=timer.request_id)
        return row if row is not None and RequestStatus(row.status).is_open else None

    async def _last_update_text(
        self, session: AsyncSession, row: Request
    ) -> tuple[dt.datetime, str, str] | None:
        """The last thing a person on our side told the partner: when, what kind, what words."""
        entries = await history.timeline(session, request_id=row.id, partner_only=True)
        for entry in reversed(entries):
            if entry.actor_id and entry.actor_id != row.partner_id:
                return entry.at, entry.kind, entry.text
        return None

    async def _event(
        self,
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

    def _level(self, row: Request | RequestSummary) -> ServiceLevel | None:
        service = self._catalogue.service(row.service_id)
        return self._catalogue.level(service, Priority(row.priority)) if service else None

    def _cadence(self, row: Request, now: dt.datetime) -> dt.datetime:
        service = self._catalogue.service(row.service_id)
        if service is None:
            return now + dt.timedelta(days=1)
        return self._catalogue.next_update_due(service, Priority(row.priority), now)

    def _calendar_add(
        self, row: Request, moment: dt.datetime, duration: dt.timedelta
    ) -> dt.datetime:
        level = self._level(row)
        atc = level.around_the_clock if level else False
        return self._catalogue.calendar.add(moment, duration, around_the_clock=atc)

    def _summary(self, row: Request) -> RequestSummary:
        return summarise_in(row, self._catalogue)


def _due(row: Request | RequestSummary, target: str) -> dt.datetime:
    return row.first_response_due if target == FIRST_RESPONSE else row.resolution_due
