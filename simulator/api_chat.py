"""chat.* methods: posting, updating, ephemerals and permalinks, with Slack's error codes."""

from __future__ import annotations

from typing import Any

from simulator import payloads
from simulator.args import ApiError, Args, block_errors
from simulator.blockkit import message_errors
from simulator.context import ApiMethod, SimContext
from simulator.elements import JsonDict
from simulator.model import SimChannel

MAX_TEXT = 40_000  # chat.postMessage truncates beyond this
MAX_EDIT_TEXT = 4_000  # chat.update and chat.postEphemeral answer msg_too_long beyond this


def resolve_target(ctx: SimContext, target: str) -> SimChannel:
    """Return the conversation for a channel id, D id, or user id (the bot's DM with them)."""
    channel = ctx.workspace.channels.get(target)
    if channel is not None:
        return channel
    user = ctx.workspace.users.get(target)
    if user is not None and user.id != ctx.config.bot_user_id:
        return ctx.workspace.open_dm(user.id)[0]
    raise ApiError("channel_not_found")


def ensure_can_post(ctx: SimContext, channel: SimChannel) -> None:
    """Raise not_in_channel for private channels the bot is not in (public: chat:write.public)."""
    if channel.is_private and ctx.config.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")


def content(args: Args, *, require: bool = True) -> tuple[str | None, Any, Any]:
    """Return (text, blocks, attachments) after Slack's format and Block Kit checks."""
    blocks = args.json_value("blocks", error="invalid_blocks_format")
    if blocks is not None:
        if not isinstance(blocks, list):
            raise ApiError("invalid_blocks_format")
        problems = message_errors(blocks)
        if problems:
            raise block_errors("invalid_blocks", problems)
    attachments = args.json_value("attachments", error="invalid_attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise ApiError("invalid_attachments")
    if attachments and len(attachments) > 100:
        raise ApiError("too_many_attachments")
    text = args.text("text")
    if require and not text and not blocks and not attachments:
        raise ApiError("no_text")
    return text, blocks, attachments


def message_metadata(args: Args) -> JsonDict | None:
    """The `metadata` argument: an object with a string event_type and an object event_payload."""
    metadata = args.json_value("metadata", error="invalid_metadata_format")
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise ApiError("invalid_metadata_format")
    if not isinstance(metadata.get("event_type"), str) or not isinstance(
        metadata.get("event_payload"), dict
    ):
        raise ApiError("invalid_metadata_schema")
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}


def post_message(ctx: SimContext, args: Args) -> JsonDict:
    """chat.postMessage: store the bot's message and echo it back as a message event."""
    channel = resolve_target(ctx, args.require("channel", "channel_not_found"))
    ensure_can_post(ctx, channel)
    text, blocks, attachments = content(args)
    message = ctx.workspace.post(
        channel.id,
        user=ctx.config.bot_user_id,
        text=(text or "")[:MAX_TEXT],
        blocks=blocks,
        attachments=attachments,
        thread_ts=args.text("thread_ts"),
        from_bot=True,
        metadata=message_metadata(args),
    )
    ctx.echo_message(message)
    api_message = message.to_api(team_id=ctx.config.team_id)
    return {"ok": True, "channel": channel.id, "ts": message.ts, "message": api_message}


def update(ctx: SimContext, args: Args) -> JsonDict:
    """chat.update: replace text/blocks in place (same ts), keeping the old version."""
    channel = ctx.workspace.channels.get(args.require("channel", "channel_not_found"))
    if channel is None:
        raise ApiError("channel_not_found")
    message = ctx.workspace.message(channel.id, args.require("ts", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    if message.bot_id != ctx.config.bot_id:
        raise ApiError("cant_update_message")
    text, blocks, attachments = content(args, require=False)
    if text is not None and len(text) > MAX_EDIT_TEXT:
        raise ApiError("msg_too_long")
    if text is None and blocks is None and attachments is None:
        raise ApiError("no_text")
    previous = message.to_api(team_id=ctx.config.team_id)
    ctx.workspace.update(message, text=text, blocks=blocks, attachments=attachments)
    event_ts = ctx.workspace.ts.next()
    ctx.echo(payloads.message_changed(ctx.config, message, channel, previous, event_ts))
    body = message.to_api(team_id=ctx.config.team_id)
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": body,
    }


def post_ephemeral(ctx: SimContext, args: Args) -> JsonDict:
    """chat.postEphemeral: show a message to one member of the channel."""
    channel = resolve_target(ctx, args.require("channel", "channel_not_found"))
    user_id = args.require("user", "user_not_found")
    if user_id not in ctx.workspace.users:
        raise ApiError("user_not_found")
    ensure_can_post(ctx, channel)
    if user_id not in channel.members:
        raise ApiError("user_not_in_channel")
    text, blocks, _ = content(args)
    if text is not None and len(text) > MAX_EDIT_TEXT:
        raise ApiError("msg_too_long")
    message = ctx.workspace.post_ephemeral(
        channel.id, to_user=user_id, text=text or "", blocks=blocks
    )
    return {"ok": True, "message_ts": message.ts}


def get_permalink(ctx: SimContext, args: Args) -> JsonDict:
    """chat.getPermalink: a link into this simulator's /archives pages."""
    channel_id = args.require("channel", "channel_not_found")
    if channel_id not in ctx.workspace.channels:
        raise ApiError("channel_not_found")
    message = ctx.workspace.message(channel_id, args.require("message_ts", "message_not_found"))
    if message is None:
        raise ApiError("message_not_found")
    return {"ok": True, "channel": channel_id, "permalink": ctx.permalink(message)}


METHODS = {
    "chat.postMessage": ApiMethod(post_message),
    "chat.update": ApiMethod(update),
    "chat.postEphemeral": ApiMethod(post_ephemeral),
    "chat.getPermalink": ApiMethod(get_permalink),
}
