"""When a partner may reopen a request: the rule, whatever button or stale message asked."""

from __future__ import annotations

import datetime as dt

from bot.domain.model import RequestStatus, format_number


def reopen_refusal(
    number: int,
    *,
    status: RequestStatus,
    confirmed_fixed: bool,
    reopen_until: dt.datetime | None,
    now: dt.datetime,
) -> str | None:
    """Why a reopen is refused, in words; None when it may go ahead.

    A resolved request can always be sent back. A closed one only when it closed by itself
    (nobody answered) and only for a while: once the partner said "it's fixed", a click on an
    old message must not undo that; a new fault is a new request.
    """
    if status is not RequestStatus.CLOSED:
        return None
    ref = format_number(number)
    if confirmed_fixed:
        return (
            f"{ref} is closed: you confirmed it was fixed. If it is broken again, please file a "
            f"new request with /request and mention {ref}."
        )
    if reopen_until is not None and now > reopen_until:
        return (
            f"{ref} is closed and can no longer be reopened. If it is broken again, please "
            f"file a new request with /request and mention {ref}."
        )
    return None
