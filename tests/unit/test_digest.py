"""The digest's schedule, its view within Slack's limits, its sub-commands and settings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.catalogue import load_catalogue
from bot.domain.digest import (
    AgeCounts,
    Digest,
    DigestKind,
    DigestSchedule,
    Listed,
    LowScore,
    Period,
    PeriodFigures,
    QueueFigures,
    Rate,
    TechnicianLine,
)
from bot.settings import Settings, SettingsError, load_settings
from bot.views.digest import digest_message
from handlers.parse import StatsFor, SubCommand, parse_command_text
from tests.conftest import EXAMPLE_CATALOGUE
from tests.unit.test_views import check_blocks, dicts

NEW_YORK = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK).astimezone(dt.UTC)


@pytest.fixture(scope="module")
def schedule() -> DigestSchedule:
    calendar = load_catalogue(EXAMPLE_CATALOGUE).calendar
    return DigestSchedule(at=dt.time(7, 45), zone=NEW_YORK, calendar=calendar, weekly_day=0)


def test_the_scheduler_is_told_when_the_next_digest_falls_due(schedule: DigestSchedule) -> None:
    assert schedule.next_due(local(25, 7, 45)) == local(27, 7, 45), "Thanksgiving is skipped"
    assert schedule.next_due(local(27, 9)) == local(30, 7, 45), "then the weekend"
    assert schedule.next_due(local(30, 7, 44)) == local(30, 7, 45)


def test_the_daily_digest_skips_thanksgiving_and_the_weekend(schedule: DigestSchedule) -> None:
    assert schedule.latest_daily(local(26, 9)) == local(25, 7, 45), "Thanksgiving"
    assert schedule.latest_daily(local(29, 9)) == local(27, 7, 45), "Sunday"
    monday = local(30, 7, 45)
    assert schedule.latest_daily(monday) == monday
    assert schedule.daily_period(monday) == Period(local(27, 7, 45), monday)
    assert schedule.daily_period(local(27, 7, 45)).start == local(25, 7, 45)


def test_the_weekly_digest_covers_the_seven_days_before_monday(schedule: DigestSchedule) -> None:
    due = schedule.latest_weekly(local(26, 9))
    assert due == local(23, 7, 45)
    assert schedule.weekly_period(due) == Period(local(16, 7, 45), due)
    assert schedule.latest_weekly(local(23, 7, 44)) == local(16, 7, 45)


def busy_digest(size: int) -> Digest:
    many = Listed(size, tuple(range(1, 11)))
    figures = PeriodFigures(
        new=many,
        high_priority_new=size,
        resolved=many,
        closed=many,
        reopened=many,
        first_response=Rate(1, size),
        first_response_breached=many,
        resolution=Rate(0, size),
        resolution_breached=many,
        polls_sent=size,
        polls_answered=size,
        average_rating=1.0,
        informed=Rate(0, size),
        low_scores=tuple(LowScore(n, 1, "<!here> & " + "x" * 5000) for n in range(1, 4)),
        services=tuple((f"Service <{n}>", size) for n in range(10)),
    )
    queue = QueueFigures(
        by_priority=tuple(AgeCounts(p, (size, size, size)) for p in ("P1", "P2", "P3", "P4")),
        unclaimed=many,
        oldest_unclaimed=(1, NOW - dt.timedelta(days=40)),
        follow_ups_open=size,
        follow_ups_overdue=size,
    )
    technicians = tuple(TechnicianLine(f"U0TECH{n:03d}", n, n) for n in range(40))
    return Digest(
        kind=DigestKind.WEEKLY,
        period=Period(NOW - dt.timedelta(days=7), NOW),
        current=figures,
        previous=figures,
        queue=queue,
        technicians=technicians,
    )


def test_long_lists_end_with_and_n_more_within_slack_limits() -> None:
    blocks, text = digest_message(busy_digest(5000))
    check_blocks(dicts(blocks), limit=50)
    rendered = "\n".join(str(b.to_dict()) for b in blocks)
    assert (
        "REQ-1, REQ-2, REQ-3, REQ-4, REQ-5, REQ-6, REQ-7, REQ-8, REQ-9, REQ-10 and 4990 more"
        in (rendered)
    )
    assert "and 30 more" in rendered, "40 technicians, 10 shown"
    assert "liaison export --since 7d" in rendered and "/request stats" in rendered
    assert "<!here>" not in rendered and "Service &lt;0&gt;" in rendered
    assert "are impacts being inflated?" in rendered
    assert text.startswith("Weekly digest")


def test_a_quiet_period_is_one_line() -> None:
    digest = Digest(
        kind=DigestKind.DAILY,
        period=Period(NOW - dt.timedelta(days=1), NOW),
        current=PeriodFigures(),
        previous=PeriodFigures(new=Listed(4, (1, 2, 3, 4))),
        queue=QueueFigures(),
        technicians=(),
    )
    [block], text = digest_message(digest)
    line = block.to_dict()["text"]["text"]
    assert "quiet period" in line and "\n" not in line and "quiet" in text


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("stats", StatsFor(7, "")),
        ("stats 30d", StatsFor(30, "30d")),
        ("STATS 90D", StatsFor(90, "90D")),
        ("stats 1y", StatsFor(None, "1y")),
        ("digest", SubCommand.DIGEST),
    ],
)
def test_stats_and_digest_sub_commands(typed: str, parsed: object) -> None:
    assert parse_command_text(typed) == parsed


def _settings(**overrides: str) -> Settings:
    return load_settings(
        _env_file=None,
        slack_bot_token="xoxb-1-2-abc",
        slack_app_token="xapp-1-A1-abc",
        triage_channel="C0TRIAGE",
        **overrides,
    )


def test_digest_settings_are_read_and_checked() -> None:
    settings = _settings(digest_time="18:30", weekly_digest_day="Friday", digest_dm="true")
    assert (settings.digest_time, settings.weekly_digest_day, settings.digest_dm) == (
        dt.time(18, 30),
        "fri",
        True,
    )
    assert _settings(digest_time="off").digest_time is None
    with pytest.raises(SettingsError, match="WEEKLY_DIGEST_DAY"):
        _settings(weekly_digest_day="someday")
    with pytest.raises(SettingsError, match="DIGEST_TIMEZONE"):
        _settings(digest_timezone="Mars/Olympus")


def test_age_bands_are_words_that_survive_mrkdwn() -> None:
    blocks, _ = digest_message(busy_digest(3))
    rendered = "\n".join(str(b.to_dict()) for b in blocks)
    assert "P2: 9 (3 under 1 day, 3 1–7 days, 3 over 7 days)" in rendered
    assert "&lt;" not in rendered.split("Open now")[1].split("Unclaimed")[0]


def test_a_period_counts_its_end_and_not_its_start() -> None:
    daily = Period(NOW - dt.timedelta(days=1), NOW)
    assert daily.before().end == daily.start, "back to back, sharing no counted moment"
