"""Line numbers for a TOML file's tables and keys, because tomllib reports no positions.

`LineIndex` scans text that tomllib has already accepted, so it can trust the syntax and
stay small: it records where each table header, key and array item starts.
"""

from __future__ import annotations

import re
from bisect import bisect_left

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SYNTAX_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_SYNTAX_AT_END = re.compile(r"\s*\(at end of document\)$")


class LineIndex:
    """Where each table header, key and array item of one TOML text starts."""

    def __init__(self, text: str) -> None:
        """Scan `text`, which must already have parsed with tomllib."""
        self._text = text
        self._pos = 0
        self._newlines = [i for i, char in enumerate(text) if char == "\n"]
        self._arrays: dict[KeyPath, int] = {}  # array-of-tables path → index of its last element
        self.lines: dict[KeyPath, int] = {}
        self._scan()

    def line_of(self, path: KeyPath) -> int | None:
        """Line of `path`, or of its nearest ancestor written in the file; None for the root."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def _line(self) -> int:
        return bisect_left(self._newlines, self._pos) + 1

    def _peek(self, size: int = 1) -> str:
        return self._text[self._pos : self._pos + size]

    def _record(self, path: KeyPath) -> None:
        """Note the current line for `path`, and for implicit parent tables not yet seen."""
        line = self._line()
        for end in range(1, len(path)):
            self.lines.setdefault(path[:end], line)
        self.lines[path] = line

    def _skip(self, *, newlines: bool) -> None:
        """Skip blanks and comments (and line ends, when `newlines`)."""
        blanks = " \t\r\n" if newlines else " \t\r"
        while self._pos < len(self._text):
            char = self._text[self._pos]
            if char == "#":
                end = self._text.find("\n", self._pos)
                self._pos = len(self._text) if end < 0 else end
            elif char in blanks:
                self._pos += 1
            else:
                return

    def _scan(self) -> None:
        """Walk the statements: table headers, array-of-tables headers and key = value lines."""
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self._pos >= len(self._text):
                return
            if self._peek(2) == "[[":
                self._pos += 2
                table = self._resolve(self._key(), new_item=True)
                self._record(table)
                self._pos += 2
            elif self._peek() == "[":
                self._pos += 1
                table = self._resolve(self._key(), new_item=False)
                self._record(table)
                self._pos += 1
            else:
                self._key_value(table)

    def _resolve(self, keys: KeyPath, *, new_item: bool) -> KeyPath:
        """A header's keys as a path: a name that is an array of tables means its last item."""
        path: KeyPath = ()
        for n, key in enumerate(keys):
            path += (key,)
            if new_item and n == len(keys) - 1:
                self._arrays[path] = self._arrays.get(path, -1) + 1
            if path in self._arrays:
                path += (self._arrays[path],)
        return path

    def _key(self) -> KeyPath:
        """Read a dotted key, leaving the position after it."""
        parts: list[str | int] = []
        while True:
            self._skip(newlines=False)
            quote = self._peek()
            if quote in ('"', "'"):
                end = self._string_end(self._pos, quote)
                parts.append(self._text[self._pos + 1 : end - 1])
                self._pos = end
            else:
                match = _BARE_KEY.match(self._text, self._pos)
                if match is None:
                    return tuple(parts)
                parts.append(match.group())
                self._pos = match.end()
            self._skip(newlines=False)
            if self._peek() != ".":
                return tuple(parts)
            self._pos += 1

    def _key_value(self, table: KeyPath) -> None:
        """Record one `key = value` under `table` and step over its value."""
        path = table + self._key()
        self._record(path)
        self._skip(newlines=False)
        self._pos += 1  # the "="
        self._value(path)

    def _value(self, path: KeyPath) -> None:
        """Step over one value, recording the items of arrays and the keys of inline tables."""
        self._skip(newlines=False)
        char = self._peek()
        if char in ('"', "'"):
            self._pos = self._string_end(self._pos, char)
        elif char in ("[", "{"):
            self._pos += 1
            index = 0
            while True:
                self._skip(newlines=True)
                if self._peek() in ("]", "}", ""):
                    self._pos += 1
                    return
                if self._peek() == ",":
                    self._pos += 1
                elif char == "[":
                    self._record((*path, index))
                    self._value((*path, index))
                    index += 1
                else:
                    self._key_value(path)
        else:
            while self._peek() not in (",", "]", "}", "\n", "#", ""):
                self._pos += 1

    def _string_end(self, start: int, quote: str) -> int:
        """Position just after the string (basic, literal or multi-line) opening at `start`."""
        delimiter = quote * 3 if self._text.startswith(quote * 3, start) else quote
        pos = start + len(delimiter)
        while pos < len(self._text):
            if quote == '"' and self._text[pos] == "\\":
                pos += 2
            elif self._text.startswith(delimiter, pos):
                end = pos + len(delimiter)
                # A multi-line string may end with up to two quotes of its own before the closer.
                while len(delimiter) == 3 and end - pos < 5 and self._text.startswith(quote, end):
                    end += 1
                return end
            else:
                pos += 1
        return pos


def syntax_error_position(message: str, text: str) -> tuple[int | None, str]:
    """Split a TOMLDecodeError message into its line and the reason without the position."""
    match = _SYNTAX_AT.search(message)
    if match is not None:
        return int(match.group(1)), f"{message[: match.start()]} (column {match.group(2)})"
    match = _SYNTAX_AT_END.search(message)
    if match is not None:
        last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
        return max(1, last_line), f"{message[: match.start()]} (at the end of the file)"
    return None, message
