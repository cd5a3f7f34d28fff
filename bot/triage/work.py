"""Technician work on a request: claim, assign, update, resolve, re-prioritise, message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.delivery import notices
from bot.domain.edit import Edit
from bot.domain.errors import Contention, FieldErrors, InvalidTransition, NotFound
from bot.domain.model import Priority, RequestStatus, format_number
from bot.domain.summary import Change, RequestSummary
from bot.domain.transitions import (
    PARTNER_ACTIONS,
    Action,
    Role,
    assignee_after,
    check_permission,
    check_transition,
    status_after,
)
from bot.expectations.desk import Before, Expectations
from bot.records.summaries import summarise_in
from bot.triage.hooks import ChangeHooks
from bot.views.ids import BlockId
from bot.workspace.privacy import ChannelPrivacy
from bot.workspace.roles import RoleDirectory
from storage import history, requests
from storage.engine import Database
from storage.models import Request
from storage.retrying import is_retryable, retrying

__all__ = ["Edit", "TriageService", "require_text", "validate_update"]
TEXT_MAX = 3000
ALWAYS_VISIBLE = frozenset(
    {
        Action.CLAIM,
        Action.ASSIGN,
        Action.RESOLVE,
        Action.REPRIORITISE,
        Action.MESSAGE_PARTNER,
        Action.WITHDRAW,
        Action.CONFIRM,
        Action.REOPEN,
        Action.AUTO_CLOSE,
        Action.SOLVED_BY_FIX,
    }
)
# Runs inside each change's transaction, after the request is written (shared fixes).
ChangeHook = Callable[[AsyncSession, Change, Edit, dt.datetime], Awaitable[None]]


def require_text(block: str, text: str | None, what: str) -> str:
    """Pre-ack check of a required modal text; returns it stripped."""
    value = (text or "").strip()
    if not value:
        raise FieldErrors({block: f"Write {what}."})
    if len(value) > TEXT_MAX:
        raise FieldErrors({block: f"Keep it to {TEXT_MAX} characters."})
    return value


def validate_update(
    *,
    status: RequestStatus | None,
    partner_message: str,
    next_update_by: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """Pre-ack checks of the Update modal that need no database."""
    if status is RequestStatus.WAITING_THIRD_PARTY and not partner_message.strip():
        raise FieldErrors(
            {BlockId.PARTNER_MESSAGE: "Say what we are waiting for (vendor, part, contract)."}
        )
    if next_update_by is not None and next_update_by <= now:
        raise FieldErrors({BlockId.NEXT_UPDATE: "Pick a time in the future."})


class TriageService:
    """Applies technicians' and partners' changes with a conditional update each."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        roles: RoleDirectory,
        expectations: Expectations,
        closing: ChangeHooks,
        committed: Callable[[], None],
        privacy: ChannelPrivacy | None = None,
    ) -> None:
        """Keep what the changes need; `committed` wakes the outbox, `privacy` guards notes."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._roles = roles
        self._expectations = expectations
        self._closing = closing
        self._committed = committed
        self._privacy = privacy
        self._change_hooks: list[ChangeHook] = []

    def on_change(self, hook: ChangeHook) -> None:
        """Run `hook` inside every change's transaction, once the request is written."""
        self._change_hooks.append(hook)

    async def authorise(self, number: int, *, actor: str, action: Action) -> RequestSummary:
        """Check before opening a modal that `actor` may do `action` now."""
        row = await self._read(number)
        await self._check_permission(action, row, actor)
        check_transition(action, RequestStatus(row.status), number)
        async with self._db.reading() as session:
            await self._closing.check(session, row, action, self._clock.now())
        return self._summary(row)

    async def card_channel(self, number: int) -> str | None:
        """Where a request's card lives (for refusals after a modal closed)."""
        async with self._db.reading() as session:
            row = await requests.get_request(session, number=number)
        return row.card_channel if row else None

    async def claim(self, number: int, *, actor: str) -> RequestSummary:
        """Assign the request to the person who pressed Claim; only one can win."""
        return await self.apply(number, actor=actor, edit=Edit(Action.CLAIM, assignee=actor))

    async def assign(self, number: int, *, actor: str, assignee: str) -> RequestSummary:
        """Give the request to a technician of its triage channel."""
        row = await self._read(number)
        if await self._roles.role_for(assignee, channel=row.card_channel) is Role.PARTNER:
            raise FieldErrors(
                {BlockId.ASSIGNEE: "That person is not in this request's triage channel."}
            )
        return await self.apply(number, actor=actor, edit=Edit(Action.ASSIGN, assignee=assignee))

    async def apply(self, number: int, *, actor: str, edit: Edit) -> RequestSummary:
        """Check, change, record and notify in one transaction; raises DomainError on refusal.

        A transaction PostgreSQL aborts to break a deadlock or serialization race is run again;
        if it keeps losing, the person is told (Contention) rather than the change lost.
        """
        before = await self._read(number)
        await self._check_permission(edit.action, before, actor)
        if edit.internal_note and self._privacy is not None:
            refusal = await self._privacy.refuse_note_in(before.card_channel)
            if refusal:
                raise FieldErrors({BlockId.INTERNAL_NOTE: refusal})
        summary = await self._apply_retrying(number, actor=actor, edit=edit)
        self._committed()
        return summary

    async def _apply_retrying(self, number: int, *, actor: str, edit: Edit) -> RequestSummary:
        """Run the change again while PostgreSQL picks it as a deadlock or serialization loser."""

        async def attempt() -> RequestSummary:
            async with self._db.transaction() as session:
                return await self.apply_in(
                    session, number, actor=actor, edit=edit, now=self._clock.now()
                )

        try:
            return await retrying(attempt)
        except DBAPIError as exc:
            if not is_retryable(exc):
                raise
            raise Contention(
                f"{format_number(number)} is being changed by several people at once and your "
                "change was not saved; look at the card and try again."
            ) from exc

    async def apply_in(
        self, session: AsyncSession, number: int, *, actor: str, edit: Edit, now: dt.datetime
    ) -> RequestSummary:
        """The change inside a caller's transaction (timers call this; permission is theirs)."""
        row = await requests.get_for_update(session, number=number)
        if row is None:
            raise NotFound(f"There is no request {format_number(number)}.")
        current = RequestStatus(row.status)
        check_transition(edit.action, current, number)
        if edit.action is Action.CLAIM and row.assignee_id:
            raise InvalidTransition(self._claimed_by(row))
        await self._closing.check(session, row, edit.action, now)
        change = await self._write(session, row, current, actor=actor, edit=edit, now=now)
        for hook in self._change_hooks:
            await hook(session, change, edit, now)
        note = await self._closing.after_change(session, change, now)
        await notices.request_changed(
            session,
            change=change,
            now=now,
            partner=note.rendered if note else None,
            partner_role=note.role if note else None,
        )
        await self._closing.after_notices(session, change, now)
        return change.request

    async def _write(
        self,
        session: Any,
        row: Request,
        current: RequestStatus,
        *,
        actor: str,
        edit: Edit,
        now: dt.datetime,
    ) -> Change:
        previous = (current, Priority(row.priority), row.assignee_id)
        before = Before(
            current, row.next_update_due, row.first_responded_at, row.resolved_at, previous[1]
        )
        new_status = status_after(edit.action, current, edit.status)
        visible = self._partner_visible(edit, current, new_status)
        if edit.action is Action.UPDATE and not visible and not edit.internal_note:
            raise InvalidTransition("Nothing to update: change the status or write a message.")
        assignee = assignee_after(edit.action, new_status, current=row.assignee_id, actor=actor)
        if edit.assignee is None and assignee != row.assignee_id:
            edit = replace(edit, assignee=assignee)
        values = self._values(row, edit, new_status, visible=visible, now=now)
        updated = await requests.transition(
            session,
            request_id=row.id,
            from_statuses=[current.value],
            values=values,
            extra_where=[Request.version == row.version],
        )
        if updated is None:
            fresh = await requests.get_for_update(session, number=row.number)
            raise InvalidTransition(
                self._claimed_by(fresh)
                if edit.action is Action.CLAIM and fresh and fresh.assignee_id
                else f"{format_number(row.number)} was changed by someone else just now; "
                "look at the card and try again."
            )
        await self._expectations.after_change(session, updated, before, visible=visible, now=now)
        await self._record(session, updated, previous, actor, edit, visible=visible, now=now)
        return Change(
            action=edit.action.value,
            actor_id=actor,
            request=self._summary(updated),
            previous_status=previous[0],
            previous_priority=previous[1],
            previous_assignee=previous[2],
            partner_message=edit.partner_message,
            internal_note=edit.internal_note,
            shared_fix=edit.share_fix and edit.action is Action.RESOLVE,
            with_outage=edit.with_outage if edit.action is Action.RESOLVE else None,
        )

    def _values(
        self,
        row: Request,
        edit: Edit,
        new_status: RequestStatus,
        *,
        visible: bool,
        now: dt.datetime,
    ) -> dict[str, Any]:
        values: dict[str, Any] = {"status": new_status.value, "updated_at": now}
        if edit.assignee is not None:
            values["assignee_id"] = edit.assignee
        if edit.priority is not None:
            values["priority"] = edit.priority.value
        if new_status is RequestStatus.RESOLVED:
            values["resolved_at"] = now
        if new_status in (RequestStatus.WITHDRAWN, RequestStatus.CLOSED):
            values["closed_at"] = now
        if edit.action is Action.REOPEN:
            values.update(resolved_at=None, closed_at=None)
        if visible and edit.action not in PARTNER_ACTIONS and row.first_responded_at is None:
            values["first_responded_at"] = now
        if not new_status.is_open:
            values["next_update_due"] = None
        elif visible and (edit.action not in PARTNER_ACTIONS or edit.action is Action.REOPEN):
            values["next_update_due"] = edit.next_update_by or self._next_update(
                row, edit.priority or Priority(row.priority), now
            )
        return values

    async def _record(
        self,
        session: Any,
        row: Request,
        previous: tuple[RequestStatus, Priority, str | None],
        actor: str,
        edit: Edit,
        *,
        visible: bool,
        now: dt.datetime,
    ) -> None:
        await history.append_event(
            session,
            request_id=row.id,
            at=now,
            kind=edit.action.value,
            actor_id=actor,
            partner_visible=visible,
            text=edit.partner_message,
            data={
                "from_status": previous[0].value,
                "to_status": row.status,
                "from_priority": previous[1].value,
                "to_priority": row.priority,
                "assignee": row.assignee_id,
                "next_update_due": row.next_update_due.isoformat() if row.next_update_due else None,
                **({"shared_fix": edit.fix_id} if edit.fix_id else {}),
                **({"shared": True} if edit.share_fix else {}),
            },
        )
        if edit.internal_note:
            await history.append_event(
                session,
                request_id=row.id,
                at=now,
                kind="note",
                actor_id=actor,
                partner_visible=False,
                text=edit.internal_note,
            )

    @staticmethod
    def _partner_visible(edit: Edit, current: RequestStatus, new: RequestStatus) -> bool:
        if edit.action in ALWAYS_VISIBLE:
            return True
        return edit.action is Action.UPDATE and (new is not current or bool(edit.partner_message))

    def _next_update(self, row: Request, priority: Priority, now: dt.datetime) -> dt.datetime:
        service = self._catalogue.service(row.service_id)
        if service is None:
            return now + dt.timedelta(days=1)
        return self._catalogue.next_update_due(service, priority, now)

    async def _check_permission(self, action: Action, row: Request, actor: str) -> None:
        if action in PARTNER_ACTIONS:
            role = Role.PARTNER
        else:
            role = await self._roles.role_for(actor, channel=row.card_channel)
        check_permission(action, role=role, is_requester=row.partner_id == actor)

    async def _read(self, number: int) -> Request:
        async with self._db.reading() as session:
            row = await requests.get_request(session, number=number)
        if row is None:
            raise NotFound(f"There is no request {format_number(number)}.")
        return row

    @staticmethod
    def _claimed_by(row: Request | None) -> str:
        assert row is not None
        return f"{format_number(row.number)} is already claimed by <@{row.assignee_id}>."

    def _summary(self, row: Request) -> RequestSummary:
        return summarise_in(row, self._catalogue)
