"""The record of every Web API call, for assertions like "exactly one card was posted"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.elements import JsonDict


@dataclass(frozen=True)
class CallRecord:
    """One Web API call as the simulator saw and answered it."""

    method: str
    args: dict[str, Any]
    status: int
    body: JsonDict
    at: float  # simulator clock, epoch seconds
    http_method: str = "POST"

    @property
    def ok(self) -> bool:
        """Return True when the call succeeded (HTTP 200 and ok: true)."""
        return self.status == 200 and bool(self.body.get("ok"))

    @property
    def error(self) -> str | None:
        """Return Slack's error code, if the call failed."""
        error = self.body.get("error")
        return str(error) if error is not None else None


class CallLog:
    """Append-only list of calls with small query helpers."""

    def __init__(self) -> None:
        """Start empty."""
        self._records: list[CallRecord] = []

    def append(self, record: CallRecord) -> None:
        """Record one answered call."""
        self._records.append(record)

    def all(self) -> list[CallRecord]:
        """Return every call, oldest first."""
        return list(self._records)

    def to(self, method: str) -> list[CallRecord]:
        """Return the calls to one method, oldest first."""
        return [r for r in self._records if r.method == method]

    def clear(self) -> None:
        """Forget every call (between phases of one test)."""
        self._records.clear()
