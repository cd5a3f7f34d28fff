"""Who is a technician or supervisor, asked of Slack and cached briefly."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.domain.transitions import Role
from bot.settings import Settings

logger = logging.getLogger(__name__)
MEMBERS_TTL = dt.timedelta(minutes=5)


@dataclass
class _Cached:
    members: frozenset[str]
    fetched_at: dt.datetime


class RoleDirectory:
    """Technicians are members of a triage channel; supervisors are listed or in their channel."""

    def __init__(
        self, *, client: AsyncWebClient, settings: Settings, catalogue: Catalogue, clock: Clock
    ) -> None:
        """Remember where to look; nothing is fetched until first asked."""
        self._client = client
        self._settings = settings
        self._clock = clock
        self._cache: dict[str, _Cached] = {}
        channels = {settings.triage_channel}
        channels.update(s.triage_channel for s in catalogue.services if s.triage_channel)
        self.triage_channels = frozenset(channels)

    async def members(self, channel: str) -> frozenset[str]:
        """Members of a channel, from Slack at most every few minutes."""
        now = self._clock.now()
        cached = self._cache.get(channel)
        if cached is not None and now - cached.fetched_at < MEMBERS_TTL:
            return cached.members
        members = await self._fetch(channel)
        if members is None:  # Slack did not answer: keep what we knew, and ask again next time
            return cached.members if cached is not None else frozenset()
        self._cache[channel] = _Cached(members, now)
        return members

    def invalidate(self, channel: str) -> None:
        """Forget a channel's members (someone joined or left)."""
        self._cache.pop(channel, None)

    async def is_supervisor(self, user_id: str) -> bool:
        """Listed in SUPERVISORS or a member of SUPERVISOR_CHANNEL."""
        if user_id in self._settings.supervisors:
            return True
        channel = self._settings.supervisor_channel
        return bool(channel) and user_id in await self.members(channel)

    async def role_for(self, user_id: str, *, channel: str) -> Role:
        """The person's role for a request whose card lives in `channel`."""
        if await self.is_supervisor(user_id):
            return Role.SUPERVISOR
        if user_id in await self.members(channel):
            return Role.TECHNICIAN
        return Role.PARTNER

    async def technician_channels(self, user_id: str) -> list[str]:
        """The triage channels this person works in."""
        return sorted([c for c in self.triage_channels if user_id in await self.members(c)])

    async def _fetch(self, channel: str) -> frozenset[str] | None:
        members: set[str] = set()
        cursor = None
        try:
            while True:
                response = await self._client.conversations_members(
                    channel=channel, limit=200, cursor=cursor
                )
                members.update(response.get("members") or [])
                cursor = (response.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return frozenset(members)
        except SlackApiError as exc:
            logger.warning(
                "cannot read members channel=%s error=%s", channel, exc.response.get("error")
            )
            return None
