"""The modal a partner fills in to file a request."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from bot.catalogue import Service
from bot.domain.fixes import FixOffer
from bot.domain.model import Impact
from bot.domain.outage import OutageBanner
from bot.views.ids import ActionId, BlockId, CallbackId
from bot.views.outages import outage_banner_blocks
from bot.views.shared_fixes import fixes_form_blocks
from bot.views.text import md, plain, truncate

SUMMARY_MAX = 150
DETAILS_MAX = 3000
METADATA_VERSION = 1
NO_FIXES = FixOffer()


@dataclass(frozen=True)
class RequestPrefill:
    """What we already know when the modal opens (from the command text or a message)."""

    summary: str = ""
    details: str = ""
    source_link: str = ""


@functools.lru_cache(maxsize=512)
def request_modal_payload(
    services: tuple[Service, ...], prefill: RequestPrefill, outages: tuple[OutageBanner, ...] = ()
) -> dict[str, Any]:
    """The modal as validated JSON, cached: most forms open empty, and building one costs CPU.

    Callers must not change the returned dict; Slack's client only serialises it.
    """
    payload: dict[str, Any] = request_modal(services, prefill, outages).to_dict()
    return payload


def request_modal(
    services: Sequence[Service],
    prefill: RequestPrefill,
    outages: Sequence[OutageBanner] = (),
    fixes: FixOffer = NO_FIXES,
) -> View:
    """New-request modal: known outages first, then service, summary, details, impact, date.

    Choosing a service, or pressing Enter in the summary, sends Liaison the form so far
    (`dispatch_action`); it answers with the same form and the shared fixes that match
    (`fixes`) under the summary. Input block and action ids never change between versions,
    so Slack keeps everything typed across the update.
    """
    blocks: list[Block] = [
        *outage_banner_blocks(outages),
        ContextBlock(
            elements=[
                md(
                    "Tell us what is wrong and how it affects your mission. "
                    "Priority is worked out from the impact and the date you need it by."
                )
            ]
        ),
        InputBlock(
            block_id=BlockId.SERVICE,
            label=plain("Service"),
            dispatch_action=True,
            element=StaticSelectElement(
                action_id=ActionId.SERVICE,
                placeholder=plain("Choose the service"),
                options=[_service_option(s) for s in services[:100]],
            ),
        ),
        InputBlock(
            block_id=BlockId.SUMMARY,
            label=plain("Summary"),
            hint=plain("One line, at most 150 characters. Press Enter to see fixes others found."),
            dispatch_action=True,
            element=PlainTextInputElement(
                action_id=ActionId.SUMMARY,
                max_length=SUMMARY_MAX,
                dispatch_action_config=DispatchActionConfig(
                    trigger_actions_on=["on_enter_pressed"]
                ),
                initial_value=truncate(prefill.summary, SUMMARY_MAX) or None,
                placeholder=plain("e.g. No network in building 4, room 210"),
            ),
        ),
        *fixes_form_blocks(fixes),
        InputBlock(
            block_id=BlockId.DETAILS,
            label=plain("Details"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ActionId.DETAILS,
                multiline=True,
                max_length=DETAILS_MAX,
                initial_value=truncate(prefill.details, DETAILS_MAX) or None,
                placeholder=plain("What you see, since when, who is affected, what you tried"),
            ),
        ),
        InputBlock(
            block_id=BlockId.IMPACT,
            label=plain("Mission impact"),
            element=RadioButtonsElement(
                action_id=ActionId.IMPACT,
                options=[Option(value=i.value, label=i.label) for i in Impact],
            ),
        ),
        InputBlock(
            block_id=BlockId.NEEDED_BY,
            label=plain("Needed by"),
            optional=True,
            element=DatePickerElement(
                action_id=ActionId.NEEDED_BY,
                placeholder=plain("Pick a date if there is a deadline"),
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.NEW_REQUEST,
        title=plain("New request"),
        submit=plain("Submit"),
        close=plain("Cancel"),
        private_metadata=encode_metadata(source_link=prefill.source_link, offered=fixes.ids),
        blocks=blocks,
    )


def _service_option(service: Service) -> Option:
    return Option(
        value=service.id,
        text=plain(truncate(service.name, 75)),
        description=plain(truncate(service.owner, 75)) if service.owner else None,
    )


def encode_metadata(*, source_link: str = "", offered: Sequence[int] = ()) -> str:
    """Small versioned JSON carried through the modal: the source message, the fixes shown."""
    data: dict[str, object] = {"v": METADATA_VERSION}
    if source_link:
        data["src"] = source_link
    if offered:
        data["fx"] = ",".join(str(i) for i in offered)
    return json.dumps(data, separators=(",", ":"))


def decode_metadata(raw: str | None) -> dict[str, str]:
    """Read what encode_metadata wrote; unknown or broken metadata reads as empty."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict) or data.get("v") != METADATA_VERSION:
        return {}
    return {k: str(v) for k, v in data.items() if k != "v"}
