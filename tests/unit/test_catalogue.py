"""The service catalogue: the shipped example, derived figures, and errors that name a line."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.catalogue import Catalogue, CatalogueError, load_catalogue, parse_duration
from bot.catalogue.lines import LineIndex
from bot.domain.model import Impact, Priority, Urgency

EXAMPLE = Path(__file__).resolve().parents[2] / "catalogue.example.toml"
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)
M = timedelta(minutes=1)


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """Squadron wall time in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture(scope="module")
def example() -> Catalogue:
    return load_catalogue(EXAMPLE)


# --- the shipped example -------------------------------------------------------------------


def test_shipped_example_loads(example: Catalogue) -> None:
    assert example.organisation == "42nd Communications Squadron"
    assert [s.id for s in example.services] == [
        "network",
        "email",
        "phones",
        "accounts",
        "printers",
        "cyber",
        "av-vtc",
    ]
    assert example.calendar.timezone == NEW_YORK
    assert example.calendar.working_days == frozenset(range(5))
    assert example.calendar.working_day_length() == 9 * H
    assert len(example.calendar.holidays) == 23
    assert date(2026, 11, 26) in example.calendar.holidays
    assert date(2027, 12, 31) in example.calendar.holidays
    assert all(s.triage_channel is None for s in example.services)
    assert all(len(s.name) <= 75 and len(s.description) <= 75 for s in example.services)
    assert example.urgency.high_within == 9 * H
    assert example.urgency.medium_within == 45 * H


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"),
    [
        (Impact.STOPPED, Urgency.HIGH, Priority.P1),
        (Impact.STOPPED, Urgency.MEDIUM, Priority.P1),
        (Impact.STOPPED, Urgency.LOW, Priority.P2),
        (Impact.DEGRADED, Urgency.HIGH, Priority.P2),
        (Impact.DEGRADED, Urgency.MEDIUM, Priority.P2),
        (Impact.DEGRADED, Urgency.LOW, Priority.P3),
        (Impact.WORKAROUND, Urgency.HIGH, Priority.P2),
        (Impact.WORKAROUND, Urgency.MEDIUM, Priority.P3),
        (Impact.WORKAROUND, Urgency.LOW, Priority.P4),
        (Impact.NONE, Urgency.HIGH, Priority.P3),
        (Impact.NONE, Urgency.MEDIUM, Priority.P4),
        (Impact.NONE, Urgency.LOW, Priority.P4),
    ],
    ids=lambda value: str(value),
)
def test_example_priority_matrix(
    example: Catalogue, impact: Impact, urgency: Urgency, expected: Priority
) -> None:
    assert example.priority_for(impact, urgency) is expected


@pytest.mark.parametrize(
    ("now", "needed_by", "expected"),
    [
        pytest.param(ny(11, 23, 9), None, Urgency.LOW, id="no-date"),
        pytest.param(ny(11, 23, 9), date(2026, 11, 23), Urgency.HIGH, id="today"),
        pytest.param(ny(11, 23, 9), date(2026, 11, 20), Urgency.HIGH, id="already-past"),
        pytest.param(ny(11, 23, 9), date(2026, 11, 24), Urgency.MEDIUM, id="tomorrow"),
        pytest.param(ny(11, 23, 9), date(2026, 11, 29), Urgency.MEDIUM, id="sunday-means-friday"),
        pytest.param(ny(11, 23, 9), date(2026, 11, 30), Urgency.MEDIUM, id="thanksgiving-week"),
        pytest.param(ny(11, 23, 9), date(2026, 12, 1), Urgency.LOW, id="beyond-five-days"),
        pytest.param(ny(11, 21, 10), date(2026, 11, 23), Urgency.HIGH, id="weekend-for-monday"),
        pytest.param(ny(11, 20, 16), date(2026, 11, 23), Urgency.MEDIUM, id="friday-for-monday"),
    ],
)
def test_example_urgency_from_needed_by(
    example: Catalogue, now: datetime, needed_by: date | None, expected: Urgency
) -> None:
    assert example.urgency_for(needed_by, now) is expected


