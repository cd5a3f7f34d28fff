"""One measurement against one server: a closed-loop burst or a steady open-loop rate.

The generator sends signed requests over keep-alive connections, records each answer's time,
then waits (bounded) until the fake Slack has seen the work the requests caused: views.open
for commands; for submissions, each filing's last Slack call (the partner's DM and, for
Liaison, the triage card). Completed filings are counted from those calls only.
"""

from __future__ import annotations

import asyncio
import math
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import aiohttp

from benchmarks.fakeslack import FakeSlack, partner_id
from benchmarks.servers import LIAISON_APPS, AppKind, ServerProcess
from benchmarks.workload import Templates, command_body, signed_headers, submission_body
from bot.intake.awareness import AFTER_FILING

Kind = Literal["command", "submission"]
LATE_MS = 3000.0  # Slack gives up on an ack after three seconds
POLL_SECONDS = 0.01  # how often completed work is counted
STALL_SECONDS = 10.0  # give up waiting once nothing completes and the server idles this long
IDLE_CPU = 0.05  # a server using less than this share of its core is idle
DRAIN_LIMIT = 300.0  # and never wait longer than this for one burst's work
SETTLE_SECONDS = 0.3  # pause after a measurement so the server is idle before the next
# After the work reached Slack, the server is idle once a window this long: for Liaison
# longer than it may wait before its after-filing pass, or that pass would come after the
# wait; the Bolt apps do nothing after their last call.
IDLE_WINDOW = AFTER_FILING.total_seconds() + 0.5
BOLT_IDLE_WINDOW = 0.5
SETTLE_LIMIT = 120.0  # ... used less than IDLE_CPU of its core; never wait longer than this
MAX_REQUESTS = 20_000  # per burst, whatever its duration


@dataclass
class Bench:
    """What the measurements share: the fake Slack, the servers, the session, the payloads."""

    slack: FakeSlack
    servers: dict[AppKind, ServerProcess]
    session: aiohttp.ClientSession
    templates: Templates
    sequence: int = 0

    def next_sequence(self) -> int:
        """A fresh filing number for the whole run (so partner ids never repeat)."""
        self.sequence += 1
        return self.sequence


@dataclass
class Result:
    """One app, one kind, one burst: answers, completed work and CPU."""

    app: AppKind
    kind: Kind
    mode: str  # "closed" (fixed concurrency) or "open" (steady rate)
    load: float  # concurrency, or requests per second
    round: int
    sent: int
    ack_seconds: float  # first request sent to last answer read
    p50_ms: float
    p99_ms: float
    max_ms: float
    failed_acks: int  # not 200, or later than Slack waits
    completed: int  # submissions: filings whose last Slack call was made; commands: views.open
    work_seconds: float  # first request sent to the last completed work
    first_dm_s: float | None  # submissions: first DM, seconds after the first request
    dm_p99_ms: float | None  # submissions: ack to the partner's DM, 99th percentile
    server_cpu_s: float  # server CPU over work_seconds
    generator_cpu_s: float  # this process (generator and fake Slack) over the same window
    generator_ack_cpu_s: float  # the same during the ack window alone
    dm_calls: int = 0
    card_calls: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    # The same, counted once the server idled: work a filing starts after its DM and card.
    calls_until_idle: dict[str, int] = field(default_factory=dict)
    # From the first request until the server was idle again: also the work a filing starts
    # after its DM and card went out (Liaison's awareness), which the window above leaves out.
    idle_seconds: float = 0.0
    idle_cpu_s: float = 0.0

    @property
    def acks_per_s(self) -> float:
        """Answers per second over the ack window."""
        return self.sent / self.ack_seconds if self.ack_seconds else 0.0

    @property
    def completed_per_s(self) -> float:
        """Completed work per second, from the first request to the last completed one."""
        return self.completed / self.work_seconds if self.work_seconds else 0.0

    @property
    def lost(self) -> int:
        """Acknowledged requests whose work never showed up at Slack."""
        return max(0, self.sent - self.failed_acks - self.completed)

    @property
    def generator_busy(self) -> float:
        """The generator's (and fake Slack's) share of its core, the busier of both windows."""
        ack = self.generator_ack_cpu_s / self.ack_seconds if self.ack_seconds else 0.0
        work = self.generator_cpu_s / self.work_seconds if self.work_seconds else 0.0
        return max(ack, work)


