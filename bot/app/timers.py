"""Every kind of timer, the code it runs, and which fires first: the one table the scheduler keeps.

The kinds are named in `bot.domain.timers`; slices set timers of those kinds and offer the
handlers; this table binds the two. The scheduler refuses to start while a kind has no row
here, and parks a stored timer of a kind it does not know, with one log line.

Timers of one request (or outage) that fall due at the same moment fire in the order of the
rows below; the comments say where that order is one a person can see.
"""

from __future__ import annotations

from bot.closing.confirmation import ClosingDesk
from bot.closing.follow_ups import FollowUpDesk
from bot.closing.polls import PollDesk
from bot.delivery.scheduler import TimerTable, Together
from bot.domain.timers import TimerKind as K
from bot.expectations.desk import Expectations
from bot.intake.awareness import AFTER_FILING, AwarenessDesk
from bot.outages.desk import OutageDesk
from bot.triage.work import TriageService


def timer_table(
    *,
    awareness: AwarenessDesk,
    expectations: Expectations,
    closing: ClosingDesk,
    triage: TriageService,
    polls: PollDesk,
    follow_ups: FollowUpDesk,
    outages: OutageDesk,
) -> TimerTable:
    """Each kind with its handler, in firing order."""
    clocks, promises, ladder = expectations.clocks, expectations.promises, expectations.ladder
    return (
        # Set by a filing, so the work runs after the partner's acknowledgement and threads
        # under the card queued in the same transaction. The outage link is due at once, the
        # awareness up to AFTER_FILING later with the other filings of that time, so the card's
        # thread says "Filed during OUT-1" before it lists related requests.
        (K.OUTAGE_LINKED, outages.timers.on_linked),
        (
            K.FILED_AWARENESS,
            Together(read=awareness.look, write=awareness.on_stored, gather=AFTER_FILING),
        ),
        # A target's warning, then its breach; a breach is said before the promise that fell
        # due with it (a new request's first promise is its first-response target) lapses.
        (K.FIRST_RESPONSE_WARNING, clocks.on_warning),
        (K.FIRST_RESPONSE_BREACH, clocks.on_breach),
        (K.RESOLUTION_WARNING, clocks.on_warning),
        (K.RESOLUTION_BREACH, clocks.on_breach),
        (K.PROMISE_NUDGE, promises.on_nudge),
        # The next rung hears before a notice held back for the partner goes out.
        (K.PROMISE_ESCALATE, ladder.on_step),
        (K.PROMISE_LAPSE, promises.on_lapse),
        # Closing the loop: silence closes through the triage service, as a person would.
        (K.AUTO_CLOSE, closing.auto_close(triage)),
        (K.POLL_EXPIRY, polls.on_expiry),
        (K.FOLLOW_UP_DUE, follow_ups.on_due),
        # Outages and maintenance.
        (K.MAINTENANCE_REMINDER, outages.timers.on_reminder),
        (K.MAINTENANCE_END, outages.timers.on_end),
        (K.OUTAGE_UPDATE_NUDGE, outages.promises.on_nudge),
        (K.OUTAGE_UPDATE_LAPSE, outages.promises.on_lapse),
    )