def test_first_response_due_on_friday_afternoon_lands_on_monday(example: Catalogue) -> None:
    printers = example.service("printers")
    assert printers is not None
    friday = ny(11, 20, 15)  # 1.5 working hours left on Friday
    assert example.first_response_due(printers, Priority.P3, friday) == ny(11, 23, 10)
    assert example.first_response_due(printers, Priority.P2, ny(11, 20, 16)) == ny(11, 23, 8)
    assert example.first_response_due(printers, Priority.P4, friday) == ny(11, 24, 15)


def test_p1_runs_around_the_clock(example: Catalogue) -> None:
    email = example.service("email")
    assert email is not None
    friday_night = ny(11, 20, 20)
    assert example.first_response_due(email, Priority.P1, friday_night) == ny(11, 20, 20, 30)
    assert example.resolution_due(email, Priority.P1, friday_night) == ny(11, 21, 0)
    assert example.next_update_due(email, Priority.P1, friday_night) == ny(11, 20, 21)
    thanksgiving = ny(11, 26, 3)
    assert example.first_response_due(email, Priority.P1, thanksgiving) == ny(11, 26, 3, 30)


def test_resolution_due_skips_the_thanksgiving_holiday(example: Catalogue) -> None:
    network = example.service("network")
    assert network is not None
    # 5d = 45 business hours from Wednesday 09:00: 7.5 + (Thu off) + 9 * 4 + 1.5.
    assert example.resolution_due(network, Priority.P3, ny(11, 25, 9)) == ny(12, 3, 9)
    assert example.next_update_due(network, Priority.P3, ny(11, 25, 9)) == ny(11, 27, 9)


def test_service_overrides_merge_with_defaults(example: Catalogue) -> None:
    cyber, accounts, phones = (example.service(n) for n in ("cyber", "accounts", "phones"))
    assert cyber is not None
    assert accounts is not None
    assert phones is not None
    assert example.level(cyber, Priority.P1).first_response == 15 * M
    assert example.level(cyber, Priority.P1).resolution == 4 * H  # inherited
    assert example.level(cyber, Priority.P2).around_the_clock
    assert example.first_response_due(cyber, Priority.P2, ny(11, 21, 23)) == ny(11, 21, 23, 30)
    p2 = example.level(accounts, Priority.P2)
    assert (p2.first_response, p2.resolution, p2.around_the_clock) == (30 * M, 9 * H, False)
    assert example.level(phones, Priority.P4).resolution == 15 * 9 * H
    assert example.level(phones, Priority.P4).first_response == 18 * H
    assert phones.third_party_pauses_clock
    assert not accounts.third_party_pauses_clock


def test_service_lookup_by_id(example: Catalogue) -> None:
    service = example.service("av-vtc")
    assert service is not None
    assert service.name == "Audio-visual and VTC"
    assert example.service("coffee") is None
    assert {service} == {example.service("av-vtc")}  # services can key sets and dicts


# --- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", 30 * M),
        ("4h", 4 * H),
        ("1h30m", 90 * M),
        ("3d", 27 * H),
        ("2d4h", 22 * H),
        (" 1h 30m ", 90 * M),
        ("90m", 90 * M),
        ("0m", timedelta(0)),
        ("4H", 4 * H),
    ],
)
def test_parse_duration_counts_days_as_working_days(text: str, expected: timedelta) -> None:
    assert parse_duration(text, day_length=9 * H) == expected


def test_parse_duration_day_follows_the_calendar() -> None:
    assert parse_duration("3d", day_length=24 * H) == 72 * H


