"""Modals technicians use to declare outages, schedule maintenance, and update or end them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.catalogue import Service
from bot.domain.outage import OutageKind, OutageSummary
from bot.views.ids import ActionId, BlockId, OutageActionId, OutageBlockId, OutageCallbackId
from bot.views.text import escape, md, plain, truncate

SUMMARY_MAX = 500
WORKAROUND_MAX = 1000
TEXT_MAX = 3000
METADATA_VERSION = 1
DEFAULT_NEXT_UPDATE = dt.timedelta(hours=1)
DECLARABLE = (OutageKind.OUTAGE, OutageKind.DEGRADATION)
A = OutageActionId
B = OutageBlockId


@dataclass(frozen=True)
class OutageMetadata:
    """What an outage modal carries: the outage it acts on and where to answer the technician."""

    number: int | None = None
    channel: str = ""
    burst: int | None = None  # the suspected-outage alert a declaration was started from


@dataclass(frozen=True)
class DeclarePrefill:
    """The declare form filled in from a suspected-outage alert."""

    burst: int
    service_id: str
    summary: str


def declare_modal(
    services: Sequence[Service],
    *,
    now: dt.datetime,
    channel: str = "",
    prefill: DeclarePrefill | None = None,
) -> View:
    """Declare an outage or degradation: partners with open requests hear at once."""
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                md(
                    "Partners with an open request on the service are told at once, and it is "
                    "posted in the announcements channel. Describe it as partners see it."
                )
            ]
        ),
        _service_select(services, prefill.service_id if prefill else None),
        _kind_radio(OutageKind.OUTAGE),
        _text(
            B.SUMMARY,
            A.SUMMARY,
            "What partners notice",
            max_length=SUMMARY_MAX,
            initial=prefill.summary if prefill else "",
        ),
        _text(B.WORKAROUND, A.WORKAROUND, "Workaround", optional=True, max_length=WORKAROUND_MAX),
        _next_update(now + DEFAULT_NEXT_UPDATE),
    ]
    return _modal(
        OutageCallbackId.DECLARE,
        "Declare outage",
        "Declare",
        blocks,
        channel=channel,
        burst=prefill.burst if prefill else None,
    )


def maintenance_modal(services: Sequence[Service], *, channel: str = "") -> View:
    """Schedule maintenance: announced now, a reminder before it starts, a note when it ends."""
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                md(
                    "It is announced now to partners with an open request on the service and in "
                    "the announcements channel; they are reminded an hour before it starts and "
                    "told when it ends."
                )
            ]
        ),
        _service_select(services),
        _when(B.STARTS_AT, A.STARTS_AT, "Starts", None),
        _when(B.ENDS_AT, A.ENDS_AT, "Ends", None),
        _text(B.SUMMARY, A.SUMMARY, "What partners will notice", max_length=SUMMARY_MAX),
    ]
    return _modal(
        OutageCallbackId.MAINTENANCE, "Schedule maintenance", "Schedule", blocks, channel=channel
    )


def outage_update_modal(outage: OutageSummary, *, now: dt.datetime, channel: str = "") -> View:
    """What is new for partners; fields start from what they were told last."""
    message = _text(
        B.MESSAGE, A.MESSAGE, "What is new — partners will see this", max_length=TEXT_MAX
    )
    summary = _text(
        B.SUMMARY,
        A.SUMMARY,
        "What partners notice" if not outage.is_maintenance else "What partners will notice",
        max_length=SUMMARY_MAX,
        initial=outage.summary,
    )
    if outage.is_maintenance:
        inputs: list[Block] = [
            message,
            summary,
            _when(B.STARTS_AT, A.STARTS_AT, "Starts", outage.starts_at),
            _when(B.ENDS_AT, A.ENDS_AT, "Ends", outage.ends_at),
        ]
    else:
        due = outage.next_update_due
        inputs = [
            message,
            _kind_radio(outage.kind),
            summary,
            _text(
                B.WORKAROUND,
                A.WORKAROUND,
                "Workaround",
                optional=True,
                max_length=WORKAROUND_MAX,
                initial=outage.workaround,
            ),
            _next_update(due if due and due > now else now + DEFAULT_NEXT_UPDATE),
        ]
    blocks: list[Block] = [_about(outage), *inputs]
    return _modal(
        OutageCallbackId.UPDATE,
        f"Update {outage.ref}",
        "Send update",
        blocks,
        channel=channel,
        number=outage.number,
    )


def outage_resolve_modal(outage: OutageSummary, *, channel: str = "") -> View:
    """Resolving needs words partners can read; for maintenance it ends or cancels the window."""
    if outage.is_maintenance:
        title, submit = "End maintenance", "End it"
        label = "What partners should know — they will see this"
        hint = "Before the start this cancels the maintenance; after it, this ends it now."
    else:
        title, submit = f"Resolve {outage.ref}", "Resolve"
        label = "What was fixed — partners will see this"
        hint = "You can then resolve the requests filed during the outage with the same words."
    field = _text(B.RESOLUTION, A.RESOLUTION, label, max_length=TEXT_MAX, hint=hint)
    return _modal(
        OutageCallbackId.RESOLVE,
        title,
        submit,
        [_about(outage), field],
        channel=channel,
        number=outage.number,
    )


def encode_outage_metadata(
    *, number: int | None = None, channel: str = "", burst: int | None = None
) -> str:
    """Small versioned JSON naming the outage and the channel the technician worked in."""
    data: dict[str, object] = {"v": METADATA_VERSION}
    if number is not None:
        data["n"] = number
    if burst is not None:
        data["b"] = burst
    if channel:
        data["c"] = channel
    return json.dumps(data, separators=(",", ":"))


def decode_outage_metadata(raw: str | None) -> OutageMetadata:
    """Read what encode_outage_metadata wrote; unknown or broken metadata reads as empty."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return OutageMetadata()
    if not isinstance(data, dict) or data.get("v") != METADATA_VERSION:
        return OutageMetadata()
    number, burst, channel = data.get("n"), data.get("b"), data.get("c")
    return OutageMetadata(
        number=number if _positive(number) else None,
        channel=channel if isinstance(channel, str) else "",
        burst=burst if _positive(burst) else None,
    )


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _modal(
    callback_id: OutageCallbackId,
    title: str,
    submit: str,
    blocks: list[Block],
    *,
    channel: str,
    number: int | None = None,
    burst: int | None = None,
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=plain(truncate(title, 24)),
        submit=plain(submit),
        close=plain("Cancel"),
        private_metadata=encode_outage_metadata(number=number, channel=channel, burst=burst),
        blocks=blocks,
    )


