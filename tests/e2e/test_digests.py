"""Digests reach the supervisors once per period; the figures are for supervisors only."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.app.local import LocalLiaison
from storage.models import DigestSent
from tests.e2e.helpers import PAT, file_request

pytestmark = pytest.mark.e2e
MORGAN = "U0MORGAN"
# The clock starts Monday 23 November 2026 at 09:00 in New York; digests are at 07:45 there.
TUESDAY_DIGEST = dt.datetime(2026, 11, 24, 12, 45, tzinfo=dt.UTC)


def digests(liaison: LocalLiaison) -> list[str]:
    channel = liaison.workspace.supervisor_channel
    return [m.rendered for m in liaison.slack.messages(channel) if "digest" in m.rendered.lower()]


async def sent_rows(liaison: LocalLiaison) -> int:
    async with liaison.runtime.database.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(DigestSent)) or 0)


async def until(liaison: LocalLiaison, moment: dt.datetime) -> None:
    await liaison.advance(moment - liaison.clock.now())


async def test_the_daily_digest_is_sent_once_even_across_passes_and_a_restart(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    await file_request(liaison, summary="Printer jams")
    assert digests(liaison) == [], "Monday's 07:45 digest was long past when Liaison started"
    await until(liaison, TUESDAY_DIGEST)
    [daily] = digests(liaison)
    assert "Daily digest" in daily and "New: *2* (0): REQ-1, REQ-2" in daily
    assert await liaison.runtime.scheduler.run_pass() == 0
    assert await liaison.runtime.scheduler.run_pass() == 0
    await liaison.restart()
    await liaison.advance(dt.timedelta(minutes=5))
    assert len(digests(liaison)) == 1 and await sent_rows(liaison) == 1


async def test_a_second_replica_finds_the_period_sent_and_sends_nothing(
    liaison: LocalLiaison,
) -> None:
    await until(liaison, TUESDAY_DIGEST)
    assert len(digests(liaison)) == 1
    desk = liaison.runtime.digests
    desk._sent.clear()  # a second process: nothing in memory, only the database knows
    assert await desk.run_due(liaison.clock.now()) == 0
    await liaison.settle()
    assert len(digests(liaison)) == 1


async def test_a_quiet_day_is_one_line(liaison: LocalLiaison) -> None:
    await until(liaison, TUESDAY_DIGEST)
    [message] = liaison.slack.messages(liaison.workspace.supervisor_channel)
    assert len(message.blocks) == 1
    assert "quiet period" in message.rendered and "\n" not in message.rendered.strip()


async def test_no_daily_digest_on_thanksgiving_or_the_weekend(liaison: LocalLiaison) -> None:
    thanksgiving = dt.datetime(2026, 11, 26, 12, 50, tzinfo=dt.UTC)
    await until(liaison, thanksgiving - dt.timedelta(days=1, minutes=5))  # Wednesday 07:45
    assert len(digests(liaison)) == 1
    await until(liaison, thanksgiving)
    assert len(digests(liaison)) == 1, "Thanksgiving is a holiday in the catalogue"
    await until(liaison, thanksgiving + dt.timedelta(days=1))  # Friday: covers Wednesday on
    assert len(digests(liaison)) == 2
    await until(liaison, thanksgiving + dt.timedelta(days=2))  # Saturday
    await until(liaison, thanksgiving + dt.timedelta(days=3))  # Sunday
    assert len(digests(liaison)) == 2
    await until(liaison, thanksgiving + dt.timedelta(days=4))  # Monday: daily and weekly
    texts = digests(liaison)
    assert len(texts) == 4 and any("Weekly digest" in t for t in texts[2:])


async def test_stats_are_refused_to_a_partner_and_answered_to_a_supervisor(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    await liaison.advance(dt.timedelta(minutes=1))
    await liaison.slack.command(PAT, "/request", "stats")
    await liaison.settle()
    [refusal] = liaison.slack.ephemerals(PAT)
    assert "for supervisors" in refusal.text
    await liaison.slack.command(MORGAN, "/request", "stats 30d")
    await liaison.settle()
    [answer] = liaison.slack.ephemerals(MORGAN)
    assert "Service figures" in answer.rendered and "New: *1* (0): REQ-1" in answer.rendered
    assert liaison.slack.messages(liaison.workspace.supervisor_channel) == []
    await liaison.slack.command(MORGAN, "/request", "stats 12d")
    await liaison.settle()
    assert "7d, 30d or 90d" in liaison.slack.ephemerals(MORGAN)[-1].text


async def test_digest_posts_to_the_supervisors_channel_now(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await liaison.advance(dt.timedelta(minutes=1))
    await liaison.slack.command(PAT, "/request", "digest")
    await liaison.settle()
    assert digests(liaison) == [] and "for supervisors" in liaison.slack.ephemerals(PAT)[0].text
    await liaison.slack.command(MORGAN, "/request", "digest")
    await liaison.settle()
    [posted] = digests(liaison)
    assert "Digest so far" in posted and "REQ-1" in posted
    assert "C0SUPERVISE" in liaison.slack.ephemerals(MORGAN)[0].text
    assert await sent_rows(liaison) == 0, "an asked-for digest does not use up the scheduled one"
