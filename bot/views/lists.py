"""Lists and status answers for `/request list`, `/request status` and `/request queue`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.model import format_number
from bot.domain.summary import RequestSummary, TimelineEntry
from bot.views.ids import ActionId
from bot.views.text import (
    AGO,
    escape,
    md,
    mention,
    plain,
    plain_from_slack,
    slack_date,
    speaks,
    truncate,
)
from bot.views.triage_card import PRIORITY_MARK, outcome_fields

PARTNER_LIST_SHOWN = 20
QUEUE_SHOWN = 20
TIMELINE_SHOWN = 10
TIMELINE_TEXT_MAX = 300
KIND_WORDS = {
    "opened": "filed it",
    "claim": "claimed it",
    "assign": "assigned it",
    "update": "updated it",
    "resolve": "resolved it",
    "reprioritise": "changed the priority",
    "message_partner": "wrote to the partner",
    "withdraw": "withdrew it",
    "solved_by_fix": "closed it: a shared fix solved it",
    "partner_reply": "replied",
    "partner_message": "wrote",
    "partner_message_edited": "edited a message",
    "partner_message_deleted": "deleted a message",
}
# History kinds whose text is stored as Slack delivered it (mentions, escapes) and is decoded.
SLACK_TEXT_KINDS = frozenset(
    {"partner_message", "partner_message_edited", "partner_message_deleted"}
)


@speaks
def partner_request_list(
    requests: Sequence[RequestSummary], command: str
) -> tuple[list[Block], str]:
    """A partner's open requests, each with who has it and when they will hear next."""
    if not requests:
        line = f"You have no open requests. `{command}` files one."
        return [SectionBlock(text=md(line))], line
    blocks: list[Block] = [SectionBlock(text=md(f"*Your open requests* ({len(requests)})"))]
    blocks += [_partner_row(r) for r in requests[:PARTNER_LIST_SHOWN]]
    blocks += _more(len(requests) - PARTNER_LIST_SHOWN)
    count = len(requests)
    return blocks, f"You have {count} open request{'s' if count != 1 else ''}."


@speaks
def request_status(
    request: RequestSummary,
    timeline: Sequence[TimelineEntry],
    *,
    include_internal: bool = False,
) -> tuple[list[Block], str]:
    """Where a request stands and its recent history; internal entries only for technicians."""
    fields: list[MarkdownTextObject] = [
        md(f"*Status*\n{request.status.label}"),
        md(f"*Priority*\n{PRIORITY_MARK[request.priority]} {request.priority}"),
        md(f"*Service*\n{escape(truncate(request.service_name, 200))}"),
        md(f"*Assignee*\n{_assignee(request)}"),
        md(f"*Opened*\n{slack_date(request.opened_at)}"),
        *outcome_fields(request),
    ]
    if request.status.is_open and request.next_update_due:
        fields.append(md(f"*Next update by*\n{slack_date(request.next_update_due)}"))
    blocks: list[Block] = [
        SectionBlock(text=md(f"*{request.ref}* · {escape(truncate(request.summary, 150))}")),
        SectionBlock(fields=fields),
    ]
    shown = [e for e in timeline if include_internal or e.partner_visible]
    if shown:
        blocks.append(SectionBlock(text=md("*Recent history*")))
        blocks += [ContextBlock(elements=[md(_entry(e))]) for e in shown[-TIMELINE_SHOWN:]]
        if len(shown) > TIMELINE_SHOWN:
            blocks.append(ContextBlock(elements=[md(f"Last {TIMELINE_SHOWN} of {len(shown)}.")]))
    return blocks, f"{request.ref}: {request.status.label}, {request.priority}"


@speaks
def technician_queue(
    unclaimed: Sequence[RequestSummary], mine: Sequence[RequestSummary]
) -> tuple[list[Block], str]:
    """Unclaimed work first (in the caller's priority-then-age order), then the caller's own."""
    blocks: list[Block] = [SectionBlock(text=md(f"*Unclaimed* ({len(unclaimed)})"))]
    if unclaimed:
        blocks += [SectionBlock(text=md(_queue_line(r))) for r in unclaimed[:QUEUE_SHOWN]]
        blocks += _more(len(unclaimed) - QUEUE_SHOWN)
    else:
        blocks.append(SectionBlock(text=md("_Nothing unclaimed._")))
    blocks.append(SectionBlock(text=md(f"*Yours* ({len(mine)})")))
    if mine:
        lines = [_queue_line(r, with_status=True) for r in mine[:QUEUE_SHOWN]]
        blocks += [SectionBlock(text=md(line)) for line in lines]
        blocks += _more(len(mine) - QUEUE_SHOWN)
    else:
        blocks.append(SectionBlock(text=md("_Nothing assigned to you._")))
    return blocks, f"Queue: {len(unclaimed)} unclaimed, {len(mine)} yours"


def not_yours(number: int) -> str:
    """Same answer whether the request does not exist or is someone else's: nothing leaks."""
    return f"There is no request {format_number(number)} of yours."


def _partner_row(request: RequestSummary) -> SectionBlock:
    lines = [
        f"*{request.ref}* · {escape(truncate(request.summary, 150))}",
        f"{request.status.label} · {_assignee(request)}",
    ]
    if request.status.is_open and request.next_update_due:
        lines.append(f"You will hear from us by {slack_date(request.next_update_due)}")
    return SectionBlock(
        text=md("\n".join(lines)),
        accessory=ButtonElement(
            text=plain("Open"), action_id=ActionId.SHOW_REQUEST, value=str(request.number)
        ),
    )


def _assignee(request: RequestSummary) -> str:
    return mention(request.assignee_id) if request.assignee_id else "not yet assigned"


def _queue_line(request: RequestSummary, *, with_status: bool = False) -> str:
    age = slack_date(request.opened_at, AGO)
    line = (
        f"{PRIORITY_MARK[request.priority]} *{request.ref}* {request.priority} · "
        f"{escape(truncate(request.summary, 100))} · opened {age}"
    )
    return line + (f" · {request.status.label}" if with_status else "")


def _entry(entry: TimelineEntry) -> str:
    who = mention(entry.actor_id) if entry.actor_id else "Liaison"
    kind = KIND_WORDS.get(entry.kind, entry.kind.replace("_", " "))
    line = f"{slack_date(entry.at)} · {who} {escape(kind)}"
    text = plain_from_slack(entry.text) if entry.kind in SLACK_TEXT_KINDS else entry.text
    if text.strip():
        line += ": " + escape(truncate(" ".join(text.split()), TIMELINE_TEXT_MAX))
    return line


def _more(hidden: int) -> list[Block]:
    """The "and N more" line that keeps a message within Slack's 50 blocks."""
    return [ContextBlock(elements=[md(f"…and {hidden} more.")])] if hidden > 0 else []
