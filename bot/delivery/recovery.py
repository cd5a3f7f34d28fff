"""Messages whose sender died mid-call: found in Slack by their outbox id, or sent again.

Every message Liaison posts carries its outbox id in Slack's message metadata. A message
left `sending` (its lease ran out, or the only process restarted) may or may not have reached
Slack; looking for that id in the conversation's recent history tells which, so it is recorded
as sent rather than posted twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from storage import outbox as store
from storage import outbox_recovery as recovery
from storage.engine import Database

logger = logging.getLogger(__name__)
EVENT_TYPE = "liaison_outbox"
LOOKBACK = dt.timedelta(minutes=5)  # history searched from a little before the row was queued
HISTORY_LIMIT = 200


def with_outbox_id(message: store.ClaimedMessage) -> dict[str, Any]:
    """The call's arguments, a new post tagged with its outbox id in message metadata."""
    if message.method != "chat.postMessage" or "metadata" in message.args:
        return message.args
    metadata = {"event_type": EVENT_TYPE, "event_payload": {"id": message.id}}
    return {**message.args, "metadata": metadata}


class _Unknown(Exception):
    """Slack could not say whether the message is there (it failed or is rate-limiting)."""


class SendingRecovery:
    """Settles `sending` rows whose sender is gone: sent if Slack has them, else back in line."""

    def __init__(self, *, database: Database, client: AsyncWebClient, lease: dt.timedelta) -> None:
        """Share the dispatcher's database, Slack client and lease."""
        self._db = database
        self._client = client
        self._lease = lease

    async def recover(self, *, now: dt.datetime, restart: bool) -> int:
        """Settle lapsed leases (every `sending` row when `restart`); returns how many settled."""
        async with self._db.reading() as session:
            rows = await recovery.expired_sending(session, now=None if restart else now)
            stale = await store.as_claimed(session, rows)
        if not stale:
            return 0
        found: list[store.Delivered] = []
        absent: list[int] = []
        unknown: list[int] = []
        for message in stale:
            try:
                landed = await self._find(message)
            except _Unknown:
                unknown.append(message.id)
                continue
            if landed is None:
                absent.append(message.id)
            else:
                found.append(store.Delivered(message, landed[0], landed[1]))
        async with self._db.transaction() as session:
            await store.mark_sent_many(session, delivered=found, now=now)
            released = await recovery.release(
                session, message_ids=absent, now=None if restart else now
            )
            if unknown:
                await recovery.extend_leases(session, message_ids=unknown, until=now + self._lease)
        logger.warning(
            "outbox recovered interrupted sends found_at_slack=%s sent_again=%s unknown=%s",
            len(found),
            released,
            len(unknown),
        )
        return len(found) + released

    async def _find(self, message: store.ClaimedMessage) -> tuple[str, str] | None:
        """Where Slack holds this post (channel, ts), or None; other calls are safe to repeat."""
        if message.method != "chat.postMessage":
            return None  # updates and Home views replace content: sending again is harmless
        channel = await self._conversation(str(message.args.get("channel") or ""))
        params: dict[str, Any] = {
            "channel": channel,
            "include_all_metadata": "true",
            "limit": HISTORY_LIMIT,
        }
        if message.created_at is not None:
            params["oldest"] = f"{(message.created_at - LOOKBACK).timestamp():.6f}"
        thread = message.args.get("thread_ts")
        if thread:
            params["ts"] = thread
        method = "conversations.replies" if thread else "conversations.history"
        data = await self._call(method, params)
        for posted in data.get("messages") or []:
            metadata = posted.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == EVENT_TYPE and payload.get("id") == message.id:
                return channel, str(posted["ts"])
        return None

    async def _conversation(self, target: str) -> str:
        """History takes a conversation id: a user's id means the bot's DM with them."""
        if not target.startswith(("U", "W")):
            return target
        data = await self._call("conversations.open", {"users": target})
        channel = data.get("channel") or {}
        return str(channel.get("id") or target)

    async def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._client.api_call(method, http_verb="GET", params=params)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error in ("channel_not_found", "not_in_channel", "thread_not_found"):
                return {}  # nothing Liaison posted can be there
            raise _Unknown(str(error)) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _Unknown(repr(exc)) from exc
        return response.data if isinstance(response.data, dict) else {}
