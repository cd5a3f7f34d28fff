"""Whether the channels that hold internal notes are private, asked of Slack and remembered."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock

logger = logging.getLogger(__name__)
PRIVACY_TTL = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ChannelState:
    """What Slack said of one channel: its name and whether it is private (None: unknown)."""

    channel: str
    name: str
    private: bool | None
    error: str | None = None

    @property
    def where(self) -> str:
        """`#name (C…)` for messages to people."""
        return f"#{self.name} ({self.channel})" if self.name else self.channel


class ChannelPrivacy:
    """Internal notes and supervisors' talk belong in private channels; this checks they are."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        clock: Clock,
        channels: frozenset[str],
        allow_public: bool,
    ) -> None:
        """`channels` are the triage and supervisors' channels; `allow_public` is the override."""
        self._client = client
        self._clock = clock
        self._channels = channels
        self._allow_public = allow_public
        self._cache: dict[str, tuple[ChannelState, dt.datetime]] = {}

    async def problems(self) -> list[str]:
        """One line per channel that is public or unreadable, saying what to do."""
        lines = []
        for channel in sorted(self._channels):
            state = await self.state(channel, fresh=True)
            if state.private is False:
                lines.append(public_channel_line(state, allowed=self._allow_public))
            elif state.private is None:
                lines.append(
                    f"cannot tell whether {state.where} is private (Slack answered "
                    f"{state.error}): invite Liaison to it and check its scopes "
                    "(channels:read, groups:read)"
                )
        return lines

    async def log_problems(self) -> None:
        """At start: say in the log which channels would expose internal words."""
        for line in await self.problems():
            logger.warning("channel privacy: %s", line)

    async def refuse_note_in(self, channel: str) -> str | None:
        """Why an internal note may not be posted in `channel`, or None when it may.

        A public channel is refused unless the operator allowed it; the refusal is logged with
        what the operator should do, and the returned line is for the technician.
        """
        if self._allow_public:
            return None
        state = await self.state(channel)
        if state.private is not False:
            return None
        logger.warning("internal note refused: %s", public_channel_line(state, allowed=False))
        return (
            f"Not sent: {state.where} is a public channel, so anyone in the workspace could "
            "read this note. Leave the note empty, or ask a Slack admin to make the channel "
            "private."
        )

    async def state(self, channel: str, *, fresh: bool = False) -> ChannelState:
        """What Slack says of the channel, remembered for a few minutes."""
        now = self._clock.now()
        cached = self._cache.get(channel)
        if cached is not None and not fresh and now - cached[1] < PRIVACY_TTL:
            return cached[0]
        state = await self._fetch(channel)
        if state.private is None and cached is not None:
            return cached[0]  # Slack did not answer: keep what we knew
        self._cache[channel] = (state, now)
        return state

    async def _fetch(self, channel: str) -> ChannelState:
        try:
            response = await self._client.conversations_info(channel=channel)
        except SlackApiError as exc:
            return ChannelState(channel, "", None, str(exc.response.get("error")))
        except (aiohttp.ClientError, TimeoutError) as exc:
            return ChannelState(channel, "", None, repr(exc))
        info = response.get("channel") or {}
        private = bool(info.get("is_private") or info.get("is_group") or info.get("is_im"))
        return ChannelState(channel, str(info.get("name") or ""), private)


def public_channel_line(state: ChannelState, *, allowed: bool) -> str:
    """The one line that names a public channel and what to do about it."""
    if allowed:
        return (
            f"{state.where} is public and ALLOW_PUBLIC_INTERNAL_NOTES=true: internal notes "
            "posted there can be read by anyone in the workspace"
        )
    return (
        f"{state.where} is a public channel, so anyone in the workspace could read internal "
        "notes there; convert it to a private channel in Slack (or set "
        "ALLOW_PUBLIC_INTERNAL_NOTES=true to accept that)"
    )
