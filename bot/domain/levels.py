"""What a shop promises partners at one priority, as a plain value the rules can take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.domain.escalation import LadderRules

DEFAULT_PARTNER_NOTICES = 3


@dataclass(frozen=True, kw_only=True)
class ServiceLevel:
    """What partners are promised at one priority; durations are business time."""

    first_response: timedelta
    resolution: timedelta
    update_every: timedelta
    around_the_clock: bool = False  # count plain elapsed time instead of business hours
    escalate_after: timedelta | None = None  # between rungs of the ladder; None: update_every
    partner_notices_per_day: int = DEFAULT_PARTNER_NOTICES  # automated "no news" messages

    @property
    def ladder(self) -> LadderRules:
        """The escalation ladder's rules at this level."""
        return LadderRules(
            step_after=self.escalate_after or self.update_every,
            partner_notices_per_day=self.partner_notices_per_day,
            around_the_clock=self.around_the_clock,
        )
