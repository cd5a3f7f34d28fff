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
    SAVED_REPLIES = "saved_replies"
    SAVE_AS_REPLY = "save_as_reply"


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
    SAVED_REPLY = "saved_reply"
    REPLY_TITLE = "reply_title"
    REPLY_TEXT = "reply_text"


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
    SAVED_REPLY = "saved_reply_select"
    REPLY_TITLE = "reply_title_input"
    REPLY_TEXT = "reply_text_input"
    REPLY_EDIT = "reply_edit"  # value "<saved reply id>"
    REPLY_REMOVE = "reply_remove"  # value "<saved reply id>"


class OutageCallbackId(StrEnum):
    """Callback ids of the outage and maintenance modals."""

    DECLARE = "outage_declare"
    MAINTENANCE = "outage_maintenance"
    UPDATE = "outage_update_modal"
    RESOLVE = "outage_resolve_modal"


class OutageBlockId(StrEnum):
    """Block ids of the outage and maintenance modals and the request form's banner."""

    KIND = "outage_kind"
    SUMMARY = "outage_summary"
    WORKAROUND = "outage_workaround"
    NEXT_UPDATE = "outage_next_update"
    STARTS_AT = "outage_starts_at"
    ENDS_AT = "outage_ends_at"
    MESSAGE = "outage_message"
    RESOLUTION = "outage_resolution"
    BANNER = "outage_banner"  # one per outage: outage_banner:3


class OutageActionId(StrEnum):
    """Outage buttons and the elements of the outage modals."""

    FOLLOW = "outage_follow"
    UPDATE = "outage_update"
    RESOLVE = "outage_resolve"
    RESOLVE_LINKED = "outage_resolve_linked"
    LINK_OPEN = "outage_link_open"
    KIND = "outage_kind_radio"
    SUMMARY = "outage_summary_input"
    WORKAROUND = "outage_workaround_input"
    NEXT_UPDATE = "outage_next_update_datetime"
    STARTS_AT = "outage_starts_at_datetime"
    ENDS_AT = "outage_ends_at_datetime"
    MESSAGE = "outage_message_input"
    RESOLUTION = "outage_resolution_input"


class ClosingCallbackId(StrEnum):
    """Callback ids of the modals that close the loop with the partner."""

    REOPEN = "request_reopen"
    COMMENT = "poll_comment"
    FOLLOW_UP = "follow_up_message"


class ClosingBlockId(StrEnum):
    """Block ids of those modals."""

    REASON = "reopen_reason"
    COMMENT = "poll_comment"
    MESSAGE = "follow_up_message"


class ClosingActionId(StrEnum):
    """Buttons on the resolution message, the poll and the supervisors' alert."""

    CONFIRM_FIXED = "req_confirm_fixed"
    STILL_BROKEN = "req_still_broken"
    REOPEN = "req_reopen"
    RATE = "poll_rate"  # value "<poll id>:<1..5>"
    INFORMED = "poll_informed"  # value "<poll id>:yes|partly|no"
    TRUST = "poll_trust"  # value "<poll id>:<1..5>"
    COMMENT = "poll_comment_open"  # value "<poll id>"
    OPT_OUT = "poll_opt_out"  # value "<poll id>"
    TAKE_FOLLOW_UP = "follow_up_take"  # value "<follow-up id>"
    WRITE_FOLLOW_UP = "follow_up_write"  # value "<follow-up id>"
    FINISH_FOLLOW_UP = "follow_up_done"  # value "<follow-up id>"
    REASON = "reopen_reason_input"
    COMMENT_INPUT = "poll_comment_input"
    MESSAGE = "follow_up_message_input"


class AwarenessActionId(StrEnum):
    """Buttons on a suspected-outage alert in a triage channel."""

    DECLARE = "burst_declare"
    DISMISS = "burst_dismiss"


class FixCallbackId(StrEnum):
    """Callback id of the view shown when a shared fix solved it in the request form."""

    THANKS = "fix_thanks"


class FixBlockId(StrEnum):
    """Blocks of shared fixes: the Resolve modal's box and the form's list."""

    SHARE = "share_fix"
    INTRO = "fixes_intro"
    FIX = "fix"  # one per fix: fix:12
    NOTE = "fixes_note"


class FixActionId(StrEnum):
    """The Resolve modal's box and the "This solved it" buttons."""

    SHARE = "share_fix_checkbox"
    SOLVED_IN_FORM = "fix_solved_form"  # value "<fix id>"
    SOLVED_IN_DM = "fix_solved_dm"  # value "<request number>:<fix id>"
