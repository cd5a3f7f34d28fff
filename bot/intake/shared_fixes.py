"""Shared fixes: resolutions technicians share, offered to the next partner before or after filing.

A technician ticks "Share this fix" when resolving; the resolution becomes a fix on that
service. A partner describing the same problem sees it in the request form (or, if the form
could not show it, under their confirmation DM) with "This solved it": from the form nothing
is filed; from the DM the request closes. Each answer is counted, credited to the fix's author.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.delivery import notices
from bot.domain.awareness import search_terms
from bot.domain.edit import Edit
from bot.domain.errors import NotFound, NotPermitted
from bot.domain.fixes import FIX_LIMIT, FixOffer, SharedFixView
from bot.domain.model import format_number
from bot.domain.summary import Change, RequestSummary
from bot.domain.transitions import Action
from bot.intake.filing import RequestForm
from bot.views.shared_fixes import fix_taken_message, fixes_offer_message
from bot.views.text import truncate
from storage import fixes
from storage.engine import Database
from storage.models import SharedFix

if TYPE_CHECKING:
    from bot.triage.work import TriageService

logger = logging.getLogger(__name__)
OFFER_ROLE = "shared_fixes"  # the offer under a confirmation DM, rewritten once answered
SUMMARY_MAX = 150
GONE = "That fix is no longer offered: the request it came from was reopened."


class FixDesk:
    """Stores shared fixes, finds them for a partner's words, and records what they answered."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
    ) -> None:
        """Changes that message anyone go through triage, which wakes the outbox."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._triage: TriageService | None = None

    def register(self, triage: TriageService) -> None:
        """Resolving, reopening and closing by a fix go through triage's transitions."""
        self._triage = triage
        triage.on_change(self._after_change)

    async def offer(self, form: RequestForm) -> FixOffer:
        """The fixes on the form's service that match its words (a read; nothing is stored)."""
        service = self._catalogue.service(form.service_id) if form.service_id else None
        terms = search_terms(form.summary or "", form.details or "")
        if service is None or not terms:
            return FixOffer()
        async with self._db.reading() as session:
            rows = await fixes.find_fixes(session, service_id=service.id, terms=terms)
        return FixOffer(tuple(_view(r) for r in rows[:FIX_LIMIT]), looked=True)

    async def solved_before_filing(
        self, fix_id: int | None, *, form: RequestForm
    ) -> tuple[SharedFixView, int]:
        """ "This solved it" in the form: record the answer (nothing is filed); returns its id."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            fix = await _offered(session, fix_id)
            answer = await fixes.insert_answer(
                session,
                fix_id=fix.id,
                partner_id=form.partner_id,
                service_id=fix.service_id,
                request_id=None,
                via="form",
                summary=truncate(" ".join((form.summary or "").split()), SUMMARY_MAX),
                at=now,
            )
        logger.info("shared fix answered before filing fix=%s partner=%s", fix.id, form.partner_id)
        return _view(fix), answer.id

    async def back_to_form(self, answer_id: int | None, *, partner: str) -> None:
        """The partner went back to the form after all: their answer is no longer counted."""
        async with self._db.transaction() as session:
            answer = await fixes.get_answer(session, answer_id=answer_id or 0)
            if answer is None or answer.via != "form":
                raise NotFound("That answer is not known.")
            if answer.partner_id != partner:
                raise NotPermitted("Only the partner who answered can take it back.")
            answer.withdrawn_at = answer.withdrawn_at or self._clock.now()
        logger.info("shared fix answer taken back answer=%s partner=%s", answer_id, partner)

    async def solved_after_filing(self, number: int, fix_id: int, *, partner: str) -> None:
        """ "This solved it" under the confirmation: close the request as answered by the fix."""
        assert self._triage is not None, "register() wires the desk to triage"
        async with self._db.reading() as session:
            fix = await fixes.get_fix(session, fix_id=fix_id)
        if fix is None:
            raise NotFound("That fix is not known.")
        edit = Edit(Action.SOLVED_BY_FIX, partner_message=fix.text, fix_id=fix.id)
        await self._triage.apply(number, actor=partner, edit=edit)

    async def find_for(self, session: AsyncSession, request: RequestSummary) -> list[SharedFixView]:
        """The shared fixes matching a new request's words, to offer under its confirmation."""
        terms = search_terms(request.summary, request.details)
        rows = await fixes.find_fixes(session, service_id=request.service_id, terms=terms)
        return [_view(r) for r in rows[:FIX_LIMIT]]

    async def offer_in_thread(
        self,
        session: AsyncSession,
        request: RequestSummary,
        views: Sequence[SharedFixView],
        *,
        now: dt.datetime,
    ) -> int:
        """After filing: offer the fixes found (find_for) under the confirmation; how many.

        Only for a partner the form showed no fixes: one who saw some and filed anyway has
        decided (the caller knows from what the filing recorded); one who never saw any (no
        service chosen first, no Enter pressed) gets them here.
        """
        if not views:
            return 0
        await notices.partner_thread_reply(
            session,
            request=request,
            rendered=fixes_offer_message(request, views),
            now=now,
            own_role=OFFER_ROLE,
        )
        return len(views)

    async def _after_change(
        self, session: AsyncSession, change: Change, edit: Edit, now: dt.datetime
    ) -> None:
        """Inside a change: share a resolution, retire a fix that failed, count a fix's answer."""
        request = change.request
        if change.action == Action.RESOLVE and edit.share_fix:
            fix = await fixes.insert_fix(
                session,
                service_id=request.service_id,
                request_id=request.id,
                author_id=change.actor_id,
                summary=request.summary,
                details=request.details,
                text=change.partner_message,
                created_at=now,
            )
            logger.info("fix shared fix=%s request=%s by=%s", fix.id, request.ref, change.actor_id)
        elif change.action == Action.REOPEN:
            if await fixes.retire_for_request(session, request_id=request.id, now=now):
                logger.info("shared fix retired request=%s: reopened", request.ref)
        elif change.action == Action.SOLVED_BY_FIX:
            await self._answered_after_filing(session, request, edit.fix_id, now)

    async def _answered_after_filing(
        self, session: AsyncSession, request: RequestSummary, fix_id: int | None, now: dt.datetime
    ) -> None:
        fix = await fixes.get_fix(session, fix_id=fix_id or 0)
        if fix is None or fix.service_id != request.service_id:
            raise NotFound(f"That fix is not one offered for {format_number(request.number)}.")
        await fixes.insert_answer(
            session,
            fix_id=fix.id,
            partner_id=request.partner_id,
            service_id=fix.service_id,
            request_id=request.id,
            via="dm",
            summary=request.summary,
            at=now,
        )
        await notices.update_latest(
            session,
            request=request,
            role=OFFER_ROLE,
            channel=request.partner_id,
            rendered=fix_taken_message(request, _view(fix)),
            now=now,
        )
        logger.info("shared fix answered after filing fix=%s request=%s", fix.id, request.ref)


async def _offered(session: AsyncSession, fix_id: int | None) -> SharedFix:
    fix = await fixes.get_fix(session, fix_id=fix_id or 0)
    if fix is None:
        raise NotFound("That fix is not known.")
    if fix.retired_at is not None:
        raise NotFound(GONE)
    return fix


def _view(row: SharedFix) -> SharedFixView:
    return SharedFixView(
        id=row.id,
        service_id=row.service_id,
        text=row.text,
        author_id=row.author_id,
        shared_at=row.created_at,
    )
