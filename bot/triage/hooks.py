"""What the triage service asks of the closing steps, as a Protocol wired at composition.

Triage applies every change; closing decides what a change means for the partner (confirm or
reopen, auto-close, the poll). Triage depends only on this Protocol, and the closing desk
depends on triage, so the two never import each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from slack_sdk.models.blocks import Block
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.summary import Change
from bot.domain.transitions import Action
from storage.models import Request

Rendered = tuple[list[Block], str]


@dataclass(frozen=True)
class PartnerNote:
    """The partner's message for a closing step, and the role to find it by later (if any)."""

    rendered: Rendered
    role: str | None = None


class ChangeHooks(Protocol):
    """Called by triage around each change, inside the change's transaction."""

    async def check(
        self, session: AsyncSession, row: Request, action: Action, now: dt.datetime
    ) -> None:
        """Raise a DomainError to refuse `action` on `row` (e.g. a reopen too late)."""

    async def after_change(
        self, session: AsyncSession, change: Change, now: dt.datetime
    ) -> PartnerNote | None:
        """Work that follows a change; the partner's message for it, or None for the usual one."""

    async def after_notices(self, session: AsyncSession, change: Change, now: dt.datetime) -> None:
        """Work that must follow the partner's message (the poll comes after "closed")."""
