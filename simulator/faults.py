"""Scripted Web API failures (429, 5xx, error codes) and per-method rate limits."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.elements import JsonDict

ArgsPredicate = Callable[[Mapping[str, Any]], bool]
_SERVER_ERRORS = {500: "internal_error", 502: "bad_gateway", 503: "service_unavailable"}


@dataclass(frozen=True)
class FaultResponse:
    """What the Web API answers instead of running the method."""

    status: int
    body: JsonDict
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    """One scripted failure; fires on the next `remaining` matching calls (None: forever)."""

    method: str
    status: int
    error: str
    retry_after: int | None
    remaining: int | None
    when: ArgsPredicate | None = None
    hits: int = 0

    def matches(self, method: str, args: Mapping[str, Any]) -> bool:
        """Return True if this fault applies to a call and has uses left."""
        if self.method not in ("*", method) or self.remaining == 0:
            return False
        return self.when is None or self.when(args)

    def fire(self) -> FaultResponse:
        """Use the fault once and build its answer."""
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return FaultResponse(self.status, {"ok": False, "error": self.error}, headers)


class FaultPlan:
    """The failures a test scripted, checked before every Web API method runs."""

    def __init__(self, clock: Callable[[], float]) -> None:
        """Use the simulator clock for rate-limit windows."""
        self._clock = clock
        self._faults: list[Fault] = []
        self._limits: dict[str, tuple[int, deque[float]]] = {}

    def add(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        when: ArgsPredicate | None = None,
    ) -> Fault:
        """Script a failure for `method` ("*" for all): e.g. status=429, retry_after=2, times=3.

        `error` alone answers HTTP 200 with that code; 429 defaults to Retry-After 1 and
        `ratelimited`; 5xx statuses answer a JSON error body. `when` filters on the arguments.
        """
        if status is None and error is None:
            raise ValueError("a fault needs a status or an error")
        code = status or 200
        if code == 429:
            retry_after = 1 if retry_after is None else retry_after
        default_error = "ratelimited" if code == 429 else _SERVER_ERRORS.get(code, "fatal_error")
        fault = Fault(method, code, error or default_error, retry_after, times, when)
        self._faults.append(fault)
        return fault

    def rate_limit(self, method: str, *, per_minute: int) -> None:
        """Allow `per_minute` calls per sliding minute of simulator time; 429 beyond."""
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self._limits[method] = (per_minute, deque())

    def clear(self) -> None:
        """Remove every scripted fault and rate limit."""
        self._faults.clear()
        self._limits.clear()

    def check(self, method: str, args: Mapping[str, Any]) -> FaultResponse | None:
        """Return the failure to answer for this call, or None to run the method."""
        for fault in self._faults:
            if fault.matches(method, args):
                return fault.fire()
        return self._check_rate(method)

    def _check_rate(self, method: str) -> FaultResponse | None:
        if method not in self._limits:
            return None
        per_minute, window = self._limits[method]
        now = self._clock()
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) < per_minute:
            window.append(now)
            return None
        wait = max(1, math.ceil(window[0] + 60 - now))
        body: JsonDict = {"ok": False, "error": "ratelimited"}
        return FaultResponse(429, body, {"Retry-After": str(wait)})
