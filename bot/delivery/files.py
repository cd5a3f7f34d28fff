"""Carrying a file into a thread: download it with the bot token, upload it where it belongs.

A file in a partner's DM opens only for the people in that DM, so a link would not do: the
technicians need a copy in the card's thread. The outbox queues one row per file (method
RELAY_FILE) and the dispatcher calls `relay_file` for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

RELAY_FILE = "liaison.relayFile"  # an outbox kind, not a Slack method
CHUNK = 64 * 1024


class FileRelayRefused(Exception):
    """The file cannot be carried over, and trying again will not help."""

    def __init__(self, code: str) -> None:
        """Keep a short code for the outbox's last_error and the log."""
        super().__init__(code)
        self.code = code


def relay_args(
    *, channel: str, file_id: str, name: str, url: str, max_bytes: int, title: str = ""
) -> dict[str, Any]:
    """The outbox arguments of one file to carry (no token: it is added when sending)."""
    return {
        "channel": channel,
        "file_id": file_id,
        "name": name,
        "title": title or name,
        "url": url,
        "max_bytes": max_bytes,
    }


async def relay_file(client: AsyncWebClient, args: dict[str, Any]) -> dict[str, Any]:
    """Download the file and upload it into `args["channel"]` (under `thread_ts` if given).

    Raises:
        FileRelayRefused: the file is gone, too big, or Slack will not let the bot read it.
        SlackApiError, aiohttp.ClientError: as for any Slack call (the dispatcher retries).
    """
    content = await _download(client, str(args["url"]), int(args["max_bytes"]))
    reserved = await client.files_getUploadURLExternal(
        filename=str(args["name"]), length=len(content)
    )
    await _upload(client, str(reserved["upload_url"]), content)
    extra = {"thread_ts": args["thread_ts"]} if args.get("thread_ts") else {}
    done = await client.files_completeUploadExternal(
        files=[{"id": reserved["file_id"], "title": str(args.get("title") or args["name"])}],
        channel_id=str(args["channel"]),
        **extra,
    )
    return {"channel": args["channel"], "files": done.get("files") or []}


async def _download(client: AsyncWebClient, url: str, max_bytes: int) -> bytes:
    """The file's bytes, read with the bot token (files:read) and never more than allowed."""
    if not url:
        raise FileRelayRefused("file_not_downloadable")
    headers = {"Authorization": f"Bearer {client.token}"}
    async with (
        _session(client) as session,
        session.get(url, headers=headers, allow_redirects=False) as response,
    ):
        if response.status in (301, 302, 303, 307, 308):
            # Slack sends a request it will not serve to its sign-in page: a missing scope.
            raise FileRelayRefused("file_access_denied")
        if response.status == 404:
            raise FileRelayRefused("file_not_found")
        if response.status >= 500 or response.status == 429:
            raise aiohttp.ClientResponseError(
                response.request_info, (), status=response.status, message="download failed"
            )
        if response.status != 200:
            raise FileRelayRefused(f"file_download_http_{response.status}")
        content = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK):
            content.extend(chunk)
            if len(content) > max_bytes:
                raise FileRelayRefused("file_too_large")
    if not content:
        raise FileRelayRefused("file_empty")
    return bytes(content)


async def _upload(client: AsyncWebClient, upload_url: str, content: bytes) -> None:
    async with _session(client) as session, session.post(upload_url, data=content) as response:
        if response.status >= 500 or response.status == 429:
            raise aiohttp.ClientResponseError(
                response.request_info, (), status=response.status, message="upload failed"
            )
        if response.status != 200:
            raise FileRelayRefused(f"file_upload_http_{response.status}")


@asynccontextmanager
async def _session(client: AsyncWebClient) -> AsyncIterator[aiohttp.ClientSession]:
    """The client's own aiohttp session if it has one (left open), else a short-lived one."""
    shared = client.session
    if shared is not None and not shared.closed:
        yield shared
        return
    async with aiohttp.ClientSession() as own:
        yield own
