"""Whether a service-level target was met, missed, or is still running: decided from the record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.summary import RequestSummary


class Verdict(StrEnum):
    """Where a target stands; only PENDING still has a deadline worth showing."""

    PENDING = "pending"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class TargetOutcome:
    """One target of one request, as the card and its readers need it."""

    name: str
    verdict: Verdict
    due: dt.datetime
    took: dt.timedelta | None = None  # from filing to the response or the resolution
    late_by: dt.timedelta | None = None  # how far past the target, once done late

    @property
    def decided(self) -> bool:
        """Met or missed: the deadline no longer applies."""
        return self.verdict is not Verdict.PENDING


def first_response_outcome(request: RequestSummary) -> TargetOutcome | None:
    """The first-response target; None when it no longer applies (closed without a response)."""
    return _outcome(
        "First response",
        request,
        done_at=request.first_responded_at,
        due=request.first_response_due,
        breached_at=request.first_response_breached_at,
    )


def resolution_outcome(request: RequestSummary) -> TargetOutcome | None:
    """The resolution target; None when it no longer applies (withdrawn, never resolved)."""
    return _outcome(
        "Resolution",
        request,
        done_at=request.resolved_at,
        due=request.resolution_due,
        breached_at=request.resolution_breached_at,
    )


def _outcome(
    name: str,
    request: RequestSummary,
    *,
    done_at: dt.datetime | None,
    due: dt.datetime,
    breached_at: dt.datetime | None,
) -> TargetOutcome | None:
    if done_at is not None:
        late = max(done_at - due, dt.timedelta(0))
        met = done_at <= due and breached_at is None
        return TargetOutcome(
            name,
            Verdict.MET if met else Verdict.MISSED,
            due,
            took=done_at - request.opened_at,
            late_by=None if met else late,
        )
    if breached_at is not None:
        return TargetOutcome(name, Verdict.MISSED, due)
    if request.status.is_open:
        return TargetOutcome(name, Verdict.PENDING, due)
    return None
