"""Turns domain changes into outbox rows: the partner's DM thread and the triage card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from slack_sdk.models.blocks import Block
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.files import RELAY_FILE
from bot.domain.summary import Change, RequestSummary
from bot.views.card_thread import card_thread_entry
from bot.views.encoding import encode_blocks
from bot.views.partner_dm import partner_acknowledgement
from bot.views.partner_thread import partner_change_message
from bot.views.triage_card import triage_card
from storage import home, outbox

Rendered = tuple[list[Block], str]
CARD = "card"
PARTNER_THREAD = "partner_thread"


def message_args(channel: str, blocks: list[Block], text: str, **extra: Any) -> dict[str, Any]:
    """chat.postMessage/chat.update arguments, validated by slack_sdk's models before storing."""
    return {
        "channel": channel,
        "text": text,
        "blocks": encode_blocks(blocks),
        "unfurl_links": False,
        "unfurl_media": False,
        **extra,
    }


def card_key(request: RequestSummary) -> str:
    """Messages about one card go out in the order they were written."""
    return f"req:{request.id}:card"


def partner_key(request: RequestSummary) -> str:
    """Messages to one partner about one request go out in order."""
    return f"req:{request.id}:partner"


async def requests_opened(
    session: AsyncSession,
    *,
    requests: Sequence[RequestSummary],
    now: dt.datetime,
    others_reporting: Collection[int] = (),
) -> None:
    """Queue each partner's confirmation DM and each new triage card, in the filing transaction.

    One statement for a whole batch of filings; nothing here waits on an earlier message.
    The confirmations of the requests in `others_reporting` (ids) say that others are
    reporting problems with the same service right now.
    """
    messages: list[dict[str, Any]] = []
    for request in requests:
        blocks, text = partner_acknowledgement(
            request, others_reporting=request.id in others_reporting
        )
        messages.append(
            {
                "method": "chat.postMessage",
                "args": message_args(request.partner_id, blocks, text),
                "ordering_key": partner_key(request),
                "request_id": request.id,
                "role": PARTNER_THREAD,
                "dedupe_key": f"req:{request.id}:partner_thread",
            }
        )
        blocks, text = triage_card(request)
        messages.append(
            {
                "method": "chat.postMessage",
                "args": message_args(request.card_channel, blocks, text),
                "ordering_key": card_key(request),
                "request_id": request.id,
                "role": CARD,
                "dedupe_key": f"req:{request.id}:card",
            }
        )
    await outbox.enqueue_many(session, messages, now=now)
    await home.mark_stale(session, user_ids=[r.partner_id for r in requests])


async def request_changed(
    session: AsyncSession,
    *,
    change: Change,
    now: dt.datetime,
    partner: Rendered | None = None,
    partner_role: str | None = None,
) -> None:
    """Queue the card's update, its thread entry and, if partner-visible, the partner's reply.

    `partner` replaces the usual partner message (the closing steps have their own), posted
    with `partner_role` when it is to be updated later (its buttons removed once answered).
    """
    request = change.request
    await card_refresh(session, request=request, now=now)
    await card_thread_reply(session, request=request, rendered=card_thread_entry(change), now=now)
    if partner is None:
        partner = partner_change_message(change)
    if partner is not None:
        await partner_thread_reply(
            session, request=request, rendered=partner, now=now, own_role=partner_role
        )
    # The App Home refreshes later, outside this transaction (it asks Slack who is who).
    await home.mark_stale(
        session, user_ids=[request.partner_id, request.assignee_id, change.previous_assignee]
    )


async def card_refresh(session: AsyncSession, *, request: RequestSummary, now: dt.datetime) -> None:
    """Re-render the card in place; an unsent older rendering is superseded, never sent."""
    await _under(
        session,
        request=request,
        role=CARD,
        channel=request.card_channel,
        rendered=triage_card(request),
        now=now,
        method="chat.update",
        parent_field="ts",
    )


async def card_thread_reply(
    session: AsyncSession,
    *,
    request: RequestSummary,
    rendered: Rendered,
    now: dt.datetime,
    dedupe_key: str | None = None,
    own_role: str | None = None,
) -> None:
    """A reply in the card's thread, sent once the card itself has its ts."""
    await _under(
        session,
        request=request,
        role=CARD,
        channel=request.card_channel,
        rendered=rendered,
        now=now,
        dedupe_key=dedupe_key,
        own_role=own_role,
    )


async def partner_thread_reply(
    session: AsyncSession,
    *,
    request: RequestSummary,
    rendered: Rendered,
    now: dt.datetime,
    own_role: str | None = None,
) -> None:
    """A reply in the thread of the partner's confirmation DM: each request is one conversation."""
    await _under(
        session,
        request=request,
        role=PARTNER_THREAD,
        channel=request.partner_id,
        rendered=rendered,
        now=now,
        own_role=own_role,
    )


