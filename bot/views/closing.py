"""Closing the loop with the partner: is it fixed, closed, or back with the technicians."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.model import format_number
from bot.domain.summary import RequestSummary
from bot.views.card_thread import labelled_quote
from bot.views.ids import ClosingActionId, ClosingBlockId, ClosingCallbackId
from bot.views.text import (
    escape,
    md,
    mention,
    plain,
    plain_words,
    slack_date,
    speaks,
    truncate,
)
from bot.views.triage_modals import encode_request_metadata

Rendered = tuple[list[Block], str]
TEXT_MAX = 3000
SUMMARY_MAX = 150


@speaks
def resolution_with_confirmation(
    request: RequestSummary,
    resolution: str,
    *,
    auto_close_at: dt.datetime,
    with_outage: str | None = None,
) -> Rendered:
    """Tell the partner it is resolved and let them say whether it really is, in one click.

    `with_outage`: resolved together with that outage, whose own message already told the
    partner what was fixed; saying it again a moment later would only repeat it.
    """
    by = f" by {mention(request.assignee_id)}" if request.assignee_id else ""
    headline = f"*{request.ref}* has been resolved{by}."
    if with_outage:
        headline = (
            f"*{request.ref}* has been resolved{by} together with {with_outage}; "
            f"what was fixed is in our message about {with_outage}."
        )
        resolution = ""
    blocks: list[Block] = [SectionBlock(text=md(headline))]
    if resolution.strip():
        blocks.append(labelled_quote("*What was fixed:*", resolution))
    number = str(request.number)
    blocks += [
        SectionBlock(text=md("*Is it working for you now?*")),
        ActionsBlock(
            elements=[
                button("Yes, it's fixed", ClosingActionId.CONFIRM_FIXED, number, primary=True),
                button("No, still broken", ClosingActionId.STILL_BROKEN, number),
            ]
        ),
        ContextBlock(
            elements=[
                md(f"If there is no answer, it closes by itself on {slack_date(auto_close_at)}.")
            ]
        ),
    ]
    fixed = (
        f" What was fixed: {escape(truncate(' '.join(resolution.split()), 300))}."
        if resolution.strip()
        else ""
    )
    said = plain_words(headline) if with_outage else f"{request.ref} has been resolved{by}."
    return blocks, (
        f"{said}{fixed} Is it working for you now? Answer with "
        f"the buttons: Yes, it's fixed, or No, still broken. If there is no answer, it closes "
        f"by itself on {slack_date(auto_close_at)}."
    )


class ResolutionAnswer(StrEnum):
    """What became of the question "is it working for you now?"."""

    CONFIRMED = "confirmed"
    AUTO_CLOSED = "auto_closed"
    REOPENED = "reopened"


@speaks
def resolution_answered(
    request: RequestSummary, resolution: str, *, answer: ResolutionAnswer, at: dt.datetime
) -> Rendered:
    """The resolution message once answered: what was fixed and what came of it, no buttons."""
    by = f" by {mention(request.assignee_id)}" if request.assignee_id else ""
    when = slack_date(at)
    outcome = {
        ResolutionAnswer.CONFIRMED: f"You confirmed it is fixed ({when}), so it is closed.",
        ResolutionAnswer.AUTO_CLOSED: f"There was no answer, so it closed by itself ({when}).",
        ResolutionAnswer.REOPENED: (
            f"You said it is still broken ({when}), so it is reopened and back with the "
            "technicians."
        ),
    }[answer]
    headline = f"*{request.ref}* was resolved{by}."
    blocks: list[Block] = [SectionBlock(text=md(headline))]
    text = f"{request.ref} was resolved{by}."
    if resolution.strip():
        blocks.append(labelled_quote("*What was fixed:*", resolution))
        text += f" What was fixed: {escape(truncate(' '.join(resolution.split()), 300))}."
    blocks.append(SectionBlock(text=md(outcome)))
    return blocks, f"{text} {outcome}"


@speaks
def auto_closed_then_reopened(request: RequestSummary, *, reopened_at: dt.datetime) -> Rendered:
    """The closed-by-itself message once its Reopen was used: the button goes."""
    text = (
        f"*{request.ref}* closed by itself, as there was no answer to the resolution message. "
        f"You reopened it ({slack_date(reopened_at)}); it is back with the technicians."
    )
    return [SectionBlock(text=md(text))], text.replace("*", "")


def reopen_modal(number: int, summary: str) -> View:
    """Ask what is still wrong: a reopened request needs words the technicians can act on."""
    context = md(f"*{format_number(number)}* · {escape(truncate(summary, SUMMARY_MAX))}")
    field = InputBlock(
        block_id=ClosingBlockId.REASON,
        label=plain("What is still wrong? The technicians will see this."),
        element=PlainTextInputElement(
            action_id=ClosingActionId.REASON, multiline=True, max_length=TEXT_MAX
        ),
    )
    blocks: list[Block] = [ContextBlock(elements=[context]), field]
    metadata = encode_request_metadata(number)
    return modal(ClosingCallbackId.REOPEN, "Still not fixed", "Reopen", metadata, blocks)


@speaks
def confirmed_message(request: RequestSummary) -> Rendered:
    """Acknowledge the partner's confirmation, so they know nothing more is expected of them."""
    text = f"Thank you for confirming. *{request.ref}* is closed."
    return [SectionBlock(text=md(text))], f"{request.ref} is closed."


