"""Service-level targets: when each falls due, when to warn, what pauses and new priorities do.

Pure rules over plain values (instants, a ServiceLevel, the BusinessCalendar), so every case
can be tested without a database. Time counts in the shop's business hours unless the level
runs around the clock. A `level` of None means the request's service has left the catalogue:
its time still counts in business hours, and nobody is warned before its targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.calendar import BusinessCalendar
from bot.domain.levels import ServiceLevel
from bot.domain.model import RequestStatus
from bot.domain.timers import TimerKind, Timing

ZERO = timedelta(0)


class Target(StrEnum):
    """The two service-level targets a request is held to."""

    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"

    @property
    def warning(self) -> TimerKind:
        """The timer that warns technicians while there is still time."""
        return TimerKind(f"{self.value}_warning")

    @property
    def breach(self) -> TimerKind:
        """The timer that says the target has passed."""
        return TimerKind(f"{self.value}_breach")

    @property
    def timers(self) -> tuple[TimerKind, TimerKind]:
        """Both timers of the target, to cancel them together."""
        return self.warning, self.breach

    @property
    def breached_event(self) -> str:
        """The history kind recording the breach."""
        return f"{self.value}_breached"

    def length(self, level: ServiceLevel) -> timedelta:
        """How long the level gives for this target."""
        return level.first_response if self is Target.FIRST_RESPONSE else level.resolution


TARGET_TIMERS = (*Target.FIRST_RESPONSE.timers, *Target.RESOLUTION.timers)


def around_the_clock(level: ServiceLevel | None) -> bool:
    """True when the level counts plain elapsed time rather than business hours."""
    return level.around_the_clock if level else False


def later(
    calendar: BusinessCalendar, level: ServiceLevel | None, start: datetime, span: timedelta
) -> datetime:
    """`span` of the level's time after `start`."""
    return calendar.add(start, span, around_the_clock=around_the_clock(level))


def counted(
    calendar: BusinessCalendar, level: ServiceLevel | None, start: datetime, end: datetime
) -> timedelta:
    """The level's time between two instants (business hours unless around the clock)."""
    return calendar.elapsed(start, end, around_the_clock=around_the_clock(level))


def target_due(
    calendar: BusinessCalendar, level: ServiceLevel, target: Target, opened_at: datetime
) -> datetime:
    """When `target` falls due for a request opened at `opened_at`."""
    return later(calendar, level, opened_at, target.length(level))


def target_timers(
    calendar: BusinessCalendar,
    level: ServiceLevel | None,
    target: Target,
    *,
    due: datetime,
    start: datetime,
    lead: float,
) -> list[Timing]:
    """A target's warning and breach, counted from `start`.

    The warning comes when `lead` (a share) of the target's full length is left, or at once
    when less than that remains; none when it would not come before the breach.
    """
    full = target.length(level) if level else ZERO
    remaining = counted(calendar, level, start, due)
    warn_at = later(calendar, level, start, remaining - min(remaining, full * lead))
    warned = [(target.warning, warn_at)] if warn_at < due else []
    return [*warned, (target.breach, due)]


def pauses_clock(status: RequestStatus, *, third_party_pauses: bool) -> bool:
    """Waiting on the partner stops the resolution clock; on a third party, if the service says."""
    if status is RequestStatus.WAITING_PARTNER:
        return True
    return status is RequestStatus.WAITING_THIRD_PARTY and third_party_pauses


@dataclass(frozen=True)
class Pause:
    """Time the resolution clock stood still, and where that leaves the resolution target."""

    stood: timedelta
    resolution_due: datetime

    @property
    def seconds(self) -> int:
        """The time stood still in whole seconds, as the request row keeps it."""
        return int(self.stood.total_seconds())


def resumed(
    calendar: BusinessCalendar,
    level: ServiceLevel | None,
    *,
    since: datetime,
    due: datetime,
    now: datetime,
) -> Pause:
    """The clock runs again after standing still since `since` (a pause, or being resolved).

    The target moves out by the working time that passed, so the request loses none of it.
    """
    stood = counted(calendar, level, since, now)
    return Pause(stood, later(calendar, level, due, stood))


def resolved_while_paused(
    calendar: BusinessCalendar,
    level: ServiceLevel | None,
    *,
    paused_at: datetime,
    due: datetime,
    now: datetime,
) -> Pause:
    """Resolved while waiting: the pause moves the target out, as a resumption would.

    A pause that took no working time leaves the target exactly where it was.
    """
    pause = resumed(calendar, level, since=paused_at, due=due, now=now)
    return pause if pause.stood else Pause(ZERO, due)


@dataclass(frozen=True, kw_only=True)
class ClockState:
    """Where a request's clocks stand, as its row says."""

    is_open: bool
    first_responded_at: datetime | None
    first_response_breached: bool
    resolution_breached: bool
    paused: bool


@dataclass(frozen=True)
class Retarget:
    """A new priority's targets, and what becomes of each clock still running."""

    first_response_due: datetime
    resolution_due: datetime
    breached: tuple[Target, ...]  # already past under the new priority: breached now
    rescheduled: tuple[Target, ...]  # fresh warning and breach, counted from now

    def due(self, target: Target) -> datetime:
        """The new due time of `target`."""
        return self.first_response_due if target is Target.FIRST_RESPONSE else self.resolution_due


def retarget(
    calendar: BusinessCalendar,
    level: ServiceLevel,
    *,
    opened_at: datetime,
    paused: timedelta,
    state: ClockState,
    now: datetime,
) -> Retarget:
    """A new priority brings its own targets, counted from when the request was opened.

    Time already paused still moves the resolution target out. Only clocks still running
    move: not a closed request's, not a target already breached, not a first response given
    in time for the new target, not a resolution clock standing still.
    """
    first = target_due(calendar, level, Target.FIRST_RESPONSE, opened_at)
    resolution = later(
        calendar, level, target_due(calendar, level, Target.RESOLUTION, opened_at), paused
    )
    answered = state.first_responded_at
    late = answered is None or answered > first
    moving: list[Target] = []
    if state.is_open and not state.first_response_breached and late:
        moving.append(Target.FIRST_RESPONSE)
    if state.is_open and not state.paused and not state.resolution_breached:
        moving.append(Target.RESOLUTION)
    targets = Retarget(first, resolution, (), ())
    return Retarget(
        first,
        resolution,
        breached=tuple(t for t in moving if targets.due(t) <= now),
        rescheduled=tuple(t for t in moving if targets.due(t) > now),
    )
