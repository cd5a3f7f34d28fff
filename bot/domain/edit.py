"""What one action on a request asks to change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.model import Priority, RequestStatus
from bot.domain.transitions import Action


@dataclass(frozen=True)
class Edit:
    """What one action asks to change; fields left None stay as they are."""

    action: Action
    status: RequestStatus | None = None
    assignee: str | None = None
    priority: Priority | None = None
    partner_message: str = ""
    internal_note: str = ""
    next_update_by: dt.datetime | None = None
    share_fix: bool = False  # resolving: offer this resolution to partners with the same problem
    fix_id: int | None = None  # closing by a shared fix: which one answered it
    # Resolving with an outage (its ref) whose resolution the partner was already sent.
    with_outage: str | None = None
