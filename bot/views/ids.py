"""Every callback_id, block_id and action_id, spelled once."""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    """Modal and shortcut callback ids."""

    NEW_REQUEST = "request_new"


class BlockId(StrEnum):
    """Input block ids; modal errors are keyed by these."""

    SERVICE = "service"
    SUMMARY = "summary"
    DETAILS = "details"
    IMPACT = "impact"
    NEEDED_BY = "needed_by"


class ActionId(StrEnum):
    """Interactive element ids that handlers listen for."""

    SERVICE = "service_select"
    SUMMARY = "summary_input"
    DETAILS = "details_input"
    IMPACT = "impact_radio"
    NEEDED_BY = "needed_by_date"
    FILE_REQUEST = "file_request"
