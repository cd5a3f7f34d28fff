"""Block Kit objects to JSON-ready dicts, once per message and without re-validating.

slack_sdk's `to_dict()` runs every validator of every nested object each time it is called,
and walks the result again: about a quarter of the CPU a filing cost. The views' tests
validate each rendering with `to_dict()`, and a test checks that this gives the same dicts,
so messages in production are encoded with the same rules and none of the repeated checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

_EMPTY_ALLOWED = frozenset((e["type"], e["property"]) for e in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST)


def encode_blocks(blocks: Iterable[JsonObject]) -> list[dict[str, Any]]:
    """A message's blocks as Slack expects them in `blocks`."""
    return [encode(block) for block in blocks]


def encode(value: Any) -> Any:
    """One Block Kit object (or list, or plain value) as JSON-ready data."""
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if not isinstance(value, JsonObject):
        return value
    if type(value).to_dict is not JsonObject.to_dict:
        return value.to_dict()  # objects with their own shape rules (options, confirms…)
    kind = getattr(value, "type", None)
    encoded: dict[str, Any] = {}
    for key in sorted(value.attributes):
        item = value.get_object_attribute(key)
        if item is None:
            continue
        if hasattr(item, "__len__") and not len(item) and (kind, key) not in _EMPTY_ALLOWED:
            continue
        encoded[key] = encode(item)
    return encoded
