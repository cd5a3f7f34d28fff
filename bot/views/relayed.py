"""A partner's words and files as technicians see them in the card's thread, edits included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, SectionBlock

from bot.domain.conversation import SharedFile, readable_size
from bot.domain.summary import RequestSummary
from bot.views.card_thread import labelled_quote
from bot.views.text import Rendered, escape, md, mention, plain_from_slack, slack_date, speaks

LIST_MAX = 2900


@speaks
def relayed_reply(
    request: RequestSummary,
    text: str,
    *,
    files: Sequence[SharedFile] = (),
    refused: Sequence[SharedFile] = (),
    max_bytes: int = 0,
    edited_at: dt.datetime | None = None,
) -> Rendered:
    """The partner's reply (Slack-encoded text), what they attached, and what could not come.

    Mentions arrive already labelled with names; pings are never re-issued.
    """
    label = f"*From the partner {mention(request.partner_id)}"
    label += " (edited):*" if edited_at else ":*"
    typed = plain_from_slack(text).strip()
    blocks: list[Block] = []
    if typed:
        blocks.append(labelled_quote(label, typed))
    else:
        sent = f"*The partner {mention(request.partner_id)} sent {_count(files, refused)}.*"
        blocks.append(SectionBlock(text=md(sent)))
    if files:
        names = ", ".join(escape(f.label) for f in files)
        blocks.append(ContextBlock(elements=[md(_within(f"📎 Attached, copied below: {names}"))]))
    if refused:
        blocks.append(SectionBlock(text=md(_within(refusal_line(refused, max_bytes)))))
    if edited_at:
        when = slack_date(edited_at)
        note = f"✏️ Edited by the partner {when}; the earlier text is in the request's history."
        blocks.append(ContextBlock(elements=[md(note)]))
    action = "edited a reply" if edited_at else "replied"
    return blocks, f"{request.ref}: the partner {action}"


def refusal_line(refused: Sequence[SharedFile], max_bytes: int) -> str:
    """Which files did not come over and why, with what to do about it."""
    names = ", ".join(f"*{escape(f.label)}*" for f in refused)
    too_big = [f for f in refused if f.size > max_bytes]
    reason = (
        f"larger than the {readable_size(max_bytes)} limit for copied files"
        if too_big
        else "not something Slack lets Liaison download"
    )
    return (
        f"⚠️ Not copied here: {names}: {reason}. "
        "Ask the partner to share it another way (a shared drive link, or a smaller file)."
    )


@speaks
def relayed_deletion(request: RequestSummary, previous_text: str, sent_ts: str) -> Rendered:
    """Say in the card's thread that the partner took back something they wrote."""
    sent = dt.datetime.fromtimestamp(float(sent_ts or 0), dt.UTC)
    headline = (
        f"🗑️ *The partner {mention(request.partner_id)} deleted a reply* "
        f"they sent {slack_date(sent)}."
    )
    typed = plain_from_slack(previous_text).strip()
    blocks: list[Block] = [
        labelled_quote(f"{headline} It read:", typed) if typed else SectionBlock(text=md(headline))
    ]
    return blocks, f"{request.ref}: the partner deleted a reply"


def _count(files: Sequence[SharedFile], refused: Sequence[SharedFile]) -> str:
    total = len(files) + len(refused)
    return "a file" if total == 1 else f"{total} files"


def _within(text: str) -> str:
    return text if len(text) <= LIST_MAX else text[: LIST_MAX - 1] + "…"
