"""What one delivery to the app, and one user action built on it, came to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.elements import JsonDict
from simulator.model import SimMessage
from simulator.surfaces import SimView


@dataclass(frozen=True)
class Delivery:
    """One attempt to hand a payload to the app, over HTTP or Socket Mode."""

    kind: str  # events_api | slash_commands | interactive | raw
    status: int  # HTTP status; 200 for a Socket Mode ack; 0 when no answer came
    body: str
    json: Any  # parsed body when it was JSON (or the Socket Mode ack payload), else None
    elapsed_ms: float
    timed_out: bool = False
    retry_num: int = 0
    # Why the attempt failed, as Slack names it for the next retry (http_timeout, http_error,
    # connection_failed, timeout); None when it succeeded.
    error: str | None = None
    no_retry: bool = False  # the app answered `x-slack-no-retry: 1`
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return True when Slack would count the attempt as acknowledged in time."""
        return self.error is None


@dataclass(frozen=True)
class EventResult:
    """An Events API event and every delivery attempt it took (first try plus retries)."""

    event_id: str
    attempts: list[Delivery]
    skipped: bool = False  # not sent: the app is not subscribed or cannot see the channel
    envelope: Mapping[str, Any] | None = None  # what was sent, for redelivering it

    @property
    def delivered(self) -> bool:
        """Return True when some attempt was acknowledged."""
        return any(a.ok for a in self.attempts)

    @property
    def last(self) -> Delivery | None:
        """Return the final attempt."""
        return self.attempts[-1] if self.attempts else None


def user_error(delivery: Delivery) -> str | None:
    """Return the error a person would see for a command or interaction delivery."""
    if delivery.timed_out:
        return "operation_timeout"
    if delivery.error == "connection_failed":
        return "dispatch_failed"
    if delivery.status != 200:
        return "http_service_error"
    return None


@dataclass
class _Interaction:
    """Fields shared by every interaction a person starts (command, click, shortcut)."""

    delivery: Delivery
    trigger_id: str
    response_url: str | None
    payload: Mapping[str, Any]
    error: str | None
    _views: Callable[[], list[SimView]] = field(repr=False)

    @property
    def ok(self) -> bool:
        """Return True when the app acknowledged in time and Slack showed no error."""
        return self.error is None

    @property
    def timed_out(self) -> bool:
        """Return True when the app did not answer within 3 seconds."""
        return self.delivery.timed_out

    @property
    def views(self) -> list[SimView]:
        """Return the views the app has opened or pushed with this trigger so far."""
        return self._views()


@dataclass
class CommandResult(_Interaction):
    """A slash command: the ack, and the message Slack made from it."""

    response_type: str | None = None  # ephemeral | in_channel | None when the ack was empty
    message: SimMessage | None = None

    @property
    def ephemeral_text(self) -> str | None:
        """Return the text of the ephemeral reply made from the ack, if there was one."""
        if self.message is not None and self.response_type == "ephemeral":
            return self.message.text
        return None

    @property
    def blocks(self) -> list[JsonDict]:
        """Return the blocks of the reply made from the ack ([] if none)."""
        return self.message.blocks if self.message else []


@dataclass
class InteractionResult(_Interaction):
    """A click, shortcut or view_closed: only the ack's timing matters to Slack."""


@dataclass
class SubmitResult:
    """A view submission: what the user saw happen to the modal."""

    delivery: Delivery | None  # None when Slack's client refused to submit (required field)
    payload: Mapping[str, Any] | None
    error: str | None = None
    errors: dict[str, str] = field(default_factory=dict)  # block_id -> message shown
    response_action: str | None = None  # errors | update | push | clear | None (closed)
    closed: bool = False  # the submitted view closed
    view: SimView | None = None  # what the user sees now (None: no modal left)

    @property
    def ok(self) -> bool:
        """Return True when the submission went through and the app accepted it."""
        return self.error is None and not self.errors

    @property
    def timed_out(self) -> bool:
        """Return True when the app did not answer within 3 seconds."""
        return self.delivery is not None and self.delivery.timed_out
