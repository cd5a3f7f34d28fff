"""Outage messages: the announcement, partner notices, the list, the form's banner, the offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    SectionBlock,
)

from bot.domain.outage import (
    CHANGED_SUMMARY,
    LinkedResolution,
    OutageBanner,
    OutageBoard,
    OutageChange,
    OutageEvent,
    OutageKind,
    OutageOutcome,
    OutageStatus,
    OutageSummary,
)
from bot.views.card_thread import labelled_quote
from bot.views.ids import OutageActionId, OutageBlockId
from bot.views.text import escape, md, mention, plain, slack_date, speaks, truncate

Rendered = tuple[list[Block], str]
MARK = {OutageKind.OUTAGE: "🔴", OutageKind.DEGRADATION: "🟠", OutageKind.MAINTENANCE: "🛠️"}
DONE = "✅"
BANNERS_SHOWN = 10
LIST_SHOWN = 10
# Typed text in one line of a list or banner, before escaping (which can make it 5x longer):
# a name, a summary and a workaround at their longest still fit one section's 3,000.
NAME_MAX, LINE_MAX = 100, 200
COMMAND = "/request"
E = OutageEvent


def headline(outage: OutageSummary) -> str:
    """🔴 *Outage: Network* · OUT-3, with a tick once it is over."""
    mark = MARK[outage.kind] if outage.status.is_live else DONE
    service = escape(truncate(outage.service_name, NAME_MAX))
    words = {
        OutageStatus.RESOLVED: f"Resolved: {outage.kind.label.lower()} of {service}",
        OutageStatus.COMPLETED: f"Maintenance complete: {service}",
        OutageStatus.CANCELLED: f"Maintenance cancelled: {service}",
    }.get(outage.status, f"{outage.kind.label}: {service}")
    return f"{mark} *{words}* · {outage.ref}"


@speaks
def announcement(outage: OutageSummary) -> Rendered:
    """The post in the announcements channel, kept up to date in place after every change."""
    lines = [headline(outage), _window(outage)]
    blocks: list[Block] = [SectionBlock(text=md("\n".join(line for line in lines if line)))]
    blocks.append(labelled_quote(_notice_label(outage), outage.summary))
    if outage.workaround and outage.status.is_live:
        blocks.append(labelled_quote("*Workaround*", outage.workaround))
    if outage.resolution:
        blocks.append(labelled_quote(_resolution_label(outage), outage.resolution))
    blocks.append(ContextBlock(elements=[md(_announcement_footer(outage))]))
    return blocks, _plain(headline(outage))


@speaks
def announcement_reply(change: OutageChange) -> Rendered:
    """A reply in the announcement's thread, so the thread holds the outage's history."""
    outage, who = change.outage, mention(change.actor_id) if change.actor_id else "Liaison"
    lines = {
        E.UPDATED: f"*Update* from {who}.",
        E.RESOLVED: f"{DONE} *Resolved* by {who}.",
        E.REMINDER: f"⏰ *Reminder:* it starts {slack_date(outage.starts_at)}.",
        E.COMPLETED: f"{DONE} *Complete*" + (f", ended by {who}." if change.actor_id else "."),
        E.CANCELLED: f"*Cancelled* by {who}.",
        E.HOLDING: "⏳ *No new information yet.* The promised update was not posted in time.",
    }
    line = lines.get(change.event, f"{escape(change.event.value)} by {who}.")
    blocks: list[Block] = [SectionBlock(text=md(line))]
    if change.message:
        blocks.append(labelled_quote("*Partners were told:*", change.message))
    tail = _changed(change)
    if tail:
        blocks.append(ContextBlock(elements=[md(tail)]))
    return blocks, _plain(f"{outage.ref}: {line}")


@speaks
def partner_notice(change: OutageChange) -> Rendered:
    """The direct message to a partner: what is wrong, what to do, and what happens next."""
    outage = change.outage
    first = _notice_headline(change)
    if outage.is_maintenance and outage.status.is_live:
        first += "\n" + _window(outage)
    blocks: list[Block] = [SectionBlock(text=md(first))]
    if change.message:
        blocks.append(labelled_quote(_message_label(change), change.message))
    if change.event in (E.DECLARED, E.SCHEDULED) or CHANGED_SUMMARY in change.changed:
        label = "*What you will notice*" if outage.is_maintenance else "*What you may notice*"
        blocks.append(labelled_quote(label, outage.summary))
    if outage.workaround and outage.status is OutageStatus.OPEN:
        blocks.append(labelled_quote("*Workaround*", outage.workaround))
    if change.changed:
        blocks.append(SectionBlock(text=md(_changed(change))))
    blocks.append(SectionBlock(text=md("*What happens next*\n" + next_steps(outage))))
    blocks.append(ContextBlock(elements=[md(_why_you(change))]))
    return blocks, _plain(f"{_notice_headline(change)} {next_steps(outage)}")


def next_steps(outage: OutageSummary) -> str:
    """What happens next and when, in every message a partner gets about an outage."""
    if outage.status is OutageStatus.OPEN:
        due = outage.next_update_due
        when = f"by {slack_date(due)}" if due else "as soon as we know more"
        return (
            f"Technicians are working on it. You will hear from us again {when}, "
            "and as soon as it is fixed. There is no need to file another request about it."
        )
    if outage.status is OutageStatus.SCHEDULED:
        end = slack_date(outage.ends_at) if outage.ends_at else "the end of the window"
        return (
            f"We will remind you before it starts and tell you when it is over (planned for "
            f"{end}). There is no need to file a request about it."
        )
    return (
        f"This is the last message about {outage.ref}. If something still does not work for "
        f"you, reply in your request's thread or file a request with `{COMMAND}`."
    )


def outage_banner_blocks(banners: Sequence[OutageBanner]) -> list[Block]:
    """The top of the request form: each known problem with a way to follow it instead."""
    if not banners:
        return []
    intro = "*Known problems right now.* If yours is one of these, follow it instead of filing."
    blocks: list[Block] = [SectionBlock(text=md(intro))]
    blocks += [_banner(b) for b in banners[:BANNERS_SHOWN]]
    hidden = len(banners) - BANNERS_SHOWN
    if hidden > 0:
        more = f"…and {hidden} more: `{COMMAND} outages` lists them all."
        blocks.append(ContextBlock(elements=[md(more)]))
    blocks.append(DividerBlock())
    return blocks


@speaks
def outage_list(board: OutageBoard) -> Rendered:
    """`/request outages`: what is broken now and what is planned; buttons for technicians."""
    blocks: list[Block] = []
    sections = (("Current outages", board.current), ("Upcoming maintenance", board.upcoming))
    for title, outages in sections:
        blocks.append(SectionBlock(text=md(f"*{title}* ({len(outages)})")))
        if not outages:
            blocks.append(SectionBlock(text=md("_None right now._")))
        for outage in outages[:LIST_SHOWN]:
            blocks.append(SectionBlock(text=md(_list_entry(outage))))
            if board.can_manage:
                blocks.append(_manage_buttons(outage))
        if len(outages) > LIST_SHOWN:
            blocks.append(ContextBlock(elements=[md(f"…and {len(outages) - LIST_SHOWN} more.")]))
    footer = (
        f"`{COMMAND} outage` declares an outage; `{COMMAND} maintenance` schedules maintenance."
        if board.can_manage
        else f"Affected by one of these? `{COMMAND}` lets you follow it instead of filing."
    )
    blocks.append(ContextBlock(elements=[md(footer)]))
    count, planned = len(board.current), len(board.upcoming)
    return blocks, f"{count} current outage(s), {planned} upcoming maintenance window(s)"


@speaks
def outage_confirmation(event: OutageEvent, outcome: OutageOutcome) -> Rendered:
    """Tell the technician what their change did; after a resolution, offer the linked requests."""
    outage = outcome.outage
    done = {
        E.DECLARED: "is declared",
        E.SCHEDULED: "is scheduled",
        E.UPDATED: "is updated",
        E.RESOLVED: "is resolved",
        E.COMPLETED: "is ended",
        E.CANCELLED: "is cancelled",
    }.get(event, "is changed")
    where = (
        f" and posted in <#{outage.announcement_channel}>" if outage.announcement_channel else ""
    )
    people = "person is" if outcome.notified == 1 else "people are"
    line = f"*{outage.ref}* {done}{where}; {outcome.notified} {people} being told directly."
    blocks: list[Block] = [SectionBlock(text=md(line))]
    if outcome.linked_open and event is E.RESOLVED:
        blocks += _linked_offer(outage, outcome.linked_open)
    if outcome.unlinked_open and event is E.DECLARED:
        blocks += _link_offer(outage, outcome.unlinked_open)
    return blocks, _plain(line)


def _link_offer(outage: OutageSummary, refs: Sequence[str]) -> list[Block]:
    count = len(refs)
    noun = "request" if count == 1 else "requests"
    shown = ", ".join(refs[:20]) + (f" and {count - 20} more" if count > 20 else "")
    text = (
        f"{count} open {noun} on *{escape(outage.service_name)}* {'was' if count == 1 else 'were'}"
        f" filed before {outage.ref}: {shown}. If {'it is' if count == 1 else 'they are'} about "
        "this outage, link them: their partners hear every update, and resolving the outage "
        "offers to resolve them together."
    )
    button = ButtonElement(
        text=plain(f"Link {count} {noun}"),
        action_id=OutageActionId.LINK_OPEN,
        value=str(outage.number),
    )
    return [SectionBlock(text=md(text)), ActionsBlock(elements=[button])]


@speaks
def linked_now_message(outage: OutageSummary, refs: Sequence[str]) -> Rendered:
    """What linking the earlier requests did."""
    if not refs:
        line = f"No open request on {escape(outage.service_name)} is left to link to {outage.ref}."
    else:
        linked = ", ".join(refs)
        line = f"{DONE} Linked {linked} to {outage.ref}; each partner is told in their thread."
    return [SectionBlock(text=md(line))], _plain(line)


@speaks
def linked_resolution_message(result: LinkedResolution) -> Rendered:
    """What resolving the linked requests together did, request by request."""
    if not result.resolved and not result.skipped:
        line = f"No request linked to {result.outage_ref} is still open; nothing to resolve."
        return [SectionBlock(text=md(line))], line
    lines = [f"*Linked requests of {result.outage_ref}*"]
    if result.resolved:
        lines.append(f"{DONE} Resolved: {', '.join(result.resolved)}.")
    lines += [f"• Not resolved: {ref}: {escape(why)}" for ref, why in result.skipped]
    text = truncate("\n".join(lines), 3000)
    summary = f"{len(result.resolved)} linked request(s) of {result.outage_ref} resolved"
    return [SectionBlock(text=md(text))], summary


@speaks
def linked_request_note(
    outage: OutageSummary, request_ref: str, *, announced: bool = False
) -> Rendered:
    """In the partner's request thread: their request belongs to a known outage.

    `announced`: the partner was sent the outage's own message when it was declared, moments
    or hours ago, with what to expect and when; this note then only ties the request to it.
    """
    if announced:
        text = (
            f"{MARK[outage.kind]} We have linked your request {request_ref} to {outage.ref}, the "
            f"{outage.kind.label.lower()} of *{escape(outage.service_name)}* we told you about "
            "in its own message: its updates are yours, and your request may be resolved "
            "together with it. If your problem is something else, reply here and say so."
        )
        return [SectionBlock(text=md(text))], _plain(text)
    text = (
        f"{MARK[outage.kind]} {request_ref} is about *{escape(outage.service_name)}*, which has "
        f"a known {outage.kind.label.lower()} ({outage.ref}). We have linked your request to "
        "it, so you will hear every update about it, and your request may be resolved "
        "together with it. If your problem is something else, reply here and say so."
    )
    blocks: list[Block] = [
        SectionBlock(text=md(text)),
        SectionBlock(text=md("*What happens next*\n" + next_steps(outage))),
    ]
    return blocks, f"{request_ref} is linked to {outage.ref}"


@speaks
def linked_card_note(outage: OutageSummary, *, by: str | None = None) -> Rendered:
    """In the card's thread: the request is linked to an outage (filed during it, or by hand)."""
    what = f"{outage.kind.label.lower()} of {escape(outage.service_name)}"
    how = (
        f"Linked to {outage.ref} ({what}) by {mention(by)}."
        if by
        else f"Filed during {outage.ref} ({what}) and linked to it."
    )
    text = f"🔗 {how} Resolving the outage offers to resolve its linked requests together."
    return [SectionBlock(text=md(text))], f"Linked to {outage.ref}"


