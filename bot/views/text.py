"""Making partner text safe for mrkdwn, and times readable in each reader's zone."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, MarkdownTextObject, PlainTextObject

from bot.views.encoding import encode

_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|@?([^>]*))?>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_OTHER = re.compile(r"<!([^>|]+)(?:\|([^>]*))?>")
# One family of date formats everywhere: "today at 9:08 AM", "Nov 25, 2026 at 9:08 AM",
# "Nov 25, 2026" for a day alone, and "3 hours ago" for an age. Slack writes them in the
# reader's own zone; the fallback (old clients, notifications) uses the shop's zone.
WHEN = "{date_short_pretty} at {time}"
DAY = "{date_short_pretty}"
AGO = "{ago}"
_FALLBACK_ZONE: list[dt.tzinfo] = [ZoneInfo("UTC")]


def escape(text: str) -> str:
    """Escape the three characters mrkdwn treats specially, so user text never pings or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_from_slack(text: str) -> str:
    """Turn Slack-encoded text (from commands and events) into what the person typed."""
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _SUBTEAM.sub(lambda m: "@" + (m.group(1) or "group"), text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    text = _OTHER.sub(lambda m: m.group(2) or m.group(1), text)
    return html.unescape(text)


def md(text: str) -> MarkdownTextObject:
    """A mrkdwn object that Slack will not auto-link or auto-mention (verbatim)."""
    return MarkdownTextObject(text=text, verbatim=True)


def plain(text: str) -> PlainTextObject:
    """A plain_text object (never formats, never notifies)."""
    return PlainTextObject(text=text, emoji=True)


def truncate(text: str, limit: int) -> str:
    """Shorten to `limit` characters with an ellipsis, for Slack's field limits."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote(text: str) -> str:
    """Partner text as an escaped mrkdwn block quote."""
    return "\n".join("> " + line for line in escape(text).splitlines() or [""])


def use_fallback_zone(zone: dt.tzinfo) -> None:
    """Write date fallbacks in the shop's zone (the catalogue's), set once at start-up."""
    _FALLBACK_ZONE[0] = zone


def fallback_zone() -> dt.tzinfo:
    """The zone date fallbacks are written in."""
    return _FALLBACK_ZONE[0]


def slack_date(moment: dt.datetime, fmt: str = WHEN) -> str:
    """A time Slack shows in each reader's own zone, with a fallback in the shop's zone."""
    return f"<!date^{int(moment.timestamp())}^{fmt}|{date_fallback(moment, fmt)}>"


def slack_day(day: dt.date) -> str:
    """A calendar day (a deadline the partner picked): the same words, no zone to convert."""
    return f"{day:%b} {day.day}, {day.year}"


def date_fallback(moment: dt.datetime, fmt: str = WHEN) -> str:
    """The plain words for a time in the shop's zone: "Nov 25, 2026 at 9:08 AM EST"."""
    local = moment.astimezone(_FALLBACK_ZONE[0])
    if fmt == DAY:
        return slack_day(local.date())
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'} {local:%Z}"
    return f"{slack_day(local.date())} at {clock}"


def mention(user_id: str) -> str:
    """Mention a person (ids come from Slack, never from typed text)."""
    return f"<@{user_id}>"


