"""Typed reading of parsed catalogue tables, where every complaint carries its line.

`Table` wraps one parsed TOML table with its key path and raises `LocatedError` (line and
reason, no file name), which the catalogue loader turns into a CatalogueError. The converters
below turn one written value into a domain value or raise ValueError with a readable reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.catalogue.lines import KeyPath, LineIndex
from bot.domain.model import Priority

T = TypeVar("T")

NAME_LIMIT = 75  # Slack's limit on option text
ID_LIMIT = 40  # short enough for a select option value with room to spare
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_SLUG = re.compile(rf"[a-z0-9-]{{1,{ID_LIMIT}}}")
_CHANNEL = re.compile(r"[CG][A-Z0-9]{2,}")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class LocatedError(Exception):
    """A problem at a known line (None for the file as a whole), not yet tied to a file name."""

    def __init__(self, line: int | None, reason: str) -> None:
        """Keep line and reason apart so the caller can prefix the file name."""
        super().__init__(line, reason)
        self.line = line
        self.reason = reason


class Problems:
    """Every problem found while reading the catalogue, so one run reports them all.

    Each independent part (a section, a service, one field of a service) is read through
    `read`: a problem is noted and the reading goes on with the next part.
    """

    def __init__(self) -> None:
        """Nothing found yet."""
        self.found: list[LocatedError] = []

    def read(self, part: Callable[[], T]) -> T | None:
        """The part's value, or None (noted) when it has a problem."""
        try:
            return part()
        except LocatedError as error:
            self.found.append(error)
            return None

    def mark(self) -> int:
        """How many problems are noted so far, to ask later whether a part added any."""
        return len(self.found)

    def since(self, mark: int) -> bool:
        """Whether a problem was noted after `mark` (a part read field by field failed)."""
        return len(self.found) > mark