def _banner(banner: OutageBanner) -> SectionBlock:
    what = "planned maintenance" if banner.kind is OutageKind.MAINTENANCE else banner.kind.label
    lines = [
        f"{MARK[banner.kind]} *{escape(truncate(banner.service_name, NAME_MAX))}*: "
        f"{what.lower()} ({banner.ref})",
        escape(truncate(" ".join(banner.summary.split()), LINE_MAX)),
    ]
    if banner.workaround:
        workaround = escape(truncate(" ".join(banner.workaround.split()), LINE_MAX))
        lines.append(f"_Workaround:_ {workaround}")
    if banner.kind is OutageKind.MAINTENANCE and banner.ends_at:
        lines.append(f"Planned to end {slack_date(banner.ends_at)}.")
    elif banner.next_update_due:
        lines.append(f"Next update by {slack_date(banner.next_update_due)}.")
    elif banner.update_overdue_since:
        lines.append(overdue_line(banner.update_overdue_since) + ".")
    block_id = f"{OutageBlockId.BANNER}:{banner.number}"
    if banner.following:
        lines.append(
            f"{DONE} *You are following {banner.ref}.* We will message you with every update "
            "and when it is over. You can close this form."
        )
        return SectionBlock(block_id=block_id, text=md("\n".join(lines)))
    button = ButtonElement(
        text=plain("Follow instead"),
        action_id=OutageActionId.FOLLOW,
        value=str(banner.number),
        accessibility_label=f"Follow {banner.ref} instead of filing a request",
    )
    return SectionBlock(block_id=block_id, text=md("\n".join(lines)), accessory=button)


