"""The digest's figures on a fixed history, checked by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.domain.digest import (
    AgeCounts,
    Digest,
    DigestKind,
    Listed,
    LowScore,
    Period,
    Rate,
    TechnicianLine,
)
from bot.supervisors.digests import build_digest
from bot.views.digest import digest_message
from storage import history, polls
from storage.engine import Database
from tests.factories import make_request

H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
SAM, ALEX = "U0SAM", "U0ALEX"
COMMENT = "<!channel> slow & late"


async def _event(session: AsyncSession, request: Any, kind: str, at: dt.datetime) -> None:
    await history.append_event(
        session,
        request_id=request.id,
        at=at,
        kind=kind,
        actor_id=request.assignee_id,
        partner_visible=False,
    )


async def seed(database: Database, now: dt.datetime) -> None:
    """REQ-1..3 filed in the last day, REQ-5 the day before; REQ-4, 6, 7 older (see the test)."""
    async with database.transaction() as session:
        r1 = await make_request(
            session, now=now - 5 * H, priority="P1", status="in_progress", assignee_id=SAM,
            first_responded_at=now - 4 * H,
        )  # fmt: skip
        await _event(session, r1, "claim", now - 4 * H)
        await _event(session, r1, "promise_kept", now - 3 * H)
        r2 = await make_request(
            session, now=now - 6 * H, service_id="email", first_response_breached_at=now - 2 * H
        )
        await _event(session, r2, "first_response_breached", now - 2 * H)
        await _event(session, r2, "promise_lapsed", now - H)
        r3 = await make_request(
            session, now=now - 20 * H, priority="P2", status="closed", assignee_id=ALEX,
            first_responded_at=now - 19 * H, resolved_at=now - 10 * H,
            resolution_breached_at=now - 12 * H, closed_at=now - 2 * H,
        )  # fmt: skip
        for kind, at in (("claim", 19), ("resolution_breached", 12), ("resolve", 10)):
            await _event(session, r3, kind, now - at * H)
        await _event(session, r3, "confirm", now - 2 * H)
        poll = await polls.insert_poll(
            session, request_id=r3.id, partner_id="U0PAT", created_at=now - 2 * H,
            expires_at=now + 5 * D, status="closed", rating=2, informed="no", comment=COMMENT,
            answered_at=now - H,
        )  # fmt: skip
        await polls.insert_follow_up(
            session, poll_id=poll.id, request_id=r3.id, created_at=now - H, due_at=now - H / 2
        )
        r4 = await make_request(
            session, now=now - 3 * D, priority="P4", status="in_progress", assignee_id=SAM,
            first_responded_at=now - 3 * D + H,
        )  # fmt: skip
        await _event(session, r4, "resolve", now - 30 * H)
        await _event(session, r4, "reopen", now - 7 * H)
        r5 = await make_request(
            session, now=now - 30 * H, status="closed", assignee_id=SAM,
            first_responded_at=now - 29 * H, closed_at=now - 25 * H,
        )  # fmt: skip
        await _event(session, r5, "resolve", now - 26 * H)
        await _event(session, r5, "auto_close", now - 25 * H)
        await polls.insert_poll(
            session, request_id=r5.id, partner_id="U0JORDAN", created_at=now - 25 * H,
            expires_at=now + D, status="closed", rating=5, informed="yes", answered_at=now - 24 * H,
        )  # fmt: skip
        await make_request(session, now=now - 10 * D, status="waiting_partner", assignee_id=ALEX)
        await make_request(session, now=now - 3 * D - H)  # REQ-7: new, nobody has it


async def digest_of_last_day(database: Database, now: dt.datetime) -> Digest:
    names = {"network": "Network", "email": "Email"}
    async with database.reading() as session:
        return await build_digest(
            session,
            kind=DigestKind.DAILY,
            period=Period(now - D, now),
            now=now,
            names=lambda s: names.get(s, s),
        )


async def test_the_figures_match_a_hand_count_of_the_history(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    await seed(database, now)
    digest = await digest_of_last_day(database, now)
    today, before = digest.current, digest.previous

    assert today.new == Listed(3, (3, 2, 1)), (
        "in the order they were filed" and before.new == Listed(1, (5,))
    )
    assert today.high_priority == Rate(2, 3) and today.high_priority.percent == 67
    assert before.high_priority == Rate(0, 1)
    assert today.resolved == Listed(1, (3,)) and before.resolved == Listed(2, (4, 5))
    assert today.closed == Listed(1, (3,)) and before.closed == Listed(1, (5,))
    assert today.reopened == Listed(1, (4,)) and before.reopened == Listed(0, ())
    # First responses decided today: REQ-1 and REQ-3 in time, REQ-2 breached.
    assert today.first_response == Rate(2, 3)
    assert today.first_response_breached == Listed(1, (2,))
    assert before.first_response == Rate(1, 1)
    # Resolutions: REQ-3 breached its target today; REQ-4 and REQ-5 were in time the day before.
    assert today.resolution == Rate(0, 1) and today.resolution_breached == Listed(1, (3,))
    assert before.resolution == Rate(2, 2)
    assert (today.promises_kept, today.promises_lapsed) == (1, 1)
    assert (before.promises_kept, before.promises_lapsed) == (0, 0)
    assert (today.polls_sent, today.polls_answered, today.average_rating) == (1, 1, 2.0)
    assert today.informed == Rate(0, 1) and before.informed == Rate(1, 1)
    assert before.average_rating == 5.0
    assert today.low_scores == (LowScore(3, 2, COMMENT),)
    assert today.services == (("Network", 2), ("Email", 1))

    queue = digest.queue
    assert queue.by_priority == (
        AgeCounts("P1", (1, 0, 0)),
        AgeCounts("P3", (1, 1, 1)),
        AgeCounts("P4", (0, 1, 0)),
    )
    assert queue.open_total == 5
    assert queue.unclaimed == Listed(2, (7, 2))
    assert queue.oldest_unclaimed == (7, now - 3 * D - H)
    assert (queue.follow_ups_open, queue.follow_ups_overdue) == (1, 1)
    assert digest.technicians == (TechnicianLine(ALEX, 1, 1), TechnicianLine(SAM, 2, 0))


async def test_the_message_names_the_requests_and_escapes_comments(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    await seed(database, now)
    blocks, fallback = digest_message(await digest_of_last_day(database, now))
    text = "\n".join(str(b.to_dict()) for b in blocks)
    assert "New: *3* (1): REQ-3, REQ-2, REQ-1" in text
    assert "Resolution target met: *0 % (0 of 1)* (100 % (2 of 2)); breached: REQ-3" in text
    assert "oldest REQ-7" in text
    assert "&lt;!channel&gt; slow &amp; late" in text and "<!channel>" not in text
    assert "<@U0ALEX>: 1 open, 1 resolved" in text
    assert fallback.startswith("Daily digest")
