"""Reading the service catalogue file into checked models, every problem with its line.

The file is TOML edited by people, so every problem is reported as "<file>:<line>: <reason>";
the commented catalogue.example.toml at the repository root documents the format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from bot.catalogue import fields
from bot.catalogue.fields import Problems, Table
from bot.catalogue.lines import LineIndex, syntax_error_position
from bot.catalogue.model import (
    DEFAULT_BURST_REPORTS,
    DEFAULT_BURST_WINDOW,
    Catalogue,
    CatalogueError,
    Service,
    UrgencyRule,
)
from bot.catalogue.replies import service_replies
from bot.domain.calendar import BusinessCalendar
from bot.domain.levels import DEFAULT_PARTNER_NOTICES, ServiceLevel
from bot.domain.model import Impact, Priority, Urgency

_DURATION = re.compile(r"(?:(\d{1,5})\s*d)?\s*(?:(\d{1,5})\s*h)?\s*(?:(\d{1,6})\s*m)?")
_TIMES = ("first_response", "resolution", "update_every")  # required at every priority
_LEVEL_KEYS = (*_TIMES, "around_the_clock", "escalate_after", "partner_notices_per_day")
_SERVICE_KEYS = (
    *("id", "name", "description", "owner", "triage_channel"),
    *("third_party_pauses_clock", "service_levels", "burst_reports", "burst_window"),
    "replies",
)
T = TypeVar("T")
_TOP_KEYS = ("organisation", "calendar", "urgency", "matrix", "service_levels", "services")


def parse_duration(text: str, *, day_length: timedelta) -> timedelta:
    """Read "30m", "4h", "1h30m" or "3d", where a "d" is one working day of `day_length`."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None or not any(match.groups()):
        raise ValueError(f'"{text}" is not a duration like 30m, 4h or 3d')
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return days * day_length + timedelta(hours=hours, minutes=minutes)


