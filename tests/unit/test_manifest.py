"""The shipped manifest yields an app that matches the settings and the listeners."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.app.local import MESSAGE_SHORTCUTS

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_declares_the_command_interactivity_and_socket_mode() -> None:
    manifest = yaml.safe_load((ROOT / "slack-manifest.yaml").read_text())
    assert len(manifest["display_information"]["name"]) <= 35
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/request"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "chat:write.public", "im:write"} <= scopes
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert {"im:history", "channels:read", "groups:read"} <= scopes  # DMs, membership
    assert "users:read" in scopes  # names beside IDs in the export
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == {
        "app_home_opened",
        "message.im",
        "member_joined_channel",
        "member_left_channel",
        "tokens_revoked",
        "app_uninstalled",
    }
    shortcuts = manifest["features"]["shortcuts"]
    assert [s["callback_id"] for s in shortcuts] == ["request_from_message", "save_as_reply"]
    assert all(len(s["name"]) <= 24 and s["type"] == "message" for s in shortcuts)


def test_the_local_slack_offers_the_manifests_message_shortcuts() -> None:
    manifest = yaml.safe_load((ROOT / "slack-manifest.yaml").read_text())
    declared = [(s["name"], s["callback_id"]) for s in manifest["features"]["shortcuts"]]
    assert [(s.name, s.callback_id) for s in MESSAGE_SHORTCUTS] == declared
