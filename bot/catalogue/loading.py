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
from typing import Any

from bot.catalogue import fields
from bot.catalogue.fields import Problems, Table
from bot.catalogue.lines import LineIndex, syntax_error_position
from bot.catalogue.model import (
    DEFAULT_BURST_REPORTS,
    DEFAULT_BURST_WINDOW,
    DEFAULT_PARTNER_NOTICES,
    Catalogue,
    CatalogueError,
    Service,
    ServiceLevel,
    UrgencyRule,
)
from bot.catalogue.replies import service_replies
from bot.domain.calendar import BusinessCalendar
from bot.domain.model import Impact, Priority, Urgency

_DURATION = re.compile(r"(?:(\d{1,5})\s*d)?\s*(?:(\d{1,5})\s*h)?\s*(?:(\d{1,6})\s*m)?")
_LEVEL_KEYS = (
    *("first_response", "resolution", "update_every", "around_the_clock"),
    *("escalate_after", "partner_notices_per_day"),
)
_SERVICE_KEYS = (
    *("id", "name", "description", "owner", "triage_channel"),
    *("third_party_pauses_clock", "service_levels", "burst_reports", "burst_window"),
    "replies",
)
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
        errors = tuple(CatalogueError(path, e.line, e.reason) for e in found.found)
        first = errors[0]
        first.problems = errors
        raise first
    return catalogue


def _catalogue(path: Path, root: Table, found: Problems) -> Catalogue | None:
    """Each section read apart, so a mistake in one does not hide those in the next."""
    found.read(lambda: root.check_keys(_TOP_KEYS))
    organisation = found.read(lambda: root.string("organisation", fields.non_empty))
    calendar = found.read(lambda: _calendar(root.table("calendar")))
    # What "1d" means in every duration below (a standard day if the calendar is wrong).
    day = calendar.working_day_length() if calendar else timedelta(hours=8)
    defaults = found.read(lambda: _levels(root.table("service_levels"), day, base=None))
    urgency = found.read(lambda: _urgency(root.table("urgency"), day))
    matrix = found.read(lambda: _matrix(root.table("matrix")))
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


def _calendar(table: Table) -> BusinessCalendar:
    table.check_keys(("timezone", "working_days", "hours", "holidays"))
    zone = table.string("timezone", fields.time_zone)
    days = frozenset(table.each("working_days", fields.weekday))
    if not days:
        table.fail("working_days", 'name at least one working day, like ["mon", "tue"]')
    start, end = table.string("hours", fields.working_hours)
    holidays = frozenset(table.each("holidays", fields.holiday, required=False))
    try:
        return BusinessCalendar(
            timezone=zone,
            working_days=days,
            day_start=start,
            day_end=end,
            holidays=holidays,
        )
    except ValueError as error:
        table.fail("hours", str(error))


def _urgency(table: Table, day: timedelta) -> UrgencyRule:
    table.check_keys(("high_within", "medium_within"))
    rule = UrgencyRule(
        high_within=table.string("high_within", _durations(day)),
        medium_within=table.string("medium_within", _durations(day)),
    )
    if rule.medium_within < rule.high_within:
        table.fail("medium_within", "must not be shorter than high_within")
    return rule


def _matrix(table: Table) -> Mapping[Impact, Mapping[Urgency, Priority]]:
    table.check_keys([impact.value for impact in Impact], what="impact")
    rows: dict[Impact, Mapping[Urgency, Priority]] = {}
    for impact in Impact:
        row = table.table(impact.value)
        row.check_keys([urgency.value for urgency in Urgency], what="urgency")
        cells = {urgency: row.string(urgency.value, fields.priority) for urgency in Urgency}
        rows[impact] = MappingProxyType(cells)
    return MappingProxyType(rows)


def _levels(
    table: Table, day: timedelta, *, base: Mapping[Priority, ServiceLevel] | None
) -> Mapping[Priority, ServiceLevel]:
    """All four priorities: required when `base` is None, else per-field overrides of `base`."""
    table.check_keys([priority.value for priority in Priority], what="priority")
    levels: dict[Priority, ServiceLevel] = {}
    for priority in Priority:
        if base is None:
            levels[priority] = _level(table.table(priority.value), day, base=None)
        else:
            override = table.optional_table(priority.value)
            default = base[priority]
            levels[priority] = default if override is None else _level(override, day, base=default)
    return MappingProxyType(levels)


def _level(table: Table, day: timedelta, *, base: ServiceLevel | None) -> ServiceLevel:
    table.check_keys(_LEVEL_KEYS)

    def duration(key: str) -> timedelta:
        if base is not None and key not in table.data:
            inherited: timedelta = getattr(base, key)
            return inherited
        return table.string(key, _durations(day, positive=True))

    level = ServiceLevel(
        first_response=duration("first_response"),
        resolution=duration("resolution"),
        update_every=duration("update_every"),
        around_the_clock=table.boolean(
            "around_the_clock", default=base.around_the_clock if base else False
        ),
        escalate_after=(
            duration("escalate_after")
            if "escalate_after" in table.data or (base and base.escalate_after)
            else None
        ),
        partner_notices_per_day=_count(
            table,
            "partner_notices_per_day",
            default=base.partner_notices_per_day if base else DEFAULT_PARTNER_NOTICES,
        ),
    )
    if level.resolution < level.first_response:
        where = _written(table, "resolution", "first_response")
        table.fail(where, "resolution must not be shorter than first_response")
    return level


def _services(
    root: Table, defaults: Mapping[Priority, ServiceLevel] | None, day: timedelta, found: Problems
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
    if defaults is None or None in services:
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


def _service(
    table: Table, defaults: Mapping[Priority, ServiceLevel] | None, day: timedelta, found: Problems
) -> Service | None:
    """Every field of one service read apart: five mistakes in it are five lines at once."""
    found.read(lambda: table.check_keys(_SERVICE_KEYS))
    values = {
        "id": found.read(lambda: table.string("id", fields.service_id)),
        "name": found.read(lambda: table.string("name", fields.service_name)),
        "description": found.read(lambda: table.string("description", fields.non_empty)),
        "owner": found.read(lambda: table.string("owner", fields.non_empty)),
    }
    channel = found.read(lambda: (table.optional_string("triage_channel", fields.channel_id),))
    pauses = found.read(lambda: table.boolean("third_party_pauses_clock", default=False))
    levels = found.read(lambda: _service_levels(table, defaults, day)) if defaults else None
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
    table: Table, defaults: Mapping[Priority, ServiceLevel], day: timedelta
) -> Mapping[Priority, ServiceLevel]:
    overrides = table.optional_table("service_levels")
    return defaults if overrides is None else _levels(overrides, day, base=defaults)


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
