"""Three replicas behind a load balancer on one PostgreSQL, each killed in turn while partners
file and while clocks run out: every acknowledged request is stored, numbered once, and gets
one card and one DM; every warning, breach and lapsed promise is told once; and each digest
period reaches the supervisors once, though the replica that runs the digests is killed.

The replicas run on the system clock, so the run is laid out in real time. One filing in four
of the first half is for a service (cyber incidents) whose first response is due a minute
after filing, warned six seconds in, and whose partner is promised an update within that
minute too; the rest have targets a day away, which nothing in the run may touch. A daily and
a weekly digest fall due while partners are still filing, in a time zone where it is the
middle of the day, so that no day ends during the run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app.local import SIGNING_SECRET, Workspace, seed_workspace
from bot.app.server import EVENTS_PATH
from bot.clock import SystemClock
from bot.expectations.desk import ALL_TIMERS
from simulator import SimMessage, SlackSimulator
from storage.engine import Database
from storage.migrate import upgrade_to_head
from storage.models import DigestSent, OutboxMessage, Request, RequestEvent, Timer
from tests.e2e.processes import LiaisonProcess
from tests.e2e.test_crash import (
    Outcomes,
    assert_delivered_once,
    assert_nothing_half_written,
    card_ref,
    names,
    open_form,
    stored_requests,
    submit_form,
    wait_until_delivered,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(900)]
REPLICAS = 3
FILINGS = 1000
CONCURRENCY = 8
PARTNERS = [f"U0REPL{i}" for i in range(CONCURRENCY)]
URGENT, ROUTINE = "cyber", "network"  # the service whose clocks run out in the run, the rest
URGENT_EVERY = 4  # one filing in four of the first half is urgent: 125 requests
# A thousand filings a minute on one service is this test's load, not a suspected outage: the
# burst alert is tested on its own (tests/e2e/test_awareness.py), and here it would re-render
# an alert listing every request on every filing.
NO_BURST = FILINGS + 1
# The digests fall due this long after the replicas are started: while partners still file.
DIGEST_AFTER = dt.timedelta(seconds=40)
WAIT_LIMIT = 300.0  # seconds any awaited moment (a digest, the last breach) may take
HORIZON = dt.timedelta(hours=1)  # every clock (warning, breach, promise) due within it fires
MIDDAY = 12  # the shop's local hour at the start: no day (or daily allowance) ends in the run
MISSED = "first response target missed"


@dataclass(frozen=True)
class Schedule:
    """Where and when this run's clocks and digests fall due, from the moment it starts."""

    zone: str  # an Etc/GMT zone in which it is about midday now
    digest_at: dt.datetime  # in that zone

    @classmethod
    def starting(cls, now: dt.datetime) -> Schedule:
        """The schedule of a run starting `now` (the system clock the replicas read too)."""
        offset = MIDDAY - now.hour  # -11 .. +12 hours, every one an Etc/GMT zone
        zone = "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-5 is UTC+5
        local = now + dt.timedelta(hours=offset) + DIGEST_AFTER
        return cls(zone=zone, digest_at=local.replace(tzinfo=None))

    def catalogue(self) -> str:
        """Every day all day; targets a day away, except the urgent service's at P3.

        There the first response is due a minute after filing (warned at 6 s), and so is the
        first promised update; the partner may be told once a day that it lapsed, and the
        ladder's next rung is a day away, so each urgent request's promise lapses once in the
        run. Every filing is P3 (degraded, no date needed).
        """
        level = 'first_response = "1d"\nresolution = "5d"\nupdate_every = "1d"\n'
        levels = "\n".join(f"[service_levels.{p}]\n{level}" for p in ("P1", "P2", "P3", "P4"))
        row = '{ high = "P2", medium = "P3", low = "P3" }'
        return f"""organisation = "Replica test squadron"

[calendar]
timezone = "{self.zone}"
working_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = "00:00-24:00"
holidays = []

[urgency]
high_within = "1d"
medium_within = "5d"

[matrix]
stopped = {row}
degraded = {row}
workaround = {row}
none = {row}

{levels}
[[services]]
id = "{ROUTINE}"
name = "Network"
description = "No or slow network."
owner = "Network Operations"
burst_reports = {NO_BURST}

[[services]]
id = "{URGENT}"
name = "Cyber security incidents"
description = "Suspected phishing or malware."
owner = "Cybersecurity Office"
burst_reports = {NO_BURST}

[services.service_levels.P3]
first_response = "1m"
update_every = "1m"
around_the_clock = true
escalate_after = "1d"
partner_notices_per_day = 1
"""

    def settings(self, catalogue: Path) -> dict[str, str]:
        """The daily and the weekly digest at the same moment; warnings at 90 % of the target."""
        return {
            "CATALOGUE_FILE": str(catalogue),
            "DIGEST_TIME": self.digest_at.strftime("%H:%M:%S"),
            "WEEKLY_DIGEST_DAY": self.digest_at.strftime("%a").lower(),
            "BREACH_WARNING_LEAD": "0.9",
        }


