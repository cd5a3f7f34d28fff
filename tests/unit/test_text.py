"""Escaping partner text and formatting times for Slack."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.views.text import escape, human_duration, plain_from_slack, quote, slack_date, truncate


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<!channel> printer down", "&lt;!channel&gt; printer down"),
        ("<!here|here>", "&lt;!here|here&gt;"),
        ("<@U0BOSS> please", "&lt;@U0BOSS&gt; please"),
        ("R&D <b>", "R&amp;D &lt;b&gt;"),
        ("already &amp; escaped", "already &amp;amp; escaped"),
        ("ünïcødé ✓", "ünïcødé ✓"),
    ],
)
def test_partner_text_is_escaped_so_it_cannot_ping_or_format(typed: str, shown: str) -> None:
    assert escape(typed) == shown


@pytest.mark.parametrize(
    ("slack_text", "typed"),
    [
        ("<!channel> the VPN", "@channel the VPN"),
        ("<!here> help", "@here help"),
        ("ask <@U0TECH|sam> or <@U0BOB>", "ask @sam or @U0BOB"),
        ("in <#C0NOC|noc> channel", "in #noc channel"),
        ("<!subteam^S0NET|@net-team> down", "@net-team down"),
        ("see <https://x.mil/a|the page>", "see the page (https://x.mil/a)"),
        ("R&amp;D &lt;lab&gt;", "R&D <lab>"),
    ],
)
def test_slack_encoded_text_becomes_what_the_person_typed(slack_text: str, typed: str) -> None:
    assert plain_from_slack(slack_text) == typed


def test_quote_escapes_every_line() -> None:
    assert quote("a <b>\nc & d") == "> a &lt;b&gt;\n> c &amp; d"


def test_slack_date_carries_epoch_format_and_utc_fallback() -> None:
    moment = dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)
    assert slack_date(moment) == (
        f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|2026-11-24 14:30 UTC>"
    )


def test_truncate_keeps_within_the_limit() -> None:
    assert truncate("x" * 200, 150) == "x" * 149 + "…"
    assert truncate("short", 150) == "short"


@pytest.mark.parametrize(
    ("duration", "day", "text"),
    [
        (dt.timedelta(minutes=30), None, "30 min"),
        (dt.timedelta(hours=4), None, "4 h"),
        (dt.timedelta(hours=27), dt.timedelta(hours=9), "3 business days"),
        (dt.timedelta(hours=9), dt.timedelta(hours=9), "1 business day"),
        (dt.timedelta(hours=2, minutes=30), dt.timedelta(hours=9), "2 h 30 min (business hours)"),
    ],
)
def test_durations_read_the_way_partners_say_them(
    duration: dt.timedelta, day: dt.timedelta | None, text: str
) -> None:
    assert human_duration(duration, business_day=day) == text
