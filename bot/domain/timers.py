"""Every kind of timer Liaison keeps, named once.

The values are what the timers table stores, so they never change once released. Which code
runs for each kind, and in what order kinds fire when they fall due together, is declared in
one table at composition (`bot/app/timers.py`); the scheduler refuses to start without it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class TimerKind(StrEnum):
    """A kind of timer: something that must happen at a time, kept in the database."""

    # After a filing commits (due at once, so nothing runs in front of the acknowledgement).
    OUTAGE_LINKED = "outage_linked"
    FILED_AWARENESS = "filed_awareness"
    # The service-level targets of a request.
    FIRST_RESPONSE_WARNING = "first_response_warning"
    FIRST_RESPONSE_BREACH = "first_response_breach"
    RESOLUTION_WARNING = "resolution_warning"
    RESOLUTION_BREACH = "resolution_breach"
    # The promised update to the partner, and the ladder when it lapses.
    PROMISE_NUDGE = "promise_nudge"
    PROMISE_LAPSE = "promise_lapse"
    PROMISE_ESCALATE = "promise_escalate"
    # Closing the loop.
    AUTO_CLOSE = "auto_close"
    POLL_EXPIRY = "poll_expiry"
    FOLLOW_UP_DUE = "follow_up_due"
    # Outages and maintenance.
    MAINTENANCE_REMINDER = "maintenance_reminder"
    MAINTENANCE_END = "maintenance_end"
    OUTAGE_UPDATE_NUDGE = "outage_update_nudge"
    OUTAGE_UPDATE_LAPSE = "outage_update_lapse"


Timing = tuple[TimerKind, datetime]
"""A timer to set: its kind and when it falls due."""
