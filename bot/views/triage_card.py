"""The triage card: a request's home in the technicians' channel."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.model import RequestStatus
from bot.domain.summary import RequestSummary
from bot.views.ids import ActionId, BlockId
from bot.views.text import escape, md, mention, plain, quote_within, slack_date, truncate

PRIORITY_MARK = {"P1": "🔴", "P2": "🟠", "P3": "🟡", "P4": "⚪"}
CLOSED_MARK = {
    RequestStatus.RESOLVED: "✅",
    RequestStatus.CLOSED: "☑️",
    RequestStatus.WITHDRAWN: "↩️",
}
CARD_DETAILS_MAX = 1200


def triage_card(request: RequestSummary) -> tuple[list[Block], str]:
    """Blocks and notification text for the card; rebuilt whole on every change."""
    blocks: list[Block] = [
        HeaderBlock(text=plain(truncate(f"{request.ref} · {request.summary}", 150))),
    ]
    if not request.status.is_open:
        # Closed cards stay in the channel; the outcome must be readable at a glance.
        mark = CLOSED_MARK.get(request.status, "")
        blocks.append(SectionBlock(text=md(f"{mark} *{request.status.label.upper()}*")))
    blocks.append(SectionBlock(fields=_fields(request)))
    clock = clock_line(request)
    if clock:
        blocks.append(SectionBlock(text=md(clock)))
    if request.details:
        blocks.append(
            SectionBlock(text=md(quote_within(truncate(request.details, CARD_DETAILS_MAX), 3000)))
        )
    blocks.append(ContextBlock(elements=[md(_context_line(request))]))
    if request.status.is_open:
        blocks.append(card_actions(request))
    text = f"{request.ref} ({request.priority}) {escape(truncate(request.summary, 150))}"
    if not request.status.is_open:
        text = f"{request.status.label}: {text}"
    return blocks, text


def card_actions(request: RequestSummary) -> ActionsBlock:
    """The technicians' buttons; each carries the request number for the handler."""
    value = str(request.number)
    buttons = []
    if not request.assignee_id:
        buttons.append(_button("Claim", ActionId.CLAIM, value, style="primary"))
    buttons += [
        _button("Assign…", ActionId.ASSIGN, value),
        _button("Update…", ActionId.UPDATE, value),
        _button("Resolve…", ActionId.RESOLVE, value),
        _button("Priority…", ActionId.REPRIORITISE, value),
        _button("Message partner…", ActionId.MESSAGE_PARTNER, value),
    ]
    return ActionsBlock(block_id=BlockId.CARD_ACTIONS, elements=buttons)


def _button(label: str, action_id: ActionId, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=plain(label), action_id=action_id, value=value, style=style)


def _fields(request: RequestSummary) -> list[MarkdownTextObject]:
    assignee = mention(request.assignee_id) if request.assignee_id else "_Unassigned_"
    fields = [
        md(f"*Partner*\n{mention(request.partner_id)}"),
        md(f"*Service*\n{escape(truncate(request.service_name, 200))}"),
        md(f"*Mission impact*\n{request.impact.label}"),
        md(f"*Priority*\n{PRIORITY_MARK[request.priority]} {request.priority}"),
        md(f"*Status*\n{request.status.label}"),
        md(f"*Assignee*\n{assignee}"),
        md(f"*Opened*\n{slack_date(request.opened_at, '{ago}')}"),
        md(f"*First response due*\n{slack_date(request.first_response_due)}"),
    ]
    if request.status.is_open and request.next_update_due:
        fields.append(md(f"*Partner hears from us by*\n{slack_date(request.next_update_due)}"))
    return fields


def clock_line(request: RequestSummary) -> str:
    """Breaches and a paused clock, stated plainly on the card; empty when all is on time."""
    parts = []
    if request.first_response_breached_at:
        parts.append(
            f"⚠️ First-response target missed (was due {slack_date(request.first_response_due)})"
        )
    if request.resolution_breached_at:
        parts.append(f"⚠️ Resolution target missed (was due {slack_date(request.resolution_due)})")
    if request.paused_at and request.status.is_open:
        parts.append(f"⏸️ Clock paused since {slack_date(request.paused_at)} (waiting on partner)")
    return "\n".join(parts)


def _context_line(request: RequestSummary) -> str:
    parts = [f"Resolution due {slack_date(request.resolution_due)}"]
    if request.needed_by:
        parts.append(f"needed by {request.needed_by.isoformat()}")
    if request.source_link:
        parts.append(f"<{request.source_link}|original message>")
    return " · ".join(parts)
