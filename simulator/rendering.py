"""Block Kit and mrkdwn rendered to the plain text a person would read in Slack."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from simulator.elements import JsonDict, all_options, text_of

_SEQUENCE = re.compile(r"<([^<>]+)>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


class Directory(Protocol):
    """Name lookups rendering needs; the workspace provides them."""

    def user_label(self, user_id: str) -> str | None:
        """Return the display name for a user id, if known."""
        ...

    def channel_label(self, channel_id: str) -> str | None:
        """Return the channel name for a channel id, if known."""
        ...


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _clock(moment: dt.datetime, *, seconds: bool = False) -> str:
    hour = moment.hour % 12 or 12
    secs = f":{moment.second:02d}" if seconds else ""
    return f"{hour}:{moment.minute:02d}{secs} {'AM' if moment.hour < 12 else 'PM'}"


def _ago(delta: float) -> str:
    amount, unit = abs(delta), "second"
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if abs(delta) >= size:
            amount, unit = abs(delta) // size, name
            break
    words = f"{int(amount)} {unit}{'' if int(amount) == 1 else 's'}"
    return f"{words} ago" if delta >= 0 else f"in {words}"


def format_date(epoch: int, template: str, *, tz: str, now: float) -> str:
    """Expand a `<!date^...>` template ({date_short}, {time}, {ago}...) in time zone `tz`."""
    zone = ZoneInfo(tz)
    moment = dt.datetime.fromtimestamp(epoch, zone)
    today = dt.datetime.fromtimestamp(now, zone).date()
    long_date = f"{moment:%B} {_ordinal(moment.day)}, {moment.year}"
    short_date = f"{moment:%b} {moment.day}, {moment.year}"
    weekday_date = f"{moment:%A}, {long_date}"
    relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get((moment.date() - today).days)
    values = {
        "date_num": moment.date().isoformat(),
        "date": long_date,
        "date_short": short_date,
        "date_long": weekday_date,
        "date_pretty": relative or long_date,
        "date_short_pretty": relative or short_date,
        "date_long_pretty": relative or weekday_date,
        "time": _clock(moment),
        "time_secs": _clock(moment, seconds=True),
        "ago": _ago(now - epoch),
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


class Renderer:
    """Turns mrkdwn, text objects, blocks and views into readable lines."""

    def __init__(self, directory: Directory | None, *, tz: str = "UTC", now: float = 0.0) -> None:
        """Resolve names through `directory`; format dates in `tz` relative to `now`."""
        self._dir = directory
        self._tz = tz
        self._now = now

    def mrkdwn(self, text: str) -> str:
        """Resolve mentions, links and dates, then decode Slack's three entities."""
        return html.unescape(_SEQUENCE.sub(lambda m: self._sequence(m.group(1)), text))

    def _sequence(self, inner: str) -> str:
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            name = self._dir.user_label(target[1:]) if self._dir else None
            return "@" + (name or label or target[1:])
        if target.startswith("#"):
            name = self._dir.channel_label(target[1:]) if self._dir else None
            return "#" + (name or label or target[1:])
        if target.startswith("!date^"):
            parts = target.split("^")
            try:
                return format_date(int(parts[1]), parts[2], tz=self._tz, now=self._now)
            except (IndexError, ValueError):
                return label or inner
        if target.startswith("!subteam^"):
            return label or "@" + target.removeprefix("!subteam^")
        if target.startswith("!"):
            return _SPECIAL.get(target[1:], label or "@" + target[1:])
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return f"{label} ({target})" if label else target

    def text(self, obj: Any) -> str:
        """Render a text object: mrkdwn is parsed, plain_text only entity-decoded."""
        if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
            return self.mrkdwn(text_of(obj))
        return html.unescape(text_of(obj))

    def element(self, element: JsonDict, state: JsonDict | None = None) -> str:
        """Render one element the way it looks: buttons as [Text], selects as [Select: ...]."""
        kind = str(element.get("type", ""))
        chosen = state or {}
        if kind == "button":
            return f"[{self.text(element.get('text'))}]"
        if kind in ("radio_buttons", "checkboxes"):
            return self._choices(element, chosen)
        if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
            # What the input holds once it has a value in state (even emptied), else its initial.
            value = chosen["value"] if "value" in chosen else element.get("initial_value")
            return str(value or "____")
        if kind == "overflow":
            return "[...]"
        if kind == "image":
            return f"[image: {element.get('alt_text', '')}]"
        if kind in ("plain_text", "mrkdwn"):
            return self.text(element)
        shown = self._selection(element, chosen) or self.text(element.get("placeholder"))
        label = {"datepicker": "Date", "timepicker": "Time", "datetimepicker": "Date"}.get(
            kind, "Select"
        )
        return f"[{label}: {shown}]" if shown else f"[{label}]"

    def _selection(self, element: JsonDict, chosen: JsonDict) -> str:
        option = chosen.get("selected_option") or element.get("initial_option")
        if isinstance(option, dict):
            return self.text(option.get("text"))
        for key in ("selected_date", "selected_time", "selected_user", "selected_conversation"):
            if chosen.get(key):
                return str(chosen[key])
        return str(element.get("initial_date") or element.get("initial_time") or "")

    def _choices(self, element: JsonDict, chosen: JsonDict) -> str:
        picked = chosen.get("selected_options") or element.get("initial_options") or []
        if chosen.get("selected_option") or element.get("initial_option"):
            picked = [chosen.get("selected_option") or element.get("initial_option")]
        values = {o.get("value") for o in picked if isinstance(o, dict)}
        radio = element.get("type") == "radio_buttons"
        marks = ("(x)", "( )") if radio else ("[x]", "[ ]")
        return "  ".join(
            f"{marks[0] if o.get('value') in values else marks[1]} {self.text(o.get('text'))}"
            for o in all_options(element)
        )

    def block(self, block: JsonDict, state: JsonDict | None = None) -> list[str]:
        """Render one block as zero or more lines."""
        kind = block.get("type")
        if kind == "header":
            return [self.text(block.get("text"))]
        if kind == "divider":
            return ["---"]
        if kind == "section":
            return self._section(block)
        if kind == "context":
            return [" · ".join(self.element(e) for e in block.get("elements", []))]
        if kind == "actions":
            return ["  ".join(self.element(e) for e in block.get("elements", []))]
        if kind == "input":
            element = block.get("element") or {}
            value = (state or {}).get(str(block.get("block_id")), {}).get(element.get("action_id"))
            optional = " (optional)" if block.get("optional") else ""
            return [f"{self.text(block.get('label'))}{optional}: {self.element(element, value)}"]
        if kind == "image":
            return [f"[image: {block.get('alt_text', '')}]"]
        if kind == "markdown":
            return [str(block.get("text", ""))]
        if kind == "rich_text":
            return ["".join(self._rich(e) for e in block.get("elements", []))]
        return []

    def _section(self, block: JsonDict) -> list[str]:
        lines = [self.text(block["text"])] if block.get("text") else []
        lines += [self.text(f) for f in block.get("fields", [])]
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            shown = self.element(accessory)
            lines = [*lines[:-1], f"{lines[-1]}  {shown}"] if lines else [shown]
        return lines

    def _rich(self, node: Any) -> str:
        if not isinstance(node, dict):
            return ""
        kind = node.get("type")
        if kind == "text":
            return str(node.get("text", ""))
        if kind == "user":
            return self.mrkdwn(f"<@{node.get('user_id')}>")
        if kind == "channel":
            return self.mrkdwn(f"<#{node.get('channel_id')}>")
        if kind == "link":
            return str(node.get("text") or node.get("url", ""))
        if kind == "emoji":
            return f":{node.get('name')}:"
        if kind == "broadcast":
            return "@" + str(node.get("range", ""))
        return "".join(self._rich(child) for child in node.get("elements", []))

    def blocks(self, blocks: list[JsonDict], state: JsonDict | None = None) -> str:
        """Render a list of blocks, one line per visual row."""
        return "\n".join(line for b in blocks for line in self.block(b, state))

    def message(self, text: str, blocks: list[JsonDict], attachments: list[JsonDict]) -> str:
        """Render a message: its blocks if any (the text is only a fallback), else its text."""
        parts = [self.blocks(blocks) if blocks else self.mrkdwn(text)]
        for attachment in attachments:
            inner = attachment.get("blocks") or []
            parts.append(self.blocks(inner) if inner else self.mrkdwn(attachment.get("text", "")))
        return "\n".join(p for p in parts if p)

    def view(self, view: JsonDict, state: JsonDict | None = None) -> str:
        """Render a modal or Home tab: title, blocks, then the close/submit buttons."""
        lines = [self.text(view["title"])] if view.get("title") else []
        body = self.blocks(view.get("blocks", []), state)
        lines += [body] if body else []
        buttons = [f"[{self.text(view[k])}]" for k in ("close", "submit") if view.get(k)]
        lines += ["  ".join(buttons)] if buttons else []
        return "\n".join(lines)