@dataclass
class Answers:
    """When each request was sent (or due) and answered, and how."""

    due: list[float]
    answered: list[float]
    statuses: list[int]

    @classmethod
    def empty(cls, size: int) -> Answers:
        """Room for `size` answers."""
        return cls([math.nan] * size, [math.nan] * size, [0] * size)

    def trimmed(self, sent: int) -> Answers:
        """Only the first `sent` (a closed loop stops at its deadline)."""
        return Answers(self.due[:sent], self.answered[:sent], self.statuses[:sent])

    def latencies_ms(self) -> list[float]:
        """Latency of each answer, ascending."""
        return sorted((a - d) * 1000 for d, a in zip(self.due, self.answered, strict=True))

    def failures(self) -> int:
        """Answers that were not 200 or came later than Slack waits."""
        return sum(
            1
            for d, a, s in zip(self.due, self.answered, self.statuses, strict=True)
            if s != 200 or (a - d) * 1000 > LATE_MS
        )


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def own_cpu_seconds() -> float:
    """This process's user + system CPU seconds (the generator and the fake Slack)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def post(
    session: aiohttp.ClientSession, url: str, body: bytes, content_type: str | None = None
) -> int:
    """One signed POST; returns the status (0 when the connection failed)."""
    headers = signed_headers(body) if content_type is None else signed_headers(body, content_type)
    try:
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return 0


async def closed_loop(
    session: aiohttp.ClientSession,
    url: str,
    body_for: Callable[[int], bytes],
    *,
    concurrency: int,
    seconds: float,
    limit: int,
) -> Answers:
    """`concurrency` workers send back to back until `seconds` pass or `limit` are sent."""
    answers = Answers.empty(limit)
    counter = iter(range(limit))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        for i in counter:
            body = body_for(i)
            answers.due[i] = time.perf_counter()
            answers.statuses[i] = await post(session, url, body)
            answers.answered[i] = time.perf_counter()
            if answers.answered[i] >= deadline:
                return

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    sent = sum(1 for a in answers.answered if not math.isnan(a))
    return answers.trimmed(sent)


async def open_loop(
    session: aiohttp.ClientSession,
    url: str,
    body_for: Callable[[int], bytes],
    *,
    rate: float,
    count: int,
) -> Answers:
    """Send `count` requests at a steady `rate`, each on time whatever the earlier answers.

    Latency is measured from when a request was due, not when it went out, so a generator
    that falls behind shows up in the figures instead of hiding the server's queue.
    """
    answers = Answers.empty(count)
    start = time.perf_counter()

    async def one(i: int) -> None:
        answers.statuses[i] = await post(session, url, body_for(i))
        answers.answered[i] = time.perf_counter()

    tasks = []
    for i in range(count):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        answers.due[i] = due
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    return answers


def body_maker(bench: Bench, kind: Kind) -> tuple[Callable[[int], bytes], dict[int, int]]:
    """Bodies for a burst, and the filing number of each request index (submissions only)."""
    seqs: dict[int, int] = {}
    if kind == "command":

        def command(_: int) -> bytes:
            seq = bench.next_sequence()
            return command_body(bench.templates, seq, bench.slack.response_url)

        return command, seqs

    def submission(i: int) -> bytes:
        seq = bench.next_sequence()
        seqs[i] = seq
        return submission_body(bench.templates, seq)

    return submission, seqs


async def measure(
    bench: Bench,
    app: AppKind,
    kind: Kind,
    *,
    round_no: int,
    concurrency: int = 0,
    rate: float = 0.0,
    seconds: float,
    limit: int = MAX_REQUESTS,
) -> Result:
    """One burst (closed loop at `concurrency`, or open loop at `rate`) and the work it caused."""
    server = bench.servers[app]
    body_for, seqs = body_maker(bench, kind)
    bench.slack.log.clear()
    cpu_before, generator_before = server.cpu_seconds(), own_cpu_seconds()
    start = time.perf_counter()
    if rate:
        count = max(1, min(limit, round(rate * seconds)))
        answers = await open_loop(bench.session, server.url, body_for, rate=rate, count=count)
    else:
        answers = await closed_loop(
            bench.session,
            server.url,
            body_for,
            concurrency=concurrency,
            seconds=seconds,
            limit=limit,
        )
    ack_end = max(answers.answered, default=start)
    generator_ack = own_cpu_seconds() - generator_before
    done = await wait_for_work(bench, app, kind, answers, seqs)
    result = _result(bench, app, kind, answers, seqs, done, start, ack_end)
    result.round = round_no
    result.mode, result.load = ("open", rate) if rate else ("closed", float(concurrency))
    result.server_cpu_s = server.cpu_seconds() - cpu_before
    result.generator_cpu_s = own_cpu_seconds() - generator_before
    result.generator_ack_cpu_s = generator_ack
    idle_at = await settle(server, IDLE_WINDOW if app in LIAISON_APPS else BOLT_IDLE_WINDOW)
    result.calls_until_idle = bench.slack.log.methods()
    result.idle_seconds = idle_at - start
    result.idle_cpu_s = server.cpu_seconds() - cpu_before
    await asyncio.sleep(SETTLE_SECONDS)
    return result


async def settle(server: ServerProcess, window: float) -> float:
    """Wait until the server idles for `window` s; return when its last busy window ended.

    Liaison keeps working after a filing's DM and card went out (related requests, the burst
    check, shared fixes). Apps are measured in turn on one core, so without this wait that
    work would run during the next app's burst and be charged to it: to `liaison-unaware`,
    measured right after `liaison`, which would flatter the awareness's cost.
    """
    began = time.perf_counter()
    busy_until = began
    while time.perf_counter() - began < SETTLE_LIMIT:
        cpu = server.cpu_seconds()
        await asyncio.sleep(window)
        if server.cpu_seconds() - cpu <= IDLE_CPU * window:
            return busy_until
        busy_until = time.perf_counter()
    return busy_until


@dataclass
class Done:
    """How much of a burst's work showed up at Slack, and when the last of it did."""

    completed: int
    last_at: float | None


