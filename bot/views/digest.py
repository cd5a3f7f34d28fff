"""The supervisors' digest and `/request stats`: a few figures, the requests behind them."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, HeaderBlock, SectionBlock

from bot.domain.awareness import BurstFigures
from bot.domain.digest import (
    AGE_BANDS,
    HIGH_PRIORITY_WARNING,
    Digest,
    DigestKind,
    Listed,
    PeriodFigures,
    Rate,
)
from bot.domain.fixes import FixFigures
from bot.domain.model import format_number
from bot.views.text import (
    Rendered,
    escape,
    md,
    mention,
    plain,
    quote_within,
    slack_date,
    speaks,
    truncate,
)

SECTION_LIMIT = 3000
SHOWN = 10  # names or numbers listed before "and N more"
COMMENT_LIMIT = 300
TITLES = {
    DigestKind.DAILY: "Daily digest",
    DigestKind.WEEKLY: "Weekly digest",
    DigestKind.NOW: "Digest so far",
    DigestKind.STATS: "Service figures",
}


@speaks
def digest_message(digest: Digest) -> Rendered:
    """The digest as Block Kit (within Slack's limits); its text leads with the headline figures."""
    title = TITLES[digest.kind]
    now, before = digest.current, digest.previous
    if now.quiet:
        line = (
            f"({_span(digest)}): a quiet period, nothing filed, resolved, closed or breached. "
            f"Open now: {digest.queue.open_total}, unclaimed: {digest.queue.unclaimed.total}."
        )
        return [SectionBlock(text=md(f"*{title}* {line}"))], f"{title} {line}"
    blocks: list[Block] = [
        HeaderBlock(text=plain(truncate(TITLES[digest.kind], 150))),
        ContextBlock(elements=[md(f"{_span(digest)}; previous period in brackets")]),
        _section("*Requests*", _flow(now, before)),
        _section("*Open now*", _queue(digest)),
        _section("*Targets and promises*", _targets(now, before)),
        _section("*What partners said*", _partners(digest)),
        _section("*Busiest services and technicians*", _people(digest)),
        DividerBlock(),
        ContextBlock(elements=[md(_see_all(digest))]),
    ]
    fallback = (
        f"{title}: {now.new.total} new, {now.resolved.total} resolved, "
        f"{digest.queue.open_total} open, {digest.queue.unclaimed.total} unclaimed"
    )
    return blocks, fallback


def _span(digest: Digest) -> str:
    start, end = digest.period.start, digest.period.end
    return f"{slack_date(start)} to {slack_date(end)}"


def _section(heading: str, lines: Sequence[str]) -> SectionBlock:
    return SectionBlock(text=md(truncate("\n".join([heading, *lines]), SECTION_LIMIT)))


def numbers(listed: Listed) -> str:
    """`REQ-1, REQ-2 and 3 more`, or empty when there are none."""
    if not listed.numbers:
        return ""
    text = ", ".join(format_number(n) for n in listed.numbers[:SHOWN])
    more = listed.total - min(len(listed.numbers), SHOWN)
    return text + (f" and {more} more" if more > 0 else "")


def _count(label: str, listed: Listed, previous: Listed) -> str:
    behind = numbers(listed)
    return f"• {label}: *{listed.total}* ({previous.total})" + (f": {behind}" if behind else "")


def rate_text(rate: Rate) -> str:
    """`75 % (3 of 4)`, or `n/a` when there was nothing to measure (the App Home says it so too)."""
    return "n/a" if rate.percent is None else f"{rate.percent} % ({rate.met} of {rate.total})"


def _flow(now: PeriodFigures, before: PeriodFigures) -> list[str]:
    high = now.high_priority
    share = f"• P1/P2 share of new: *{rate_text(high)}* ({rate_text(before.high_priority)})"
    if high.percent is not None and high.percent >= HIGH_PRIORITY_WARNING:
        share += ": high; are impacts being inflated?"
    return [
        _count("New", now.new, before.new),
        _count("Resolved", now.resolved, before.resolved),
        _count("Closed", now.closed, before.closed),
        _count("Reopened", now.reopened, before.reopened),
        *([_fixes_line(now.fixes, before.fixes)] if now.fixes.total or before.fixes.total else []),
        share,
    ]


def _fixes_line(now: FixFigures, before: FixFigures) -> str:
    """Partners a shared fix answered: before filing nothing was filed, after it closed."""
    return (
        f"• Answered by shared fixes: *{now.total}* ({before.total}): "
        f"{now.before_filing} before filing (nothing filed), "
        f"{now.after_filing} after filing (request closed)"
    )


def _queue(digest: Digest) -> list[str]:
    queue = digest.queue
    lines = [f"• Open: *{queue.open_total}*"]
    for ages in queue.by_priority:
        bands = ", ".join(
            f"{n} {escape(band)}" for band, n in zip(AGE_BANDS, ages.bands, strict=True)
        )
        lines.append(f"  {ages.priority}: {ages.total} ({bands})")
    unclaimed = f"• Unclaimed: *{queue.unclaimed.total}*"
    if queue.oldest_unclaimed is not None:
        number, opened = queue.oldest_unclaimed
        unclaimed += f", oldest {format_number(number)} since {slack_date(opened)}"
    if queue.unclaimed.total > 1:
        unclaimed += f": {numbers(queue.unclaimed)}"
    lines.append(unclaimed)
    return lines


def _targets(now: PeriodFigures, before: PeriodFigures) -> list[str]:
    lines = []
    for label, rate, previous, breached in (
        ("First response", now.first_response, before.first_response, now.first_response_breached),
        ("Resolution", now.resolution, before.resolution, now.resolution_breached),
    ):
        line = f"• {label} target met: *{rate_text(rate)}* ({rate_text(previous)})"
        if breached.total:
            line += f"; breached: {numbers(breached)}"
        lines.append(line)
    lines.append(
        f"• Promised updates kept: *{now.promises_kept}* ({before.promises_kept}), "
        f"lapsed: *{now.promises_lapsed}* ({before.promises_lapsed})"
    )
    if now.promises_escalated or before.promises_escalated:
        lines.append(
            f"• Lapses escalated: *{now.promises_escalated}* ({before.promises_escalated}), "
            f"to supervisors: *{now.promises_to_supervisors}*, "
            f"answered after escalation: *{now.promises_answered}*"
        )
    if now.outage_updates_kept or now.outage_updates_lapsed:
        lines.append(
            f"• Outage updates on time: *{now.outage_updates_kept}* "
            f"({before.outage_updates_kept}), lapsed: *{now.outage_updates_lapsed}* "
            f"({before.outage_updates_lapsed})"
        )
    if now.bursts.detected or before.bursts.detected:
        lines.append(_bursts_line(now.bursts, before.bursts))
    return lines


def _bursts_line(now: BurstFigures, before: BurstFigures) -> str:
    line = (
        f"• Suspected outages alerted: *{now.detected}* ({before.detected}), "
        f"declared: *{now.declared}*, not an outage: *{now.dismissed}*"
    )
    if now.minutes_to_declare is not None:
        line += f"; first report to declaration: {now.minutes_to_declare} min (median)"
    return line


def _partners(digest: Digest) -> list[str]:
    now, before, queue = digest.current, digest.previous, digest.queue
    average = f"{now.average_rating:.1f} of 5" if now.average_rating is not None else "n/a"
    previous = f"{before.average_rating:.1f}" if before.average_rating is not None else "n/a"
    lines = [
        f"• Polls answered: *{rate_text(now.response_rate)}* ({rate_text(before.response_rate)})",
        f"• Closings eligible for a poll: *{now.polls_eligible}* ({before.polls_eligible}), "
        f"polls shown: *{now.polls_sent}* ({before.polls_sent}), "
        f"answered: *{now.polls_answered}* ({before.polls_answered})",
        f"• Average rating: *{average}* ({previous})",
        f"• Kept informed: *{rate_text(now.informed)}* ({rate_text(before.informed)})",
        f"• Follow-ups open: *{queue.follow_ups_open}*, overdue: *{queue.follow_ups_overdue}*",
    ]
    for low in now.low_scores:
        lines.append(f"• {format_number(low.number)} rated {low.rating} of 5")
        if low.comment.strip():
            lines.append(quote_within(low.comment, COMMENT_LIMIT))
    return lines


def _people(digest: Digest) -> list[str]:
    services = digest.current.services
    busiest = ", ".join(f"{escape(name)} {n}" for name, n in services[:5]) or "none"
    lines = [f"• Busiest services (new requests): {busiest}"]
    technicians = digest.technicians
    for line in technicians[:SHOWN]:
        credit = f", {line.fixes} answered by their shared fixes" if line.fixes else ""
        lines.append(
            f"• {mention(line.user_id)}: {line.open} open, {line.resolved} resolved{credit}"
        )
    if len(technicians) > SHOWN:
        lines.append(f"• and {len(technicians) - SHOWN} more")
    return lines


def _see_all(digest: Digest) -> str:
    return (
        f"Lists show the first {SHOWN}. Every request behind these figures: "
        f"`liaison export --since {digest.days}d`; these figures at any time: "
        f"`{digest.command} stats 7d|30d|90d`."
    )


def digest_posted(places: Sequence[str]) -> str:
    """The answer to `/request digest`: where it went (channel and user ids come from settings)."""
    where = ", ".join(f"<#{p}>" if p.startswith(("C", "G")) else mention(p) for p in places)
    return f"Posted the digest to {where or 'nobody: no supervisors are set up'}."
