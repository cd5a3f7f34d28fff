"""Outage updates join the promise ledger: nudge before, hold and escalate after, count both.

An open outage's "next update by" is a promise to every follower and affected partner. Before
it falls due the declarer is nudged; if it passes with nothing posted, the people waiting get a
truthful holding message with a new time (within the same daily allowance as requests), the
supervisors are told once per unbroken silence, and each outcome is a line in the ledger.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.delivery.notices import Rendered, message_args
from bot.domain.escalation import LadderRules, next_partner_promise, partner_may_hear, told_on_day
from bot.domain.outage import OutageChange, OutageEvent, OutageStatus, OutageSummary
from bot.domain.promises import nudge_at
from bot.domain.timers import TimerKind
from bot.outages import notices as outage_notices
from bot.views.outage_promises import HOLDING_TEXT, outage_lapse_alert, outage_nudge
from storage import outage_events, outages, outbox, timers
from storage.models import Outage, Timer

OUTAGE_PROMISE_TIMERS = (TimerKind.OUTAGE_UPDATE_NUDGE, TimerKind.OUTAGE_UPDATE_LAPSE)
KEPT, LAPSED = "promise_kept", "promise_lapsed"
SHORTEST_HOLD = dt.timedelta(minutes=30)  # a holding message never promises sooner than this
# Outages are live events: partners may hear at any hour, but no more than three times a day.
RULES = LadderRules(step_after=dt.timedelta(0), partner_notices_per_day=3, around_the_clock=True)


class OutagePromises:
    """Keeps each open outage's promised update in timers and its outcome in the ledger."""

    def __init__(
        self,
        *,
        catalogue: Catalogue,
        announcements_channel: str,
        supervisor_channel: str,
        supervisors: tuple[str, ...],
        nudge_lead: dt.timedelta,
    ) -> None:
        """Supervisors hear in their channel, or each by DM when there is none."""
        self._catalogue = catalogue
        self._channel = announcements_channel
        self._supervisors = [supervisor_channel] if supervisor_channel else list(supervisors)
        self._nudge_lead = nudge_lead

    async def promised(
        self,
        session: AsyncSession,
        row: Outage,
        *,
        before: dt.datetime | None,
        now: dt.datetime,
        silent: bool = False,
    ) -> None:
        """After a declaration, an update or a resolution: settle the old promise, keep the new.

        Anything posted while a promise was pending and not yet due keeps it. `silent` is for
        the holding message itself, which renews the promise but keeps nothing.
        """
        pending = await timers.cancel(session, kinds=OUTAGE_PROMISE_TIMERS, outage_id=row.id)
        if pending and before is not None and now <= before and not silent:
            await outage_events.append(
                session, outage_id=row.id, at=now, kind=KEPT, data={"due": before.isoformat()}
            )
        due = row.next_update_due
        if row.status != OutageStatus.OPEN or due is None or due <= now:
            return
        data = {"due": due.isoformat()} | ({"silence": True} if silent else {})
        nudge = nudge_at(due, now=now, lead=self._nudge_lead)
        if nudge is not None and not silent:
            await timers.schedule(
                session,
                kind=TimerKind.OUTAGE_UPDATE_NUDGE,
                due_at=nudge,
                now=now,
                outage_id=row.id,
                data=data,
            )
        await timers.schedule(
            session,
            kind=TimerKind.OUTAGE_UPDATE_LAPSE,
            due_at=due,
            now=now,
            outage_id=row.id,
            data=data,
        )

    async def on_nudge(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """The promised update is near: remind whoever declared the outage."""
        row = await self._current(session, timer)
        if row is None or row.next_update_due is None:
            return
        outage = self._summary(row)
        rendered = outage_nudge(outage, due=row.next_update_due)
        await self._post(session, [row.declared_by], rendered, f"nudge:{timer.id}", now)

    async def on_lapse(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """Nothing posted by the promised time: hold, promise again, tell the supervisors once."""
        row = await self._current(session, timer)
        if row is None or row.next_update_due is None:
            return
        due = row.next_update_due
        told_at = await outage_events.times(session, outage_id=row.id, kinds=("holding_sent",))
        told_today = told_on_day(self._catalogue.calendar, told_at, now)
        hold = max(SHORTEST_HOLD, timer.due_at - timer.created_at)
        may = partner_may_hear(RULES, self._catalogue.calendar, now=now, told_today=told_today)
        row.next_update_due = next_partner_promise(
            RULES,
            self._catalogue.calendar,
            now=now,
            cadence_due=now + hold,
            told_today=told_today + 1 if may else RULES.partner_notices_per_day,
        )
        await session.flush()
        told = 0
        if may:
            change = OutageChange(OutageEvent.HOLDING, self._summary(row), None, HOLDING_TEXT)
            told = await outage_notices.spread(
                session,
                row=row,
                change=change,
                key=f"holding:{timer.id}",
                channel=self._channel,
                now=now,
            )
            await outage_events.append(session, outage_id=row.id, at=now, kind="holding_sent")
        await outage_events.append(
            session,
            outage_id=row.id,
            at=now,
            kind=LAPSED,
            data={"due": due.isoformat(), "told": told},
        )
        if not timer.data.get("silence"):  # the first lapse of this silence
            alert = outage_lapse_alert(self._summary(row), due=due, now=now, told=told)
            await self._post(session, self._supervisors, alert, f"lapse:{timer.id}", now)
        await self.promised(session, row, before=None, now=now, silent=True)

    async def _current(self, session: AsyncSession, timer: Timer) -> Outage | None:
        """The outage, if it is still open and the timer's promise is still the one standing."""
        if timer.outage_id is None:
            return None
        row = await outages.get_outage_by_id(session, outage_id=timer.outage_id)
        if row is None or row.status != OutageStatus.OPEN or row.next_update_due is None:
            return None
        promised = dt.datetime.fromisoformat(str(timer.data.get("due")))
        return row if row.next_update_due == promised else None

    async def _post(
        self,
        session: AsyncSession,
        channels: list[str],
        rendered: Rendered,
        key: str,
        now: dt.datetime,
    ) -> None:
        blocks, text = rendered
        for channel in channels:
            await outbox.enqueue(
                session,
                now=now,
                method="chat.postMessage",
                args=message_args(channel, blocks, text),
                ordering_key=outage_notices.person_key(channel),
                dedupe_key=f"outage-promise:{key}:{channel}",
            )

    def _summary(self, row: Outage) -> OutageSummary:
        return outage_notices.summarise_outage(row, catalogue=self._catalogue)
