"""Payload builders in Slack's real shapes (spec section 3): commands, events, interactions."""

from __future__ import annotations

import uuid
from typing import Any

from simulator import ids
from simulator.config import SimConfig
from simulator.elements import JsonDict
from simulator.model import SimChannel, SimMessage, SimUser


def team(config: SimConfig) -> JsonDict:
    """Return the `team` object of interaction payloads."""
    return {"id": config.team_id, "domain": config.team_domain}


def actor(config: SimConfig, user: SimUser) -> JsonDict:
    """Return the `user` object of interaction payloads."""
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": config.team_id}


def enterprise(config: SimConfig) -> JsonDict | None:
    """Return the `enterprise` object of interaction payloads (None outside Enterprise Grid)."""
    if not config.org_install:
        return None
    return {"id": config.enterprise_id, "name": config.enterprise_name}


def _common(config: SimConfig, kind: str, user: SimUser, trigger_id: str) -> JsonDict:
    return {
        "type": kind,
        # An org-wide install's interactions name the enterprise, not a workspace.
        "team": None if config.org_install else team(config),
        "user": actor(config, user),
        "api_app_id": config.app_id,
        "token": config.verification_token,
        "trigger_id": trigger_id,
        "enterprise": enterprise(config),
        "is_enterprise_install": config.org_install,
    }


def channel_name(channel: SimChannel) -> str:
    """Return the `channel_name` Slack puts in slash commands for this conversation."""
    if channel.is_im:
        return "directmessage"
    return "privategroup" if channel.is_private else channel.name


def slash_command(
    config: SimConfig,
    *,
    user: SimUser,
    channel: SimChannel,
    command: str,
    text: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """Return slash command fields, in the order Slack sends them."""
    return {
        "token": config.verification_token,
        "team_id": config.team_id,
        "team_domain": config.team_domain,
        "channel_id": channel.id,
        "channel_name": channel_name(channel),
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": config.app_id,
        **({"enterprise_id": config.enterprise_id} if config.org_install else {}),
        "is_enterprise_install": "true" if config.org_install else "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def event_callback(config: SimConfig, event: JsonDict, *, event_time: int) -> JsonDict:
    """Wrap an inner event in the Events API envelope (section 3.3)."""
    grid = config.enterprise_id if config.org_install else None
    return {
        "token": config.verification_token,
        "team_id": config.team_id,
        "api_app_id": config.app_id,
        "type": "event_callback",
        "event": event,
        "event_id": ids.event_id(),
        "event_time": event_time,
        "event_context": ids.slack_id("EC", 12),
        "authorizations": [
            {
                "enterprise_id": grid,
                "team_id": None if config.org_install else config.team_id,
                "user_id": config.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": config.org_install,
            }
        ],
        "is_ext_shared_channel": False,
        "context_team_id": config.team_id,
        "context_enterprise_id": grid,
    }


def app_rate_limited(config: SimConfig, minute_rate_limited: int) -> JsonDict:
    """Slack's notice that it is dropping the app's events; a top-level type, no inner event."""
    return {
        "token": config.verification_token,
        "type": "app_rate_limited",
        "team_id": config.team_id,
        "minute_rate_limited": minute_rate_limited,
        "api_app_id": config.app_id,
    }


def rich_text(text: str) -> list[JsonDict]:
    """Return the rich_text block Slack's client attaches to a typed message."""
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return [{"type": "rich_text", "block_id": ids.short_block_id(), "elements": [section]}]


def message_event(
    config: SimConfig, message: SimMessage, channel: SimChannel, *, parent_user: str | None
) -> JsonDict:
    """Return the `message` event for a stored message (a person's or the bot's own)."""
    event: JsonDict = {
        "type": "message",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "team": config.team_id,
        "channel": channel.id,
        "event_ts": message.ts,
        "channel_type": channel.channel_type,
    }
    if message.user is None:
        del event["user"]  # an integration's bot_message has no user
    if message.subtype:
        event["subtype"] = message.subtype
    if message.bot_id:
        event.update(bot_id=message.bot_id, app_id=message.app_id, bot_profile=bot_profile(config))
    elif message.user is not None:
        event.update(
            client_msg_id=str(uuid.uuid4()), user_team=config.team_id, source_team=config.team_id
        )
    if message.blocks:
        event["blocks"] = message.blocks
    if message.attachments:
        event["attachments"] = message.attachments
    if message.files:
        event.update(files=message.files, upload=False, display_as_bot=False)
    if message.is_reply:
        event.update(thread_ts=message.thread_ts, parent_user_id=parent_user)
    return event


def bot_profile(config: SimConfig) -> JsonDict:
    """Return the `bot_profile` Slack attaches to the bot's messages."""
    return {
        "id": config.bot_id,
        "app_id": config.app_id,
        "name": config.bot_name,
        "deleted": False,
        "team_id": config.team_id,
    }


def app_mention(message_event_body: JsonDict) -> JsonDict:
    """Return the `app_mention` event that accompanies a message mentioning the bot."""
    keep = ("user", "text", "ts", "team", "channel", "event_ts", "client_msg_id", "blocks")
    event = {k: message_event_body[k] for k in keep if k in message_event_body}
    if "thread_ts" in message_event_body:
        event["thread_ts"] = message_event_body["thread_ts"]
    return {"type": "app_mention", **event}


def message_changed(
    config: SimConfig, message: SimMessage, channel: SimChannel, previous: JsonDict, event_ts: str
) -> JsonDict:
    """Return the `message_changed` event Slack sends after an edit (chat.update or a person's)."""
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "message": message.to_api(team_id=config.team_id),
        "previous_message": previous,
        "channel": channel.id,
        "channel_type": channel.channel_type,
        "ts": event_ts,
        "event_ts": event_ts,
    }


def message_deleted(
    channel: SimChannel, previous: JsonDict, *, deleted_ts: str, event_ts: str
) -> JsonDict:
    """Return the `message_deleted` event: the old message, the deleted ts, nothing more."""
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "deleted_ts": deleted_ts,
        "channel": channel.id,
        "previous_message": previous,
        "channel_type": channel.channel_type,
        "ts": event_ts,
        "event_ts": event_ts,
    }


