"""Slack's Block Kit limits (spec section 6.1), reported as `[json-pointer:...]` messages."""

from __future__ import annotations

import re
from typing import Any

from simulator.elements import INTERACTIVE, JsonDict

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
VIEW_BYTES = 250_000
_SELECTS = {"static_select", "multi_static_select"}
_INPUT_ELEMENTS = INTERACTIVE - {"button", "overflow"} | {"file_input"}
_BLOCK_TYPES = {
    "section",
    "divider",
    "image",
    "actions",
    "context",
    "header",
    "input",
    "rich_text",
    "video",
    "markdown",
    "file",
    "table",
}


class _Checker:
    """Collects every violation in one pass, as Slack reports them all at once."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, pointer: str, message: str) -> None:
        self.errors.append(f"{message} [json-pointer:{pointer}]")

    def length(self, value: Any, pointer: str, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(pointer, f"must be less than {limit + 1} characters")

    def text(self, obj: Any, pointer: str, limit: int, *, plain: bool = False) -> None:
        if not isinstance(obj, dict):
            self.fail(pointer, "must be a text object")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn") or (plain and kind != "plain_text"):
            self.fail(f"{pointer}/type", "must be plain_text" if plain else "must be a text type")
        value = obj.get("text")
        if not isinstance(value, str):
            self.fail(f"{pointer}/text", "missing required field: text")
        elif value == "":
            self.fail(f"{pointer}/text", "must be more than 0 characters")
        self.length(value, f"{pointer}/text", limit)

    def options(self, options: Any, pointer: str, *, most: int, plain: bool) -> None:
        if not isinstance(options, list) or not options:
            self.fail(pointer, "must provide at least 1 items")
            return
        if len(options) > most:
            self.fail(pointer, f"no more than {most} items allowed")
        for i, option in enumerate(options):
            at = f"{pointer}/{i}"
            if not isinstance(option, dict):
                self.fail(at, "must be an option object")
                continue
            self.text(option.get("text"), f"{at}/text", 75, plain=plain)
            if not isinstance(option.get("value"), str):
                self.fail(f"{at}/value", "missing required field: value")
            self.length(option.get("value"), f"{at}/value", 150)
            if "description" in option:
                self.text(option["description"], f"{at}/description", 75, plain=plain)

    def element(self, element: Any, pointer: str) -> None:
        if not isinstance(element, dict):
            self.fail(pointer, "must be an element object")
            return
        kind = element.get("type")
        self.length(element.get("action_id"), f"{pointer}/action_id", 255)
        if "placeholder" in element:
            self.text(element["placeholder"], f"{pointer}/placeholder", 150, plain=True)
        if "confirm" in element:
            self._confirm(element["confirm"], f"{pointer}/confirm")
        self._element_kind(element, str(kind), pointer)

    def _element_kind(self, element: JsonDict, kind: str, pointer: str) -> None:
        if kind == "button":
            self.text(element.get("text"), f"{pointer}/text", 75, plain=True)
            self.length(element.get("value"), f"{pointer}/value", 2000)
            self.length(element.get("url"), f"{pointer}/url", 3000)
        elif kind in _SELECTS:
            self._select(element, pointer)
        elif kind in ("radio_buttons", "checkboxes"):
            self.options(element.get("options"), f"{pointer}/options", most=10, plain=False)
        elif kind == "overflow":
            self.options(element.get("options"), f"{pointer}/options", most=5, plain=True)
        elif kind == "datepicker" and "initial_date" in element:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(element["initial_date"])):
                self.fail(f"{pointer}/initial_date", "must be a date in YYYY-MM-DD format")
        elif kind == "plain_text_input":
            self._text_input(element, pointer)

    def _select(self, element: JsonDict, pointer: str) -> None:
        has_options, has_groups = "options" in element, "option_groups" in element
        if has_options == has_groups:
            self.fail(pointer, "must provide exactly one of options or option_groups")
        if has_options:
            self.options(element["options"], f"{pointer}/options", most=100, plain=True)
        for i, group in enumerate(element.get("option_groups") or []):
            at = f"{pointer}/option_groups/{i}"
            self.text(group.get("label"), f"{at}/label", 75, plain=True)
            self.options(group.get("options"), f"{at}/options", most=100, plain=True)

    def _text_input(self, element: JsonDict, pointer: str) -> None:
        self.length(element.get("initial_value"), f"{pointer}/initial_value", 3000)
        for key, low in (("min_length", 0), ("max_length", 1)):
            value = element.get(key)
            if value is not None and not (isinstance(value, int) and low <= value <= 3000):
                self.fail(f"{pointer}/{key}", f"must be between {low} and 3000")

    def _confirm(self, confirm: Any, pointer: str) -> None:
        if not isinstance(confirm, dict):
            self.fail(pointer, "must be a confirm object")
            return
        for key, limit in (("title", 100), ("text", 300), ("confirm", 30), ("deny", 30)):
            if key in confirm or key != "deny":
                self.text(confirm.get(key), f"{pointer}/{key}", limit, plain=key != "text")

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict):
            self.fail(pointer, "must be a block object")
            return
        kind = block.get("type")
        if kind not in _BLOCK_TYPES:
            self.fail(f"{pointer}/type", f"unsupported block type: {kind}")
            return
        self.length(block.get("block_id"), f"{pointer}/block_id", 255)
        check = getattr(self, f"_block_{kind}", None)
        if check is not None:
            check(block, pointer)

    def _block_section(self, block: JsonDict, pointer: str) -> None:
        if "text" not in block and "fields" not in block:
            self.fail(pointer, "must provide either text or fields")
        if "text" in block:
            self.text(block["text"], f"{pointer}/text", 3000)
        fields = block.get("fields")
        if isinstance(fields, list):
            if len(fields) > 10:
                self.fail(f"{pointer}/fields", "no more than 10 items allowed")
            for i, field in enumerate(fields):
                self.text(field, f"{pointer}/fields/{i}", 2000)
        if "accessory" in block:
            self.element(block["accessory"], f"{pointer}/accessory")

    def _block_header(self, block: JsonDict, pointer: str) -> None:
        self.text(block.get("text"), f"{pointer}/text", 150, plain=True)

    def _block_context(self, block: JsonDict, pointer: str) -> None:
        items = block.get("elements")
        if not isinstance(items, list) or not 1 <= len(items) <= 10:
            self.fail(f"{pointer}/elements", "must provide 1 to 10 items")
            return
        for i, item in enumerate(items):
            if isinstance(item, dict) and item.get("type") != "image":
                self.text(item, f"{pointer}/elements/{i}", 3000)

    def _block_actions(self, block: JsonDict, pointer: str) -> None:
        items = block.get("elements")
        if not isinstance(items, list) or not 1 <= len(items) <= 25:
            self.fail(f"{pointer}/elements", "must provide 1 to 25 items")
            return
        seen: set[str] = set()
        for i, item in enumerate(items):
            self.element(item, f"{pointer}/elements/{i}")
            action_id = item.get("action_id") if isinstance(item, dict) else None
            if isinstance(action_id, str) and action_id in seen:
                self.fail(f"{pointer}/elements/{i}/action_id", f"duplicate action_id {action_id}")
            seen.add(str(action_id))

    def _block_input(self, block: JsonDict, pointer: str) -> None:
        self.text(block.get("label"), f"{pointer}/label", 2000, plain=True)
        if "hint" in block:
            self.text(block["hint"], f"{pointer}/hint", 2000, plain=True)
        element = block.get("element")
        if not isinstance(element, dict) or element.get("type") not in _INPUT_ELEMENTS:
            self.fail(f"{pointer}/element", "must be an input element")
        else:
            self.element(element, f"{pointer}/element")

    def _block_image(self, block: JsonDict, pointer: str) -> None:
        if "image_url" not in block and "slack_file" not in block:
            self.fail(pointer, "missing required field: image_url")
        self.length(block.get("alt_text"), f"{pointer}/alt_text", 2000)

    def _block_markdown(self, block: JsonDict, pointer: str) -> None:
        self.length(block.get("text"), f"{pointer}/text", 12000)

    def blocks(self, blocks: Any, pointer: str, most: int) -> None:
        if not isinstance(blocks, list):
            self.fail(pointer, "must be an array of blocks")
            return
        if len(blocks) > most:
            self.fail(pointer, f"no more than {most} items allowed")
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            self.block(block, f"{pointer}/{i}")
            block_id = block.get("block_id") if isinstance(block, dict) else None
            if isinstance(block_id, str) and block_id in seen:
                self.fail(f"{pointer}/{i}/block_id", f"duplicate block_id {block_id}")
            seen.add(str(block_id))


def message_errors(blocks: Any) -> list[str]:
    """Return why Slack would answer `invalid_blocks` for a message's blocks ([] if valid)."""
    checker = _Checker()
    checker.blocks(blocks, "/blocks", MESSAGE_BLOCKS)
    return checker.errors


def view_errors(view: Any) -> list[str]:
    """Return why Slack would answer `invalid_arguments` for a view ([] if valid)."""
    checker = _Checker()
    if not isinstance(view, dict):
        return ["must be a view object [json-pointer:/view]"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail("/view/type", "must be modal or home")
    checker.blocks(view.get("blocks"), "/view/blocks", VIEW_BLOCKS)
    if kind == "modal":
        checker.text(view.get("title"), "/view/title", 24, plain=True)
        for key in ("close", "submit"):
            if key in view:
                checker.text(view[key], f"/view/{key}", 24, plain=True)
        raw = view.get("blocks")
        blocks: list[Any] = raw if isinstance(raw, list) else []
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and "submit" not in view:
            checker.fail("/view/submit", "submit is required when the view has input blocks")
    elif kind == "home":
        for key in ("close", "submit"):
            if key in view:
                checker.fail(f"/view/{key}", "not allowed in home views")
    checker.length(view.get("private_metadata"), "/view/private_metadata", 3000)
    checker.length(view.get("callback_id"), "/view/callback_id", 255)
    checker.length(view.get("external_id"), "/view/external_id", 255)
    return checker.errors
