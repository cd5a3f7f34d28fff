"""Identifier and timestamp sources shaped like Slack's (ts strings, V/D ids, trigger ids)."""

from __future__ import annotations

import secrets
import string
import uuid
from collections.abc import Callable

_ALNUM = string.ascii_uppercase + string.digits


class TsSource:
    """Issues message `ts` strings: clock seconds + a 6-digit counter, strictly increasing."""

    def __init__(self, clock: Callable[[], float]) -> None:
        """Read seconds from `clock` (the simulator's clock, epoch seconds)."""
        self._clock = clock
        self._counter = 0
        self._last = (0, 0)

    def next(self) -> str:
        """Return a new ts, later than every ts issued before (even if the clock stands still)."""
        self._counter += 1
        candidate = (int(self._clock()), self._counter % 1_000_000)
        if candidate <= self._last:
            sec, n = self._last[0], self._last[1] + 1
            candidate = (sec + 1, 0) if n > 999_999 else (sec, n)
        self._last = candidate
        return f"{candidate[0]}.{candidate[1]:06d}"


def slack_id(prefix: str, length: int = 10) -> str:
    """Return a random id like Slack's (`V0A1B2C3D4`): prefix plus upper-case alphanumerics."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def event_id() -> str:
    """Return a globally unique Events API `event_id`."""
    return slack_id("Ev", 10)


def envelope_id() -> str:
    """Return a Socket Mode envelope id (Slack uses UUIDs)."""
    return str(uuid.uuid4())


def trigger_id(serial: int) -> str:
    """Return a trigger id in Slack's `digits.digits.hex` shape."""
    return f"{serial}.47445629121.{secrets.token_hex(16)}"


def view_hash(now: float) -> str:
    """Return a view `hash` in Slack's `epoch.hex` shape."""
    return f"{int(now)}.{secrets.token_hex(4)}"


def short_block_id() -> str:
    """Return the kind of short random block_id/action_id Slack fills in when omitted."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(5))
