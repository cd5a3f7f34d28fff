"""Turns domain changes into outbox rows: the partner's DM thread and the triage card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_sdk.models.blocks import Block
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.summary import Change, RequestSummary
from bot.domain.transitions import Action
from bot.views.card_thread import card_thread_entry
from bot.views.partner_dm import partner_acknowledgement
from bot.views.partner_thread import partner_change_message, partner_withdrawn_message
from bot.views.triage_card import triage_card
from storage import outbox

CARD = "card"
CARD_UPDATE = "card_update"
PARTNER_THREAD = "partner_thread"


def message_args(channel: str, blocks: list[Block], text: str, **extra: Any) -> dict[str, Any]:
    """chat.postMessage/chat.update arguments, validated by slack_sdk's models before storing."""
    return {
        "channel": channel,
        "text": text,
        "blocks": [b.to_dict() for b in blocks],
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


async def request_opened(
    session: AsyncSession, *, request: RequestSummary, now: dt.datetime
) -> None:
    """Queue the partner's confirmation DM and the new triage card, in the filing transaction."""
    blocks, text = partner_acknowledgement(request)
    await outbox.enqueue(
        session,
        now=now,
        method="chat.postMessage",
        args=message_args(request.partner_id, blocks, text),
        ordering_key=partner_key(request),
        request_id=request.id,
        role=PARTNER_THREAD,
        dedupe_key=f"req:{request.id}:partner_thread",
    )
    blocks, text = triage_card(request)
    await outbox.enqueue(
        session,
        now=now,
        method="chat.postMessage",
        args=message_args(request.card_channel, blocks, text),
        ordering_key=card_key(request),
        request_id=request.id,
        role=CARD,
        dedupe_key=f"req:{request.id}:card",
    )


async def request_changed(session: AsyncSession, *, change: Change, now: dt.datetime) -> None:
    """Queue the card's update, its thread entry and, if partner-visible, the partner's reply."""
    request = change.request
    card = await outbox.find_role_message(session, request_id=request.id, role=CARD)
    if card is not None:
        blocks, text = triage_card(request)
        await outbox.enqueue(
            session,
            now=now,
            method="chat.update",
            args=message_args(request.card_channel, blocks, text),
            ordering_key=card_key(request),
            request_id=request.id,
            parent_id=card,
            parent_field="ts",
            role=CARD_UPDATE,
            supersede=True,
        )
        await card_thread_reply(
            session, request=request, rendered=card_thread_entry(change), now=now
        )
    if change.action == Action.WITHDRAW:
        partner: tuple[list[Block], str] | None = partner_withdrawn_message(request)
    else:
        partner = partner_change_message(change)
    if partner is not None:
        await partner_thread_reply(session, request=request, rendered=partner, now=now)


async def card_thread_reply(
    session: AsyncSession,
    *,
    request: RequestSummary,
    rendered: tuple[list[Block], str],
    now: dt.datetime,
    dedupe_key: str | None = None,
) -> None:
    """A reply in the card's thread, sent once the card itself has its ts."""
    card = await outbox.find_role_message(session, request_id=request.id, role=CARD)
    if card is None:
        return
    blocks, text = rendered
    await outbox.enqueue(
        session,
        now=now,
        method="chat.postMessage",
        args=message_args(request.card_channel, blocks, text),
        ordering_key=card_key(request),
        request_id=request.id,
        parent_id=card,
        parent_field="thread_ts",
        dedupe_key=dedupe_key,
    )


async def partner_thread_reply(
    session: AsyncSession,
    *,
    request: RequestSummary,
    rendered: tuple[list[Block], str],
    now: dt.datetime,
) -> None:
    """A reply in the thread of the partner's confirmation DM: each request is one conversation."""
    root = await outbox.find_role_message(session, request_id=request.id, role=PARTNER_THREAD)
    if root is None:
        return
    blocks, text = rendered
    await outbox.enqueue(
        session,
        now=now,
        method="chat.postMessage",
        args=message_args(request.partner_id, blocks, text),
        ordering_key=partner_key(request),
        request_id=request.id,
        parent_id=root,
        parent_field="thread_ts",
    )


async def direct_reply(
    session: AsyncSession,
    *,
    channel: str,
    thread_ts: str | None,
    rendered: tuple[list[Block], str],
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


async def card_refresh(session: AsyncSession, *, request: RequestSummary, now: dt.datetime) -> None:
    """Re-render the card in place (a breach, a lapse, a paused clock)."""
    card = await outbox.find_role_message(session, request_id=request.id, role=CARD)
    if card is None:
        return
    blocks, text = triage_card(request)
    await outbox.enqueue(
        session,
        now=now,
        method="chat.update",
        args=message_args(request.card_channel, blocks, text),
        ordering_key=card_key(request),
        request_id=request.id,
        parent_id=card,
        parent_field="ts",
        role=CARD_UPDATE,
        supersede=True,
    )
