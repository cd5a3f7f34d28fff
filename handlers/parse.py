"""Pure payload parsing: command text and modal state into typed values (no Bolt here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.services.intake import RequestForm
from bot.views.ids import ActionId, BlockId
from bot.views.request_modal import decode_metadata
from bot.views.text import plain_from_slack


class SubCommand(StrEnum):
    """Words after the slash command that mean something other than "file this"."""

    HELP = "help"
    SERVICES = "services"


@dataclass(frozen=True)
class OpenForm:
    """Open the request modal, with this summary filled in (may be empty)."""

    summary: str


@dataclass(frozen=True)
class Unknown:
    """A single word we do not know: offer help, and to file it as a request."""

    word: str


ParsedCommand = SubCommand | OpenForm | Unknown


def parse_command_text(raw: str) -> ParsedCommand:
    """`help` and `services` are sub-commands; one unknown word is a question; more is a summary."""
    text = " ".join(plain_from_slack(raw or "").split())
    if not text:
        return OpenForm("")
    words = text.split(" ")
    first = words[0].lower()
    if len(words) == 1:
        if first in SubCommand.__members__.values():
            return SubCommand(first)
        return Unknown(words[0])
    return OpenForm(text)


def _value(state: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    leaf = state.get(block, {}).get(action)
    return leaf if isinstance(leaf, dict) else {}


def _selected(leaf: dict[str, Any]) -> str | None:
    option = leaf.get("selected_option")
    return str(option["value"]) if isinstance(option, dict) and "value" in option else None


def _date(leaf: dict[str, Any]) -> dt.date | None:
    raw = leaf.get("selected_date")
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def parse_request_form(view: dict[str, Any], *, partner_id: str) -> RequestForm:
    """Read the new-request modal's state; missing fields become None, never an exception."""
    state = view.get("state", {}).get("values", {})
    metadata = decode_metadata(view.get("private_metadata"))
    return RequestForm(
        partner_id=partner_id,
        service_id=_selected(_value(state, BlockId.SERVICE, ActionId.SERVICE)),
        summary=_value(state, BlockId.SUMMARY, ActionId.SUMMARY).get("value"),
        details=_value(state, BlockId.DETAILS, ActionId.DETAILS).get("value"),
        impact=_selected(_value(state, BlockId.IMPACT, ActionId.IMPACT)),
        needed_by=_date(_value(state, BlockId.NEEDED_BY, ActionId.NEEDED_BY)),
        source_link=metadata.get("src", ""),
    )
