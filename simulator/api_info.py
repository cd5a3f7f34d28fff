"""Identity and directory methods: auth.test, conversations.*, users.info, Socket Mode URLs."""

from __future__ import annotations

import base64
import binascii

from simulator.args import ApiError, Args
from simulator.context import ApiMethod, SimContext
from simulator.elements import JsonDict
from simulator.model import SimChannel


def auth_test(ctx: SimContext, args: Args) -> JsonDict:
    """auth.test: who the bot token belongs to (Bolt reads user_id and bot_id from here)."""
    config = ctx.config
    return {
        "ok": True,
        "url": f"https://{config.team_domain}.slack.com/",
        "team": config.team_name,
        "user": config.bot_name,
        "team_id": config.team_id,
        "user_id": config.bot_user_id,
        "bot_id": config.bot_id,
        "is_enterprise_install": False,
    }


def connections_open(ctx: SimContext, args: Args) -> JsonDict:
    """apps.connections.open: a WebSocket URL on this simulator's Socket Mode server."""
    return {"ok": True, "url": ctx.hub.issue_url(ctx.ws_base)}


def _visible_channel(ctx: SimContext, channel_id: str) -> SimChannel:
    """Return a channel the bot can see (private ones only when it is a member)."""
    channel = ctx.workspace.channels.get(channel_id)
    if channel is None or (channel.is_private and ctx.config.bot_user_id not in channel.members):
        raise ApiError("channel_not_found")
    return channel


def conversations_open(ctx: SimContext, args: Args) -> JsonDict:
    """conversations.open: the bot's DM with one user (group DMs are not simulated)."""
    if args.text("channel"):
        channel = _visible_channel(ctx, args.require("channel", "channel_not_found"))
        existed = True
    else:
        users = [u for u in (args.text("users") or "").split(",") if u.strip()]
        if not users:
            raise ApiError("users_list_not_supplied")
        if len(users) > 1:
            raise ApiError("not_supported", detail="group DMs are not simulated")
        user_id = users[0].strip()
        if user_id not in ctx.workspace.users or user_id == ctx.config.bot_user_id:
            raise ApiError("user_not_found")
        channel, existed = ctx.workspace.open_dm(user_id)
    body: JsonDict = {"ok": True}
    if existed:
        body.update(no_op=True, already_open=True)
    full = args.flag("return_im")
    body["channel"] = (
        channel.to_api(bot_user_id=ctx.config.bot_user_id) if full else {"id": channel.id}
    )
    return body


def _cursor(args: Args) -> int:
    raw = args.text("cursor")
    if raw is None:
        return 0
    try:
        kind, _, offset = base64.b64decode(raw, validate=True).decode().partition(":")
        if kind != "offset":
            raise ValueError(kind)
        return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiError("invalid_cursor") from None


def conversations_members(ctx: SimContext, args: Args) -> JsonDict:
    """conversations.members: member ids, paged with `cursor` and `limit` (1-1000)."""
    channel = _visible_channel(ctx, args.require("channel", "channel_not_found"))
    limit = args.number("limit", 100, error="invalid_limit")
    if not 1 <= limit <= 1000:
        raise ApiError("invalid_limit")
    start = _cursor(args)
    page = channel.members[start : start + limit]
    more = start + limit < len(channel.members)
    next_cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}


def conversations_info(ctx: SimContext, args: Args) -> JsonDict:
    """conversations.info: one conversation's details."""
    channel = _visible_channel(ctx, args.require("channel", "channel_not_found"))
    return {"ok": True, "channel": channel.to_api(bot_user_id=ctx.config.bot_user_id)}


def users_info(ctx: SimContext, args: Args) -> JsonDict:
    """users.info: a member's profile, time zone and offset (at simulator time)."""
    user = ctx.workspace.users.get(args.require("user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    return {"ok": True, "user": user.to_api(team_id=ctx.config.team_id, now=ctx.clock())}


METHODS = {
    "auth.test": ApiMethod(auth_test),
    "apps.connections.open": ApiMethod(connections_open, token="app"),
    "conversations.open": ApiMethod(conversations_open),
    "conversations.members": ApiMethod(conversations_members),
    "conversations.info": ApiMethod(conversations_info),
    "users.info": ApiMethod(users_info),
}
