"""The table: four apps side by side, medians over rounds, and each target met or missed.

Beside the table, Liaison's filing throughput with the awareness after each filing against
the same Liaison without it (issue #15: within 10 %).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.memory import MemoryFigures
from benchmarks.runs import Result
from benchmarks.servers import AppKind

APPS: tuple[AppKind, ...] = ("bare", "naive", "liaison", "liaison-unaware")
AWARE: AppKind = "liaison"  # measured right before UNAWARE in every round
UNAWARE: AppKind = "liaison-unaware"
AWARENESS_COST = 0.10  # filing throughput with awareness at most this much below without
GENERATOR_SATURATED = 0.85
COMMAND_RATIO = 0.9
COMMAND_P99_MS = 50.0
COMPLETED_RATIO = 2.0
SUBMISSION_P99_MS = 100.0
LATE_ACK_MS = 3000.0
RSS_LIMIT_MB = 150.0
RSS_REQUESTS = 100_000


@dataclass
class Figures:
    """Everything measured in one run."""

    closed: list[Result]  # concurrency 16, every round
    open_rates: dict[str, float]  # highest steady rate each app kept up with (0: none), median
    open_searches: list[dict[str, float]]  # each search's open_rates, in the order made
    open_steps: list[Result]
    c64: list[Result]
    memory: MemoryFigures | None


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(present) if present else None


def _pick(results: Sequence[Result], app: str, kind: str) -> list[Result]:
    return [r for r in results if r.app == app and r.kind == kind]


def _fmt(value: float | None, spec: str = ".0f") -> str:
    return "-" if value is None else format(value, spec)


@dataclass(frozen=True)
class Line:
    """One measured row: a value per app."""

    label: str
    values: dict[str, float | None]
    spec: str = ".0f"


def _line(
    label: str,
    results: Sequence[Result],
    kind: str,
    get: Callable[[Result], float | None],
    spec: str,
) -> Line:
    return Line(label, {a: _median([get(r) for r in _pick(results, a, kind)]) for a in APPS}, spec)


def lines(f: Figures) -> list[Line]:
    """The measured rows, medians over rounds."""
    c = f.closed
    out = [
        _line("/request acks/s", c, "command", lambda r: r.acks_per_s, ".0f"),
        _line("/request ack p99 ms", c, "command", lambda r: r.p99_ms, ".1f"),
        _line("/request CPU ms/request", c, "command", lambda r: _cpu(r, r.sent), ".2f"),
        _line("/request views.open made %", c, "command", _views_share, ".0f"),
        _line("submission acks/s", c, "submission", lambda r: r.acks_per_s, ".0f"),
        _line("submission ack p99 ms", c, "submission", lambda r: r.p99_ms, ".1f"),
        _line("completed filings/s", c, "submission", lambda r: r.completed_per_s, ".0f"),
        _line("ack -> partner DM p99 ms", c, "submission", lambda r: r.dm_p99_ms, ".0f"),
        _line("first DM, s into burst", c, "submission", lambda r: r.first_dm_s, ".2f"),
        _line("burst (acks) lasted s", c, "submission", lambda r: r.ack_seconds, ".2f"),
        _line(
            "CPU ms per completed filing",
            c,
            "submission",
            lambda r: _cpu(r, r.completed),
            ".2f",
        ),
        _line(
            "CPU ms per filing, until idle",
            c,
            "submission",
            lambda r: r.idle_cpu_s * 1000 / r.completed if r.completed else None,
            ".2f",
        ),
        Line("open loop: steady filings/s kept up", {a: f.open_rates.get(a) for a in APPS}),
        _line("c=64: max ack ms", f.c64, "submission", lambda r: r.max_ms, ".0f"),
        _line("c=64: failed acks", f.c64, "submission", lambda r: float(r.failed_acks), ".0f"),
        _line("c=64: lost filings", f.c64, "submission", lambda r: float(r.lost), ".0f"),
        Line(
            "generator + fake Slack CPU % (max)",
            {a: _busiest(f, a) for a in APPS},
        ),
    ]
    if f.memory is not None:
        label = f"RSS MB, {f.memory.open_requests:,} open requests"
        out.append(Line(label, {"liaison": f.memory.rss_mb}, ".0f"))
    return out


def _cpu(r: Result, count: int) -> float | None:
    return r.server_cpu_s * 1000 / count if count else None


def _views_share(r: Result) -> float | None:
    return 100.0 * r.completed / r.sent if r.sent and r.app != "bare" else None


def _busiest(f: Figures, app: str) -> float:
    every = [*f.closed, *f.open_steps, *f.c64]
    return 100.0 * max((r.generator_busy for r in every if r.app == app), default=0.0)


def format_table(rows: Sequence[Line]) -> str:
    """Rows of label and one column per app."""
    header = ("", *APPS)
    cells = [(r.label, *(_fmt(r.values.get(a), r.spec) for a in APPS)) for r in rows]
    widths = [max(len(x) for x in col) for col in zip(header, *cells, strict=True)]
    out = []
    for line in (header, tuple("-" * w for w in widths), *cells):
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
    return "\n".join(out)


def _value(rows: Sequence[Line], label: str, app: str) -> float | None:
    for r in rows:
        if r.label == label:
            return r.values.get(app)
    return None


def targets(f: Figures, rows: Sequence[Line]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target; met is None when it was not judged."""

    def v(label: str, app: str = "liaison") -> float:
        value = _value(rows, label, app)
        return math.nan if value is None else value

    cmd_ratio = v("/request acks/s") / v("/request acks/s", "bare")
    cmd_p99 = v("/request ack p99 ms")
    done, naive_done = v("completed filings/s"), v("completed filings/s", "naive")
    sub_p99 = v("submission ack p99 ms")
    first_dm, burst = v("first DM, s into burst"), v("burst (acks) lasted s")
    rate, naive_rate = (
        v("open loop: steady filings/s kept up"),
        v("open loop: steady filings/s kept up", "naive"),
    )
    late, lost = v("c=64: max ack ms"), v("c=64: lost filings")
    failed = v("c=64: failed acks")
    busiest = max(_busiest(f, a) for a in APPS)
    out: list[tuple[str, str, bool | None]] = [
        (
            f"/request acks >= {COMMAND_RATIO} x bare, p99 <= {COMMAND_P99_MS:.0f} ms",
            f"{cmd_ratio:.2f} x, p99 {cmd_p99:.1f} ms",
            cmd_ratio >= COMMAND_RATIO and cmd_p99 <= COMMAND_P99_MS,
        ),
        (
            f"completed filings/s >= {COMPLETED_RATIO:.0f} x naive",
            f"{done:.0f}/s vs {naive_done:.0f}/s ({done / naive_done:.2f} x)",
            done >= COMPLETED_RATIO * naive_done,
        ),
        (
            f"submission ack p99 <= {SUBMISSION_P99_MS:.0f} ms",
            f"{sub_p99:.1f} ms",
            sub_p99 <= SUBMISSION_P99_MS,
        ),
        (
            "first DM sent while the burst is on",
            f"first DM at {first_dm:.2f} s of a {burst:.2f} s burst",
            first_dm < burst,
        ),
        (
            "open loop: steady rate >= naive's",
            f"{rate:.0f}/s vs {naive_rate:.0f}/s",
            rate >= naive_rate,
        ),
        awareness_target(awareness_comparison(f)),
        (
            "c=64: no ack later than 3 s, no lost filing",
            f"max ack {late:.0f} ms, {failed:.0f} failed, {lost:.0f} lost",
            late <= LATE_ACK_MS and lost == 0 and failed == 0,
        ),
        _memory_target(f.memory),
        (
            f"load generator + fake Slack below {GENERATOR_SATURATED:.0%} of their core",
            f"busiest {busiest:.0f} %",
            busiest < GENERATOR_SATURATED * 100,
        ),
    ]
    return out


