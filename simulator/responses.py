"""response_url endpoints: JSON in, plain `ok` out; reply, replace or delete the original."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from simulator.api_chat import content
from simulator.args import ApiError, Args
from simulator.calls import CallRecord
from simulator.context import SimContext
from simulator.grants import ResponseUrl
from simulator.model import SimMessage


async def handle(ctx: SimContext, request: web.Request) -> web.Response:
    """Apply one POST to a response_url and record it as a call to `response_url`."""
    try:
        data: Any = json.loads(await request.text())
    except json.JSONDecodeError:
        data = None
    status, answer = 200, "ok"
    try:
        if not isinstance(data, dict):
            raise ApiError("invalid_payload")
        grant = ctx.grants.use_response_url(request.match_info["url_id"])
        apply(ctx, grant, Args(data))
    except ApiError as error:
        status = 404 if error.code in ("no_service", "expired_url", "used_url") else 400
        answer = error.code
    body = {"ok": status == 200, **({} if status == 200 else {"error": answer})}
    record = CallRecord("response_url", dict(data or {}), status, body, ctx.clock())
    ctx.calls.append(record)
    ctx.changes.notify()
    return web.Response(status=status, text=answer, content_type="text/plain")


def _source(ctx: SimContext, grant: ResponseUrl) -> SimMessage | None:
    if grant.source_ts is None:
        return None
    if grant.source_ephemeral:
        return ctx.workspace.ephemeral(grant.user_id, grant.channel_id, grant.source_ts)
    return ctx.workspace.message(grant.channel_id, grant.source_ts)


def apply(ctx: SimContext, grant: ResponseUrl, args: Args) -> None:
    """Do what the JSON asks: delete_original, replace_original, or post (ephemeral default)."""
    original = _source(ctx, grant)
    if args.flag("delete_original"):
        if original is None:
            raise ApiError("message_not_found")
        ctx.workspace.delete(original)
        return
    text, blocks, attachments = content(args)
    if args.flag("replace_original") and original is not None:
        ctx.workspace.update(
            original, text=text or "", blocks=blocks or [], attachments=attachments
        )
        return
    if args.text("response_type") == "in_channel":
        message = ctx.workspace.post(
            grant.channel_id,
            user=ctx.config.bot_user_id,
            text=text or "",
            blocks=blocks,
            attachments=attachments,
            thread_ts=args.text("thread_ts"),
            from_bot=True,
        )
        ctx.echo_message(message)
        return
    ctx.workspace.post_ephemeral(
        grant.channel_id, to_user=grant.user_id, text=text or "", blocks=blocks
    )
