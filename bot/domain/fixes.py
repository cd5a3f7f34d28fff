"""Shared fixes: a technician's resolution offered to the next partner with the same problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FIX_LIMIT = 3  # fixes offered at once, in the form or the confirmation DM


@dataclass(frozen=True)
class SharedFixView:
    """A fix as partners see it: the technician's words and who shared them, never the problem.

    The problem it was shared from was another partner's, in their words; only the fix,
    written by a technician who chose to share it, is shown to anyone else.
    """

    id: int
    service_id: str
    text: str
    author_id: str
    shared_at: dt.datetime


@dataclass(frozen=True)
class FixOffer:
    """What the request form shows: the fixes found, and whether there was enough to look."""

    fixes: tuple[SharedFixView, ...] = ()
    looked: bool = False  # a service and words worth searching for: "no match" is worth saying

    @property
    def ids(self) -> tuple[int, ...]:
        """The fixes shown, carried in the form so the confirmation does not repeat them."""
        return tuple(f.id for f in self.fixes)


@dataclass(frozen=True)
class FixFigures:
    """Partners answered by shared fixes in a period, and the technicians whose fixes they were."""

    before_filing: int = 0  # "This solved it" in the form: nothing was filed
    after_filing: int = 0  # "This solved it" under the confirmation: the request closed
    by_author: tuple[tuple[str, int], ...] = ()  # technician, partners answered; most first

    @property
    def total(self) -> int:
        """Every partner answered by a shared fix."""
        return self.before_filing + self.after_filing


def fix_choice_value(number: int, fix_id: int) -> str:
    """The value of a "This solved it" button under a confirmation: which request, which fix."""
    return f"{number}:{fix_id}"


def parse_fix_choice(value: str) -> tuple[int, int] | None:
    """Read fix_choice_value back; None for anything else."""
    number, _, fix = value.partition(":")
    if not (number.isdigit() and fix.isdigit()):
        return None
    return int(number), int(fix)


def parse_fix_id(value: str) -> int | None:
    """A "This solved it" button's fix id in the form; None for anything else."""
    return int(value) if value.isdigit() and int(value) > 0 else None