def _memory_target(memory: MemoryFigures | None) -> tuple[str, str, bool | None]:
    name = f"RSS <= {RSS_LIMIT_MB:.0f} MB with {RSS_REQUESTS:,} open requests"
    if memory is None:
        return name, "not measured", None
    measured = (
        f"{memory.rss_mb:.0f} MB (peak {memory.peak_rss_mb:.0f}) with "
        f"{memory.open_requests:,}; {memory.answered}/{memory.touches} touches answered, "
        f"{memory.filings_completed}/{memory.filings} filings completed"
    )
    if memory.open_requests < RSS_REQUESTS:
        return name, measured + " (fewer requests: not judged)", None
    ok = memory.answered >= memory.touches and memory.filings_completed >= memory.filings
    return name, measured, memory.rss_mb <= RSS_LIMIT_MB and ok


def format_targets(items: Sequence[tuple[str, str, bool | None]]) -> str:
    """One line per target: what, measured, and MET / MISSED / not judged."""
    width = max(len(name) for name, _, _ in items)
    verdict = {True: "met", False: "MISSED", None: "not judged"}
    return "\n".join(
        f"{name.ljust(width)}  {verdict[met]:10}  {measured}" for name, measured, met in items
    )


@dataclass(frozen=True)
class Comparison:
    """One throughput figure of Liaison with the awareness after filing and without it."""

    label: str
    short: str  # the figure's name in the target's one line
    aware: float | None  # the table's value (median over rounds)
    unaware: float | None
    ratio: float | None  # aware / unaware: the median of each round's ratio when per round
    judged: bool  # completed filings are; acks are shown only (an ack is not a filing done)
    low: float | None = None  # the lowest and highest round's ratio (None: one value)
    high: float | None = None
    trials: str = "rounds"  # what low and high range over: rounds, or open-loop searches

    @property
    def difference(self) -> float | None:
        """Per cent by which the aware figure is above (+) or below (-) the unaware one."""
        return None if self.ratio is None else (self.ratio - 1) * 100


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or math.isnan(a) or math.isnan(b) or b <= 0:
        return None
    return a / b


