"""The triage card: a request's home in the technicians' channel."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, SectionBlock

from bot.domain.summary import RequestSummary
from bot.views.text import escape, md, mention, plain, quote, slack_date, truncate

PRIORITY_MARK = {"P1": "🔴", "P2": "🟠", "P3": "🟡", "P4": "⚪"}
CARD_DETAILS_MAX = 1200


def triage_card(request: RequestSummary) -> tuple[list[Block], str]:
    """Blocks and notification text for the card; rebuilt whole on every change."""
    assignee = mention(request.assignee_id) if request.assignee_id else "_Unassigned_"
    fields = [
        md(f"*Partner*\n{mention(request.partner_id)}"),
        md(f"*Service*\n{escape(request.service_name)}"),
        md(f"*Mission impact*\n{request.impact.label}"),
        md(f"*Priority*\n{PRIORITY_MARK[request.priority]} {request.priority}"),
        md(f"*Status*\n{request.status.label}"),
        md(f"*Assignee*\n{assignee}"),
        md(f"*Opened*\n{slack_date(request.opened_at, '{ago}')}"),
        md(f"*First response due*\n{slack_date(request.first_response_due)}"),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=plain(truncate(f"{request.ref} · {request.summary}", 150))),
        SectionBlock(fields=fields),
    ]
    if request.details:
        blocks.append(SectionBlock(text=md(quote(truncate(request.details, CARD_DETAILS_MAX)))))
    blocks.append(ContextBlock(elements=[md(_context_line(request))]))
    text = f"{request.ref} ({request.priority}) {escape(truncate(request.summary, 150))}"
    return blocks, text


def _context_line(request: RequestSummary) -> str:
    parts = [f"Resolution due {slack_date(request.resolution_due)}"]
    if request.needed_by:
        parts.append(f"needed by {request.needed_by.isoformat()}")
    if request.source_link:
        parts.append(f"<{request.source_link}|original message>")
    return " · ".join(parts)