class LoadBalancer:
    """Sends each of Slack's requests to the next live replica, as a proxy in front would.

    A replica that does not answer is taken out of the rotation (the partner whose request it
    was sees Slack's error, as they would); a restarted one is put back.
    """

    def __init__(self, replicas: list[LiaisonProcess]) -> None:
        self.replicas = replicas
        self.down: set[int] = set()
        self._turn = itertools.count()
        self._session: aiohttp.ClientSession | None = None
        self._killing = [asyncio.Lock() for _ in replicas]  # one kill of a replica at a time

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-slack")}
        headers["Content-Type"] = request.headers.get("Content-Type", "")
        for _ in range(len(self.replicas)):
            index = next(self._turn) % len(self.replicas)
            if index in self.down:
                continue
            assert self._session is not None
            try:
                async with self._session.post(
                    self.replicas[index].events_url, data=body, headers=headers
                ) as answer:
                    return web.Response(
                        status=answer.status,
                        body=await answer.read(),
                        content_type=answer.content_type,
                    )
            except aiohttp.ClientError:
                self.down.add(index)
                return web.Response(status=502)
        return web.Response(status=503)

    async def kill_and_restart(self, choose: Callable[[], Awaitable[int]]) -> int:
        """SIGKILL the replica `choose` names, then start it again; returns which it was."""
        index = await choose()
        async with self._killing[index]:
            replica = self.replicas[index]
            self.down.add(index)
            replica.kill()
            await replica.wait()
            await replica.start(route=False)
            self.down.discard(index)
            return index

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        app = web.Application()
        app.router.add_post(EVENTS_PATH, self.forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._session = aiohttp.ClientSession()
        try:
            yield f"http://127.0.0.1:{port}{EVENTS_PATH}"
        finally:
            await self._session.close()
            await runner.cleanup()


def fixed(index: int) -> Callable[[], Awaitable[int]]:
    """Always replica `index`: the kills at set moments, whatever that replica is doing."""

    async def choose() -> int:
        return index

    return choose


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll (real time: the replicas run on the system clock) until `condition` holds."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + WAIT_LIMIT
    while not await condition():
        if loop.time() > give_up:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.2)