def _paired(
    label: str,
    short: str,
    results: Sequence[Result],
    get: Callable[[Result], float | None],
    *,
    judged: bool,
) -> Comparison:
    """Each round's aware figure over the unaware one measured right after it, then the median.

    Pairing within a round cancels most of the host's speed swings, which a ratio of the two
    medians over all rounds would keep.
    """
    ratios = []
    for n in sorted({r.round for r in results}):
        aware = [get(r) for r in results if r.app == AWARE and r.round == n]
        unaware = [get(r) for r in results if r.app == UNAWARE and r.round == n]
        ratio = _ratio(aware[0], unaware[0]) if len(aware) == len(unaware) == 1 else None
        if ratio is not None:
            ratios.append(ratio)
    return Comparison(
        label=label,
        short=short,
        aware=_median([get(r) for r in results if r.app == AWARE]),
        unaware=_median([get(r) for r in results if r.app == UNAWARE]),
        ratio=statistics.median(ratios) if ratios else None,
        judged=judged,
        low=min(ratios) if len(ratios) > 1 else None,
        high=max(ratios) if len(ratios) > 1 else None,
    )


def awareness_comparison(f: Figures) -> list[Comparison]:
    """Filing throughput with and without the awareness: closed loop (c=16) and open loop."""
    submissions = [r for r in f.closed if r.kind == "submission"]
    return [
        _paired("submission acks/s (c=16)", "acks", submissions, _acks, judged=False),
        _paired("completed filings/s (c=16)", "completed", submissions, _done, judged=True),
        _open_loop(f),
    ]


def _open_loop(f: Figures) -> Comparison:
    """Each open-loop search's aware rate over its unaware one, then the median: the two
    builds are searched side by side, so pairing them cancels the host's swings between
    searches, as the closed loop's rounds are paired."""
    pairs = [_ratio(s.get(AWARE), s.get(UNAWARE)) for s in f.open_searches]
    ratios = [r for r in pairs if r is not None]
    return Comparison(
        label="open loop: steady filings/s kept up",
        short="open loop",
        aware=f.open_rates.get(AWARE),
        unaware=f.open_rates.get(UNAWARE),
        ratio=statistics.median(ratios) if ratios else None,
        judged=True,
        low=min(ratios) if len(ratios) > 1 else None,
        high=max(ratios) if len(ratios) > 1 else None,
        trials="searches",
    )


def _acks(r: Result) -> float:
    return r.acks_per_s


def _done(r: Result) -> float:
    return r.completed_per_s


def awareness_verdict(items: Sequence[Comparison]) -> tuple[Comparison | None, bool | None]:
    """The judged figure furthest below its unaware value, and whether it is within 10 %.

    (None, None) when a judged figure is missing, e.g. an app that completed nothing.
    """
    judged = [c for c in items if c.judged]
    if not judged or any(c.ratio is None for c in judged):
        return None, None
    worst = min(judged, key=lambda c: c.ratio if c.ratio is not None else math.inf)
    assert worst.ratio is not None
    return worst, worst.ratio >= 1 - AWARENESS_COST


def awareness_target(items: Sequence[Comparison]) -> tuple[str, str, bool | None]:
    """(target, measured, met): every judged figure at most 10 % below its unaware value."""
    name = f"filing throughput within {AWARENESS_COST * 100:.0f} % of Liaison without awareness"
    measured = ", ".join(
        f"{c.short} {_signed(c.difference)} ({_fmt(c.aware)} vs {_fmt(c.unaware)}/s)"
        for c in items
        if c.judged
    )
    _, met = awareness_verdict(items)
    return name, measured, met


def _signed(difference: float | None) -> str:
    return "-" if difference is None else f"{difference:+.1f} %"


def format_awareness(items: Sequence[Comparison]) -> str:
    """Each figure with and without the awareness, their ratio, then the verdict in one line."""
    width = max(len(c.label) for c in items)
    out = [f"Awareness after filing: {AWARE} (with it) against {UNAWARE} (without it)"]
    for c in items:
        ratio = "-" if c.ratio is None else f"{c.ratio:.2f} x"
        spread = "" if c.low is None else f"  ({c.trials} {c.low:.2f}-{c.high:.2f} x)"
        shown = "" if c.judged else "  (shown, not judged)"
        out.append(
            f"  {c.label.ljust(width)}  {_fmt(c.aware):>6} vs {_fmt(c.unaware):>6}  "
            f"{ratio:>7}  {_signed(c.difference):>8}{spread}{shown}"
        )
    worst, met = awareness_verdict(items)
    limit = f"{AWARENESS_COST * 100:.0f} %"
    if worst is None:
        out.append("filing throughput with awareness: not judged (a figure is missing)")
    else:
        out.append(
            f"filing throughput with awareness: {_signed(worst.difference)} against without "
            f"(the lower of completed filings and open loop: {worst.short}), "
            + (f"within {limit}" if met else f"NOT within {limit}")
        )
    return "\n".join(out)
