"""People's names beside their IDs in `liaison export`, looked up with users.info.

Liaison stores user IDs only, so names come from Slack when a bot token is configured; an
export without one (offline, or another workspace's database) leaves the name columns empty
and still needs no Slack settings.
"""

from __future__ import annotations

import logging
from typing import Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)


class NameBook(Protocol):
    """Who a user ID is, for a report a person reads."""

    async def name(self, user_id: str | None) -> str | None:
        """The person's display name, or None when unknown."""
        ...


class NoNames:
    """The offline export: IDs only."""

    async def name(self, user_id: str | None) -> str | None:
        """Always unknown."""
        return None


class SlackNames:
    """users.info once per person per export (the same people recur on many rows)."""

    def __init__(self, client: AsyncWebClient) -> None:
        """Use `client` (with the bot token) for every lookup."""
        self._client = client
        self._known: dict[str, str | None] = {}

    async def name(self, user_id: str | None) -> str | None:
        """The person's full name (a report is read by people who may not know nicknames)."""
        if not user_id:
            return None
        if user_id not in self._known:
            self._known[user_id] = await self._lookup(user_id)
        return self._known[user_id]

    async def _lookup(self, user_id: str) -> str | None:
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            # A deleted user or a missing scope must not stop the report: the ID is still there.
            logger.warning("users.info failed user=%s error=%s", user_id, exc.response.get("error"))
            return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("users.info unreachable user=%s error=%s", user_id, type(exc).__name__)
            return None
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        names = (profile.get("real_name"), user.get("real_name"), profile.get("display_name"))
        for name in names:
            if isinstance(name, str) and name.strip():
                return name.strip()
        return None
