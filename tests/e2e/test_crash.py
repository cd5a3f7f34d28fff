"""Ack means stored: partners file at once, the process is killed, and nothing they were told
was received is lost, half-written or delivered twice.

A real `liaison run` process on a real database file (and on PostgreSQL) receives request
forms from eight partners at once through the simulated Slack, and is sent SIGKILL at a
moment drawn from a seeded random generator. A new process on the same database then
delivers what is owed.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app.local import SIGNING_SECRET, Workspace, seed_workspace
from simulator import SimMessage, SlackSimulator
from storage.engine import Database
from storage.migrate import upgrade_to_head
from storage.models import OutboxMessage, Request, RequestEvent, Timer
from tests.e2e.processes import LiaisonProcess

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
FILINGS = 500
CONCURRENCY = 8
PARTNERS = [f"U0FILER{i}" for i in range(CONCURRENCY)]
DRAIN_LIMIT = 120.0  # seconds the restarted process may take to send what is owed


@dataclass
class Outcomes:
    """What each partner saw when they pressed Submit."""

    acknowledged: set[str] = field(default_factory=set)  # the form closed
    refused: set[str] = field(default_factory=set)  # the form stayed open with an error
    unanswered: set[str] = field(default_factory=set)  # Slack showed an error (no answer)
    started: int = 0


async def open_form(slack: SlackSimulator, user: str, summary: str, outcomes: Outcomes) -> bool:
    """Run /request and wait for the form; False (and counted unanswered) when it never opens."""
    command = await slack.command(user, "/request", "")
    try:
        assert command.ok
        await slack.wait_for_view(user, within=5.0)
    except (TimeoutError, AssertionError):
        outcomes.unanswered.add(summary)
        return False
    return True


async def submit_form(
    slack: SlackSimulator, user: str, summary: str, outcomes: Outcomes, service: str = "network"
) -> None:
    """Fill in and submit the open form, and record what the partner saw."""
    answers = {"service": service, "impact": "degraded", "summary": summary}
    result = await slack.submit_view(user, answers)
    if result.closed:
        outcomes.acknowledged.add(summary)
    elif result.errors:
        outcomes.refused.add(summary)
    else:
        outcomes.unanswered.add(summary)
    if result.view is not None:
        await slack.close_view(user)


async def file_until_killed(slack: SlackSimulator, liaison: LiaisonProcess, seed: int) -> Outcomes:
    """Eight partners file as fast as they can; SIGKILL after a seeded number of submissions."""
    outcomes = Outcomes()
    kill_after = random.Random(seed).randint(FILINGS // 10, FILINGS * 7 // 10)
    numbers = iter(range(FILINGS))
    killed = asyncio.Event()

    async def partner(user: str) -> None:
        for n in numbers:
            if killed.is_set():
                return
            summary = f"Crash test filing {n}"
            if not await open_form(slack, user, summary, outcomes):
                continue
            outcomes.started += 1
            if outcomes.started == kill_after:
                liaison.kill()
                killed.set()
            await submit_form(slack, user, summary, outcomes)

    await asyncio.gather(*(partner(user) for user in PARTNERS))
    await liaison.wait()
    return outcomes


async def wait_until_delivered(database: Database) -> None:
    """Poll (real time: the process runs on the real clock) until the outbox owes nothing."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + DRAIN_LIMIT
    while loop.time() < give_up:
        async with database.reading() as session:
            owed = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("pending", "sending")))
            )
        if not owed:
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the restarted process did not deliver what was owed in time")


async def stored_requests(database: Database) -> dict[str, Request]:
    async with database.reading() as session:
        rows = (await session.scalars(select(Request))).all()
    return {row.summary: row for row in rows}


async def assert_nothing_half_written(database: Database, rows: list[Request]) -> None:
    """Every stored request has its history line, its clocks and its two messages."""
    async with database.reading() as session:
        opened = Counter(
            (
                await session.scalars(
                    select(RequestEvent.request_id).where(RequestEvent.kind == "opened")
                )
            ).all()
        )
        clocked = set((await session.scalars(select(Timer.request_id))).all())
        roles = Counter(
            (
                await session.execute(
                    select(OutboxMessage.request_id, OutboxMessage.role).where(
                        OutboxMessage.role.in_(("card", "partner_thread"))
                    )
                )
            ).all()
        )
        failed = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")
        )
    for row in rows:
        assert opened[row.id] == 1, f"REQ-{row.number} has no opened event"
        assert row.id in clocked, f"REQ-{row.number} has no timers"
        assert roles[(row.id, "card")] == 1 and roles[(row.id, "partner_thread")] == 1
    assert failed == 0


def names(ref: str, text: str) -> bool:
    """True when `text` speaks of this request (REQ-1, not REQ-10)."""
    return re.search(rf"\b{re.escape(ref)}\b", text) is not None


def card_ref(message: SimMessage) -> str | None:
    """The request a triage card is about, from its header; None for any other post.

    A suspected-outage alert names the requests it saw too, in its text as in its blocks.
    """
    header = message.blocks[0] if message.blocks else {}
    if header.get("type") != "header":
        return None
    found = re.match(r"(REQ-\d+) · ", header["text"]["text"])
    return found.group(1) if found else None


def assert_delivered_once(slack: SlackSimulator, workspace: Workspace, rows: list[Request]) -> None:
    """One triage card and one confirmation DM per stored request: none missing, none twice."""
    # A card with replies carries its own ts as thread_ts, as in Slack; replies are left out.
    top = [m for m in slack.messages(workspace.triage_channel) if m.thread_ts in (None, m.ts)]
    cards = [card_ref(m) for m in top]
    for row in rows:
        ref = f"REQ-{row.number}"
        in_cards = cards.count(ref)
        assert in_cards == 1, f"{ref} has {in_cards} triage cards"
        dms = [
            m
            for m in slack.dm_messages(row.partner_id)
            if m.thread_ts in (None, m.ts) and names(ref, m.text)
        ]
        assert len(dms) == 1, f"{ref} has {len(dms)} confirmation DMs"


@pytest.mark.parametrize("seed", [11])
async def test_every_acknowledged_request_survives_a_kill(
    database_url: str, tmp_path: Path, seed: int
) -> None:
    await upgrade_to_head(database_url)
    workspace = Workspace()
    async with SlackSimulator(signing_secret=SIGNING_SECRET) as slack:
        seed_workspace(slack, workspace)
        for user in PARTNERS:
            slack.add_user(user, user.lower(), real_name=f"Filer {user[-1]}")
        first = LiaisonProcess(slack, database_url, tmp_path, workspace)
        await first.start()
        outcomes = await file_until_killed(slack, first, seed)
        assert outcomes.acknowledged, first.log()

        second = LiaisonProcess(slack, database_url, tmp_path, workspace)
        await second.start()
        database = Database(database_url)
        try:
            await wait_until_delivered(database)
            stored = await stored_requests(database)
            # Every partner whose form closed has their request, word for word.
            missing = outcomes.acknowledged - stored.keys()
            assert not missing, f"{len(missing)} acknowledged requests were lost"
            # A refused form stored nothing: the partner still has their text to send again.
            assert not (outcomes.refused & stored.keys())
            rows = list(stored.values())
            await assert_nothing_half_written(database, rows)
            assert sorted(r.number for r in rows) == list(range(1, len(rows) + 1))
            assert_delivered_once(slack, workspace, rows)
        finally:
            await second.stop()
            await database.dispose()
