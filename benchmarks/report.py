"""The table: three apps side by side, medians over rounds, and each target met or missed."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.memory import MemoryFigures
from benchmarks.runs import Result
from benchmarks.servers import AppKind

APPS: tuple[AppKind, ...] = ("bare", "naive", "liaison")
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
    open_rates: dict[str, float]  # highest steady rate each app kept up with (0: none)
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
