"""Which changes a request allows in each status, and who may make them."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.errors import InvalidTransition, NotPermitted
from bot.domain.model import RequestStatus, format_number

S = RequestStatus


class Role(StrEnum):
    """What a person is to Liaison; derived from Slack membership and settings, never typed."""

    PARTNER = "partner"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"


class Action(StrEnum):
    """Things people do to a request."""

    CLAIM = "claim"
    ASSIGN = "assign"
    UPDATE = "update"
    RESOLVE = "resolve"
    REPRIORITISE = "reprioritise"
    MESSAGE_PARTNER = "message_partner"
    WITHDRAW = "withdraw"
    PARTNER_REPLY = "partner_reply"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    AUTO_CLOSE = "auto_close"
    SOLVED_BY_FIX = "solved_by_fix"  # the partner said a shared fix answered it


OPEN = frozenset({S.NEW, S.IN_PROGRESS, S.WAITING_PARTNER, S.WAITING_THIRD_PARTY})
UPDATE_TARGETS = frozenset({S.IN_PROGRESS, S.WAITING_PARTNER, S.WAITING_THIRD_PARTY})
ALLOWED_FROM: dict[Action, frozenset[RequestStatus]] = {
    Action.CLAIM: OPEN,
    Action.ASSIGN: OPEN,
    Action.UPDATE: OPEN,
    Action.RESOLVE: OPEN,
    Action.REPRIORITISE: OPEN,
    Action.MESSAGE_PARTNER: OPEN | {S.RESOLVED},
    Action.WITHDRAW: OPEN,
    Action.PARTNER_REPLY: OPEN | {S.RESOLVED},
    Action.CONFIRM: frozenset({S.RESOLVED}),
    Action.REOPEN: frozenset({S.RESOLVED, S.CLOSED}),
    Action.AUTO_CLOSE: frozenset({S.RESOLVED}),
    Action.SOLVED_BY_FIX: OPEN,
}
WORKERS = frozenset({Role.TECHNICIAN, Role.SUPERVISOR})
PARTNER_ACTIONS = frozenset(
    {Action.WITHDRAW, Action.PARTNER_REPLY, Action.CONFIRM, Action.REOPEN, Action.SOLVED_BY_FIX}
)
_VERBS = {
    Action.CLAIM: "claimed",
    Action.ASSIGN: "assigned",
    Action.UPDATE: "updated",
    Action.RESOLVE: "resolved",
    Action.REPRIORITISE: "re-prioritised",
    Action.MESSAGE_PARTNER: "messaged about",
    Action.WITHDRAW: "withdrawn",
    Action.PARTNER_REPLY: "replied to",
    Action.CONFIRM: "confirmed as fixed",
    Action.REOPEN: "reopened",
    Action.AUTO_CLOSE: "closed",
    Action.SOLVED_BY_FIX: "closed by a shared fix",
}


def check_transition(action: Action, status: RequestStatus, number: int) -> None:
    """Raise InvalidTransition, in words, when `action` makes no sense in `status`."""
    if status not in ALLOWED_FROM[action]:
        raise InvalidTransition(
            f"{format_number(number)} is {status.label.lower()}, so it cannot be "
            f"{_VERBS[action]} any more."
        )


def check_permission(action: Action, *, role: Role, is_requester: bool) -> None:
    """Raise NotPermitted saying why and what to do instead."""
    if action in PARTNER_ACTIONS:
        if not is_requester:
            raise NotPermitted(
                "Only the partner who filed this request can do that. "
                "Use the buttons on the triage card instead."
            )
        return
    if role not in WORKERS:
        raise NotPermitted(
            "Only technicians in this request's triage channel (or supervisors) can do that. "
            "If you filed the request, reply in its thread in your messages with Liaison."
        )


def assignee_after(
    action: Action, new_status: RequestStatus, *, current: str | None, actor: str
) -> str | None:
    """Who has the request after a change: whoever says "In progress" on an unclaimed one.

    Telling a partner someone is working on it while nobody owns it would be two stories;
    the technician who starts the work owns it, as if they had claimed it.
    """
    if action is Action.UPDATE and new_status is S.IN_PROGRESS and current is None:
        return actor
    return current


def status_after(
    action: Action, current: RequestStatus, requested: RequestStatus | None
) -> RequestStatus:
    """The status a request moves to; claiming or assigning a new request starts the work."""
    if action in (Action.CLAIM, Action.ASSIGN) and current is S.NEW:
        return S.IN_PROGRESS
    if action is Action.UPDATE:
        if requested is not None and requested not in UPDATE_TARGETS:
            raise InvalidTransition(f"{requested.label} is not a status an Update can choose.")
        return requested or (S.IN_PROGRESS if current is S.NEW else current)
    if action is Action.RESOLVE:
        return S.RESOLVED
    if action is Action.WITHDRAW:
        return S.WITHDRAWN
    if action in (Action.CONFIRM, Action.AUTO_CLOSE, Action.SOLVED_BY_FIX):
        return S.CLOSED
    if action is Action.REOPEN:
        return S.IN_PROGRESS
    return current
