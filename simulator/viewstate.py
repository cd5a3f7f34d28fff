"""What a person's input looks like to the app: `state.values` leaves built from a view."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from simulator.elements import JsonDict, all_options, elements_of, find_option
from simulator.payloads import rich_text
from simulator.workspace import SimulatorError, Workspace

# Element type -> the field its value travels in (spec section 3.7).
VALUE_FIELDS = {
    "plain_text_input": "value",
    "email_text_input": "value",
    "url_text_input": "value",
    "number_input": "value",
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "overflow": "selected_option",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
    "rich_text_input": "rich_text_value",
}
_INITIAL = {
    "value": "initial_value",
    "selected_option": "initial_option",
    "selected_options": "initial_options",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations",
    "selected_channel": "initial_channel",
    "selected_channels": "initial_channels",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
    "rich_text_value": "initial_value",
}
_PLURAL = {"selected_options", "selected_users", "selected_conversations", "selected_channels"}
REQUIRED_MESSAGE = "Please complete this required field."


def value_field(element: JsonDict) -> str:
    """Return the state field for an element, or raise for elements without a value."""
    field = VALUE_FIELDS.get(str(element.get("type")))
    if field is None:
        raise SimulatorError(f"element type {element.get('type')!r} carries no value")
    return field


def _option(element: JsonDict, value: object, where: str) -> JsonDict:
    if element.get("type") in ("external_select", "multi_external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    option = find_option(element, str(value))
    if option is None:
        choices = [o.get("value") for o in all_options(element)]
        raise SimulatorError(f"{value!r} is not an option of {where}; options are {choices}")
    return option


def _known(workspace: Workspace, field: str, ids: list[str], where: str) -> list[str]:
    pool = workspace.users if "user" in field else workspace.channels
    unknown = [i for i in ids if i not in pool]
    if unknown:
        raise SimulatorError(f"{where}: {unknown} not in the workspace")
    return ids


def convert(element: JsonDict, given: object, *, where: str, workspace: Workspace) -> Any:
    """Turn a test's plain value (str, list, date, time) into the element's state value."""
    field = value_field(element)
    if given is None:
        return [] if field in _PLURAL else None
    if field == "value":
        return str(given)
    if field == "selected_option":
        return _option(element, given, where)
    if field == "selected_options":
        values = [given] if isinstance(given, str) else list(_iterable(given, where))
        return [_option(element, v, where) for v in values]
    if field in _PLURAL:
        return _known(workspace, field, [str(v) for v in _iterable(given, where)], where)
    if field in ("selected_user", "selected_conversation", "selected_channel"):
        return _known(workspace, field, [str(given)], where)[0]
    return _scalar(field, given)


def _iterable(given: object, where: str) -> Iterable[object]:
    if not isinstance(given, Iterable):
        raise SimulatorError(f"{where} takes a list of values, got {given!r}")
    return given


def _scalar(field: str, given: object) -> Any:
    if field == "selected_date":
        return given.isoformat() if isinstance(given, dt.date) else str(given)
    if field == "selected_time":
        return given.strftime("%H:%M") if isinstance(given, dt.time) else str(given)
    if field == "selected_date_time":
        return int(given.timestamp()) if isinstance(given, dt.datetime) else int(str(given))
    return rich_text(str(given))[0]


def leaf(element: JsonDict, value: Any) -> JsonDict:
    """Return one state.values leaf: the element type and its value field."""
    return {"type": element.get("type"), value_field(element): value}


def initial(element: JsonDict) -> Any:
    """Return what the element shows before the person touches it."""
    field = value_field(element)
    value = element.get(_INITIAL[field])
    if value is None:
        return [] if field in _PLURAL else None
    if field == "selected_option" and isinstance(value, dict):
        return {"text": value.get("text"), "value": value.get("value")}
    return copy.deepcopy(value)


def shown_inputs(blocks: list[JsonDict], live: JsonDict) -> JsonDict:
    """`live` plus what each input block shows untouched: its element's initial value."""
    state = copy.deepcopy(live)
    for block in blocks:
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        if element.get("type") not in VALUE_FIELDS:
            continue
        known = state.setdefault(str(block.get("block_id")), {})
        known.setdefault(str(element.get("action_id")), leaf(element, initial(element)))
    return state


def build_state(
    blocks: list[JsonDict],
    live: JsonDict,
    values: Mapping[str, object],
    *,
    workspace: Workspace,
) -> JsonDict:
    """Return state.values for `blocks`: initial values < earlier input < `values`.

    `values` is keyed by block_id; an input block takes the value itself, an actions block a
    dict of action_id -> value.
    """
    by_id = {str(b.get("block_id")): b for b in blocks}
    stateful = {
        k for k, b in by_id.items() if any(e.get("type") != "button" for e in elements_of(b))
    }
    unknown = sorted(set(values) - stateful)
    if unknown:
        raise SimulatorError(f"no input for block_ids {unknown}; the view has {sorted(stateful)}")
    state = copy.deepcopy(live)
    for block_id, block in by_id.items():
        for element in elements_of(block):
            if element.get("type") in ("button", "overflow"):
                continue
            action_id = str(element.get("action_id"))
            known = state.setdefault(block_id, {})
            if block_id in values:
                raw = values[block_id]
                if block.get("type") != "input":
                    raw = raw.get(action_id) if isinstance(raw, Mapping) else raw
                where = f"block {block_id!r} ({element.get('type')})"
                known[action_id] = leaf(
                    element, convert(element, raw, where=where, workspace=workspace)
                )
            elif action_id not in known and block.get("type") == "input":
                known[action_id] = leaf(element, initial(element))
        if not state.get(block_id):
            state.pop(block_id, None)
    return state


def client_errors(blocks: list[JsonDict], state: JsonDict) -> dict[str, str]:
    """Return what Slack's client itself refuses before sending: required and length checks."""
    errors: dict[str, str] = {}
    for block in blocks:
        if block.get("type") != "input" or not isinstance(block.get("element"), dict):
            continue
        element, block_id = block["element"], str(block.get("block_id"))
        current = state.get(block_id, {}).get(str(element.get("action_id")), {})
        value = current.get(value_field(element))
        if value in (None, "", []) and not block.get("optional"):
            errors[block_id] = REQUIRED_MESSAGE
        elif isinstance(value, str):
            problem = _length_problem(element, value)
            if problem:
                errors[block_id] = problem
    return errors


def _length_problem(element: JsonDict, value: str) -> str | None:
    low, high = element.get("min_length"), element.get("max_length")
    if isinstance(low, int) and len(value) < low:
        return f"Please enter at least {low} characters."
    if isinstance(high, int) and len(value) > high:
        return f"Please enter no more than {high} characters."
    if element.get("type") == "number_input":
        try:
            float(value) if element.get("is_decimal_allowed") else int(value)
        except ValueError:
            return "Please enter a number."
    return None
