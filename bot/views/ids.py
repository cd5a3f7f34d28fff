"""Every callback_id, block_id and action_id, spelled once."""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    """Modal and shortcut callback ids."""

    NEW_REQUEST = "request_new"
    ASSIGN = "request_assign"
    UPDATE = "request_update"
    RESOLVE = "request_resolve"
    REPRIORITISE = "request_reprioritise"
    MESSAGE_PARTNER = "request_message_partner"
    FILE_FROM_MESSAGE = "request_from_message"


class BlockId(StrEnum):
    """Input block ids; modal errors are keyed by these."""

    SERVICE = "service"
    SUMMARY = "summary"
    DETAILS = "details"
    IMPACT = "impact"
    NEEDED_BY = "needed_by"
    ASSIGNEE = "assignee"
    STATUS = "status"
    PARTNER_MESSAGE = "partner_message"
    INTERNAL_NOTE = "internal_note"
    NEXT_UPDATE = "next_update"
    RESOLUTION = "resolution"
    PRIORITY = "priority"
    REASON = "reason"
    MESSAGE = "message"
    CARD_ACTIONS = "card_actions"


class ActionId(StrEnum):
    """Interactive element ids that handlers listen for."""

    SERVICE = "service_select"
    SUMMARY = "summary_input"
    DETAILS = "details_input"
    IMPACT = "impact_radio"
    NEEDED_BY = "needed_by_date"
    FILE_REQUEST = "file_request"
    FILE_FROM_DM = "file_from_dm"
    CLAIM = "req_claim"
    ASSIGN = "req_assign"
    UPDATE = "req_update"
    RESOLVE = "req_resolve"
    REPRIORITISE = "req_priority"
    MESSAGE_PARTNER = "req_message"
    WITHDRAW = "req_withdraw"
    ASK_UPDATE = "req_ask_update"
    SHOW_REQUEST = "req_show"
    ASSIGNEE = "assignee_select"
    STATUS = "status_select"
    PARTNER_MESSAGE = "partner_message_input"
    INTERNAL_NOTE = "internal_note_input"
    NEXT_UPDATE = "next_update_datetime"
    RESOLUTION = "resolution_input"
    PRIORITY = "priority_select"
    REASON = "reason_input"
    MESSAGE = "message_input"