async def update_posted(
    session: AsyncSession,
    *,
    request: RequestSummary,
    role: str,
    channel: str,
    rendered: Rendered,
    now: dt.datetime,
) -> None:
    """Re-render in place a message posted earlier with `role` (a poll, feedback, an alert)."""
    await _under(
        session,
        request=request,
        role=role,
        channel=channel,
        rendered=rendered,
        now=now,
        method="chat.update",
        parent_field="ts",
        ordering_key=f"req:{request.id}:{role}",
    )


async def update_latest(
    session: AsyncSession,
    *,
    request: RequestSummary,
    role: str,
    channel: str,
    rendered: Rendered,
    now: dt.datetime,
) -> bool:
    """Re-render in place the newest message of a recurring role (each resolution message).

    Returns False when no such message was ever queued. Each message has its own update line,
    so an older message's pending update is never superseded by a newer message's.
    """
    root = await outbox.find_role_message(session, request_id=request.id, role=role, latest=True)
    if root is None:
        return False
    blocks, text = rendered
    await outbox.enqueue(
        session,
        now=now,
        method="chat.update",
        args=message_args(channel, blocks, text),
        ordering_key=f"req:{request.id}:{role}:{root}",
        request_id=request.id,
        parent_id=root,
        parent_field="ts",
        role=f"{role}:{root}:update",
        supersede=True,
    )
    return True


async def post_to_channel(
    session: AsyncSession,
    *,
    request: RequestSummary,
    channel: str,
    rendered: Rendered,
    now: dt.datetime,
    role: str | None = None,
    dedupe_key: str | None = None,
) -> None:
    """A new top-level message about a request (kudos, a supervisors' alert)."""
    blocks, text = rendered
    await outbox.enqueue(
        session,
        now=now,
        method="chat.postMessage",
        args=message_args(channel, blocks, text),
        ordering_key=f"req:{request.id}:{role or channel}",
        request_id=request.id,
        role=role,
        dedupe_key=dedupe_key,
    )


async def _under(
    session: AsyncSession,
    *,
    request: RequestSummary,
    role: str,
    channel: str,
    rendered: Rendered,
    now: dt.datetime,
    method: str = "chat.postMessage",
    parent_field: str = "thread_ts",
    dedupe_key: str | None = None,
    own_role: str | None = None,
    ordering_key: str | None = None,
) -> None:
    """Queue a message tied to an earlier message of the request (its card, its DM root…).

    Nothing is queued if that message never existed. Updates supersede unsent older ones.
    """
    root = await outbox.find_role_message(session, request_id=request.id, role=role)
    if root is None:
        return
    blocks, text = rendered
    is_update = method == "chat.update"
    default_key = card_key(request) if role == CARD else partner_key(request)
    await outbox.enqueue(
        session,
        now=now,
        method=method,
        args=message_args(channel, blocks, text),
        ordering_key=ordering_key or default_key,
        request_id=request.id,
        parent_id=root,
        parent_field=parent_field,
        role=f"{role}:update" if is_update else own_role,
        supersede=is_update,
        dedupe_key=dedupe_key,
    )


def relayed_role(ts: str) -> str:
    """The outbox role of the card-thread copy of a partner's message, found again by its ts."""
    return f"relay:{ts}"


async def relayed_copy_update(
    session: AsyncSession, *, request: RequestSummary, ts: str, rendered: Rendered, now: dt.datetime
) -> bool:
    """Re-render the copy of a partner's message; False when no copy was ever queued."""
    role = relayed_role(ts)
    if await outbox.find_role_message(session, request_id=request.id, role=role) is None:
        return False
    await _under(
        session,
        request=request,
        role=role,
        channel=request.card_channel,
        rendered=rendered,
        now=now,
        method="chat.update",
        parent_field="ts",
        ordering_key=card_key(request),
    )
    return True


async def file_to_card_thread(
    session: AsyncSession,
    *,
    request: RequestSummary,
    args: dict[str, Any],
    now: dt.datetime,
    dedupe_key: str,
) -> None:
    """Queue a copy of a partner's file into the card's thread, after the words it came with."""
    root = await outbox.find_role_message(session, request_id=request.id, role=CARD)
    if root is None:
        return
    await outbox.enqueue(
        session,
        now=now,
        method=RELAY_FILE,
        args=args,
        ordering_key=card_key(request),
        request_id=request.id,
        parent_id=root,
        parent_field="thread_ts",
        dedupe_key=dedupe_key,
    )


async def direct_reply(
    session: AsyncSession,
    *,
    channel: str,
    thread_ts: str | None,
    rendered: Rendered,
    now: dt.datetime,
    dedupe_key: str,
) -> None:
    """A bot answer to a person's own message (not about a filed request)."""
    blocks, text = rendered
    extra = {"thread_ts": thread_ts} if thread_ts else {}
    await outbox.enqueue(
        session,
        now=now,
        method="chat.postMessage",
        args=message_args(channel, blocks, text, **extra),
        ordering_key=f"dm:{channel}",
        dedupe_key=dedupe_key,
    )