@pytest.mark.parametrize(
    "text", ["soon", "", "4", "h", "1.5h", "-4h", "4hours", "30s", "1m1h", "2w", "1d1d"]
)
def test_parse_duration_rejects_junk(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration like 30m, 4h or 3d"):
        parse_duration(text, day_length=9 * H)


# --- errors that name file, line and reason ----------------------------------------------

MINIMAL = """\
organisation = "Test Squadron"

[calendar]
timezone = "America/New_York"
working_days = ["mon", "tue", "wed", "thu", "fri"]
hours = "07:30-16:30"
holidays = [
    "2026-11-26",
    "2026-12-25",
]

[urgency]
high_within = "1d"
medium_within = "5d"

[matrix]
stopped = { high = "P1", medium = "P1", low = "P2" }
degraded = { high = "P2", medium = "P2", low = "P3" }
workaround = { high = "P2", medium = "P3", low = "P4" }
none = { high = "P3", medium = "P4", low = "P4" }

[service_levels.P1]
first_response = "30m"
resolution = "4h"
update_every = "1h"
around_the_clock = true

[service_levels.P2]
first_response = "1h"
resolution = "1d"
update_every = "4h"

[service_levels.P3]
first_response = "4h"
resolution = "5d"
update_every = "1d"

[service_levels.P4]
first_response = "2d"
resolution = "10d"
update_every = "3d"

[[services]]
id = "network"
name = "Network"
description = "Connectivity."
owner = "Network Ops"

[[services]]
id = "email"
name = "Email"
description = "Mail."
owner = "Enterprise"

[[services]]
id = "printers"
name = "Printers"
description = "Printing."
owner = "Client Systems"

[services.service_levels.P2]
first_response = "2h"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `needle`, found independently of the loader."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[nth - 1]


def edit(old: str, new: str, nth: int = 1) -> str:
    """MINIMAL with the nth occurrence of `old` replaced."""
    parts = MINIMAL.split(old)
    assert len(parts) > nth, f"{old!r} occurs fewer than {nth} times"
    return old.join(parts[:nth]) + new + old.join(parts[nth:])


def load_error(tmp_path: Path, text: str) -> CatalogueError:
    path = write(tmp_path, text)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert caught.value.path == path
    return caught.value


def test_minimal_catalogue_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(str(write(tmp_path, MINIMAL)))
    printers = catalogue.service("printers")
    assert printers is not None
    assert catalogue.level(printers, Priority.P2).first_response == 2 * H
    assert catalogue.level(printers, Priority.P2).resolution == 9 * H


REPLY = '[[services.replies]]\ntitle = "Mailbox full"\ntext = "Empty it."\n'

# (broken text, needle locating the expected line (nth occurrence), expected reason)
ERROR_CASES = [
    pytest.param(
        edit('owner = "Enterprise"', "owner = Enterprise"),
        ("owner = Enterprise", 1),
        "TOML syntax error: Invalid value (column 9)",
        id="syntax-invalid-value",
    ),
    pytest.param(
        edit('name = "Email"', 'name = "Email"\nname = "Mail"'),
        ('name = "Mail"', 1),
        "TOML syntax error: Cannot overwrite a value (column 14)",
        id="syntax-duplicate-key",
    ),
    pytest.param(
        edit('hours = "07:30-16:30"', 'hours = "07:30-16:30'),
        ("hours =", 1),
        "TOML syntax error: Illegal character '\\n' (column 21)",
        id="syntax-unterminated-string",
    ),
    pytest.param(
        MINIMAL + "extra = [\n",
        ("extra = [", 1),
        "TOML syntax error: Invalid value (at the end of the file)",
        id="syntax-at-end-of-file",
    ),
    pytest.param(
        edit('owner = "Enterprise"\n', ""),
        ("[[services]]", 2),
        'services[1] (email): missing required key "owner"',
        id="missing-service-key",
    ),
    pytest.param(
        edit('update_every = "4h"\n', ""),
        ("[service_levels.P2]", 1),
        'service_levels.P2: missing required key "update_every"',
        id="missing-level-key",
    ),
    pytest.param(
        edit('first_response = "2h"', 'first_response = "soon"'),
        ('first_response = "soon"', 1),
        'services[2] (printers) service_levels.P2.first_response: "soon" is not a duration'
        " like 30m, 4h or 3d",
        id="bad-duration-in-override",
    ),
    pytest.param(
        edit('resolution = "4h"', 'resolution = "0m"'),
        ('resolution = "0m"', 1),
        'service_levels.P1.resolution: "0m" must be longer than zero',
        id="zero-duration",
    ),
    pytest.param(
        edit('resolution = "4h"', 'resolution = "20m"'),
        ('resolution = "20m"', 1),
        "service_levels.P1.resolution: resolution must not be shorter than first_response",
        id="resolution-before-first-response",
    ),
    pytest.param(
        edit("around_the_clock = true", 'around_the_clock = "yes"'),
        ("around_the_clock", 1),
        'service_levels.P1.around_the_clock: expected true or false, got string "yes"',
        id="wrong-type-boolean",
    ),
    pytest.param(
        edit('first_response = "30m"', "first_response = 30"),
        ("first_response = 30", 1),
        "service_levels.P1.first_response: expected a string, got integer 30",
        id="wrong-type-string",
    ),
    pytest.param(
        edit('id = "email"', 'id = "network"'),
        ('id = "network"', 2),
        'services[1] (network) id: duplicate service id "network" (first used on line 44)',
        id="duplicate-service-id",
    ),
    pytest.param(
        edit('id = "printers"', 'id = "Printers!"'),
        ('id = "Printers!"', 1),
        'services[2] (Printers!) id: "Printers!" must be 1-40 lower-case letters, digits or'
        " hyphens",
        id="bad-service-id",
    ),
    pytest.param(
        edit('name = "Printers"', f'name = "{"P" * 76}"'),
        ("PPPP", 1),
        "services[2] (printers) name: is 76 characters long; Slack shows at most 75",
        id="name-too-long",
    ),
    pytest.param(
        edit('owner = "Network Ops"', 'owner = "Network Ops"\ntriage_channel = "#network"'),
        ("triage_channel", 1),
        'services[0] (network) triage_channel: "#network" is not a Slack channel id like'
        " C0123456789 (not a #name)",
        id="channel-name-not-id",
    ),
    pytest.param(
        edit('owner = "Network Ops"', 'owner = "Network Ops"\nowner_team = "x"'),
        ("owner_team", 1),
        'services[0] (network) owner_team: unknown key "owner_team" (expected one of: '
        "id, name, description, owner, triage_channel, third_party_pauses_clock,"
        " service_levels, burst_reports, burst_window, replies)",
        id="unknown-key",
    ),
    pytest.param(
        edit('owner = "Network Ops"', 'owner = "Network Ops"\nburst_reports = 1'),
        ("burst_reports", 1),
        "services[0] (network) burst_reports: expected a whole number of at least 2, got integer 1",
        id="burst-of-one",
    ),
    pytest.param(
        edit('owner = "Network Ops"', 'owner = "Network Ops"\nburst_window = "1d"'),
        ("burst_window", 1),
        'services[0] (network) burst_window: "1d" must be in minutes or hours, like 15m or 1h',
        id="burst-window-in-days",
    ),
    pytest.param(
        edit(
            'owner = "Enterprise"',
            'owner = "Enterprise"\n'
            + REPLY
            + '[[services.replies]]\ntitle = "mailbox FULL"\ntext = "Again."\n',
        ),
        ('title = "mailbox FULL"', 1),
        "services[1] (email) replies[1] (mailbox FULL) title: duplicate reply title"
        ' "mailbox FULL" (first used on line 55)',
        id="reply-duplicate-title",
    ),
    pytest.param(
        edit(
            'owner = "Enterprise"', 'owner = "Enterprise"\n[[services.replies]]\ntitle = "Full"\n'
        ),
        ("[[services.replies]]", 1),
        'services[1] (email) replies[0] (Full): missing required key "text"',
        id="reply-without-text",
    ),
    pytest.param(
        edit(
            'owner = "Enterprise"',
            'owner = "Enterprise"\n' + REPLY.replace("Mailbox full", "M" * 76),
        ),
        ("MMMM", 1),
        f"services[1] (email) replies[0] ({'M' * 76}) title: is 76 characters long; Slack shows"
        " at most 75",
        id="reply-title-too-long",
    ),
    pytest.param(
        edit(
            'owner = "Enterprise"',
            'owner = "Enterprise"\n' + REPLY.replace("Empty it.", "x" * 3001),
        ),
        ("xxxx", 1),
        "services[1] (email) replies[0] (Mailbox full) text: is 3001 characters long; the forms"
        " hold at most 3000",
        id="reply-text-too-long",
    ),
    pytest.param(
        edit(
            'owner = "Enterprise"',
            'owner = "Enterprise"\nreplies = [{ title = "Full", text = "Empty it.", note = 1 }]',
        ),
        ("replies = [", 1),
        'services[1] (email) replies[0] (Full) note: unknown key "note" (expected one of: title,'
        " text)",
        id="reply-unknown-key-inline",
    ),
    pytest.param(
        edit('owner = "Enterprise"', 'owner = "Enterprise"\nreplies = "Mailbox full"'),
        ("replies = ", 1),
        'services[1] (email) replies: expected an array, got string "Mailbox full"',
        id="replies-not-an-array",
    ),
    pytest.param(
        edit('low = "P2" }', 'low = "P5" }'),
        ("stopped =", 1),
        'matrix.stopped.low: unknown priority "P5" (expected P1, P2, P3 or P4)',
        id="matrix-unknown-priority",
    ),
    pytest.param(
        edit("none = {", "nothing = {"),
        ("nothing =", 1),
        'matrix.nothing: unknown impact "nothing" (expected one of: stopped, degraded,'
        " workaround, none)",
        id="matrix-unknown-impact",
    ),
    pytest.param(
        edit('medium = "P2", low = "P3"', 'mid = "P2", low = "P3"'),
        ("degraded =", 1),
        'matrix.degraded.mid: unknown urgency "mid" (expected one of: high, medium, low)',
        id="matrix-unknown-urgency",
    ),
    pytest.param(
        edit(', low = "P3" }', " }"),
        ("degraded =", 1),
        'matrix.degraded: missing required key "low"',
        id="matrix-missing-cell",
    ),
    pytest.param(
        edit('workaround = { high = "P2", medium = "P3", low = "P4" }\n', ""),
        ("[matrix]", 1),
        'matrix: missing required key "workaround"',
        id="matrix-missing-row",
    ),
    pytest.param(
        edit("[service_levels.P4]", "[service_levels.P5]"),
        ("[service_levels.P5]", 1),
        'service_levels.P5: unknown priority "P5" (expected one of: P1, P2, P3, P4)',
        id="levels-unknown-priority",
    ),
    pytest.param(
        edit('"fri"]', '"fr"]'),
        ("working_days", 1),
        'calendar.working_days[4]: string "fr" is not a weekday like "mon" or "friday"',
        id="unknown-weekday",
    ),
    pytest.param(
        edit("America/New_York", "America/Gotham"),
        ("timezone", 1),
        'calendar.timezone: unknown time zone "America/Gotham" (use a name like America/New_York)',
        id="bad-time-zone",
    ),
    pytest.param(
        edit('"2026-12-25",', '"2026-12-32",'),
        ("2026-12-32", 1),
        'calendar.holidays[1]: string "2026-12-32" is not a date like 2026-11-26',
        id="bad-holiday-line-in-array",
    ),
    pytest.param(
        edit("07:30-16:30", "16:30-07:30"),
        ("hours =", 1),
        "calendar.hours: the working day must end after it starts (16:30-07:30)",
        id="hours-reversed",
    ),
    pytest.param(
        edit("07:30-16:30", "7.30 to 4.30"),
        ("hours =", 1),
        'calendar.hours: "7.30 to 4.30" is not working hours like "07:30-16:30"',
        id="hours-junk",
    ),
    pytest.param(
        edit('working_days = ["mon", "tue", "wed", "thu", "fri"]', "working_days = []"),
        ("working_days", 1),
        'calendar.working_days: name at least one working day, like ["mon", "tue"]',
        id="no-working-days",
    ),
    pytest.param(
        edit('medium_within = "5d"', 'medium_within = "4h"'),
        ("medium_within", 1),
        "urgency.medium_within: must not be shorter than high_within",
        id="urgency-out-of-order",
    ),
    pytest.param(
        "services = []\n" + MINIMAL[: MINIMAL.index("[[services]]")],
        ("services = []", 1),
        "services: the list is empty: add at least one [[services]] table",
        id="empty-services",
    ),
    pytest.param(
        "urgency = 3\n" + edit('[urgency]\nhigh_within = "1d"\nmedium_within = "5d"\n', ""),
        ("urgency = 3", 1),
        "urgency: expected a table, got integer 3",
        id="table-expected",
    ),
]


@pytest.mark.parametrize(("text", "where", "reason"), ERROR_CASES)
def test_errors_name_file_line_and_reason(
    tmp_path: Path, text: str, where: tuple[str, int], reason: str
) -> None:
    error = load_error(tmp_path, text)
    expected_line = line_of(text, *where)
    # A misspelt name is also a missing one: that second line may come first, in file order.
    [problem] = [p for p in error.problems if p.reason == reason]
    others = [p.reason for p in error.problems if p is not problem]
    assert len(others) <= (1 if "unknown" in reason else 0), others
    assert all("missing required key" in other for other in others), others
    assert problem.line == expected_line
    assert str(problem) == f"{error.path}:{expected_line}: {reason}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(
            edit('organisation = "Test Squadron"\n', ""),
            'missing required key "organisation"',
            id="missing-top-level-key",
        ),
        pytest.param(
            MINIMAL[: MINIMAL.index("[[services]]")],
            "no services: add at least one [[services]] table",
            id="no-services",
        ),
    ],
)
def test_root_level_errors_have_no_line(tmp_path: Path, text: str, reason: str) -> None:
    error = load_error(tmp_path, text)
    assert error.line is None
    assert str(error) == f"{error.path}: {reason}"


def test_unreadable_file_is_a_catalogue_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(missing)
    assert str(caught.value) == f"{missing}: cannot read the catalogue: No such file or directory"


def test_holidays_may_be_toml_dates_and_are_optional(tmp_path: Path) -> None:
    bare = edit('    "2026-11-26",\n    "2026-12-25",\n', "    2026-11-26,\n")
    assert load_catalogue(write(tmp_path, bare)).calendar.holidays == {date(2026, 11, 26)}
    start = MINIMAL.index("holidays = [")
    none = MINIMAL[:start] + MINIMAL[MINIMAL.index("]\n", start) + 2 :]
    assert load_catalogue(write(tmp_path, none)).calendar.holidays == frozenset()


def test_always_open_shop_uses_24_hour_days(tmp_path: Path) -> None:
    text = edit("07:30-16:30", "00:00-24:00").replace("America/New_York", "UTC")
    text = text.replace('"fri"]', '"fri", "sat", "sunday"]')
    catalogue = load_catalogue(write(tmp_path, text))
    assert catalogue.calendar.working_day_length() == 24 * H
    network = catalogue.service("network")
    assert network is not None
    level = catalogue.level(network, Priority.P4)
    assert (level.first_response, level.resolution) == (48 * H, 240 * H)
    saturday = datetime(2026, 11, 21, 12, tzinfo=UTC)
    assert catalogue.first_response_due(network, Priority.P3, saturday) == saturday + 4 * H


def test_services_offer_saved_replies_in_the_order_written(tmp_path: Path) -> None:
    second = '[[services.replies]]\ntitle = "Quota raised"\ntext = """Raised to 10 GB.\nEnjoy."""\n'
    text = edit('owner = "Enterprise"', 'owner = "Enterprise"\n' + REPLY + second)
    catalogue = load_catalogue(write(tmp_path, text))
    email, network = catalogue.service("email"), catalogue.service("network")
    assert email is not None and network is not None
    assert [(r.title, r.text) for r in email.replies] == [
        ("Mailbox full", "Empty it."),
        ("Quota raised", "Raised to 10 GB.\nEnjoy."),
    ]
    assert network.replies == ()


def test_a_service_offers_at_most_twenty_replies(tmp_path: Path) -> None:
    many = "".join(REPLY.replace("Mailbox full", f"Reply {n}") for n in range(21))
    error = load_error(tmp_path, edit('owner = "Enterprise"', 'owner = "Enterprise"\n' + many))
    assert (
        error.reason
        == "services[1] (email) replies: has 21 replies; a service may offer at most 20"
    )


def test_every_broken_reply_is_reported_at_once(tmp_path: Path) -> None:
    broken = REPLY.replace('"Empty it."', '""') + '[[services.replies]]\ntext = "No title"\n'
    error = load_error(tmp_path, edit('owner = "Enterprise"', 'owner = "Enterprise"\n' + broken))
    assert [p.reason for p in error.problems] == [
        "services[1] (email) replies[0] (Mailbox full) text: must not be empty",
        'services[1] (email) replies[1]: missing required key "title"',
    ]


# --- the line index ------------------------------------------------------------------------

TRICKY = '''\
title = "a # not a comment"  # a comment with key = "value"
notes = """
[not_a_table]
fake = "key"
"""
"quoted.key" = 1
site.name = "x"

[[services]]  # first
id = "a"
[services.levels.P2]
first = 'lit\\eral'

[[services]]
id = "b"
contacts = [
  { name = "x", phone = "1" },
  { name = "y" },
]
[[services.steps]]
say = """ends with two quotes"""""
[[services.steps]]
say = "two"
'''


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("title",), 1),
        (("notes",), 2),
        (("quoted.key",), 6),
        (("site", "name"), 7),
        (("site",), 7),
        (("services",), 9),
        (("services", 0), 9),
        (("services", 0, "id"), 10),
        (("services", 0, "levels", "P2"), 11),
        (("services", 0, "levels", "P2", "first"), 12),
        (("services", 1), 14),
        (("services", 1, "contacts", 0, "phone"), 17),
        (("services", 1, "contacts", 1), 18),
        (("services", 1, "steps", 0), 20),
        (("services", 1, "steps", 1, "say"), 23),
        (("services", 1, "steps", 1, "missing"), 22),  # falls back to the nearest table
        (("services", 5), 9),
        (("nowhere",), None),
        ((), None),
    ],
)
def test_line_index_finds_tables_keys_and_items(
    path: tuple[str | int, ...], line: int | None
) -> None:
    tomllib.loads(TRICKY)  # the index only ever reads text tomllib accepted
    index = LineIndex(TRICKY)
    assert index.line_of(path) == line
    assert ("not_a_table",) not in index.lines
    assert ("fake",) not in index.lines


def test_the_escalation_ladder_has_defaults_and_per_priority_settings(
    tmp_path: Path, example: Catalogue
) -> None:
    network = example.service("network")
    assert network is not None
    p1 = example.level(network, Priority.P1).ladder
    assert (p1.step_after, p1.partner_notices_per_day, p1.around_the_clock) == (30 * M, 3, True)
    p3 = example.level(network, Priority.P3).ladder  # no settings: one update interval a rung
    assert (p3.step_after, p3.partner_notices_per_day) == (9 * H, 3)
    text = edit(
        'update_every = "4h"\n',
        'update_every = "4h"\nescalate_after = "2h"\npartner_notices_per_day = 1\n',
    )
    catalogue = load_catalogue(write(tmp_path, text))
    printers = catalogue.service("printers")
    assert printers is not None
    p2 = catalogue.level(printers, Priority.P2).ladder  # the override keeps the defaults' ladder
    assert (p2.step_after, p2.partner_notices_per_day) == (2 * H, 1)


@pytest.mark.parametrize("value", ['"3"', "-1", "true", "101"])
def test_partner_notices_per_day_must_be_a_small_whole_number(tmp_path: Path, value: str) -> None:
    text = edit(
        'update_every = "1d"\n', f'update_every = "1d"\npartner_notices_per_day = {value}\n'
    )
    error = load_error(tmp_path, text)
    assert error.line == line_of(text, "partner_notices_per_day")
    assert "whole number from 0 to 100" in error.reason
