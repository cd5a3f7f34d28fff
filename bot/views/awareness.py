"""What Liaison noticed: related requests on a new card, suspected outages, a word to partners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    SectionBlock,
)

from bot.domain.awareness import (
    REPORTS_SHOWN,
    BurstStatus,
    BurstSummary,
    RelatedRequest,
    is_resolved,
)
from bot.views.ids import AwarenessActionId
from bot.views.text import Rendered, escape, md, mention, slack_date, speaks, truncate

LINE_MAX = 150
LISTED_REPORTS = REPORTS_SHOWN


@speaks
def related_requests_note(related: Sequence[RelatedRequest], *, now: dt.datetime) -> Rendered:
    """The first reply under a new card: requests that may be about the same thing."""
    lines = [_related_line(r, now) for r in related]
    text = "*Possibly related:*\n" + "\n".join(lines)
    return [SectionBlock(text=md(text))], f"Possibly related: {', '.join(r.ref for r in related)}"


@speaks
def burst_alert(burst: BurstSummary) -> Rendered:
    """The triage channel's alert to a suspected outage; decided ones lose their buttons.

    Only an undecided alert says no outage is declared: once decided, the line under the
    reports says what was decided, and the headline must not say the opposite.
    """
    count = burst.report_count
    since = f"{count} requests since {slack_date(burst.first_report_at, '{time}')}"
    undecided = burst.status is BurstStatus.ACTIVE
    headline = f":rotating_light: *Suspected outage: {escape(burst.service_name)}*\n" + (
        f"{since}, and no outage is declared." if undecided else f"{since}."
    )
    shown = burst.reports[-LISTED_REPORTS:]
    listed = "\n".join(f"• {r.ref}: {escape(truncate(r.summary, LINE_MAX))}" for r in shown)
    if count > len(shown):
        listed = f"…and {count - len(shown)} earlier\n{listed}"
    blocks: list[Block] = [SectionBlock(text=md(headline)), SectionBlock(text=md(listed))]
    if undecided:
        blocks.append(_buttons(burst.id))
    else:
        blocks.append(ContextBlock(elements=[md(_decision(burst))]))
    text = f"Suspected outage: {burst.service_name}, {count} requests"
    return blocks, text


def others_reporting(service_name: str) -> str:
    """The word to a partner who files while others report the same service failing."""
    return (
        f"Others are reporting problems with {escape(service_name)} right now; "
        "technicians have been alerted."
    )


@speaks
def burst_partner_note(service_name: str) -> Rendered:
    """In the request's thread, when the confirmation went out before the burst was known."""
    text = others_reporting(service_name)
    return [SectionBlock(text=md(text))], text


def _related_line(related: RelatedRequest, now: dt.datetime) -> str:
    age = _age(now - related.opened_at)
    line = f"• *{related.ref}* · {related.status.label} · opened {age} ago · "
    line += escape(truncate(related.summary, LINE_MAX))
    if is_resolved(related.status) and related.resolution:
        line += f"\n      _Resolution:_ {escape(truncate(related.resolution, LINE_MAX))}"
    return line


def _age(delta: dt.timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def _buttons(burst_id: int) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                text="Declare outage…",
                action_id=AwarenessActionId.DECLARE,
                value=str(burst_id),
                style="danger",
            ),
            ButtonElement(
                text="Not an outage", action_id=AwarenessActionId.DISMISS, value=str(burst_id)
            ),
        ]
    )


def _decision(burst: BurstSummary) -> str:
    who = mention(burst.decided_by) if burst.decided_by else "a technician"
    if burst.status is BurstStatus.DECLARED:
        what = f"Declared as {burst.outage_ref}" if burst.outage_ref else "Declared an outage"
        return f":white_check_mark: {what} by {who}; its requests are linked to it."
    return f"Not an outage, said {who}. Later reports in this burst stay quiet."