def ekm_access_denied(channel: SimChannel, *, ts: str) -> JsonDict:
    """Return the stand-in Slack sends for a message whose key an admin revoked (EKM)."""
    return {
        "type": "message",
        "subtype": "ekm_access_denied",
        "user": "UREVOKEDU",
        "text": "Your admins have suspended everyone's access to this content.",
        "ts": ts,
        "channel": channel.id,
        "event_ts": ts,
        "channel_type": channel.channel_type,
    }


def block_actions(
    config: SimConfig,
    *,
    user: SimUser,
    trigger_id: str,
    container: JsonDict,
    action: JsonDict,
    extra: dict[str, Any],
) -> JsonDict:
    """Return a block_actions payload; `extra` holds channel/message/state/response_url or view."""
    body = _common(config, "block_actions", user, trigger_id)
    body.update(container=container, **extra, actions=[action])
    return body


def view_submission(
    config: SimConfig, *, user: SimUser, view: JsonDict, trigger_id: str
) -> JsonDict:
    """Return a view_submission payload for a view object carrying state.values."""
    body = _common(config, "view_submission", user, trigger_id)
    body.update(view=view, response_urls=[])
    return body


def view_closed(config: SimConfig, *, user: SimUser, view: JsonDict, is_cleared: bool) -> JsonDict:
    """Return a view_closed payload (no trigger_id; inputs' state is not included)."""
    body = _common(config, "view_closed", user, "")
    del body["trigger_id"]
    view = {**view, "state": {"values": {}}}
    body.update(view=view, is_cleared=is_cleared)
    return body


def global_shortcut(
    config: SimConfig, *, user: SimUser, callback_id: str, trigger_id: str, action_ts: str
) -> JsonDict:
    """Return a global `shortcut` payload (section 3.9)."""
    body = _common(config, "shortcut", user, trigger_id)
    body.update(callback_id=callback_id, action_ts=action_ts)
    return body


def message_action(
    config: SimConfig,
    *,
    user: SimUser,
    callback_id: str,
    trigger_id: str,
    channel: SimChannel,
    message: SimMessage,
    response_url: str,
    action_ts: str,
) -> JsonDict:
    """Return a message shortcut (`message_action`) payload (section 3.9)."""
    body = _common(config, "message_action", user, trigger_id)
    body.update(
        callback_id=callback_id,
        action_ts=action_ts,
        channel={"id": channel.id, "name": channel_name(channel)},
        message_ts=message.ts,
        message=message.to_api(team_id=config.team_id),
        response_url=response_url,
    )
    return body


def member_event(kind: str, *, user: str, channel: SimChannel, team_id: str, ts: str) -> JsonDict:
    """Return member_joined_channel / member_left_channel."""
    event: JsonDict = {
        "type": kind,
        "user": user,
        "channel": channel.id,
        "channel_type": "G" if channel.is_private else "C",
        "team": team_id,
        "event_ts": ts,
    }
    return event