def _list_entry(outage: OutageSummary) -> str:
    lines = [headline(outage), _window(outage)]
    lines.append(escape(truncate(" ".join(outage.summary.split()), LINE_MAX)))
    return "\n".join(line for line in lines if line)


def _manage_buttons(outage: OutageSummary) -> ActionsBlock:
    value = str(outage.number)
    return ActionsBlock(
        block_id=f"outage_actions:{outage.number}",
        elements=[
            ButtonElement(text=plain("Update…"), action_id=OutageActionId.UPDATE, value=value),
            ButtonElement(
                text=plain("End…" if outage.is_maintenance else "Resolve…"),
                action_id=OutageActionId.RESOLVE,
                value=value,
            ),
        ],
    )


def _linked_offer(outage: OutageSummary, refs: Sequence[str]) -> list[Block]:
    count = len(refs)
    noun = "request" if count == 1 else "requests"
    shown = ", ".join(refs[:20]) + (f" and {count - 20} more" if count > 20 else "")
    them, each = ("it", "its partner") if count == 1 else ("them all", "each partner")
    text = (
        f"{count} {noun} filed during {outage.ref} {'is' if count == 1 else 'are'} still open: "
        f"{shown}. Resolve {them} now, telling {each} the resolution you wrote? Any you may "
        "not resolve, or that someone else closed meanwhile, are skipped and listed."
    )
    button = ButtonElement(
        text=plain(f"Resolve {count} linked {noun}"),
        action_id=OutageActionId.RESOLVE_LINKED,
        value=str(outage.number),
        style="primary",
        confirm=ConfirmObject(
            title=plain(f"Resolve {count} linked {noun}?"),
            text=plain("Each partner is told the outage's resolution in their request's thread."),
            confirm=plain("Resolve"),
            deny=plain("Not now"),
        ),
    )
    return [SectionBlock(text=md(text)), ActionsBlock(elements=[button])]


