"""Pure payload parsing: command text and modal state into typed values (no Bolt here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.domain.model import parse_number
from bot.domain.outage import parse_outage_number
from bot.intake.filing import RequestForm
from bot.outages.forms import MaintenanceForm, OutageEdit, OutageForm
from bot.views.ids import ActionId, BlockId, OutageActionId, OutageBlockId
from bot.views.request_modal import decode_metadata
from bot.views.text import plain_from_slack


class SubCommand(StrEnum):
    """Words after the slash command that mean something other than "file this"."""

    HELP = "help"
    SERVICES = "services"
    LIST = "list"
    QUEUE = "queue"
    OUTAGE = "outage"
    MAINTENANCE = "maintenance"
    OUTAGES = "outages"
    DIGEST = "digest"
    REPLIES = "replies"


@dataclass(frozen=True)
class OpenForm:
    """Open the request modal, with this summary filled in (may be empty)."""

    summary: str


@dataclass(frozen=True)
class Unknown:
    """A single word we do not know: offer help, and to file it as a request."""

    word: str


@dataclass(frozen=True)
class StatusOf:
    """`status REQ-42`: one request's state; number is None when it could not be read."""

    number: int | None
    typed: str


@dataclass(frozen=True)
class StatsFor:
    """`stats [7d|30d|90d]`: the figures of that many days; days is None when not understood."""

    days: int | None
    typed: str


STATS_DAYS = {"": 7, "7d": 7, "30d": 30, "90d": 90}
ParsedCommand = SubCommand | OpenForm | Unknown | StatusOf | StatsFor


def parse_command_text(raw: str) -> ParsedCommand:
    """`help` and `services` are sub-commands; one unknown word is a question; more is a summary."""
    text = " ".join(plain_from_slack(raw or "").split())
    if not text:
        return OpenForm("")
    words = text.split(" ")
    first = words[0].lower()
    if first == "status" and len(words) <= 2:
        typed = words[1] if len(words) == 2 else ""
        return StatusOf(parse_number(typed), typed)
    if first == "stats" and len(words) <= 2:
        typed = words[1] if len(words) == 2 else ""
        return StatsFor(STATS_DAYS.get(typed.lower()), typed)
    if len(words) == 1:
        if first in SubCommand.__members__.values():
            return SubCommand(first)
        return Unknown(words[0])
    return OpenForm(text)


def _mapping(value: object) -> dict[str, Any]:
    """The value if it is an object, else an empty one: a wrong type reads as absent."""
    return value if isinstance(value, dict) else {}


def _state(view: dict[str, Any]) -> dict[str, Any]:
    """A view's `state.values`, or nothing when any part of it has the wrong type."""
    return _mapping(_mapping(_mapping(view).get("state")).get("values"))


def _value(state: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    return _mapping(_mapping(state.get(block)).get(action))


def _first_action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions")
    return _mapping(actions[0]) if isinstance(actions, list) and actions else {}


def _selected(leaf: dict[str, Any]) -> str | None:
    option = leaf.get("selected_option")
    return str(option["value"]) if isinstance(option, dict) and "value" in option else None


def _date(leaf: dict[str, Any]) -> dt.date | None:
    raw = leaf.get("selected_date")
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def parse_request_form(view: dict[str, Any], *, partner_id: str) -> RequestForm:
    """Read the new-request modal's state; missing fields become None, never an exception."""
    state = _state(view)
    metadata = decode_metadata(view.get("private_metadata"))
    return RequestForm(
        partner_id=partner_id,
        service_id=_selected(_value(state, BlockId.SERVICE, ActionId.SERVICE)),
        summary=_value(state, BlockId.SUMMARY, ActionId.SUMMARY).get("value"),
        details=_value(state, BlockId.DETAILS, ActionId.DETAILS).get("value"),
        impact=_selected(_value(state, BlockId.IMPACT, ActionId.IMPACT)),
        needed_by=_date(_value(state, BlockId.NEEDED_BY, ActionId.NEEDED_BY)),
        source_link=metadata.get("src", ""),
        offered_fixes=_ids(metadata.get("fx", "")),
    )


def _ids(raw: str) -> tuple[int, ...]:
    """Comma-separated ids (the fixes a form showed); anything else is left out."""
    return tuple(int(part) for part in raw.split(",") if part.isdigit())


def text_value(view: dict[str, Any], block: str, action: str) -> str:
    """A plain_text_input's value, empty when left blank."""
    state = _state(view)
    return str(_value(state, block, action).get("value") or "")


def option_value(view: dict[str, Any], block: str, action: str) -> str | None:
    """The chosen option of a select or radio group."""
    return _selected(_value(_state(view), block, action))


def options_value(view: dict[str, Any], block: str, action: str) -> list[str]:
    """The values of the ticked boxes of a checkbox group (none when untouched)."""
    chosen = _value(_state(view), block, action).get("selected_options")
    if not isinstance(chosen, list):
        return []
    return [str(o["value"]) for o in chosen if isinstance(o, dict) and "value" in o]


def user_value(view: dict[str, Any], block: str, action: str) -> str | None:
    """The person picked in a users_select."""
    leaf = _value(_state(view), block, action)
    user = leaf.get("selected_user")
    return str(user) if user else None


def datetime_value(view: dict[str, Any], block: str, action: str) -> dt.datetime | None:
    """A datetimepicker's choice as aware UTC (Slack sends epoch seconds)."""
    leaf = _value(_state(view), block, action)
    raw = leaf.get("selected_date_time")
    try:
        return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC) if raw else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def button_number(body: dict[str, Any]) -> int | None:
    """The request number carried in a clicked button's value."""
    return parse_number(str(_first_action(body).get("value", "")))


