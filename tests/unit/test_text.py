"""Escaping partner text and formatting times for Slack."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import SectionBlock

from bot.views.text import (
    DAY,
    SPOKEN_MAX,
    escape,
    fallback_zone,
    human_duration,
    md,
    plain_from_slack,
    quote,
    slack_date,
    slack_day,
    spoken,
    truncate,
    use_fallback_zone,
)


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


def test_slack_date_carries_epoch_format_and_a_fallback_in_the_shops_zone() -> None:
    moment = dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)
    before = fallback_zone()
    try:
        use_fallback_zone(ZoneInfo("UTC"))
        assert slack_date(moment) == (
            f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}"
            "|Nov 24, 2026 at 2:30 PM UTC>"
        )
        use_fallback_zone(ZoneInfo("America/New_York"))
        assert slack_date(moment).endswith("|Nov 24, 2026 at 9:30 AM EST>")
        assert slack_date(moment, DAY).endswith("^{date_short_pretty}|Nov 24, 2026>")
    finally:
        use_fallback_zone(before)


def test_a_calendar_day_reads_like_the_dates_around_it() -> None:
    assert slack_day(dt.date(2026, 11, 4)) == "Nov 4, 2026"


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


def section(text: str) -> SectionBlock:
    return SectionBlock(text=md(text))


def test_spoken_text_is_the_whole_message_in_plain_words() -> None:
    blocks = [
        section("*REQ-7* is waiting on a technician."),
        section("*Status*: `New`\n> the _second_ floor printer"),
    ]
    assert spoken("REQ-7 is waiting on a technician.", blocks) == (
        "REQ-7 is waiting on a technician.\nStatus: New\nthe second floor printer"
    )


def test_a_line_with_dates_is_whole_and_a_long_quote_never_crowds_out_what_follows() -> None:
    moment = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
    when = slack_date(moment)
    dated = f"Promised by {when}, then by {when}, and by {when}; nobody has written since then."
    assert len(dated) > 250
    blocks = [section(dated), section("> " + "&amp; " * 3000), section("The last line.")]
    text = spoken("REQ-7", blocks)
    assert len(text) <= SPOKEN_MAX
    assert dated in text and text.endswith("The last line.")
    [quoted] = [line for line in text.splitlines() if line.startswith("&amp;")]
    assert quoted.endswith("…") and not quoted.endswith("&…"), "cut, never inside an entity"