def load_catalogue(path: Path | str) -> Catalogue:
    """Read and check the catalogue file, raising CatalogueError with file, line and reason."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # tolerate the BOM some editors add
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise CatalogueError(path, None, f"cannot read the catalogue: {reason}") from error
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, reason = syntax_error_position(str(error), text)
        raise CatalogueError(path, line, f"TOML syntax error: {reason}") from None
    found = Problems()
    catalogue = _catalogue(path, Table(document, (), "", LineIndex(text)), found)
    if found.found or catalogue is None:
        # In the file's order, as a person fixes them (problems of the whole file first).
        ordered = sorted(found.found, key=lambda e: e.line or 0)
        errors = tuple(CatalogueError(path, e.line, e.reason) for e in ordered)
        first = errors[0]
        first.problems = errors
        raise first
    return catalogue


def _catalogue(path: Path, root: Table, found: Problems) -> Catalogue | None:
    """Each section read apart, so a mistake in one does not hide those in the next."""
    root.check_keys(_TOP_KEYS, found)
    organisation = found.read(lambda: root.string("organisation", fields.non_empty))
    calendar = _section(root, "calendar", found, lambda t: _calendar(t, found))
    # What "1d" means in every duration below (a standard day if the calendar is wrong).
    day = calendar.working_day_length() if calendar else timedelta(hours=8)
    # A broken default is unknown (None) to the services, whose own overrides are still read.
    read_levels = partial(_levels, day=day, found=found, base=None)
    defaults = _section(root, "service_levels", found, read_levels) or _UNKNOWN_LEVELS
    urgency = _section(root, "urgency", found, lambda t: _urgency(t, day, found))
    matrix = _section(root, "matrix", found, lambda t: _matrix(t, found))
    services = _services(root, defaults, day, found)
    if organisation is None or calendar is None or urgency is None or matrix is None:
        return None
    if services is None:
        return None
    return Catalogue(
        path=path,
        organisation=organisation,
        calendar=calendar,
        urgency=urgency,
        matrix=matrix,
        services=services,
    )


def _section(root: Table, key: str, found: Problems, read: Callable[[Table], T | None]) -> T | None:
    """A top-level table read by `read`, or None when it is missing or not a table (noted)."""
    table = found.read(partial(root.table, key))
    return read(table) if table is not None else None


def _calendar(table: Table, found: Problems) -> BusinessCalendar | None:
    """Every calendar field read apart; the calendar itself only when all of them are sound."""
    table.check_keys(("timezone", "working_days", "hours", "holidays"), found)
    zone = found.read(lambda: table.string("timezone", fields.time_zone))
    days = found.read(lambda: table.each("working_days", fields.weekday, found))
    if days == []:
        found.read(
            lambda: table.fail("working_days", 'name at least one working day, like ["mon", "tue"]')
        )
    hours = found.read(lambda: table.string("hours", fields.working_hours))
    holidays = found.read(lambda: table.each("holidays", fields.holiday, found, required=False))
    if zone is None or not days or hours is None or holidays is None:
        return None
    start, end = hours
    try:
        return BusinessCalendar(
            timezone=zone,
            working_days=frozenset(days),
            day_start=start,
            day_end=end,
            holidays=frozenset(holidays),
        )
    except ValueError as error:
        found.read(partial(table.fail, "hours", str(error)))
        return None


def _urgency(table: Table, day: timedelta, found: Problems) -> UrgencyRule | None:
    """Both thresholds read apart; their order is checked when both are sound."""
    table.check_keys(("high_within", "medium_within"), found)
    high = found.read(lambda: table.string("high_within", _durations(day)))
    medium = found.read(lambda: table.string("medium_within", _durations(day)))
    if high is None or medium is None:
        return None
    if medium < high:
        found.read(partial(table.fail, "medium_within", "must not be shorter than high_within"))
        return None
    return UrgencyRule(high_within=high, medium_within=medium)


def _matrix(table: Table, found: Problems) -> Mapping[Impact, Mapping[Urgency, Priority]] | None:
    """Every row and every cell read apart: two wrong cells are two problems."""
    table.check_keys([impact.value for impact in Impact], found, what="impact")
    mark = found.mark()
    rows: dict[Impact, Mapping[Urgency, Priority]] = {}
    for impact in Impact:
        row = found.read(partial(table.table, impact.value))
        if row is None:
            continue
        row.check_keys([urgency.value for urgency in Urgency], found, what="urgency")
        cells: dict[Urgency, Priority] = {}
        for urgency in Urgency:
            cell = found.read(partial(row.string, urgency.value, fields.priority))
            if cell is not None:
                cells[urgency] = cell
        rows[impact] = MappingProxyType(cells)
    return None if found.since(mark) else MappingProxyType(rows)


# The levels a service inherits, per priority; None where the catalogue's default is broken.
Levels = Mapping[Priority, ServiceLevel | None]
_UNKNOWN_LEVELS: Levels = MappingProxyType(dict.fromkeys(Priority))


def _levels(table: Table, day: timedelta, found: Problems, *, base: Levels | None) -> Levels:
    """All four priorities: required when `base` is None, else per-field overrides of `base`.

    Each priority is read apart, and one that cannot be read is None, so a mistake in P1 does
    not hide one in P2.
    """
    table.check_keys([priority.value for priority in Priority], found, what="priority")
    levels: dict[Priority, ServiceLevel | None] = {}
    for priority in Priority:
        if base is not None and priority.value not in table.data:
            levels[priority] = base[priority]
            continue
        written = found.read(partial(table.table, priority.value))
        default = base[priority] if base is not None else None
        levels[priority] = (
            _level(written, day, found, base=default, overriding=base is not None)
            if written is not None
            else None
        )
    return MappingProxyType(levels)


def _level(
    table: Table, day: timedelta, found: Problems, *, base: ServiceLevel | None, overriding: bool
) -> ServiceLevel | None:
    """One priority's promises, every field read apart; None when one is wrong or unknown.

    An override inherits what it leaves out from `base`; when that default is itself broken
    (None), what the override writes is still checked, so its mistakes show in the same run.
    """
    mark = found.mark()
    table.check_keys(_LEVEL_KEYS, found)
    first, resolution, update_every = (
        _duration(table, key, day, found, base=base, required=not overriding) for key in _TIMES
    )
    escalate = _duration(table, "escalate_after", day, found, base=base, required=False)
    clock = found.read(
        lambda: table.boolean("around_the_clock", default=base.around_the_clock if base else False)
    )
    notices = found.read(
        lambda: _count(
            table,
            "partner_notices_per_day",
            default=base.partner_notices_per_day if base else DEFAULT_PARTNER_NOTICES,
        )
    )
    if first is not None and resolution is not None and resolution < first:
        where = _written(table, "resolution", "first_response")
        found.read(partial(table.fail, where, "resolution must not be shorter than first_response"))
    if found.since(mark) or first is None or resolution is None or update_every is None:
        return None
    if clock is None or notices is None:
        return None
    return ServiceLevel(
        first_response=first,
        resolution=resolution,
        update_every=update_every,
        around_the_clock=clock,
        escalate_after=escalate,
        partner_notices_per_day=notices,
    )


def _duration(
    table: Table,
    key: str,
    day: timedelta,
    found: Problems,
    *,
    base: ServiceLevel | None,
    required: bool,
) -> timedelta | None:
    """A level's duration as written, else inherited from `base`; None when neither is known.

    A `required` duration that is not written is noted as missing.
    """
    if key in table.data:
        return found.read(lambda: table.string(key, _durations(day, positive=True)))
    if base is not None:
        inherited: timedelta | None = getattr(base, key)
        return inherited
    if required:
        found.read(partial(table.raw, key))  # notes the missing key at the table's line
    return None


def _services(
    root: Table, defaults: Levels, day: timedelta, found: Problems
) -> tuple[Service, ...] | None:
    raw = found.read(partial(_service_list, root))
    if raw is None:
        return None
    services: list[Service | None] = []
    for item, value in enumerate(raw):
        name = value.get("id") if isinstance(value, dict) else None
        label = name if isinstance(name, str) else None
        table = found.read(partial(root.item_table, "services", item, name=label))
        service = _service(table, defaults, day, found) if table is not None else None
        if table is not None and service is not None:
            found.read(partial(_unique, root, table, service, services))
        services.append(service)
    if None in services:
        return None
    return tuple(s for s in services if s is not None)


def _unique(root: Table, table: Table, service: Service, before: list[Service | None]) -> None:
    first = next((n for n, s in enumerate(before) if s and s.id == service.id), None)
    if first is not None:
        where = root.index.line_of(("services", first, "id"))
        table.fail("id", f'duplicate service id "{service.id}" (first used on line {where})')


def _service_list(root: Table) -> list[Any]:
    if "services" not in root.data:
        root.fail(None, "no services: add at least one [[services]] table")
    raw = root.array("services")
    if not raw:
        root.fail("services", "the list is empty: add at least one [[services]] table")
    return raw


def _service(table: Table, defaults: Levels, day: timedelta, found: Problems) -> Service | None:
    """Every field of one service read apart: five mistakes in it are five lines at once."""
    table.check_keys(_SERVICE_KEYS, found)
    values = {
        "id": found.read(lambda: table.string("id", fields.service_id)),
        "name": found.read(lambda: table.string("name", fields.service_name)),
        "description": found.read(lambda: table.string("description", fields.non_empty)),
        "owner": found.read(lambda: table.string("owner", fields.non_empty)),
    }
    channel = found.read(lambda: (table.optional_string("triage_channel", fields.channel_id),))
    pauses = found.read(lambda: table.boolean("third_party_pauses_clock", default=False))
    levels = _service_levels(table, defaults, day, found)
    burst_reports = found.read(lambda: _burst_reports(table))
    window = found.read(lambda: table.optional_string("burst_window", _clock_minutes))
    replies = service_replies(table, found)
    if None in values.values() or None in (channel, pauses, levels, burst_reports, replies):
        return None
    assert channel is not None and pauses is not None and levels is not None
    assert replies is not None
    burst = (burst_reports or DEFAULT_BURST_REPORTS, window or DEFAULT_BURST_WINDOW)
    return Service(
        id=str(values["id"]),
        name=str(values["name"]),
        description=str(values["description"]),
        owner=str(values["owner"]),
        triage_channel=channel[0],
        third_party_pauses_clock=pauses,
        levels=levels,
        burst_reports=burst[0],
        burst_window=burst[1],
        replies=replies,
    )


def _count(table: Table, key: str, *, default: int) -> int:
    """A whole number from 0 to 100 under `key`, or `default` when absent."""
    value = table.data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        table.fail(key, f"expected a whole number from 0 to 100, got {fields.show(value)}")
    return value


def _service_levels(
    table: Table, defaults: Levels, day: timedelta, found: Problems
) -> Mapping[Priority, ServiceLevel] | None:
    """The service's levels, its overrides merged; None when any of them (or a default) is wrong."""
    if "service_levels" in table.data:
        overrides = found.read(lambda: table.table("service_levels"))
        levels = _levels(overrides, day, found, base=defaults) if overrides else None
    else:
        levels = defaults
    if levels is None or any(level is None for level in levels.values()):
        return None
    return MappingProxyType({p: level for p, level in levels.items() if level is not None})


def _burst_reports(table: Table) -> int:
    """How many reports make a burst: a whole number of at least two."""
    value = table.data.get("burst_reports", DEFAULT_BURST_REPORTS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        table.fail(
            "burst_reports", f"expected a whole number of at least 2, got {fields.show(value)}"
        )
    return value


def _clock_minutes(text: str) -> timedelta:
    """A burst window in plain minutes or hours ("15m", "1h"); working days make no sense here."""
    if "d" in text.lower():
        raise ValueError(f'"{text}" must be in minutes or hours, like 15m or 1h')
    value = parse_duration(text, day_length=timedelta(hours=24))
    if not value:
        raise ValueError(f'"{text}" must be longer than zero')
    return value


def _written(table: Table, *keys: str) -> str | None:
    """The first of `keys` present in the table, to point at a line the person wrote."""
    return next((key for key in keys if key in table.data), None)


def _durations(day: timedelta, *, positive: bool = False) -> Callable[[str], timedelta]:
    def convert(text: str) -> timedelta:
        value = parse_duration(text, day_length=day)
        if positive and not value:
            raise ValueError(f'"{text}" must be longer than zero')
        return value

    return convert
