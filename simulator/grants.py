"""Short-lived grants Slack hands the app: trigger_ids (3 s, single use) and response_urls."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from simulator import ids
from simulator.args import ApiError

TRIGGER_TTL = 3.0
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5


@dataclass
class Trigger:
    """A trigger_id issued with one interaction, redeemable once by views.open/push."""

    id: str
    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    """A response_url: where it posts, and the message it may replace or delete."""

    id: str
    user_id: str
    channel_id: str
    issued_at: float
    source_ts: str | None = None  # message the interaction came from, if any
    source_ephemeral: bool = False
    uses: int = 0


class Grants:
    """Issues and redeems triggers and response URLs against the simulator clock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        """Use the simulator clock for expiry."""
        self._clock = clock
        self._triggers: dict[str, Trigger] = {}
        self._urls: dict[str, ResponseUrl] = {}
        self._serial = 1000

    def issue_trigger(self, user_id: str) -> str:
        """Issue a fresh trigger_id for an interaction by `user_id`."""
        self._serial += 1
        trigger = Trigger(ids.trigger_id(self._serial), user_id, self._clock())
        self._triggers[trigger.id] = trigger
        return trigger.id

    def check_trigger(self, trigger_id: str | None) -> Trigger:
        """Return a usable trigger or raise Slack's invalid/exchanged/expired error."""
        trigger = self._triggers.get(trigger_id or "")
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if self._clock() - trigger.issued_at > TRIGGER_TTL:
            raise ApiError("expired_trigger_id")
        return trigger

    def redeem_trigger(self, trigger_id: str | None) -> Trigger:
        """Check a trigger and mark it used."""
        trigger = self.check_trigger(trigger_id)
        trigger.used = True
        return trigger

    def trigger(self, trigger_id: str) -> Trigger | None:
        """Return a trigger by id (for inspection)."""
        return self._triggers.get(trigger_id)

    def issue_response_url(
        self,
        base_url: str,
        *,
        user_id: str,
        channel_id: str,
        source_ts: str | None = None,
        source_ephemeral: bool = False,
    ) -> str:
        """Issue a response_url at `base_url` + response/<id>."""
        grant = ResponseUrl(
            secrets.token_urlsafe(12),
            user_id,
            channel_id,
            self._clock(),
            source_ts=source_ts,
            source_ephemeral=source_ephemeral,
        )
        self._urls[grant.id] = grant
        return f"{base_url}response/{grant.id}"

    def use_response_url(self, url_id: str) -> ResponseUrl:
        """Count one use; raise ApiError no_service / expired_url / used_url when refused."""
        grant = self._urls.get(url_id)
        if grant is None:
            raise ApiError("no_service")
        if self._clock() - grant.issued_at > RESPONSE_URL_TTL:
            raise ApiError("expired_url")
        if grant.uses >= RESPONSE_URL_USES:
            raise ApiError("used_url")
        grant.uses += 1
        return grant
