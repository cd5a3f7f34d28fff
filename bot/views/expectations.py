"""Messages about time: warnings before a target, breaches, nudges and the truthful lapse."""

from __future__ import annotations

import datetime as dt

from slack_sdk.models.blocks import Block, ContextBlock, SectionBlock

from bot.domain.summary import RequestSummary
from bot.views.text import Rendered, md, mention, quote_within, slack_date, speaks

TARGET_NAMES = {"first_response": "first response", "resolution": "resolution"}


def _who(request: RequestSummary) -> str:
    """The assignee, or everyone on duty in the channel when nobody has claimed it."""
    return mention(request.assignee_id) if request.assignee_id else "<!here> (unclaimed)"


@speaks
def warning_note(request: RequestSummary, *, target: str, due: dt.datetime) -> Rendered:
    """Posted in the card's thread while there is still time to meet the target."""
    name = TARGET_NAMES[target]
    text = f"⏰ {_who(request)} {request.ref}: the {name} target is due {slack_date(due)}."
    return [SectionBlock(text=md(text))], f"{request.ref}: {name} due soon"


@speaks
def breach_note(request: RequestSummary, *, target: str, due: dt.datetime) -> Rendered:
    """Posted in the card's thread when a target passes; the card shows it too."""
    name = TARGET_NAMES[target]
    text = (
        f"⚠️ {_who(request)} {request.ref}: the {name} target was due {slack_date(due)}. "
        "It has passed and is recorded as missed."
    )
    return [SectionBlock(text=md(text))], f"{request.ref}: {name} target missed"


@speaks
def nudge_note(request: RequestSummary, *, lapsed: dt.datetime | None = None) -> Rendered:
    """Reminds whoever has the request that the partner is owed an update."""
    if lapsed is not None:
        text = (
            f"🔔 {_who(request)} {request.ref}: the partner was promised an update by "
            f"{slack_date(lapsed)} and none was sent, so Liaison told them what is known. "
            f"Next promise: {slack_date(request.next_update_due or lapsed)}."
        )
    else:
        due = request.next_update_due
        when = slack_date(due) if due else "soon"
        text = (
            f"🔔 {_who(request)} {request.ref}: the partner is owed an update by {when}. "
            "Use *Update…* or *Message partner…* on the card."
        )
    return [SectionBlock(text=md(text))], f"{request.ref}: partner update due"


LAST_UPDATE_KINDS = {
    "claim": "a technician took it on",
    "assign": "it was assigned to a technician",
    "update": "we updated its status",
    "reprioritise": "its priority changed",
    "message_partner": "a technician wrote to you",
}


@speaks
def promise_lapse_message(
    request: RequestSummary,
    *,
    missed: dt.datetime,
    last_update: tuple[dt.datetime, str, str] | None,
) -> Rendered:
    """To the partner when we miss our own promise: what is known, nothing invented, a new time."""
    who = mention(request.assignee_id) if request.assignee_id else "not yet assigned"
    lines = [
        f"We promised you an update on *{request.ref}* by {slack_date(missed)} and did not send "
        "one. Here is what we know:",
        f"• Status: *{request.status.label}*",
        f"• Working on it: {who}",
    ]
    blocks: list[Block] = [SectionBlock(text=md("\n".join(lines)))]
    if last_update is not None:
        at, kind, text = last_update
        label = f"• Last update, {slack_date(at)}: {LAST_UPDATE_KINDS.get(kind, 'an update')}"
        quoted = "\n" + quote_within(text, 2700) if text else ""
        blocks.append(SectionBlock(text=md(label + quoted)))
    else:
        blocks.append(SectionBlock(text=md("• No technician has written to you about it yet.")))
    promise = request.next_update_due or missed
    blocks.append(
        ContextBlock(
            elements=[md(f"You will hear from us by {slack_date(promise)} at the latest.")]
        )
    )
    return blocks, f"{request.ref}: our update is late; here is what we know"


@speaks
def update_asked_note(request: RequestSummary) -> Rendered:
    """In the card's thread when the partner presses "Ask for an update"."""
    text = f"🙋 {_who(request)} {request.ref}: the partner asked for an update."
    return [SectionBlock(text=md(text))], f"{request.ref}: partner asked for an update"


@speaks
def update_asked_reply(request: RequestSummary) -> Rendered:
    """To the partner: who was asked, and by when they will hear."""
    who = mention(request.assignee_id) if request.assignee_id else "the technicians on duty"
    promise = request.next_update_due
    when = f"by {slack_date(promise)} at the latest" if promise else "as soon as there is news"
    text = f"We have asked {who} for an update on *{request.ref}*. You will hear from us {when}."
    return [SectionBlock(text=md(text))], f"{request.ref}: update requested"