def overdue_line(due: dt.datetime) -> str:
    """A promised update that passed unsent, said as what it is."""
    return f"Update overdue: it was promised by {slack_date(due)}"


def _window(outage: OutageSummary) -> str:
    if outage.is_maintenance and outage.ends_at:
        return f"{slack_date(outage.starts_at)} to {slack_date(outage.ends_at)}"
    if outage.status is OutageStatus.OPEN:
        due = outage.next_update_due
        later = f" · next update by {slack_date(due)}" if due else ""
        if outage.update_overdue_since:
            later = " · " + overdue_line(outage.update_overdue_since)
        return f"Since {slack_date(outage.starts_at)}{later}"
    if outage.resolved_at:
        return f"{slack_date(outage.starts_at)} to {slack_date(outage.resolved_at)}"
    return ""


def _announcement_footer(outage: OutageSummary) -> str:
    if outage.status is OutageStatus.OPEN:
        return (
            f"Affected? Run `{COMMAND}` and press *Follow instead* on {outage.ref} to hear every "
            "update, rather than filing a request. Updates follow in this thread."
        )
    if outage.status is OutageStatus.SCHEDULED:
        return "A reminder will be posted in this thread before it starts, and a note when it ends."
    return f"Over. If something still does not work, file a request with `{COMMAND}`."


