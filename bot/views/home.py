"""The App Home tab: a person's requests, the technicians' queue, the supervisors' week."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.home import ClosedRequest, HomeAudience, HomeContent, Listing, WeekFigures
from bot.domain.outage import OutageSummary
from bot.domain.summary import RequestSummary
from bot.views.digest import rate_text
from bot.views.outages import overdue_line
from bot.views.text import AGO, escape, md, mention, plain, slack_date, truncate
from bot.views.triage_card import PRIORITY_MARK

MAX_BLOCKS = 100  # Slack's limit for a Home view
OPEN_SHOWN = 20
CLOSED_SHOWN = 5
OUTAGES_SHOWN = 5
QUEUE_SHOWN = 15
MINE_SHOWN = 15
BREACH_SHOWN = 10
SUMMARY_MAX = 100
HOW_CLOSED = {
    "resolve": "resolved, waiting for you to confirm",
    "confirm": "closed: you confirmed the fix",
    "auto_close": "closed automatically after no answer",
    "solved_by_fix": "closed: a shared fix solved it",
    "withdraw": "withdrawn",
}


class HomeActionId(StrEnum):
    """Action ids of the Home tab's buttons (kept with the view until ids.py takes them)."""

    FILE_REQUEST = "home_file_request"


def home_view(content: HomeContent, *, command: str) -> View:
    """The whole Home tab for one person, never more than Slack's 100 blocks."""
    blocks: list[Block] = [
        HeaderBlock(text=plain("Liaison")),
        ActionsBlock(
            block_id="home_actions",
            elements=[
                ButtonElement(
                    text=plain("File a request"),
                    action_id=HomeActionId.FILE_REQUEST,
                    style="primary",
                )
            ],
        ),
    ]
    if content.figures is not None:
        blocks += _figures(content.figures, command)
    if content.audience is not HomeAudience.PARTNER:
        blocks += _work(content)
    if content.audience is HomeAudience.PARTNER or content.open_requests.total:
        blocks += _own(content)
    blocks += _outages(content.outages)
    return View(type="home", blocks=_fit(blocks))


def _own(content: HomeContent) -> list[Block]:
    blocks: list[Block] = [DividerBlock(), *_title("Your open requests", content.open_requests)]
    if not content.open_requests.total:
        blocks.append(_quiet("You have no open requests."))
    blocks += [_partner_row(r) for r in content.open_requests.shown]
    blocks += _more(content.open_requests.hidden)
    if content.recently_closed:
        blocks.append(SectionBlock(text=md("*Recently closed*")))
        blocks += [_closed_row(c) for c in content.recently_closed]
    return blocks


def _work(content: HomeContent) -> list[Block]:
    return [
        DividerBlock(),
        *_queue("Near breach (next 2 hours, or breached)", content.near_breach, "Nothing close."),
        *_queue("Unclaimed", content.unclaimed, "Nothing unclaimed."),
        *_queue("Yours", content.mine, "Nothing assigned to you.", with_status=True),
    ]


def _queue(title: str, listing: Listing, empty: str, *, with_status: bool = False) -> list[Block]:
    blocks = _title(title, listing)
    if not listing.total:
        return [*blocks, _quiet(empty)]
    blocks += [SectionBlock(text=md(_queue_line(r, with_status))) for r in listing.shown]
    return blocks + _more(listing.hidden)


def _figures(week: WeekFigures, command: str) -> list[Block]:
    """The digest's own figures for the last 7 days, worded as `/request stats` words them."""
    figures = week.figures
    average = figures.average_rating
    fields = [
        md(f"*New*\n{figures.new.total}"),
        md(f"*Resolved*\n{figures.resolved.total}"),
        md(f"*First response target met*\n{rate_text(figures.first_response)}"),
        md(f"*Resolution target met*\n{rate_text(figures.resolution)}"),
        md(f"*Promises kept / lapsed*\n{figures.promises_kept} / {figures.promises_lapsed}"),
        md(f"*Polls answered*\n{rate_text(figures.response_rate)}"),
        md(f"*Average rating*\n{f'{average:.1f} of 5' if average is not None else 'n/a'}"),
        md(f"*Answered by shared fixes*\n{figures.fixes.total}"),
    ]
    return [
        DividerBlock(),
        SectionBlock(text=md("*The last 7 days*")),
        SectionBlock(fields=fields),
        ContextBlock(elements=[md(f"More figures: `{command} stats 7d`")]),
    ]


def _outages(outages: Sequence[OutageSummary]) -> list[Block]:
    if not outages:
        return []
    blocks: list[Block] = [DividerBlock(), SectionBlock(text=md("*Current outages*"))]
    for outage in outages[:OUTAGES_SHOWN]:
        line = (
            f"*{outage.ref}* {outage.kind.label} · {escape(truncate(outage.service_name, 80))}\n"
            f"{escape(truncate(outage.summary, 300))}"
        )
        if outage.workaround:
            line += f"\n_Workaround:_ {escape(truncate(outage.workaround, 300))}"
        if outage.next_update_due:
            line += f"\nNext update by {slack_date(outage.next_update_due)}"
        elif outage.update_overdue_since:
            line += "\n" + overdue_line(outage.update_overdue_since)
        blocks.append(SectionBlock(text=md(line)))
    return blocks + _more(len(outages) - OUTAGES_SHOWN)


def _partner_row(request: RequestSummary) -> SectionBlock:
    who = mention(request.assignee_id) if request.assignee_id else "not yet assigned"
    lines = [
        f"*{request.ref}* · {escape(truncate(request.summary, SUMMARY_MAX))}",
        f"{request.status.label} · {who}",
    ]
    if request.next_update_due:
        lines.append(f"Next update by {slack_date(request.next_update_due)}")
    return SectionBlock(text=md("\n".join(lines)))


def _closed_row(closed: ClosedRequest) -> ContextBlock:
    request = closed.request
    how = HOW_CLOSED.get(closed.how or "", request.status.label.lower())
    text = f"*{request.ref}* · {escape(truncate(request.summary, SUMMARY_MAX))} · {how}"
    return ContextBlock(elements=[md(text)])


def _queue_line(request: RequestSummary, with_status: bool) -> str:
    line = (
        f"{PRIORITY_MARK[request.priority]} *{request.ref}* {request.priority} · "
        f"{escape(truncate(request.summary, SUMMARY_MAX))} · opened "
        f"{slack_date(request.opened_at, AGO)}"
    )
    if request.first_response_breached_at or request.resolution_breached_at:
        line += " · *breached*"
    elif request.first_responded_at is None:
        line += f" · respond by {slack_date(request.first_response_due)}"
    else:
        line += f" · resolve by {slack_date(request.resolution_due)}"
    return line + (f" · {request.status.label}" if with_status else "")


def _title(title: str, listing: Listing) -> list[Block]:
    return [SectionBlock(text=md(f"*{title}* ({listing.total})"))]


def _quiet(text: str) -> ContextBlock:
    return ContextBlock(elements=[md(f"_{text}_")])


def _more(hidden: int) -> list[Block]:
    return [ContextBlock(elements=[md(f"…and {hidden} more.")])] if hidden > 0 else []


def _fit(blocks: list[Block]) -> list[Block]:
    """A last guard: the section caps keep well inside the limit, this keeps it whatever happens."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    return blocks[: MAX_BLOCKS - 1] + _more(len(blocks) - MAX_BLOCKS + 1)
