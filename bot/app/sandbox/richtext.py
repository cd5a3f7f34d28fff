"""Rich text blocks (what people type in Slack's composer) as safe HTML."""

from __future__ import annotations

import re
from typing import Any

from bot.app.sandbox.markup import Names, decode, esc, link, mention, moment
from simulator.elements import JsonDict

_STYLE_TAGS = (("code", "code"), ("strike", "s"), ("italic", "i"), ("bold", "b"))
_UNICODE = re.compile(r"[0-9a-fA-F]{2,6}(?:-[0-9a-fA-F]{2,6})*")


def rich_text_html(block: JsonDict, names: Names) -> str:
    """A rich_text block's sections, quotes, code blocks and lists."""
    return "".join(_part(e, names) for e in block.get("elements", []) if isinstance(e, dict))


def _part(node: JsonDict, names: Names) -> str:
    kind = node.get("type")
    if kind == "rich_text_quote":
        return f"<blockquote>{_inline(node, names)}</blockquote>"
    if kind == "rich_text_preformatted":
        return f"<pre>{_inline(node, names, pre=True)}</pre>"
    if kind == "rich_text_list":
        tag = "ol" if node.get("style") == "ordered" else "ul"
        items = "".join(
            f"<li>{_inline(item, names)}</li>"
            for item in node.get("elements", [])
            if isinstance(item, dict)
        )
        return f"<{tag}>{items}</{tag}>"
    return f"<div>{_inline(node, names)}</div>"


def _inline(node: JsonDict, names: Names, *, pre: bool = False) -> str:
    return "".join(
        _element(e, names, pre=pre) for e in node.get("elements", []) if isinstance(e, dict)
    )


def _element(element: JsonDict, names: Names, *, pre: bool) -> str:
    kind = element.get("type")
    if kind == "text":
        shown = esc(decode(str(element.get("text", ""))))
        return _styled(shown if pre else shown.replace("\n", "<br>"), element.get("style"))
    if kind == "link":
        url = str(element.get("url", ""))
        return _styled(link(url, str(element.get("text") or url)), element.get("style"))
    if kind == "user":
        user_id = str(element.get("user_id", ""))
        return mention("@" + (names.users.get(user_id) or user_id))
    if kind == "channel":
        channel_id = str(element.get("channel_id", ""))
        return mention("#" + (names.channels.get(channel_id) or channel_id))
    if kind == "usergroup":
        return mention("@" + str(element.get("usergroup_id", "")))
    if kind == "broadcast":
        return mention("@" + str(element.get("range", "")), broadcast=True)
    if kind == "emoji":
        return _emoji(element)
    if kind == "date":
        return _date(element, names)
    return esc(element.get("text") or element.get("value") or "")


def _styled(html: str, style: Any) -> str:
    if not isinstance(style, dict):
        return html
    for key, tag in _STYLE_TAGS:
        if style.get(key):
            html = f"<{tag}>{html}</{tag}>"
    return html


def _emoji(element: JsonDict) -> str:
    code = str(element.get("unicode", ""))
    if _UNICODE.fullmatch(code):
        try:
            return esc("".join(chr(int(part, 16)) for part in code.split("-")))
        except (ValueError, OverflowError):
            pass
    return esc(f":{element.get('name', '')}:")


def _date(element: JsonDict, names: Names) -> str:
    try:
        return moment(int(element.get("timestamp", "")), str(element.get("format", "")), names)
    except (TypeError, ValueError, OverflowError, OSError):
        return esc(element.get("fallback") or "")


def flatten(node: object) -> str:
    """The words of a rich_text value (for a text box showing what was typed)."""
    if isinstance(node, dict):
        if node.get("type") in ("text", "link"):
            return str(node.get("text") or node.get("url") or "")
        if node.get("type") == "user":
            return f"<@{node.get('user_id', '')}>"
        return "".join(flatten(e) for e in node.get("elements", []))
    return "" if node is None else str(node)