def button_value(body: dict[str, Any]) -> str:
    """The value carried by the clicked button ("" when none)."""
    return str(_first_action(body).get("value", ""))


def button_outage_number(body: dict[str, Any]) -> int | None:
    """The outage number carried in a clicked button's value."""
    return parse_outage_number(str(_first_action(body).get("value", "")))


def clicked_channel(body: dict[str, Any]) -> str:
    """The channel a message button was clicked in ("" from a modal or the Home tab)."""
    channel = _mapping(body.get("channel")).get("id") or _mapping(body.get("container")).get(
        "channel_id"
    )
    return str(channel or "")


def parse_outage_form(view: dict[str, Any]) -> OutageForm:
    """Read the declare-outage modal; missing fields become None."""
    state = _state(view)
    return OutageForm(
        service_id=_selected(_value(state, BlockId.SERVICE, ActionId.SERVICE)),
        kind=_selected(_value(state, OutageBlockId.KIND, OutageActionId.KIND)),
        summary=_value(state, OutageBlockId.SUMMARY, OutageActionId.SUMMARY).get("value"),
        workaround=_value(state, OutageBlockId.WORKAROUND, OutageActionId.WORKAROUND).get("value"),
        next_update_due=datetime_value(view, OutageBlockId.NEXT_UPDATE, OutageActionId.NEXT_UPDATE),
    )


def parse_maintenance_form(view: dict[str, Any]) -> MaintenanceForm:
    """Read the schedule-maintenance modal; missing fields become None."""
    state = _state(view)
    return MaintenanceForm(
        service_id=_selected(_value(state, BlockId.SERVICE, ActionId.SERVICE)),
        summary=_value(state, OutageBlockId.SUMMARY, OutageActionId.SUMMARY).get("value"),
        starts_at=datetime_value(view, OutageBlockId.STARTS_AT, OutageActionId.STARTS_AT),
        ends_at=datetime_value(view, OutageBlockId.ENDS_AT, OutageActionId.ENDS_AT),
    )


def parse_outage_edit(view: dict[str, Any]) -> OutageEdit:
    """Read the update modal; fields the modal did not have stay None (unchanged)."""
    state = _state(view)

    def typed(block: OutageBlockId, action: OutageActionId) -> str | None:
        if block not in state:
            return None
        return str(_value(state, block, action).get("value") or "")

    return OutageEdit(
        message=typed(OutageBlockId.MESSAGE, OutageActionId.MESSAGE) or "",
        kind=_selected(_value(state, OutageBlockId.KIND, OutageActionId.KIND)),
        summary=typed(OutageBlockId.SUMMARY, OutageActionId.SUMMARY),
        workaround=typed(OutageBlockId.WORKAROUND, OutageActionId.WORKAROUND),
        next_update_due=datetime_value(view, OutageBlockId.NEXT_UPDATE, OutageActionId.NEXT_UPDATE),
        starts_at=datetime_value(view, OutageBlockId.STARTS_AT, OutageActionId.STARTS_AT),
        ends_at=datetime_value(view, OutageBlockId.ENDS_AT, OutageActionId.ENDS_AT),
    )