def _about(outage: OutageSummary) -> ContextBlock:
    text = (
        f"*{outage.ref}* · {outage.kind.label} · {escape(truncate(outage.service_name, 100))}\n"
        f"{escape(truncate(outage.summary, 300))}"
    )
    return ContextBlock(elements=[md(text)])


def _service_select(services: Sequence[Service], initial: str | None = None) -> InputBlock:
    options = [Option(value=s.id, text=plain(truncate(s.name, 75))) for s in services[:100]]
    chosen = next((o for o in options if o.value == initial), None)
    return InputBlock(
        block_id=BlockId.SERVICE,
        label=plain("Service"),
        element=StaticSelectElement(
            action_id=ActionId.SERVICE,
            placeholder=plain("Choose the service"),
            options=options,
            initial_option=chosen,
        ),
    )


def _kind_radio(initial: OutageKind) -> InputBlock:
    options = [
        Option(value=OutageKind.OUTAGE, label="Outage: it does not work"),
        Option(value=OutageKind.DEGRADATION, label="Degradation: it works, badly"),
    ]
    chosen = options[DECLARABLE.index(initial)] if initial in DECLARABLE else options[0]
    return InputBlock(
        block_id=B.KIND,
        label=plain("How bad"),
        element=RadioButtonsElement(action_id=A.KIND, options=options, initial_option=chosen),
    )


def _next_update(initial: dt.datetime) -> InputBlock:
    return InputBlock(
        block_id=B.NEXT_UPDATE,
        label=plain("Next update by"),
        hint=plain("Partners are told to expect an update by then, even if there is no news."),
        element=DateTimePickerElement(
            action_id=A.NEXT_UPDATE, initial_date_time=int(initial.timestamp())
        ),
    )


def _when(
    block_id: OutageBlockId, action_id: OutageActionId, label: str, initial: dt.datetime | None
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        element=DateTimePickerElement(
            action_id=action_id,
            initial_date_time=int(initial.timestamp()) if initial is not None else None,
        ),
    )


def _text(
    block_id: OutageBlockId,
    action_id: OutageActionId,
    label: str,
    *,
    max_length: int,
    optional: bool = False,
    initial: str = "",
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label),
        optional=optional,
        hint=plain(hint) if hint else None,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=True,
            max_length=max_length,
            initial_value=truncate(initial, max_length) or None,
        ),
    )