def _notice_label(outage: OutageSummary) -> str:
    if not outage.status.is_live:
        return "*What partners noticed*"
    return "*What partners will notice*" if outage.is_maintenance else "*What you may notice*"


def _resolution_label(outage: OutageSummary) -> str:
    if outage.status is OutageStatus.RESOLVED:
        return "*What was fixed*"
    return "*Note*"


def _notice_headline(change: OutageChange) -> str:
    outage = change.outage
    service = escape(truncate(outage.service_name, NAME_MAX))
    what = "maintenance" if outage.is_maintenance else outage.kind.label.lower()
    if change.event is E.UPDATED:
        return f"{MARK[outage.kind]} *Update on the {what} of {service}* · {outage.ref}"
    if change.event is E.HOLDING:
        return f"{MARK[outage.kind]} *No news yet on the {what} of {service}* · {outage.ref}"
    if change.event is E.REMINDER:
        when = slack_date(outage.starts_at)
        return f"⏰ *Reminder: maintenance of {service} starts {when}* · {outage.ref}"
    return headline(outage)


def _message_label(change: OutageChange) -> str:
    return {
        E.UPDATED: "*What is new*",
        E.RESOLVED: "*What was fixed*",
        E.HOLDING: "*Where things stand*",
    }.get(change.event, "*From the technicians*")


def _changed(change: OutageChange) -> str:
    if not change.changed:
        return ""
    return "*Changed:* " + ", ".join(change.changed) + "."


def _why_you(change: OutageChange) -> str:
    return (
        "You are hearing this because you have an open request on this service or follow "
        f"{change.outage.ref}. `{COMMAND} outages` lists current outages."
    )


def _plain(text: str) -> str:
    """Notification text: no bold markers, within Slack's limit."""
    return truncate(text.replace("*", ""), 3000)
