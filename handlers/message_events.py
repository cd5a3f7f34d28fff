"""Reading `message` events from a DM into what the person did: posted, edited or deleted."""

from __future__ import annotations

from typing import Any

from bot.domain.conversation import PartnerDeletion, PartnerEdit, PartnerPost, Said, SharedFile

# Subtypes that are a person saying something new; every other subtype is a notice about a
# message (changed, deleted, joined, an integration's bot_message, EKM's stand-in...).
SPOKEN_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "me_message"})


def read_dm_event(event: dict[str, Any]) -> Said | None:
    """What a person did in a DM with Liaison, or None when it is nobody's words to relay."""
    if event.get("channel_type") != "im" or not event.get("channel"):
        return None
    subtype = event.get("subtype")
    if subtype == "message_changed":
        return _edit(event)
    if subtype == "message_deleted":
        return _deletion(event)
    if subtype not in SPOKEN_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return None
    return PartnerPost(
        user=str(event["user"]),
        channel=str(event["channel"]),
        ts=str(event.get("ts") or ""),
        text=str(event.get("text") or ""),
        thread_ts=_str_or_none(event.get("thread_ts")),
        files=read_files(event.get("files")),
    )


def words_key(body: dict[str, Any]) -> str | None:
    """The key under which a person's words in this event are stored, if Liaison relays them."""
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    if event.get("type") != "message" or read_dm_event(event) is None:
        return None
    return event_key(body, event)


def event_key(body: dict[str, Any], event: dict[str, Any]) -> str:
    """Slack's id for the event; for an event without one, its channel and timestamp."""
    return str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}")


def read_files(raw: Any) -> tuple[SharedFile, ...]:
    """The files of a message; entries Slack hid or could not show are left out."""
    if not isinstance(raw, list):
        return ()
    files = []
    for item in raw:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        if item.get("mode") in ("tombstone", "hidden_by_limit"):
            continue  # deleted, or beyond the workspace's history limit: nothing to fetch
        size = item.get("size")
        files.append(
            SharedFile(
                id=str(item["id"]),
                name=str(item.get("name") or item.get("title") or item["id"]),
                size=size if isinstance(size, int) and size >= 0 else 0,
                mimetype=str(item.get("mimetype") or ""),
                download_url=str(item.get("url_private_download") or ""),
            )
        )
    return tuple(files)


def _edit(event: dict[str, Any]) -> PartnerEdit | None:
    message, previous = _person_message(event.get("message")), event.get("previous_message")
    if message is None or not isinstance(previous, dict):
        return None
    text, before = str(message.get("text") or ""), str(previous.get("text") or "")
    thread_ts, ts = _str_or_none(message.get("thread_ts")), str(message.get("ts") or "")
    if text == before or not thread_ts or thread_ts == ts:
        return None  # an unfurl or a reply count changing, or not a reply in a thread
    return PartnerEdit(
        user=str(message["user"]),
        channel=str(event["channel"]),
        ts=ts,
        thread_ts=thread_ts,
        text=text,
        previous_text=before,
        files=read_files(message.get("files")),
    )


def _deletion(event: dict[str, Any]) -> PartnerDeletion | None:
    previous = _person_message(event.get("previous_message"))
    ts = str(event.get("deleted_ts") or (previous or {}).get("ts") or "")
    if previous is None or not ts:
        return None
    thread_ts = _str_or_none(previous.get("thread_ts"))
    if not thread_ts or thread_ts == ts:
        return None
    return PartnerDeletion(
        user=str(previous["user"]),
        channel=str(event["channel"]),
        ts=ts,
        thread_ts=thread_ts,
        previous_text=str(previous.get("text") or ""),
    )


def _person_message(raw: Any) -> dict[str, Any] | None:
    """A message written by a person (not a bot), or None."""
    if not isinstance(raw, dict) or raw.get("bot_id") or not raw.get("user"):
        return None
    return raw


def _str_or_none(value: Any) -> str | None:
    return str(value) if value else None