def human_duration(
    duration: dt.timedelta, *, business_day: dt.timedelta | None = None, short: bool = False
) -> str:
    """ "30 min", "4 h" or "3 business days", the way partners read service levels."""
    minutes = int(duration.total_seconds() // 60)
    if business_day and minutes and duration % business_day == dt.timedelta(0):
        days = duration // business_day
        unit = "bd" if short else "business day" + ("s" if days != 1 else "")
        return f"{days} {unit}"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    text = f"{hours} h" if not rest else f"{hours} h {rest} min"
    return text + (" (business hours)" if business_day and not short else "")


def quote_within(text: str, limit: int) -> str:
    """Quote typed text so that the escaped result fits `limit` (escaping can grow it fivefold)."""
    size = limit
    while True:
        quoted = quote(truncate(text, size))
        if len(quoted) <= limit or size <= 1:
            return quoted
        size = max(1, size - (len(quoted) - limit))


_EMPHASIS = re.compile(r"(?<![\w<])([*_~`])(?=\S)(.+?)(?<=\S)\1(?![\w>])")
_WORD = re.compile(r"[\w@^!<>-]+")
_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")  # :rotating_light: is a picture, not words
SPOKEN_MAX = 3900  # chat.update refuses text over 4,000 characters
# When the whole message does not fit, long lines (a quote, a list entry) are cut to each of
# these lengths in turn, so that they never crowd out the lines after them.
SPOKEN_LINE_CAPS = (500, 250, 160, 100, 60)
# Markup a line is never cut inside: a mention, date or link (read by its label), an entity.
_PIECES = re.compile(r"<[^<>]*>|&[a-z]+;|[^<&]+|[<&]")
_AS_READ = re.compile(r"<[^<>|]*\|([^<>]*)>|&[a-z]+;")


def spoken(lead: str, blocks: Sequence[Block]) -> str:
    """A message's top-level text: its headline, then every block in plain words.

    Screen readers and notifications read this text, not the blocks, so it must say all the
    blocks say. The first block (or its first lines) is left out when the headline already
    carries its words.
    """
    parts = [_block_words(encode(b)) for b in blocks]
    parts = [p for p in parts if p]
    if parts and _says(lead, parts[0]):
        parts = parts[1:]
    lines = [line for part in parts for line in part.splitlines()]
    while lines and _says(lead, lines[0]):
        lines = lines[1:]
    if not lines:
        return lead
    words = "\n".join(_fitted(lines, SPOKEN_MAX - len(lead) - 1))
    return truncate(f"{lead}\n{words}" if lead else words, SPOKEN_MAX)


def plain_words(mrkdwn: str) -> str:
    """Mrkdwn without emphasis, code or quote marks; mentions and dates stay (Slack shows them)."""
    lines = [line.removeprefix("> ").removeprefix("&gt; ") for line in mrkdwn.splitlines()]
    return _EMPHASIS.sub(r"\2", "\n".join(lines)).strip()


def _block_words(block: dict[str, Any]) -> str:
    kind = block.get("type")
    if kind in ("actions", "input", "divider", "image"):
        return ""
    texts: list[str] = []
    if isinstance(block.get("text"), dict):
        texts.append(plain_words(block["text"]["text"]))
    for field in block.get("fields") or []:
        label, _, value = plain_words(field["text"]).partition("\n")
        texts.append(f"{label}: {value}" if value else label)
    for element in block.get("elements") or []:
        if isinstance(element, dict) and element.get("type") in ("mrkdwn", "plain_text"):
            texts.append(plain_words(element["text"]))
    return "\n".join(t for t in texts if t)


def _fitted(lines: list[str], room: int) -> list[str]:
    """Every line whole when they fit in `room`; else long ones cut shorter until they do."""
    fitted = lines
    for cap in SPOKEN_LINE_CAPS:
        if len("\n".join(fitted)) <= room:
            break
        fitted = [_shortened(line, cap) for line in lines]
    return fitted


def _shortened(line: str, cap: int) -> str:
    """A line cut to `cap` characters as read, never inside an entity, mention or date.

    A date or link counts as the label a reader hears and an entity as one character, so a
    sentence with two dates is not cut short by the markup those dates carry.
    """
    if _read_length(line) <= cap:
        return line
    room, kept = cap - 1, []
    for piece in _PIECES.findall(line):
        size = _read_length(piece)
        if size > room:
            if not piece.startswith(("<", "&")) or len(piece) == 1:
                kept.append(piece[:room])
            break
        kept.append(piece)
        room -= size
    return "".join(kept).rstrip() + "…"


def _read_length(text: str) -> int:
    """Characters as read: a date or link by its label, an entity as the one it stands for."""
    return len(_AS_READ.sub(lambda m: m.group(1) if m.group(1) is not None else "&", text))


def _says(lead: str, text: str) -> bool:
    """Whether `lead` already says every word of `text`, in order."""
    return f" {_said(text)} " in f" {_said(lead)} "


def _said(text: str) -> str:
    """Words only, for comparing what two texts say regardless of marks, emoji and spacing."""
    return " ".join(_WORD.findall(_EMOJI_CODE.sub(" ", text.lower())))


Rendered = tuple[list[Block], str]
P = ParamSpec("P")


def speaks(view: Callable[P, Rendered]) -> Callable[P, Rendered]:
    """Give a message view's text the whole message in plain words (see spoken)."""

    @functools.wraps(view)
    def with_words(*args: P.args, **kwargs: P.kwargs) -> Rendered:
        blocks, lead = view(*args, **kwargs)
        return blocks, spoken(lead, blocks)

    return with_words
