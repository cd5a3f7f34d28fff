"""The escalation ladder's messages: one per rung, each saying what was promised and how late."""

from __future__ import annotations

import datetime as dt

from slack_sdk.models.blocks import Block, ContextBlock, SectionBlock

from bot.domain.escalation import Rung
from bot.domain.summary import RequestSummary
from bot.views.text import Rendered, human_duration, md, mention, slack_date, speaks

MINUTE = dt.timedelta(minutes=1)


def _holder(request: RequestSummary) -> str:
    return f"assigned to {mention(request.assignee_id)}" if request.assignee_id else "unclaimed"


@speaks
def rung_note(
    request: RequestSummary,
    *,
    rung: Rung,
    missed: dt.datetime,
    now: dt.datetime,
    partner_told: bool,
    next_rung_at: dt.datetime | None,
) -> Rendered:
    """What one rung is told: the request, the promise, how long ago it lapsed, what is next."""
    late = f"{human_duration(now - missed)} ago" if now - missed >= MINUTE else "just now"
    told = (
        "Liaison told the partner what is known."
        if partner_told
        else "The partner has not been told yet."
    )
    subject = f"*{request.ref}* ({request.priority}, {request.service_name}, {_holder(request)})"
    heads = {
        Rung.ASSIGNEE: f"🔔 {mention(request.assignee_id or '')}",
        Rung.TRIAGE: "🔺 <!here> Escalated:",
        Rung.SUPERVISORS: "🚨 Escalated to supervisors:",
    }
    text = (
        f"{heads[rung]} {subject}: the partner was promised an update by "
        f"{slack_date(missed)} ({late}) and nobody has sent one. {told}"
    )
    blocks: list[Block] = [SectionBlock(text=md(text))]
    after = {Rung.ASSIGNEE: "the triage channel", Rung.TRIAGE: "the supervisors"}
    if next_rung_at is not None and rung in after:
        note = f"If nobody updates the partner, {after[rung]} will hear {slack_date(next_rung_at)}."
        blocks.append(ContextBlock(elements=[md(note)]))
    return blocks, f"{request.ref}: promised update missed ({late})"
