"""Walking Block Kit structures: interactive elements, input blocks and their options."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from simulator import ids

JsonDict = dict[str, Any]

# Element types a person can act on (what makes a block_actions payload).
INTERACTIVE = frozenset(
    {
        "button",
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
        "overflow",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "radio_buttons",
        "checkboxes",
        "plain_text_input",
        "email_text_input",
        "url_text_input",
        "number_input",
        "rich_text_input",
    }
)


def elements_of(block: JsonDict) -> list[JsonDict]:
    """Return the interactive elements a block holds (actions, accessory, input element)."""
    kind = block.get("type")
    found: list[JsonDict] = []
    if kind == "actions":
        found = [e for e in block.get("elements", []) if isinstance(e, dict)]
    elif kind == "section" and isinstance(block.get("accessory"), dict):
        found = [block["accessory"]]
    elif kind == "input" and isinstance(block.get("element"), dict):
        found = [block["element"]]
    return [e for e in found if e.get("type") in INTERACTIVE]


def iter_elements(blocks: list[JsonDict]) -> Iterator[tuple[JsonDict, JsonDict]]:
    """Yield (block, element) for every interactive element, in display order."""
    for block in blocks:
        for element in elements_of(block):
            yield block, element


def action_ids(blocks: list[JsonDict]) -> list[str]:
    """Return the action_ids of every interactive element, in display order."""
    return [str(e.get("action_id", "")) for _, e in iter_elements(blocks)]


def find_action(
    blocks: list[JsonDict], action_id: str, value: str | None = None
) -> tuple[JsonDict, JsonDict] | None:
    """Find the element with `action_id` (and button `value`, to tell twins apart)."""
    for block, element in iter_elements(blocks):
        if element.get("action_id") != action_id:
            continue
        if value is None or element.get("type") != "button" or element.get("value") == value:
            return block, element
    return None


def all_options(element: JsonDict) -> list[JsonDict]:
    """Return the element's options, flattening option_groups."""
    options = [o for o in element.get("options", []) if isinstance(o, dict)]
    for group in element.get("option_groups", []):
        options.extend(o for o in group.get("options", []) if isinstance(o, dict))
    return options


def find_option(element: JsonDict, value: str) -> JsonDict | None:
    """Return the option whose value is `value`, shaped as Slack sends a selection."""
    for option in all_options(element):
        if option.get("value") == value:
            return {"text": option.get("text"), "value": option.get("value")}
    return None


def text_of(obj: Any) -> str:
    """Return the `text` of a text object (or "" when it is missing)."""
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def with_generated_ids(blocks: list[JsonDict]) -> list[JsonDict]:
    """Copy blocks, filling block_id/action_id where omitted, as Slack does on store."""
    stored = copy.deepcopy(blocks)
    for block in stored:
        if isinstance(block, dict):
            block.setdefault("block_id", ids.short_block_id())
            for element in elements_of(block):
                element.setdefault("action_id", ids.short_block_id())
    return stored
