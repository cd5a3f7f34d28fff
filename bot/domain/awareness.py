"""Noticing what is going on: words worth searching for, related requests, bursts of reports."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.model import RequestStatus, format_number

RELATED_LIMIT = 3
RESOLVED_LOOKBACK = dt.timedelta(days=30)
MAX_TERMS = 8  # the summary's words come first; each costs on every match
REPORTS_SHOWN = 10  # the latest reports a suspected-outage alert lists
REPORTS_QUOTED = 5  # the first reports, whose words prefill the declare form
_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about what is wrong; a match on them alone is no sign of a relation.
_STOP_TEXT = """a about after again all am an and any are as at be been before being but by can
    cannot could did do does doing down for from had has have having he her here him his how
    i if in into is it its just me more my no nor not now of off on once only or our out over
    please same she should so some such than that the their them then there these they this
    those to too under until up very was we were what when where which while who why will
    with would you your help issue problem problems request working work works anyone get
    getting got hi hello thanks thank still since today"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def search_terms(*texts: str) -> list[str]:
    """The distinct words of a request worth matching on, in the order written.

    Letters and digits only, so a term can never be read as search syntax by either database.
    """
    terms: list[str] = []
    for text in texts:
        for word in _WORD.findall(text.lower()):
            if len(word) > 1 and word not in STOP_WORDS and word not in terms:
                terms.append(word)
    return terms[:MAX_TERMS]


@dataclass(frozen=True)
class RelatedRequest:
    """A possibly related request, as the first reply in a new card's thread lists it."""

    number: int
    status: RequestStatus
    summary: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str | None  # the resolution's first line, for resolved ones

    @property
    def ref(self) -> str:
        """REQ-42."""
        return format_number(self.number)


def first_line(text: str) -> str:
    """The first non-empty line of a text, stripped (a resolution's gist)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


@dataclass(frozen=True)
class NewReport:
    """A request just filed, as the after-filing pass first reads it: enough to place it in
    its service's burst without reading the whole request."""

    id: int
    service_id: str
    opened_at: dt.datetime
    told: bool  # the confirmation said others were reporting problems with the service
    saw_fixes: bool  # the form showed shared fixes and the partner filed anyway


class BurstStatus(StrEnum):
    """Where a suspected outage stands."""

    ACTIVE = "active"
    DECLARED = "declared"
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class BurstReport:
    """One report in a burst, as the alert names it."""

    number: int
    summary: str

    @property
    def ref(self) -> str:
        """REQ-42."""
        return format_number(self.number)


@dataclass(frozen=True)
class BurstSummary:
    """A suspected outage: the service, its reports, and what technicians decided."""

    id: int
    service_id: str
    service_name: str
    status: BurstStatus
    first_report_at: dt.datetime
    # The first few and the latest few reports, oldest first: what the alert and the declare
    # form show. A long burst is not read whole each time a report joins it.
    reports: tuple[BurstReport, ...]
    decided_by: str | None = None
    outage_ref: str | None = None
    count: int | None = None  # every report in the burst; None: just those in `reports`

    @property
    def report_count(self) -> int:
        """How many requests the burst holds."""
        return len(self.reports) if self.count is None else self.count


def is_burst(opened: Sequence[dt.datetime], *, reports: int, window: dt.timedelta) -> bool:
    """True when `reports` of these filing times fall within one `window` ending at the last."""
    if len(opened) < reports:
        return False
    latest = sorted(opened)[-reports:]
    return latest[-1] - latest[0] <= window


def declare_summary(burst: BurstSummary, limit: int) -> str:
    """The declare form's summary drawn from the reports, in partners' words."""
    quoted = "; ".join(dict.fromkeys(r.summary for r in burst.reports))
    text = f"Partners report: {quoted}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_resolved(status: RequestStatus) -> bool:
    """Resolved or closed after resolving: a fix that may help the next partner."""
    return status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)


@dataclass(frozen=True)
class BurstFigures:
    """Suspected outages in a digest's period: what technicians made of them, and how fast."""

    detected: int = 0
    declared: int = 0
    dismissed: int = 0
    minutes_to_declare: int | None = None  # median, first report to declaration


def burst_figures(
    bursts: Sequence[tuple[str, dt.datetime, dt.datetime | None]],
) -> BurstFigures:
    """Count (status, first report, decided at) of the period's bursts."""
    declared = sorted(
        (decided - first).total_seconds() / 60
        for status, first, decided in bursts
        if status == BurstStatus.DECLARED and decided is not None
    )
    middle = declared[len(declared) // 2] if declared else None
    return BurstFigures(
        detected=len(bursts),
        declared=len(declared),
        dismissed=sum(1 for status, _, _ in bursts if status == BurstStatus.DISMISSED),
        minutes_to_declare=round(middle) if middle is not None else None,
    )