async def file_while_replicas_die(slack: SlackSimulator, balancer: LoadBalancer) -> Outcomes:
    """Partners file; at each quarter of the run one replica is killed, then started again."""
    outcomes = Outcomes()
    numbers = iter(range(FILINGS))
    kill_at = {FILINGS * (i + 1) // (REPLICAS + 1): i for i in range(REPLICAS)}
    restarts: list[asyncio.Task[int]] = []

    async def partner(user: str) -> None:
        for n in numbers:
            if n in kill_at:
                restart = balancer.kill_and_restart(fixed(kill_at[n]))
                restarts.append(asyncio.create_task(restart))
            summary = f"Replica test filing {n}"
            service = URGENT if n < FILINGS // 2 and n % URGENT_EVERY == 0 else ROUTINE
            if await open_form(slack, user, summary, outcomes):
                await submit_form(slack, user, summary, outcomes, service)

    await asyncio.gather(*(partner(user) for user in PARTNERS))
    await asyncio.gather(*restarts)
    return outcomes


def digests(slack: SlackSimulator, workspace: Workspace) -> Counter[str]:
    """The scheduled digests the supervisors' channel shows, by kind."""
    posted = slack.messages(workspace.supervisor_channel)
    return Counter(
        kind
        for m in posted
        for kind in ("Daily digest", "Weekly digest")
        if m.text.startswith(kind)
    )


async def kill_the_digest_poster(
    slack: SlackSimulator, workspace: Workspace, b: LoadBalancer
) -> int:
    """Once a digest reaches the supervisors, kill the replica that runs the periodic jobs."""

    async def posted() -> bool:
        return bool(digests(slack, workspace))

    async def leader() -> int:
        found: list[int] = []

        async def one_leads() -> bool:
            found[:] = [i for i, r in enumerate(b.replicas) if i not in b.down and r.leads()]
            return len(found) == 1

        await until(one_leads, "one replica to run the periodic jobs")
        return found[0]

    await until(posted, "the digest")
    return await b.kill_and_restart(leader)


async def kill_while_breaches_fire(database: Database, b: LoadBalancer) -> int:
    """Kill a replica once half the urgent requests' first-response targets have been missed."""

    async def half_breached() -> bool:
        async with database.reading() as session:
            breached = await session.scalar(
                select(func.count())
                .select_from(RequestEvent)
                .where(RequestEvent.kind == "first_response_breached")
            )
            urgent = await session.scalar(
                select(func.count()).select_from(Request).where(Request.service_id == URGENT)
            )
        return 2 * int(breached or 0) >= int(urgent or 0) > 0

    await until(half_breached, "half the first-response targets to be missed")
    return await b.kill_and_restart(fixed(0))


async def wait_until_settled(database: Database) -> None:
    """Until every warning, breach and promise due within the horizon has fired and the outbox
    owes nothing. (Each filing's related-requests lookup is a timer too, not waited for here.)"""
    clock = SystemClock()

    async def settled() -> bool:
        async with database.reading() as session:
            due = await session.scalar(
                select(func.count())
                .select_from(Timer)
                .where(
                    Timer.kind.in_(ALL_TIMERS),
                    Timer.status == "pending",
                    Timer.parked_at.is_(None),
                    Timer.due_at <= clock.now() + HORIZON,
                )
            )
            owed = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("pending", "sending")))
            )
        return not due and not owed

    await until(settled, "every clock due within the hour to fire and its messages to be sent")


async def assert_each_timer_fired_once(database: Database, rows: list[Request]) -> None:
    """In the history: one breach, one lapse and one escalation per urgent request, none for
    the others; nothing parked; one record of each digest period."""
    async with database.reading() as session:
        kinds = ("first_response_breached", "promise_lapsed", "promise_escalated_triage")
        events = Counter(
            (
                await session.execute(
                    select(RequestEvent.request_id, RequestEvent.kind).where(
                        RequestEvent.kind.in_(kinds)
                    )
                )
            ).all()
        )
        parked = await session.scalar(
            select(func.count()).select_from(Timer).where(Timer.parked_at.is_not(None))
        )
        sent = Counter((await session.execute(select(DigestSent.kind))).scalars().all())
    assert parked == 0, f"{parked} timers were parked after failing"
    for row in rows:
        expected = 1 if row.service_id == URGENT else 0
        for kind in kinds:
            found = events[(row.id, kind)]
            assert found == expected, f"REQ-{row.number} ({row.service_id}) has {kind} x{found}"
    assert sent == {"daily": 1, "weekly": 1}, sent


