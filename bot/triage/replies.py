"""Saved replies: offered in technicians' modals, kept by the shop, edited by supervisors."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.domain.errors import FieldErrors, NotFound, NotPermitted
from bot.domain.replies import (
    SHOP_LIMIT,
    TEXT_LIMIT,
    TITLE_LIMIT,
    ReplyBoard,
    ReplyChoices,
    ReplyForm,
    SavedReply,
    ShopReply,
    catalogue_key,
    shop_key,
)
from bot.domain.transitions import Action
from bot.triage.work import TriageService
from bot.views.ids import BlockId
from bot.workspace.roles import RoleDirectory
from storage import saved_replies
from storage.engine import Database
from storage.models import SavedReply as SavedReplyRow

logger = logging.getLogger(__name__)
ONLY_TEAM = (
    "Saved replies are for technicians and supervisors. If you need help, type `/request` "
    "to file a request."
)
ONLY_SUPERVISORS = "Only supervisors change or remove saved replies; technicians add them."
GONE = "That saved reply was removed meanwhile."


class ReplyDesk:
    """The replies a technician may start from, and the shop's own list of them."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        roles: RoleDirectory,
        triage: TriageService,
    ) -> None:
        """Keep what reading and changing the replies needs."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._roles = roles
        self._triage = triage

    # The technicians' modals ----------------------------------------------------------------

    async def open_form(self, number: int, *, actor: str, action: Action) -> ReplyForm:
        """Check `actor` may do `action` now, and gather the replies its modal offers."""
        request = await self._triage.authorise(number, actor=actor, action=action)
        return ReplyForm(request, await self._choices(request.service_id))

    async def pick(self, number: int, *, actor: str, action: Action, key: str) -> ReplyForm:
        """The modal again with the reply behind `key` chosen (None if it has gone)."""
        form = await self.open_form(number, actor=actor, action=action)
        return replace(form, chosen=form.choices.find(key))

    async def _choices(self, service_id: str) -> ReplyChoices:
        service = self._catalogue.service(service_id)
        async with self._db.reading() as session:
            rows = await saved_replies.list_replies(session)
        return ReplyChoices(
            service_name=service.name if service else service_id,
            service=tuple(
                SavedReply(catalogue_key(r.title), r.title, r.text)
                for r in (service.replies if service else ())
            ),
            shop=tuple(SavedReply(shop_key(r.id), r.title, r.text) for r in rows),
        )

    # The shop's list ------------------------------------------------------------------------

    async def board(self, *, actor: str, draft: str = "") -> ReplyBoard:
        """The list as `actor` may work it, the form starting from `draft`."""
        may_edit = await self._may_edit(actor)
        return await self._board(may_edit, draft=draft.strip()[:TEXT_LIMIT])

    async def start_edit(self, reply_id: int, *, actor: str) -> ReplyBoard:
        """The list with one reply's title and text in the form (supervisors only)."""
        await self._require_supervisor(actor)
        board = await self._board(True)
        editing = next((r for r in board.replies if r.id == reply_id), None)
        return replace(board, editing=editing, note="" if editing else GONE)

    async def save(self, *, actor: str, reply_id: int | None, title: str, text: str) -> ReplyBoard:
        """Add a reply, or change one (supervisors only); refusals name the form's field."""
        may_edit = await self._may_edit(actor)
        if reply_id is not None and not may_edit:
            raise NotPermitted(ONLY_SUPERVISORS)
        title, text = _checked(title, text)
        now = self._clock.now()
        async with self._db.transaction() as session:
            if await saved_replies.find_title(session, title=title, other_than=reply_id):
                raise FieldErrors({BlockId.REPLY_TITLE: f"The shop already has “{title}”."})
            if reply_id is None:
                _check_room(await saved_replies.count_replies(session))
                row = await saved_replies.insert_reply(
                    session, title=title, text=text, by=actor, at=now
                )
                reply_id = row.id
            elif not await saved_replies.update_reply(
                session, reply_id=reply_id, title=title, text=text, by=actor, at=now
            ):
                raise NotFound(GONE)
        logger.info("saved reply stored reply=%s user=%s", reply_id, actor)
        return await self._board(may_edit, note=f"Saved “{title}”.")

    async def remove(self, reply_id: int, *, actor: str) -> ReplyBoard:
        """Remove a reply from the shop's list (supervisors only)."""
        await self._require_supervisor(actor)
        async with self._db.transaction() as session:
            row = await saved_replies.get_reply(session, reply_id=reply_id)
            title = row.title if row else ""
            removed = await saved_replies.delete_reply(session, reply_id=reply_id)
        if removed:
            logger.info("saved reply removed reply=%s user=%s", reply_id, actor)
        return await self._board(True, note=f"Removed “{title}”." if removed else GONE)

    async def _board(self, may_edit: bool, *, draft: str = "", note: str = "") -> ReplyBoard:
        async with self._db.reading() as session:
            rows = await saved_replies.list_replies(session)
        return ReplyBoard(
            tuple(_shop_reply(r) for r in rows), may_edit=may_edit, draft=draft, note=note
        )

    async def _may_edit(self, actor: str) -> bool:
        """True for supervisors, False for technicians; everyone else is refused."""
        if await self._roles.is_supervisor(actor):
            return True
        if await self._roles.technician_channels(actor):
            return False
        raise NotPermitted(ONLY_TEAM)

    async def _require_supervisor(self, actor: str) -> None:
        if not await self._may_edit(actor):
            raise NotPermitted(ONLY_SUPERVISORS)


def _check_room(count: int) -> None:
    """A new reply needs room in the select, which offers a service's and the shop's."""
    if count >= SHOP_LIMIT:
        raise FieldErrors(
            {
                BlockId.REPLY_TITLE: f"The shop already has {count} saved replies, as many as "
                "the forms can offer: ask a supervisor to remove one first."
            }
        )


def _checked(title: str, text: str) -> tuple[str, str]:
    """Title and text stripped, or FieldErrors naming what is wrong with each."""
    title, text = " ".join(title.split()), text.strip()
    errors: dict[str, str] = {}
    if not title:
        errors[BlockId.REPLY_TITLE] = "Give the reply a title technicians will know it by."
    elif len(title) > TITLE_LIMIT:
        errors[BlockId.REPLY_TITLE] = f"Keep the title to {TITLE_LIMIT} characters."
    if not text:
        errors[BlockId.REPLY_TEXT] = "Write the reply."
    elif len(text) > TEXT_LIMIT:
        errors[BlockId.REPLY_TEXT] = f"Keep the reply to {TEXT_LIMIT} characters."
    if errors:
        raise FieldErrors(errors)
    return title, text


def _shop_reply(row: SavedReplyRow) -> ShopReply:
    return ShopReply(row.id, row.title, row.text, row.created_by, row.updated_by)