@speaks
def auto_closed_message(request: RequestSummary, *, reopen_until: dt.datetime) -> Rendered:
    """Say it closed without an answer, and that reopening stays one click away for a while."""
    text = (
        f"*{request.ref}* is closed, as there was no answer to the resolution message. "
        f"If it is still not fixed, you can reopen it until {slack_date(reopen_until)}."
    )
    reopen = button("Reopen", ClosingActionId.REOPEN, str(request.number))
    blocks: list[Block] = [SectionBlock(text=md(text)), ActionsBlock(elements=[reopen])]
    return blocks, text.replace("*", "")


@speaks
def reopened_message(request: RequestSummary) -> Rendered:
    """Confirm a reopening: who has it now and when the partner will hear next."""
    lines = [f"*{request.ref}* is reopened and back with the technicians."]
    if request.assignee_id:
        lines.append(f"{mention(request.assignee_id)} has it.")
    else:
        lines.append("It is waiting for a technician to pick it up.")
    if request.next_update_due:
        lines.append(
            f"You will hear from us by {slack_date(request.next_update_due)} at the latest."
        )
    return [SectionBlock(text=md(" ".join(lines)))], " ".join(lines).replace("*", "")


@speaks
def reopened_card_note(request: RequestSummary, reason: str) -> Rendered:
    """Put the partner's reason in the card's thread, in front of the person who has the request."""
    who = (
        f"{mention(request.assignee_id)}, it is back with you."
        if request.assignee_id
        else "Nobody has it yet: it needs a technician to claim it."
    )
    headline = f"🔁 *Reopened by the partner* {mention(request.partner_id)}. {who}"
    blocks: list[Block] = [SectionBlock(text=md(headline))]
    if reason.strip():
        blocks.append(labelled_quote("*What is still wrong:*", reason))
    return blocks, f"{request.ref} was reopened by the partner. {who}"


def button(
    label: str, action: ClosingActionId, value: str, *, primary: bool = False
) -> ButtonElement:
    """A button of the closing steps; only the one answer that moves things on is primary."""
    style = "primary" if primary else None
    return ButtonElement(text=plain(label), action_id=action, value=value, style=style)


def modal(
    callback_id: ClosingCallbackId, title: str, submit: str, metadata: str, blocks: list[Block]
) -> View:
    """A closing-step modal, always with a way out."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=plain(title),
        submit=plain(submit),
        close=plain("Cancel"),
        private_metadata=metadata,
        blocks=blocks,
    )
