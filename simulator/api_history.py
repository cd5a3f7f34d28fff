"""conversations.history and conversations.replies: what a conversation holds, newest first."""

from __future__ import annotations

from simulator.api_chat import resolve_target
from simulator.args import ApiError, Args
from simulator.context import ApiMethod, SimContext
from simulator.elements import JsonDict
from simulator.model import SimChannel, SimMessage


def _readable(ctx: SimContext, args: Args) -> SimChannel:
    """A conversation the bot may read: its DMs, and channels it is a member of."""
    target = args.require("channel", "channel_not_found")
    if target not in ctx.workspace.channels:
        raise ApiError("channel_not_found")  # history takes conversation ids, not user ids
    channel = resolve_target(ctx, target)
    if channel.is_im:
        return channel
    if ctx.config.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")
    return channel


def _in_window(messages: list[SimMessage], args: Args) -> list[SimMessage]:
    oldest = float(args.text("oldest") or 0)
    latest = float(args.text("latest") or "inf")
    return [m for m in messages if oldest <= float(m.ts) <= latest]


def _page(ctx: SimContext, messages: list[SimMessage], args: Args) -> JsonDict:
    limit = args.number("limit", 100, error="invalid_limit")
    if not 1 <= limit <= 1000:
        raise ApiError("invalid_limit")
    metadata = args.flag("include_all_metadata")
    team = ctx.config.team_id
    page = [m.to_api(team_id=team, with_metadata=metadata) for m in messages[:limit]]
    return {
        "ok": True,
        "messages": page,
        "has_more": len(messages) > limit,
        "response_metadata": {"next_cursor": ""},
    }


def conversations_history(ctx: SimContext, args: Args) -> JsonDict:
    """conversations.history: top-level messages, newest first, within oldest/latest."""
    channel = _readable(ctx, args)
    return _page(ctx, _in_window(ctx.workspace.history(channel.id), args), args)


def conversations_replies(ctx: SimContext, args: Args) -> JsonDict:
    """conversations.replies: the thread's parent, then its replies oldest first."""
    channel = _readable(ctx, args)
    ts = args.require("ts", "thread_not_found")
    thread = ctx.workspace.thread(channel.id, ts)
    if not thread:
        raise ApiError("thread_not_found")
    return _page(ctx, _in_window(thread, args), args)


METHODS = {
    "conversations.history": ApiMethod(conversations_history),
    "conversations.replies": ApiMethod(conversations_replies),
}
