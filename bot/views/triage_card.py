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
from bot.domain.outcomes import (
    TargetOutcome,
    Verdict,
    first_response_outcome,
    resolution_outcome,
)
from bot.domain.summary import RequestSummary
from bot.views.ids import ActionId, BlockId
from bot.views.text import (
    AGO,
    escape,
    human_duration,
    md,
    mention,
    plain,
    quote_within,
    slack_date,
    slack_day,
    truncate,
)

PRIORITY_MARK = {"P1": "🔴", "P2": "🟠", "P3": "🟡", "P4": "⚪"}
CLOSED_MARK = {
    RequestStatus.RESOLVED: "✅",
    RequestStatus.CLOSED: "☑️",
    RequestStatus.WITHDRAWN: "↩️",
}
CARD_DETAILS_MAX = 1200
CARD_TEXT_DETAILS = 600


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
    context = _context_line(request)
    if context:
        blocks.append(ContextBlock(elements=[md(context)]))
    if request.status.is_open:
        blocks.append(card_actions(request))
    return blocks, card_text(request)


def card_text(request: RequestSummary) -> str:
    """The whole card in plain words: what screen readers and notifications read."""
    assignee = mention(request.assignee_id) if request.assignee_id else "unassigned"
    facts = [
        f"{request.ref}: {escape(truncate(request.summary, 150))}.",
        f"Priority {request.priority}, status {request.status.label}, assignee {assignee}.",
        f"Partner {mention(request.partner_id)}; service "
        f"{escape(truncate(request.service_name, 200))}; mission impact {request.impact.label}.",
        f"Opened {slack_date(request.opened_at, AGO)}.",
    ]
    facts += [outcome_words(o) + "." for o in _outcomes(request)]
    if request.status.is_open and request.next_update_due:
        facts.append(f"The partner hears from us by {slack_date(request.next_update_due)}.")
    if request.paused_at and request.status.is_open:
        facts.append(f"Clock paused since {slack_date(request.paused_at)}, waiting on the partner.")
    if request.needed_by:
        facts.append(f"Needed by {slack_day(request.needed_by)}.")
    if request.source_link:
        facts.append(f"Filed from a Slack message: <{request.source_link}|original message>.")
    if request.details:
        details = escape(truncate(" ".join(request.details.split()), CARD_TEXT_DETAILS))
        facts.append(f"Details: {details}")
    text = " ".join(facts)
    return text if request.status.is_open else f"{request.status.label}: {text}"


def outcome_words(outcome: TargetOutcome) -> str:
    """ "First response: met, 12 min", "Resolution: missed by 2 h" or "Resolution due …"."""
    if outcome.verdict is Verdict.PENDING:
        return f"{outcome.name} due {slack_date(outcome.due)}"
    verdict = _verdict(outcome)
    return f"{outcome.name}: {verdict[:1].lower()}{verdict[1:]}"


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
        md(f"*Opened*\n{slack_date(request.opened_at, AGO)}"),
    ]
    fields += outcome_fields(request)
    if request.status.is_open and request.next_update_due:
        fields.append(md(f"*Partner hears from us by*\n{slack_date(request.next_update_due)}"))
    return fields


def outcome_fields(request: RequestSummary) -> list[MarkdownTextObject]:
    """A deadline while it still applies; once decided, how it went ("Met, 12 min")."""
    return [
        md(f"*{o.name}*\n{_verdict(o)}")
        if o.decided
        else md(f"*{o.name} due*\n{slack_date(o.due)}")
        for o in _outcomes(request)
    ]


def _outcomes(request: RequestSummary) -> list[TargetOutcome]:
    found = (first_response_outcome(request), resolution_outcome(request))
    return [o for o in found if o is not None]


def _verdict(outcome: TargetOutcome) -> str:
    """Met or missed in words (a mark alone would say nothing to a screen reader)."""
    if outcome.verdict is Verdict.MET:
        return f"Met, {human_duration(outcome.took)}" if outcome.took is not None else "Met"
    if outcome.late_by:
        return f"Missed by {human_duration(outcome.late_by)} ⚠️"
    return f"Missed (was due {slack_date(outcome.due)}) ⚠️"


def clock_line(request: RequestSummary) -> str:
    """A paused clock, stated plainly on the card; empty when the clock runs."""
    if request.paused_at and request.status.is_open:
        return f"⏸️ Clock paused since {slack_date(request.paused_at)} (waiting on partner)"
    return ""


def _context_line(request: RequestSummary) -> str:
    parts = []
    if request.needed_by:
        parts.append(f"Needed by {slack_day(request.needed_by)}")
    if request.source_link:
        parts.append(f"<{request.source_link}|original message>")
    return " · ".join(parts)
