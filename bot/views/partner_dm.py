"""Messages to the partner in their direct conversation with the bot."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    SectionBlock,
)

from bot.domain.summary import RequestSummary
from bot.views.awareness import others_reporting as others_reporting_line
from bot.views.ids import ActionId
from bot.views.text import escape, md, plain, quote, slack_date, speaks, truncate

REPLY_HINT = "Reply in this thread to add information; it reaches the technicians."


@speaks
def partner_acknowledgement(
    request: RequestSummary, *, others_reporting: bool = False
) -> tuple[list[Block], str]:
    """The confirmation DM: number, priority and honest times for what happens next.

    `others_reporting`: others are reporting problems with the same service right now (a
    suspected outage no one has declared yet), which the partner learns at once.
    """
    header = (
        f"*{request.ref}* is filed: *{escape(request.service_name)}*, "
        f"priority *{request.priority}* ({request.impact.label.lower()})\n"
        f"{quote(truncate(request.summary, 150))}"
    )
    aware = others_reporting_line(request.service_name) if others_reporting else ""
    respond = f"• A technician will respond by {slack_date(request.first_response_due)}."
    if request.next_update_due == request.first_response_due:
        # Usually the same moment: one promise, said once.
        respond = (
            f"• You will hear from us by {slack_date(request.next_update_due)} at the latest: "
            "a technician will respond by then, even if there is no news yet."
        )
    next_steps = (
        f"*What happens next*\n{respond}\n"
        f"• Our target to resolve it is {slack_date(request.resolution_due)}."
    )
    if request.next_update_due and request.next_update_due != request.first_response_due:
        next_steps += (
            f"\n• You will hear from us by {slack_date(request.next_update_due)} "
            "at the latest, even if there is no news yet."
        )
    blocks: list[Block] = [
        SectionBlock(text=md(header)),
        *([SectionBlock(text=md(f":rotating_light: {aware}"))] if aware else []),
        SectionBlock(text=md(next_steps)),
        ContextBlock(
            elements=[
                md(
                    "Priority comes from the mission impact and the date you need it by, "
                    "using the published service levels (`/request services`)."
                )
            ]
        ),
        ContextBlock(elements=[md(REPLY_HINT)]),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=plain("Ask for an update"),
                    action_id=ActionId.ASK_UPDATE,
                    value=str(request.number),
                ),
                withdraw_button(request),
            ]
        ),
    ]
    text = (
        f"{request.ref} filed ({request.priority}). First response by "
        f"{slack_date(request.first_response_due)}."
    )
    if aware:
        text += f" {aware}"
    return blocks, text


def withdraw_button(request: RequestSummary) -> ButtonElement:
    """The partner's way to call a request off, behind a confirmation because it stops work."""
    return ButtonElement(
        text=plain("Withdraw request"),
        action_id=ActionId.WITHDRAW,
        value=str(request.number),
        style="danger",
        confirm=ConfirmObject(
            title=plain(f"Withdraw {request.ref}?"),
            text=plain("The technicians will stop work on it."),
            confirm=plain("Withdraw"),
            deny=plain("Keep it"),
            style="danger",
        ),
    )
