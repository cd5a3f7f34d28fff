"""Turning a signed body into one JSON object, or saying why it cannot be read."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

# Slack's own payloads nest about a dozen levels (rich text in a view in a payload).
MAX_DEPTH = 64
# A `%` not followed by two hex digits: no form encoder writes it (a literal % is %25).
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class Unreadable(ValueError):
    """The body cannot be read as what Slack sends; the message says why (no body text)."""


def decode(body: bytes, content_type: str) -> tuple[dict[str, Any], bool]:
    """Events are JSON; commands are form fields; interactions are a form field of JSON.

    Returns the object and whether it is plain form fields (every value a string).
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable("body is not UTF-8") from exc
    if content_type == "application/json":
        return _json_object(text, what="body"), False
    if content_type == "application/x-www-form-urlencoded":
        return _form(text)
    raise Unreadable(f"unexpected content type {content_type[:60]!r}")


def _form(text: str) -> tuple[dict[str, Any], bool]:
    if BAD_ESCAPE.search(text):
        raise Unreadable("bad percent-encoding")
    try:
        pairs = form_pairs(text)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise Unreadable("bad form encoding") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Unreadable("repeated form field")
    # A slash command is a form whatever its text says; only an interaction is `payload=`.
    if "command" in fields or set(fields) != {"payload"}:
        return fields, True
    return _json_object(fields["payload"], what="payload"), False


def form_pairs(text: str) -> list[tuple[str, str]]:
    """The fields of a form body, exactly as strict `parse_qsl` reads them, but faster.

    Every interaction is one field of percent-encoded JSON, with an escape every few
    characters; `urllib.parse` decodes them one at a time in Python, 6 % of a filing's
    CPU. For the ASCII bodies Slack sends, with every `%` followed by two hex digits, the
    `unicode_escape` codec decodes them all in C: each `%` becomes `\\x` after the body's own
    backslashes are doubled, so no other escape can arise. Anything else goes to `parse_qsl`
    itself; a test holds the two to the same answers and the same refusals.
    """
    if not text.isascii() or BAD_ESCAPE.search(text):
        return parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    if not text:
        return []
    pairs = []
    for field in text.split("&"):
        name, equals, value = field.partition("=")
        if not equals:
            raise ValueError("bad query field")
        pairs.append((_unquote(name), _unquote(value)))
    return pairs


def _unquote(text: str) -> str:
    """`+` is a space and `%XX` a byte of UTF-8, as in `urllib.parse.unquote_plus`."""
    if "%" not in text:
        return text.replace("+", " ")
    escaped = text.replace("+", " ").replace("\\", "\\\\").replace("%", "\\x")
    raw = escaped.encode("ascii").decode("unicode_escape").encode("latin-1")
    return raw.decode("utf-8", "strict")


def _json_object(text: str, *, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise Unreadable(f"{what} is not JSON") from exc
    if not isinstance(value, dict):
        raise Unreadable(f"{what} is not a JSON object")
    if _depth_over(value, MAX_DEPTH):
        raise Unreadable(f"{what} nests deeper than {MAX_DEPTH}")
    return value


def _depth_over(value: object, limit: int) -> bool:
    """Walk without recursing, so an absurdly deep value cannot exhaust the stack here."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            pending.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            pending.extend((child, depth + 1) for child in node)
    return False
