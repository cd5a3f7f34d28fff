"""The types of the fields Liaison and Bolt read, checked once before any listener runs.

Slack's shapes are fixed (events, commands, interactions); a field of the wrong type is not
Slack speaking, and answering 400 is cleaner than letting a listener trip over it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _object(value: Any) -> bool:
    return isinstance(value, dict)


def _objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _id_object(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id", ""), str)


def _state_values(value: Any) -> bool:
    """state.values: block id → action id → the element's value object."""
    if not isinstance(value, dict):
        return False
    return all(
        isinstance(actions, dict) and all(isinstance(leaf, dict) for leaf in actions.values())
        for actions in value.values()
    )


def _view(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    state = value.get("state", {})
    return (
        _fields_ok(value, VIEW_FIELDS) is None
        and isinstance(state, dict)
        and _state_values(state.get("values", {}))
    )


def _person(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id"), str)


def _event(value: Any) -> bool:
    """Every event has a string type; the ones Liaison reads are checked field by field."""
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return False
    return value["type"] not in READ_EVENTS or _fields_ok(value, EVENT_FIELDS) is None


# Other events (e.g. channel_created, whose `channel` is an object) keep Slack's own shapes.
READ_EVENTS = frozenset(
    {"message", "app_mention", "app_home_opened", "member_joined_channel", "member_left_channel"}
)
VIEW_FIELDS: Mapping[str, Check] = {
    "id": _text,
    "type": _text,
    "callback_id": _text,
    "private_metadata": _text,
    "hash": _text,
    "external_id": _text,
    "blocks": _objects,
}
EVENT_FIELDS: Mapping[str, Check] = {
    "user": _text,
    "channel": _text,
    "channel_type": _text,
    "subtype": _text,
    "text": _text,
    "ts": _text,
    "thread_ts": _text,
    "event_ts": _text,
    "bot_id": _text,
    "tab": _text,
    "view": _view,
    "blocks": _objects,
    "files": _objects,
    "message": _object,
    "previous_message": _object,
}
ENVELOPE_FIELDS: Mapping[str, Check] = {
    "type": _text,
    "team_id": _text,
    "api_app_id": _text,
    "event_id": _text,
    "event": _event,
    "authorizations": _objects,
    "challenge": _text,
}
INTERACTION_FIELDS: Mapping[str, Check] = {
    "type": _text,
    "user": _person,
    "team": _id_object,
    "channel": _id_object,
    "enterprise": _id_object,
    "container": _object,
    "message": _object,
    "view": _view,
    "actions": _objects,
    "trigger_id": _text,
    "response_url": _text,
    "callback_id": _text,
    "action_ts": _text,
    "message_ts": _text,
    "response_urls": _objects,
    "state": _object,
}


# Fields Slack always sends with each kind, which listeners read without a fallback.
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "block_actions": ("user", "actions", "trigger_id"),
    "view_submission": ("user", "view"),
    "view_closed": ("user", "view"),
    "shortcut": ("user", "callback_id", "trigger_id"),
    "message_action": ("user", "callback_id", "trigger_id"),
    "event_callback": ("event",),
    "command": ("command", "user_id", "trigger_id"),
}
REQUIRED_IN_MESSAGE_EVENT = ("channel", "ts")
# The command fields Liaison reads; over Socket Mode a command is an object, not a form.
COMMAND_TEXT = ("command", "text", "user_id", "channel_id", "trigger_id", "response_url")


def _missing(body: Mapping[str, Any], kind: str) -> str | None:
    for name in REQUIRED.get(kind, ()):
        value = body.get(name)
        if value is None or value == [] or value == "":
            return name
    event = body.get("event")
    if kind == "event_callback" and isinstance(event, dict) and event.get("type") == "message":
        return next((f"event.{n}" for n in REQUIRED_IN_MESSAGE_EVENT if not event.get(n)), None)
    return None


def _fields_ok(body: Mapping[str, Any], fields: Mapping[str, Check]) -> str | None:
    """Name the first known field whose type is wrong (null means absent, as Slack sends)."""
    for name, check in fields.items():
        value = body.get(name)
        if value is not None and not check(value):
            return name
    return None


def shape_problem(body: Mapping[str, Any], *, form_fields: bool = False) -> str | None:
    """Which known field has the wrong type or is missing, or None.

    Form fields are strings by nature, so only their presence is checked. A slash command
    arrives as form fields over HTTP and as an object of strings over Socket Mode.
    """
    if "command" in body:
        kind = "command"
    elif form_fields:
        return None
    else:
        kind = str(body.get("type") or "")
    if not form_fields and kind != "command":
        event_like = "event" in body or kind in ("event_callback", "url_verification")
        wrong = _fields_ok(body, ENVELOPE_FIELDS if event_like else INTERACTION_FIELDS)
        if wrong is None and not isinstance(body.get("type", ""), str):
            wrong = "type"
        if wrong is not None:
            return f"field {wrong} has the wrong type"
    elif kind == "command":
        wrong = next((n for n in COMMAND_TEXT if not isinstance(body.get(n, ""), str)), None)
        if wrong is not None:
            return f"field {wrong} has the wrong type"
    missing = _missing(body, kind)
    return f"field {missing} is missing" if missing else None
