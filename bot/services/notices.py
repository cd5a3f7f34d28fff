"""Turns domain changes into outbox rows: the partner's DM thread and the triage card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_sdk.models.blocks import Block
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.queries import RequestSummary
from bot.views.partner_dm import partner_acknowledgement
from bot.views.triage_card import triage_card
from storage import outbox

CARD = "card"
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