def show(value: object) -> str:
    """A parsed TOML value as a person would recognise it in the file."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, str):
        return f'string "{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    kind = {int: "integer", float: "number", datetime: "date-time", date: "date"}
    return f"{kind.get(type(value), type(value).__name__)} {value}"


@dataclass(frozen=True)
class Table:
    """One parsed table plus where it sits, so every complaint can name its line.

    `prefix` is how keys of this table are named in messages, e.g. "calendar." or
    "services[2] (printers) ".
    """

    data: Mapping[str, Any]
    at: KeyPath
    prefix: str
    index: LineIndex

    def fail(self, key: str | None, reason: str) -> NoReturn:
        """Raise for `key` of this table (or the table itself) at the line where it is written."""
        path = self.at if key is None else (*self.at, key)
        label = self.prefix.rstrip(". ") if key is None else self.prefix + key
        raise LocatedError(self.index.line_of(path), f"{label}: {reason}" if label else reason)

    def fail_item(self, key: str, item: int, reason: str) -> NoReturn:
        """Raise for one item of the array under `key`."""
        line = self.index.line_of((*self.at, key, item))
        raise LocatedError(line, f"{self.prefix}{key}[{item}]: {reason}")

    def check_keys(self, allowed: Collection[str], found: Problems, *, what: str = "key") -> None:
        """Refuse keys nobody reads, so a typo is not silently ignored; each one is noted."""
        for key in self.data:
            if key not in allowed:
                found.read(partial(self._unknown, key, allowed, what))

    def _unknown(self, key: str, allowed: Collection[str], what: str) -> NoReturn:
        expected = ", ".join(allowed)
        self.fail(key, f'unknown {what} "{key}" (expected one of: {expected})')

    def raw(self, key: str) -> Any:
        """The value under `key`, which must be present."""
        if key not in self.data:
            self.fail(None, f'missing required key "{key}"')
        return self.data[key]

    def table(self, key: str) -> Table:
        """The sub-table under `key`, which must be present."""
        return self._as_table(key, self.raw(key), (*self.at, key), f"{self.prefix}{key}.")

    def optional_table(self, key: str) -> Table | None:
        """The sub-table under `key`, or None when absent."""
        return self.table(key) if key in self.data else None

    def item_table(self, key: str, item: int, *, name: str | None) -> Table:
        """Item `item` of the array of tables under `key`, labelled with `name` when known."""
        value = self.raw(key)[item]
        prefix = f"{self.prefix}{key}[{item}]" + (f" ({name}) " if name else ".")
        if not isinstance(value, dict):
            self.fail_item(key, item, f"expected a table, got {show(value)}")
        return Table(value, (*self.at, key, item), prefix, self.index)

    def array(self, key: str) -> list[Any]:
        """The array under `key`, which must be present."""
        value = self.raw(key)
        if not isinstance(value, list):
            self.fail(key, f"expected an array, got {show(value)}")
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        """The true/false under `key`, or `default` when absent."""
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {show(value)}")
        return value

    def string(self, key: str, convert: Callable[[str], T]) -> T:
        """The string under `key` passed through `convert`, whose ValueError names the line."""
        value = self.raw(key)
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {show(value)}")
        try:
            return convert(value)
        except ValueError as error:
            self.fail(key, str(error))

    def optional_string(self, key: str, convert: Callable[[str], T]) -> T | None:
        """Like string(), or None when `key` is absent."""
        return self.string(key, convert) if key in self.data else None

    def each(
        self, key: str, convert: Callable[[object], T], found: Problems, *, required: bool = True
    ) -> list[T] | None:
        """Every item of the array under `key` through `convert`, or None.

        A bad item is noted at its own line and the rest are still read, so two bad dates in a
        list are two problems in one run; an array that is missing or not an array raises.
        """
        values = self.array(key) if required or key in self.data else []
        mark = found.mark()
        converted = [
            found.read(partial(self._item, key, n, v, convert)) for n, v in enumerate(values)
        ]
        if found.since(mark):
            return None
        return [value for value in converted if value is not None]

    def _item(self, key: str, item: int, value: object, convert: Callable[[object], T]) -> T:
        try:
            return convert(value)
        except ValueError as error:
            self.fail_item(key, item, str(error))

    def _as_table(self, key: str, value: object, at: KeyPath, prefix: str) -> Table:
        if not isinstance(value, dict):
            self.fail(key, f"expected a table, got {show(value)}")
        return Table(value, at, prefix, self.index)


def time_zone(text: str) -> ZoneInfo:
    """An IANA time zone by name."""
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'unknown time zone "{text}" (use a name like America/New_York)') from None


def weekday(value: object) -> int:
    """A weekday written "mon" or "monday" (any case) as 0=Monday … 6=Sunday."""
    text = value.lower() if isinstance(value, str) else ""
    for number, name in enumerate(_WEEKDAYS):
        if text in (name, name[:3]):
            return number
    raise ValueError(f'{show(value)} is not a weekday like "mon" or "friday"')


def working_hours(text: str) -> tuple[time, time]:
    """ "07:30-16:30" as two wall times; an end of 24:00 becomes the 00:00 that ends the day."""
    match = _HOURS.fullmatch(text.strip())
    bad = ValueError(f'"{text}" is not working hours like "07:30-16:30"')
    if match is None:
        raise bad
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if (end_h, end_m) == (24, 0):
        end_h = 0
    if max(start_h, end_h) > 23 or max(start_m, end_m) > 59:
        raise bad
    return time(start_h, start_m), time(end_h, end_m)


def holiday(value: object) -> date:
    """A TOML date (2026-11-26) or a string holding one."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{show(value)} is not a date like 2026-11-26")


def priority(text: str) -> Priority:
    """ "P1" … "P4" (any case)."""
    try:
        return Priority(text.upper())
    except ValueError:
        raise ValueError(f'unknown priority "{text}" (expected P1, P2, P3 or P4)') from None


def service_id(text: str) -> str:
    """A slug that can travel as a Slack select option value."""
    if not _SLUG.fullmatch(text):
        raise ValueError(f'"{text}" must be 1-{ID_LIMIT} lower-case letters, digits or hyphens')
    return text


def service_name(text: str) -> str:
    """Non-empty text short enough for a Slack option."""
    text = non_empty(text)
    if len(text) > NAME_LIMIT:
        raise ValueError(f"is {len(text)} characters long; Slack shows at most {NAME_LIMIT}")
    return text


def non_empty(text: str) -> str:
    """Text with surrounding blanks removed, refusing nothing at all."""
    if not text.strip():
        raise ValueError("must not be empty")
    return text.strip()


def channel_id(text: str) -> str:
    """A Slack channel id; a #name is refused because names change and ids do not."""
    if not _CHANNEL.fullmatch(text):
        raise ValueError(f'"{text}" is not a Slack channel id like C0123456789 (not a #name)')
    return text
