"""Slack mrkdwn and plain_text turned into safe HTML: every character of text is escaped."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from simulator.elements import text_of
from simulator.rendering import format_date

_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_SAFE_LINK = re.compile(r"(?:https?|mailto):", re.IGNORECASE)
_FENCE = re.compile(r"```(.*?)```", re.DOTALL)
# Inline code first: a sequence inside backticks is code, not a mention or link.
_TOKEN = re.compile(r"`([^`\n]+)`|<([^<>\n]+)>")
_HOLE = re.compile("\x00(\\d+)\x00")
_QUOTE = re.compile(r"&gt; ?")
_BROADCAST = {"here", "channel", "everyone"}


def _style(marker: str, tag: str) -> tuple[re.Pattern[str], str]:
    m = re.escape(marker)
    # Markers hug text: `*bold*` formats, `2 * 3 * 4` and snake_case_names do not.
    pattern = re.compile(rf"(?<![\w{m}]){m}(?=\S)([^{m}\n]*?\S){m}(?![\w{m}])")
    return pattern, rf"<{tag}>\1</{tag}>"


_STYLES = (_style("*", "b"), _style("_", "i"), _style("~", "s"))


@dataclass(frozen=True)
class Names:
    """How a reader sees ids and dates: display names, channel names, their zone and 'now'."""

    users: Mapping[str, str]
    channels: Mapping[str, str]
    tz: str
    now: float


def esc(text: object) -> str:
    """Escape for HTML text and attribute values alike (quotes included)."""
    return html.escape(str(text), quote=True)


def decode(text: str) -> str:
    """Undo Slack's encoding of `&`, `<` and `>` (and only those: the rest is what was typed)."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def link(url: str, label: str, *, css: str = "") -> str:
    """An `<a>` for http(s) and mailto targets; anything else (javascript:...) is only text."""
    if not _SAFE_LINK.match(url):
        return esc(label or url)
    attrs = f' class="{esc(css)}"' if css else ""
    return (
        f'<a href="{esc(url)}"{attrs} rel="noopener noreferrer" target="_blank">'
        f"{esc(label or url)}</a>"
    )


def mention(text: str, *, broadcast: bool = False) -> str:
    """A highlighted @person, #channel or @here, as Slack shows them."""
    css = "mention broadcast" if broadcast else "mention"
    return f'<span class="{css}">{esc(text)}</span>'


def moment(epoch: int, template: str, names: Names) -> str:
    """A `<time>` for a Slack date token, formatted in the reader's zone."""
    shown = format_date(epoch, template, tz=names.tz, now=names.now)
    iso = dt.datetime.fromtimestamp(epoch, ZoneInfo(names.tz)).isoformat()
    return f'<time datetime="{esc(iso)}">{esc(shown)}</time>'


def plain(text: str) -> str:
    """A plain_text object's text as HTML: decoded, escaped, line breaks kept."""
    return esc(decode(text)).replace("\n", "<br>")


def text_object(obj: object, names: Names) -> str:
    """A text object as HTML: mrkdwn is formatted, plain_text (or a bare string) only escaped."""
    if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
        return mrkdwn(text_of(obj), names)
    return plain(text_of(obj))


def mrkdwn(text: str, names: Names) -> str:
    """Slack mrkdwn as HTML: mentions, links, dates, code, quotes, bold, italic, strike."""
    text = text.replace("\x00", "")  # NUL marks placeholders below; it is never real text
    parts: list[str] = []
    pos = 0
    for fence in _FENCE.finditer(text):
        parts.append(_prose(text[pos : fence.start()].removesuffix("\n"), names))
        parts.append(f"<pre>{_literal(fence.group(1).strip(chr(10)), names)}</pre>")
        pos = fence.end()
        if text.startswith("\n", pos):
            pos += 1
    parts.append(_prose(text[pos:], names))
    return "".join(parts)


def _prose(text: str, names: Names) -> str:
    """Text outside code blocks: tokens become placeholders so formatting never reaches them."""
    holes: list[str] = []
    pieces: list[str] = []
    pos = 0
    for token in _TOKEN.finditer(text):
        pieces.append(esc(decode(text[pos : token.start()])))
        if token.group(1) is not None:
            holes.append(f"<code>{_literal(token.group(1), names)}</code>")
        else:
            holes.append(_sequence(token.group(2), names, rich=True))
        pieces.append(f"\x00{len(holes) - 1}\x00")
        pos = token.end()
    pieces.append(esc(decode(text[pos:])))
    formatted = _lines("".join(pieces))
    return _HOLE.sub(lambda m: holes[int(m.group(1))], formatted)


def _literal(text: str, names: Names) -> str:
    """Code: no formatting, and mentions or links read as their plain labels."""
    pieces: list[str] = []
    pos = 0
    for token in re.finditer(r"<([^<>\n]+)>", text):
        pieces.append(esc(decode(text[pos : token.start()])))
        pieces.append(_sequence(token.group(1), names, rich=False))
        pos = token.end()
    pieces.append(esc(decode(text[pos:])))
    return "".join(pieces)


def _lines(escaped: str) -> str:
    """Per line: quotes (`&gt; ` once escaped) grouped in a blockquote, formatting, `<br>`s."""
    parts: list[str] = []
    for quoted, group in itertools.groupby(
        escaped.split("\n"), key=lambda s: bool(_QUOTE.match(s))
    ):
        lines = [_formatted(_QUOTE.sub("", line, count=1) if quoted else line) for line in group]
        body = "<br>".join(lines)
        parts.append(f"<blockquote>{body}</blockquote>" if quoted else body)
    return "".join(parts)


def _formatted(line: str) -> str:
    for pattern, replacement in _STYLES:
        line = pattern.sub(replacement, line)
    return line


def _sequence(inner: str, names: Names, *, rich: bool) -> str:
    """One `<...>` sequence: a mention, a date, a broadcast or a link (HTML, or escaped text)."""
    target, _, label = inner.partition("|")
    label = decode(label)
    if target.startswith("@"):
        shown = "@" + (names.users.get(target[1:]) or label or target[1:])
    elif target.startswith("#"):
        shown = "#" + (names.channels.get(target[1:]) or label or target[1:])
    elif target.startswith("!"):
        return _command(target[1:], label, names, rich=rich)
    else:
        url = decode(target)
        shown = label or url.removeprefix("mailto:")
        return link(url, shown) if rich else esc(shown)
    return mention(shown) if rich else esc(shown)


def _command(command: str, label: str, names: Names, *, rich: bool) -> str:
    """`<!date^...>`, `<!subteam^...>`, `<!here>` and friends."""
    if command.startswith("date^"):
        return _date(command, label, names, rich=rich)
    if command.startswith("subteam^"):
        shown = label or "@" + command.removeprefix("subteam^")
        return mention(shown) if rich else esc(shown)
    if command in _BROADCAST:
        return mention("@" + command, broadcast=True) if rich else esc("@" + command)
    return esc(label or "@" + command)


def _date(command: str, label: str, names: Names, *, rich: bool) -> str:
    parts = command.split("^")
    try:
        epoch, template = int(parts[1]), parts[2]
        if rich:
            return moment(epoch, template, names)
        return esc(format_date(epoch, template, tz=names.tz, now=names.now))
    except (IndexError, ValueError, OverflowError, OSError):
        return esc(label or command)
