"""Polls and follow-ups as the views see them: the facts of a request and the answers given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.summary import RequestSummary

# OMB Circular A-11 section 280 asks that its items be used without modification, on a
# five-point agreement scale, with the service's name where it says [Program/Service name].
A11_SATISFACTION = "I am satisfied with the service I received from {service}."
A11_TRUST = "This interaction increased my confidence in {service}."


def a11_items(service_name: str) -> tuple[str, str]:
    """OMB's satisfaction and trust items for this service, word for word."""
    name = service_name.strip() or "this service"
    return A11_SATISFACTION.format(service=name), A11_TRUST.format(service=name)


class KeptInformed(StrEnum):
    """The answer to "Were you kept informed?"."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @property
    def label(self) -> str:
        """Text on the button."""
        return {"yes": "Yes", "partly": "Partly", "no": "No"}[self.value]


def poll_state(status: str | None, *, answered: bool) -> str | None:
    """What became of a poll, for reports: answered, open, expired or skipped.

    A poll stays "open" in storage until its expiry timer closes it, answered or not; a
    report must not call an answered poll open, nor an unanswered closed one merely closed.
    """
    if status is None or status == "skipped":
        return status
    if answered:
        return "answered"
    return "open" if status == "open" else "expired"


@dataclass(frozen=True)
class RequestFacts:
    """What happened, put in front of the partner before they rate it."""

    request: RequestSummary
    first_response_at: dt.datetime | None
    first_response_met: bool | None  # None when there was no first response
    resolved_at: dt.datetime | None
    resolution_met: bool | None
    updates_received: int
    promises_lapsed: int
    reopened: int


@dataclass(frozen=True)
class PollView:
    """One poll and its answers so far."""

    id: int
    facts: RequestFacts
    rating: int | None
    informed: KeptInformed | None
    trust: int | None
    comment: str
    expires_at: dt.datetime
    closed: bool
    trust_statement: str  # empty when the A-11 items are switched off
    satisfaction_statement: str = ""  # A-11's satisfaction item, asked instead of the rating


@dataclass(frozen=True)
class FollowUpView:
    """A low score or "not kept informed" that a supervisor owns until it is done."""

    id: int
    poll: PollView
    owner_id: str | None
    due_at: dt.datetime
    done_at: dt.datetime | None
