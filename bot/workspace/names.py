"""People's names for the `<@U…>` mentions in what partners write, asked of Slack and cached."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import OrderedDict

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock

logger = logging.getLogger(__name__)
NAME_TTL = dt.timedelta(hours=1)
NAME_CACHE_SIZE = 2000
_BARE_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


class NameDirectory:
    """Turns `<@U0SAM>` into `<@U0SAM|SSgt Sam Okafor>`, so relayed text reads as a name.

    The cache is bounded (least recently used goes first) and entries expire, so a renamed
    person is shown by their new name within the hour.
    """

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        clock: Clock,
        ttl: dt.timedelta = NAME_TTL,
        size: int = NAME_CACHE_SIZE,
    ) -> None:
        """Keep the Slack client; nothing is asked until a mention needs a name."""
        self._client = client
        self._clock = clock
        self._ttl = ttl
        self._size = size
        self._cache: OrderedDict[str, tuple[str, dt.datetime]] = OrderedDict()

    async def with_names(self, text: str) -> str:
        """The same Slack-encoded text with each bare user mention labelled with a name.

        A mention whose name Slack will not give stays as it is (shown as its id).
        """
        ids = dict.fromkeys(_BARE_MENTION.findall(text))
        if not ids:
            return text
        names = {user_id: await self.name(user_id) for user_id in ids}

        def labelled(match: re.Match[str]) -> str:
            name = names.get(match.group(1))
            return f"<@{match.group(1)}|{_clean(name)}>" if name else match.group(0)

        return _BARE_MENTION.sub(labelled, text)

    async def name(self, user_id: str) -> str | None:
        """A person's name (real name, else display name, else user name), or None."""
        now = self._clock.now()
        cached = self._cache.get(user_id)
        if cached is not None and cached[1] > now:
            self._cache.move_to_end(user_id)
            return cached[0]
        name = await self._fetch(user_id)
        if name is None:
            return cached[0] if cached is not None else None
        self._cache[user_id] = (name, now + self._ttl)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return name

    async def _fetch(self, user_id: str) -> str | None:
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            logger.info("no name for user=%s error=%s", user_id, exc.response.get("error"))
            return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.info("no name for user=%s error=%r", user_id, exc)
            return None
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        for name in (user.get("real_name"), profile.get("display_name"), user.get("name")):
            if isinstance(name, str) and name.strip():
                return name.strip()
        return None


def _clean(name: str) -> str:
    """A name that cannot close or nest the mention it sits in."""
    return name.replace(">", "").replace("<", "").replace("|", "")
