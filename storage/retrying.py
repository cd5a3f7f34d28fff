"""Run a transaction again when PostgreSQL aborted it to break a deadlock or a serialization race.

Both are normal under concurrency (SQLSTATE 40P01 and 40001): the database rolled the loser
back so the other could go on, and the same change, tried again, usually goes through.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
TRIES = 5


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE behind a driver error, whichever driver wrapped it."""
    seen: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    for _ in range(4):  # the driver's own error hides one or two causes deep
        if seen is None:
            return None
        code = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if isinstance(code, str):
            return code
        seen = seen.__cause__
    return None


def is_retryable(exc: BaseException) -> bool:
    """True for a deadlock victim or a serialization failure: safe to run again from the start."""
    return isinstance(exc, DBAPIError) and sqlstate(exc) in RETRYABLE_SQLSTATES


async def retrying(attempt: Callable[[], Awaitable[T]], *, tries: int = TRIES) -> T:
    """Await `attempt()` (one whole transaction) up to `tries` times while it loses races.

    The last loss is raised for the caller to turn into something a person can read.
    """
    for done in range(1, tries + 1):
        try:
            return await attempt()
        except DBAPIError as exc:
            if done == tries or not is_retryable(exc):
                raise
        # A few milliseconds of jitter so two losers do not meet again at once.
        await asyncio.sleep(random.uniform(0, 0.004 * 2**done))  # noqa: S311 - jitter
    raise AssertionError("unreachable")  # pragma: no cover
