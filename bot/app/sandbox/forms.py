"""A browser's modal form fields, turned into the values the simulator's `build_state` takes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from simulator.elements import JsonDict, elements_of
from simulator.viewstate import VALUE_FIELDS

SUBMIT, CLOSE = "__submit__", "__close__"
_T = TypeVar("_T")
PLURAL = frozenset(
    {"selected_options", "selected_users", "selected_conversations", "selected_channels"}
)


def widget_name(block_id: str, action_id: str) -> str:
    """The form field an element's value travels in: `in:{block_id}:{action_id}`."""
    return f"in:{block_id}:{action_id}"


def marker_name(block_id: str, action_id: str) -> str:
    """A hidden field saying a checkbox group or multi-select was on the page (maybe empty)."""
    return f"present:{block_id}:{action_id}"


def view_values(
    blocks: list[JsonDict], fields: Mapping[str, list[str]], *, tz: str
) -> dict[str, object]:
    """Return `build_state`'s values: input blocks' values, other blocks' action_id -> value.

    Only elements the form carried are included, so a view the page never drew stays untouched.
    """
    values: dict[str, object] = {}
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        for element in elements_of(block):
            if str(element.get("type")) not in VALUE_FIELDS:
                continue
            action_id = str(element.get("action_id", ""))
            given = fields.get(widget_name(block_id, action_id))
            if given is None and marker_name(block_id, action_id) in fields:
                given = []
            if given is None:
                continue
            value = element_value(element, given, tz=tz)
            if block.get("type") == "input":
                values[block_id] = value
            else:
                actions = values.setdefault(block_id, {})
                assert isinstance(actions, dict)
                actions[action_id] = value
    return values


def element_value(element: JsonDict, given: Sequence[str], *, tz: str) -> object:
    """One element's submitted strings as the plain value `convert` accepts ("" means none)."""
    kind = str(element.get("type"))
    field = VALUE_FIELDS.get(kind)
    if field in PLURAL:
        return [v for v in given if v]
    raw = given[0] if given else ""
    if field in ("value", "rich_text_value"):
        return raw
    if not raw:
        return None
    if kind == "datepicker":
        return _parsed(dt.date.fromisoformat, raw, "a date (YYYY-MM-DD)").isoformat()
    if kind == "timepicker":
        return _parsed(dt.time.fromisoformat, raw, "a time (HH:MM)").strftime("%H:%M")
    if kind == "datetimepicker":
        local = _parsed(dt.datetime.fromisoformat, raw, "a date and time (YYYY-MM-DDTHH:MM)")
        return int(local.replace(tzinfo=ZoneInfo(tz)).timestamp())
    return raw


def _parsed(parse: Callable[[str], _T], raw: str, what: str) -> _T:
    try:
        return parse(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not {what}") from None


def pressed(fields: Mapping[str, list[str]]) -> tuple[str, str | None] | None:
    """Decode the `press` button: (SUBMIT, None), (CLOSE, None) or (action_id, value).

    None when no button was pressed (a browser that submitted without one).
    """
    raw = (fields.get("press") or [""])[0]
    if not raw:
        return None
    if raw in (SUBMIT, CLOSE):
        return raw, None
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValueError(f"press field is neither {SUBMIT}, {CLOSE} nor JSON: {raw!r}") from None
    action_id = data.get("action_id") if isinstance(data, dict) else None
    value = data.get("value") if isinstance(data, dict) else None
    if not isinstance(action_id, str) or not (value is None or isinstance(value, str)):
        raise ValueError(f'press field must be {{"action_id": str, "value": str|null}}: {raw!r}')
    return action_id, value
