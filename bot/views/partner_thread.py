"""Replies in the partner's DM thread: who is working on it, what is happening, and when next."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ContextBlock, SectionBlock

from bot.domain.model import RequestStatus
from bot.domain.summary import Change, RequestSummary
from bot.domain.transitions import Action
from bot.views.card_thread import labelled_quote
from bot.views.ids import ActionId
from bot.views.partner_dm import REPLY_HINT
from bot.views.shared_fixes import fix_closed_message
from bot.views.text import (
    md,
    mention,
    plain,
    plain_from_slack,
    slack_date,
    speaks,
    spoken,
    truncate,
)

FILE_VALUE_MAX = 2000
RESOLVED_HINT = "If it is not fixed, reply in this thread and the technicians will see it."
S = RequestStatus


def partner_change_message(change: Change) -> tuple[list[Block], str] | None:
    """What the partner should hear about a change; None when nothing in it is theirs to see."""
    if change.action == Action.WITHDRAW:
        return partner_withdrawn_message(change.request)
    if change.action == Action.SOLVED_BY_FIX:
        return fix_closed_message(change.request)
    content = _content(change)
    if content is None:
        return None
    headline, label = content
    request = change.request
    blocks: list[Block] = [SectionBlock(text=md(headline))]
    if change.partner_message:
        blocks.append(labelled_quote(label, change.partner_message))
    if request.status is S.WAITING_PARTNER:
        blocks.append(ContextBlock(elements=[md(REPLY_HINT)]))
    elif request.status is S.RESOLVED:
        blocks.append(ContextBlock(elements=[md(RESOLVED_HINT)]))
    # Say who is on it once: not again when the headline already names them.
    named = bool(request.assignee_id) and mention(request.assignee_id or "") in headline
    footer = _footer(request, name_assignee=not named and change.action is not Action.ASSIGN)
    if footer:
        blocks.append(SectionBlock(text=md(footer)))
    text = headline.replace("*", "")
    if request.ref not in text:
        text = f"{request.ref}: {text}"
    return blocks, spoken(text, blocks)


@speaks
def partner_withdrawn_message(request: RequestSummary) -> tuple[list[Block], str]:
    """Confirm a withdrawal, so the partner knows the technicians have stopped."""
    text = (
        f"*{request.ref}* is withdrawn. The technicians have stopped work on it. "
        "If you still need help, file a new request with `/request`."
    )
    return [SectionBlock(text=md(text))], f"{request.ref} is withdrawn."


@speaks
def dm_offer_to_file(text: str, *, command: str = "/request") -> tuple[list[Block], str]:
    """Answer a DM outside any request thread: requests go through the form, one click away."""
    typed = truncate(plain_from_slack(text).strip(), FILE_VALUE_MAX)
    blocks: list[Block] = [
        SectionBlock(
            text=md(
                "Requests are filed with a short form, so the technicians get the service and "
                "mission impact they need. Press the button to file this message as a request, "
                "or reply in an existing request's thread to add to it."
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=plain("File this as a request"),
                    action_id=ActionId.FILE_FROM_DM,
                    value=typed or None,
                    style="primary",
                )
            ]
        ),
        ContextBlock(elements=[md(f"`{command} help` shows everything I can do.")]),
    ]
    return blocks, "Requests are filed with the form: press “File this as a request”."


def _content(change: Change) -> tuple[str, str] | None:
    """The headline for the partner and the label for the technician's words under it."""
    request, actor = change.request, mention(change.actor_id)
    who = mention(request.assignee_id) if request.assignee_id else actor
    match change.action:
        case Action.CLAIM:
            return f"{who} is now working on *{request.ref}*.", "*They write:*"
        case Action.ASSIGN:
            return _assigned(request), "*They write:*"
        case Action.UPDATE:
            return _update(change)
        case Action.REPRIORITISE:
            if request.priority == change.previous_priority and not change.partner_message:
                return None
            return (
                f"The priority of *{request.ref}* changed from {change.previous_priority} "
                f"to *{request.priority}*.",
                "*Reason:*",
            )
        case Action.RESOLVE:
            return f"*{request.ref}* has been resolved by {actor}.", "*What was fixed:*"
        case Action.MESSAGE_PARTNER:
            return f"{actor} writes about *{request.ref}*:", "*Message:*"
        case _:
            return None


def _assigned(request: RequestSummary) -> str:
    if request.assignee_id:
        return f"{mention(request.assignee_id)} is now working on *{request.ref}*."
    return f"*{request.ref}* is waiting for a technician to pick it up."


def _update(change: Change) -> tuple[str, str] | None:
    """Status changes in words; an update with only an internal note is not the partner's."""
    request, actor = change.request, mention(change.actor_id)
    status, changed = request.status, request.status is not change.previous_status
    if not changed and not change.partner_message:
        return None
    if status is S.WAITING_PARTNER:
        return f"*We need something from you* to continue *{request.ref}*.", f"*{actor} asks:*"
    if status is S.WAITING_THIRD_PARTY and changed:
        return f"*{request.ref}* is waiting on a third party.", "*What we are waiting for:*"
    if status is S.IN_PROGRESS and changed:
        again = " again" if change.previous_status is not S.NEW else ""
        who = mention(request.assignee_id) if request.assignee_id else actor
        return f"{who} is working on *{request.ref}*{again}.", f"*{actor} writes:*"
    return f"{actor} has an update on *{request.ref}* ({status.label.lower()}).", "*Update:*"


def _footer(request: RequestSummary, *, name_assignee: bool) -> str:
    """Who is on it and the next-update promise; closed requests owe no further update."""
    if not request.status.is_open:
        return ""
    parts = []
    if name_assignee:
        parts.append(
            f"{mention(request.assignee_id)} is working on it."
            if request.assignee_id
            else "It is not yet assigned to a technician."
        )
    if request.next_update_due:
        due = slack_date(request.next_update_due)
        parts.append(f"You will hear from us by {due} at the latest.")
    return " ".join(parts)