def needs_card(app: AppKind) -> bool:
    """Liaison's filing is visible when both the DM and the triage card are out."""
    return app in LIAISON_APPS


def _count_done(bench: Bench, app: AppKind, kind: Kind, seqs: dict[int, int]) -> Done:
    log = bench.slack.log
    if kind == "command":
        opened = [c.at for c in log.calls if c.method == "views.open"]
        return Done(len(opened), max(opened, default=None))
    times = []
    for seq in seqs.values():
        filing = log.filings.get(partner_id(seq))
        at = filing.done_at(needs_card(app)) if filing else None
        if at is not None:
            times.append(at)
    return Done(len(times), max(times, default=None))


async def wait_for_work(
    bench: Bench, app: AppKind, kind: Kind, answers: Answers, seqs: dict[int, int]
) -> Done:
    """Wait until every acknowledged request's work has reached Slack, or it stops coming.

    A server can be busy for many seconds without a single message going out (filings ahead
    of sends in its write queue), so the wait ends early only when nothing has completed
    *and* the server has been idle for STALL_SECONDS; DRAIN_LIMIT bounds it in any case.
    """
    expected = sum(1 for s in answers.statuses if s == 200)
    if app == "bare":  # the floor does no work after its ack
        return Done(expected, max(answers.answered, default=None))
    server = bench.servers[app]
    began = last_change = time.perf_counter()
    seen, cpu_seen = -1, server.cpu_seconds()
    while True:
        done = _count_done(bench, app, kind, seqs)
        now, cpu = time.perf_counter(), server.cpu_seconds()
        if done.completed != seen or cpu - cpu_seen > IDLE_CPU * (now - last_change):
            seen, cpu_seen, last_change = done.completed, cpu, now
        if done.completed >= expected:
            return done
        if now - last_change > STALL_SECONDS or now - began > DRAIN_LIMIT:
            return done
        await asyncio.sleep(POLL_SECONDS)


def _result(
    bench: Bench,
    app: AppKind,
    kind: Kind,
    answers: Answers,
    seqs: dict[int, int],
    done: Done,
    start: float,
    ack_end: float,
) -> Result:
    latencies = answers.latencies_ms()
    first_dm, lags = None, []
    log = bench.slack.log
    if kind == "submission" and app != "bare":
        dms = []
        for i, seq in seqs.items():
            if i >= len(answers.answered):
                continue
            filing = log.filings.get(partner_id(seq))
            if filing is not None and filing.dm_at is not None:
                dms.append(filing.dm_at)
                lags.append((filing.dm_at - answers.answered[i]) * 1000)
        first_dm = (min(dms) - start) if dms else None
        lags.sort()
    dm_calls = sum(1 for f in log.filings.values() if f.dm_at is not None)
    card_calls = sum(1 for f in log.filings.values() if f.card_at is not None)
    return Result(
        app=app,
        kind=kind,
        mode="",
        load=0.0,
        round=0,
        sent=len(latencies),
        ack_seconds=ack_end - start,
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        max_ms=latencies[-1] if latencies else math.nan,
        failed_acks=answers.failures(),
        completed=done.completed,
        work_seconds=((done.last_at or ack_end) - start),
        first_dm_s=first_dm,
        dm_p99_ms=percentile(lags, 0.99) if lags else None,
        server_cpu_s=0.0,
        generator_cpu_s=0.0,
        generator_ack_cpu_s=0.0,
        dm_calls=dm_calls,
        card_calls=card_calls,
        calls=log.methods(),
    )


def kept_up(result: Result, grace: float) -> bool:
    """At a steady rate: every ack in time, and all the work done `grace` s after the last send."""
    due_span = result.sent / result.load if result.load else 0.0
    return (
        result.failed_acks == 0
        and result.completed >= result.sent
        and result.work_seconds <= due_span + grace
    )
