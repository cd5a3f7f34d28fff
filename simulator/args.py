"""Web API arguments merged from query, form and JSON, and Slack's error answer."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from simulator.elements import JsonDict


class ApiError(Exception):
    """A Web API method failed: answered as `{"ok": false, "error": code, ...}` with HTTP 200."""

    def __init__(self, code: str, **extra: Any) -> None:
        """Fail with Slack's error `code`; `extra` fields go into the body as they are."""
        super().__init__(code)
        self.code = code
        self.extra = extra

    def body(self) -> JsonDict:
        """Return the JSON body Slack sends for this error."""
        return {"ok": False, "error": self.code, **self.extra}


def block_errors(code: str, messages: list[str]) -> ApiError:
    """Return Slack's Block Kit rejection with its `[ERROR] ... [json-pointer:...]` lines."""
    extra: dict[str, Any] = {"response_metadata": {"messages": [f"[ERROR] {m}" for m in messages]}}
    if code == "invalid_blocks":
        extra["errors"] = messages
    return ApiError(code, **extra)


class Args(Mapping[str, Any]):
    """Read-only view of one call's merged arguments, with Slack's loose typing rules."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        """Wrap the merged arguments (later sources already overrode earlier ones)."""
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        """Return the raw value."""
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        """Iterate over argument names."""
        return iter(self._data)

    def __len__(self) -> int:
        """Return the number of arguments."""
        return len(self._data)

    def text(self, name: str) -> str | None:
        """Return an argument as a string (None when absent or empty)."""
        value = self._data.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def require(self, name: str, error: str) -> str:
        """Return a string argument or fail with Slack's `error` for a missing one."""
        value = self.text(name)
        if value is None:
            raise ApiError(error)
        return value

    def flag(self, name: str) -> bool:
        """Return a boolean argument (true, "true", "1")."""
        value = self._data.get(name)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    def number(self, name: str, default: int, *, error: str) -> int:
        """Return an integer argument or fail with `error` when it is not one."""
        value = self._data.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(error) from None

    def json_value(self, name: str, *, error: str) -> Any:
        """Return a JSON argument given either as a JSON value or as a JSON-encoded string."""
        value = self._data.get(name)
        if not isinstance(value, str):
            return value
        if value.strip() == "":
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ApiError(error) from None