def headlines(slack: SlackSimulator, channel: str, parent: SimMessage) -> list[str]:
    """The first line of each reply in a thread: what a notification shows of it."""
    return [m.text.split("\n", 1)[0] for m in slack.thread(channel, parent.ts)[1:]]


def assert_told_once(slack: SlackSimulator, workspace: Workspace, rows: list[Request]) -> None:
    """Each urgent request's warning, breach and lapsed promise reached its thread once, as
    people read it; a routine request's thread has none of them."""
    triage = workspace.triage_channel
    cards = {card_ref(m): m for m in slack.messages(triage) if m.thread_ts in (None, m.ts)}
    for row in rows:
        ref = f"REQ-{row.number}"
        expected = 1 if row.service_id == URGENT else 0
        thread = headlines(slack, triage, cards[ref])
        for note in (f"{ref}: first response due soon", f"{ref}: {MISSED}"):
            told = sum(1 for text in thread if text == note)
            assert told == expected, f"{ref}: the card's thread has {told} x '{note}'"
        escalated = sum(1 for text in thread if text.startswith(f"{ref}: promised update missed"))
        assert escalated == expected, f"{ref}: the lapsed promise was escalated {escalated} times"
        channel = slack.dm_channel(row.partner_id)
        assert channel is not None
        (confirmation,) = [
            m
            for m in slack.dm_messages(row.partner_id)
            if m.thread_ts in (None, m.ts) and names(ref, m.text)
        ]
        dm = headlines(slack, channel, confirmation)
        late = sum(1 for text in dm if text.startswith(f"{ref}: our update is late"))
        assert late == expected, f"{ref}: the partner was told {late} times our update is late"
    assert digests(slack, workspace) == {"Daily digest": 1, "Weekly digest": 1}


async def test_three_replicas_each_killed_in_turn_lose_and_repeat_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    await upgrade_to_head(postgres_url)
    schedule = Schedule.starting(SystemClock().now())
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(schedule.catalogue())
    workspace = Workspace()
    async with SlackSimulator(signing_secret=SIGNING_SECRET) as slack:
        seed_workspace(slack, workspace)
        for user in PARTNERS:
            slack.add_user(user, user.lower(), real_name=f"Filer {user[-1]}")
        replicas = [
            LiaisonProcess(
                slack, postgres_url, tmp_path, workspace, settings=schedule.settings(catalogue)
            )
            for _ in range(REPLICAS)
        ]
        await asyncio.gather(*(r.start(route=False) for r in replicas))
        balancer = LoadBalancer(replicas)
        database = Database(postgres_url)
        digest_kill = asyncio.create_task(kill_the_digest_poster(slack, workspace, balancer))
        try:
            async with balancer.serving() as url:
                slack.use_http(url)
                outcomes = await file_while_replicas_die(slack, balancer)
                assert len(outcomes.acknowledged) > FILINGS // 2, replicas[0].log()[-3000:]
                await kill_while_breaches_fire(database, balancer)
                await digest_kill
                await wait_until_settled(database)
            await wait_until_delivered(database)
            stored = await stored_requests(database)
            missing = outcomes.acknowledged - stored.keys()
            assert not missing, f"{len(missing)} acknowledged requests were lost"
            assert not (outcomes.refused & stored.keys())
            rows = list(stored.values())
            urgent = sum(1 for r in rows if r.service_id == URGENT)
            assert urgent > FILINGS // (4 * URGENT_EVERY), f"only {urgent} urgent requests"
            numbers = [r.number for r in rows]
            assert len(set(numbers)) == len(numbers), "a request number was given twice"
            await assert_nothing_half_written(database, rows)
            assert_delivered_once(slack, workspace, rows)
            await assert_each_timer_fired_once(database, rows)
            assert_told_once(slack, workspace, rows)
        finally:
            digest_kill.cancel()
            await asyncio.gather(*(r.stop() for r in replicas))
            await database.dispose()
