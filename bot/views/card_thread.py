"""Replies in a triage card's thread, so the thread holds the request's whole history."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, SectionBlock

from bot.domain.summary import Change, RequestSummary
from bot.domain.transitions import Action
from bot.views.text import escape, md, mention, plain_from_slack, quote_within, speaks

SECTION_MAX = 3000
TOLD_LABEL = "*Partner was told:*"
NOTE_LABEL = "*Internal note (not shown to the partner):*"


def labelled_quote(label: str, text: str) -> SectionBlock:
    """A bold label over typed text, quoted and escaped, within a section's limit."""
    return SectionBlock(text=md(f"{label}\n{quote_within(text, SECTION_MAX - len(label) - 1)}"))


@speaks
def card_thread_entry(change: Change) -> tuple[list[Block], str]:
    """One line saying what happened and who did it, then what the partner and team were told."""
    headline, told_label = _headline(change)
    blocks: list[Block] = [SectionBlock(text=md(headline))]
    if change.partner_message:
        blocks.append(labelled_quote(told_label, change.partner_message))
    if change.internal_note:
        blocks.append(labelled_quote(NOTE_LABEL, change.internal_note))
    return blocks, f"{change.request.ref}: {headline}"


@speaks
def partner_reply_in_card_thread(request: RequestSummary, text: str) -> tuple[list[Block], str]:
    """Relay a partner's thread reply (Slack-encoded event text) without re-issuing its pings."""
    label = f"*From the partner {mention(request.partner_id)}:*"
    block = labelled_quote(label, plain_from_slack(text))
    return [block], f"{request.ref}: the partner replied"


def _headline(change: Change) -> tuple[str, str]:
    """The one-line summary of a change, and the label for the partner's text under it."""
    closing = _closing_headline(change)
    if closing is not None:
        return closing
    request, actor = change.request, mention(change.actor_id)
    match change.action:
        case Action.CLAIM:
            return f"Claimed by {actor}.", TOLD_LABEL
        case Action.ASSIGN:
            return f"{_assigned(change)} by {actor}.", TOLD_LABEL
        case Action.UPDATE:
            return _status_line(change), TOLD_LABEL
        case Action.RESOLVE:
            shared = (
                " and shared as a fix for partners who report the same problem"
                if change.shared_fix
                else ""
            )
            return f"*Resolved* by {actor}{shared}.", "*Resolution (the partner sees this):*"
        case Action.REPRIORITISE:
            old, new = change.previous_priority, request.priority
            return f"Priority {old} → *{new}* by {actor}.", "*Reason (the partner sees this):*"
        case Action.MESSAGE_PARTNER:
            return f"{actor} sent the partner a message:", "*Message:*"
        case Action.WITHDRAW:
            return f"*Withdrawn* by the partner {mention(request.partner_id)}.", TOLD_LABEL
        case Action.PARTNER_REPLY:
            return f"The partner {mention(request.partner_id)} replied:", "*From the partner:*"
        case _:
            return f"{escape(change.action)} by {actor}.", TOLD_LABEL


def _closing_headline(change: Change) -> tuple[str, str] | None:
    """The partner's own closing steps, and the automatic close."""
    request = change.request
    partner = mention(request.partner_id)
    if change.action == Action.CONFIRM:
        return f"✅ The partner {partner} confirmed it is fixed.", TOLD_LABEL
    if change.action == Action.SOLVED_BY_FIX:
        return f"✅ *Closed* by the partner {partner}: a shared fix solved it.", "*The shared fix:*"
    if change.action == Action.AUTO_CLOSE:
        return "☑️ *Closed*: the partner did not answer in time.", TOLD_LABEL
    if change.action == Action.REOPEN:
        who = mention(request.assignee_id) if request.assignee_id else "It needs a technician."
        return (
            f"🔁 *Reopened* by the partner {partner}: still broken. {who}",
            "*What is still wrong:*",
        )
    return None


def _assigned(change: Change) -> str:
    new, old = change.request.assignee_id, change.previous_assignee
    text = f"Assigned to {mention(new)}" if new else "Unassigned"
    if old and old != new:
        text += f" (was {mention(old)})"
    return text


def _status_line(change: Change) -> str:
    old, new, actor = change.previous_status, change.request.status, mention(change.actor_id)
    if old is new:
        return f"Update by {actor} (status still {new.label})."
    return f"Status {old.label} → *{new.label}* by {actor}."
