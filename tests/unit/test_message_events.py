"""Which DM message events are a partner's words, edits or deletions, and which are notices."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.conversation import PartnerDeletion, PartnerEdit, PartnerPost, readable_size
from handlers.message_events import read_dm_event

DM = {"channel": "D0PAT", "channel_type": "im"}


def reply(**extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "user": "U0PAT",
        "text": "hi",
        "ts": "2.000002",
        "thread_ts": "1.000001",
        **DM,
        **extra,
    }


@pytest.mark.parametrize("subtype", [None, "file_share", "thread_broadcast", "me_message"])
def test_spoken_subtypes_are_posts(subtype: str | None) -> None:
    said = read_dm_event(reply(subtype=subtype) if subtype else reply())
    assert isinstance(said, PartnerPost) and said.is_reply and said.text == "hi"


@pytest.mark.parametrize(
    "event",
    [
        reply(subtype="bot_message", user=None, bot_id="B0HOOK"),
        reply(subtype="ekm_access_denied", user="UREVOKEDU"),
        reply(subtype="channel_join"),
        reply(bot_id="B0BOT"),
        reply(channel_type="channel"),
        {"type": "message", "subtype": "message_changed", **DM},
        {"type": "message", "subtype": "message_deleted", **DM, "deleted_ts": "2.000002"},
    ],
)
def test_notices_and_bots_are_nobodys_words(event: dict[str, Any]) -> None:
    assert read_dm_event(event) is None


def test_files_are_read_and_hidden_ones_left_out() -> None:
    files = [
        {"id": "F1", "name": "a.png", "size": 10, "url_private_download": "https://x/a"},
        {"id": "F2", "mode": "tombstone"},
        {"id": "F3", "mode": "hidden_by_limit"},
        "junk",
    ]
    said = read_dm_event(reply(subtype="file_share", files=files))
    assert isinstance(said, PartnerPost)
    assert [(f.id, f.size, f.download_url) for f in said.files] == [("F1", 10, "https://x/a")]


def test_an_edit_of_a_reply_is_an_edit_and_an_unfurl_is_not() -> None:
    message = {"user": "U0PAT", "text": "room 214", "ts": "2.000002", "thread_ts": "1.000001"}
    event = {
        "subtype": "message_changed",
        **DM,
        "message": message,
        "previous_message": {**message, "text": "room 210"},
    }
    said = read_dm_event(event)
    assert isinstance(said, PartnerEdit)
    assert (said.text, said.previous_text, said.ts) == ("room 214", "room 210", "2.000002")
    unfurl = {**event, "previous_message": message}
    assert read_dm_event(unfurl) is None
    by_bot = {**event, "message": {**message, "bot_id": "B0BOT"}}
    assert read_dm_event(by_bot) is None


def test_a_deleted_reply_is_a_deletion() -> None:
    previous = {"user": "U0PAT", "text": "oops", "ts": "2.000002", "thread_ts": "1.000001"}
    event = {
        "subtype": "message_deleted",
        **DM,
        "deleted_ts": "2.000002",
        "previous_message": previous,
    }
    said = read_dm_event(event)
    assert isinstance(said, PartnerDeletion) and said.previous_text == "oops"
    root = {**event, "previous_message": {**previous, "thread_ts": "2.000002"}}
    assert read_dm_event(root) is None


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1536, "1.5 KB"), (2 * 1024**2, "2.0 MB")],
)
def test_sizes_read_as_people_read_them(size: int, shown: str) -> None:
    assert readable_size(size) == shown
