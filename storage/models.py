"""Tables: requests, their append-only history, the outbox, counters and seen events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime

STATUSES = (
    "new",
    "in_progress",
    "waiting_partner",
    "waiting_third_party",
    "resolved",
    "closed",
    "withdrawn",
)
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "superseded")
TIMER_STATUSES = ("pending", "fired", "cancelled")
POLL_SKIP_REASONS = ("opted_out", "cooldown", "sampled_out")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Request(Base):
    """A partner's request: what is wrong, how much it matters, and what we promised."""

    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        CheckConstraint(_one_of("priority", ("P1", "P2", "P3", "P4")), name="priority"),
        CheckConstraint(
            _one_of("impact", ("stopped", "degraded", "workaround", "none")), name="impact"
        ),
        Index("ix_requests_status_opened", "status", "opened_at"),
        Index("ix_requests_partner_status", "partner_id", "status"),
        Index("ix_requests_card", "card_channel", "card_ts"),
        Index("ix_requests_partner_thread", "partner_channel", "partner_ts"),
        Index("ix_requests_outage", "outage_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    partner_id: Mapped[str] = mapped_column(String(32))
    service_id: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(150))
    details: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(8))
    priority: Mapped[str] = mapped_column(String(2))
    needed_by: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default="new")
    assignee_id: Mapped[str | None] = mapped_column(String(32))
    card_channel: Mapped[str] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    partner_channel: Mapped[str | None] = mapped_column(String(32))
    partner_ts: Mapped[str | None] = mapped_column(String(32))
    source_link: Mapped[str | None] = mapped_column(String(500))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    first_response_due: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolution_due: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    next_update_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Service-level clock: when it was paused (waiting on the partner) and for how long in all.
    paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_response_breached_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution_breached_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The last partner-visible word from us, what a truthful lapse message reports.
    last_partner_update_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The outage this request was filed during, if any (resolved together with it).
    outage_id: Mapped[int | None] = mapped_column(ForeignKey("outages.id", ondelete="SET NULL"))


class RequestEvent(Base):
    """One line of a request's history; rows are only ever added, never changed."""

    __tablename__ = "request_events"
    __table_args__ = (Index("ix_request_events_request", "request_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    partner_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxMessage(Base):
    """A Slack call owed to someone, written with the change it reports and sent later."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_one_of("status", OUTBOX_STATUSES), name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_ordering", "ordering_key", "status", "id"),
        Index("ix_outbox_request_role", "request_id", "role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(40))
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    parent_field: Mapped[str | None] = mapped_column(String(16))
    ordering_key: Mapped[str] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(32))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))


class Timer(Base):
    """Something that must happen at a time (a warning, a lapse, a reminder), fired once."""

    __tablename__ = "timers"
    __table_args__ = (
        CheckConstraint(_one_of("status", TIMER_STATUSES), name="status"),
        Index("ix_timers_due", "status", "due_at"),
        Index("ix_timers_request", "request_id", "status"),
        Index("ix_timers_outage", "outage_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    # Outages and other subjects are referred to by id without a foreign key, so this table
    # does not depend on every feature's tables.
    outage_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A handler that keeps failing is retried later and later, then parked for an operator.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    parked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SendBlock(Base):
    """Until when Slack asked every sender to hold off one Web API method (Retry-After)."""

    __tablename__ = "send_blocks"

    method: Mapped[str] = mapped_column(String(40), primary_key=True)
    blocked_until: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Counter(Base):
    """Named sequence (request numbers) kept in a row so it works on every dialect."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class SeenEvent(Base):
    """Slack event ids already handled, so a redelivered event changes nothing."""

    __tablename__ = "seen_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


OUTAGE_KINDS = ("outage", "degradation", "maintenance")
OUTAGE_STATUSES = ("open", "resolved", "scheduled", "completed", "cancelled")


class Outage(Base):
    """A declared outage or degradation of a service, or planned maintenance on it."""

    __tablename__ = "outages"
    __table_args__ = (
        CheckConstraint(_one_of("kind", OUTAGE_KINDS), name="kind"),
        CheckConstraint(_one_of("status", OUTAGE_STATUSES), name="status"),
        Index("ix_outages_status_service", "status", "service_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    service_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))
    summary: Mapped[str] = mapped_column(Text)  # what partners notice, as typed
    workaround: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_update_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    declared_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    announcement_channel: Mapped[str | None] = mapped_column(String(32))
    announcement_ts: Mapped[str | None] = mapped_column(String(32))


class OutageEvent(Base):
    """One line of an outage's promise ledger (kept, lapsed, nudged); rows are only added."""

    __tablename__ = "outage_events"
    __table_args__ = (
        Index("ix_outage_events_outage", "outage_id", "id"),
        Index("ix_outage_events_kind_at", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outage_id: Mapped[int] = mapped_column(ForeignKey("outages.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutageFollower(Base):
    """Someone who asked to hear every update of an outage instead of filing a duplicate."""

    __tablename__ = "outage_followers"
    __table_args__ = (UniqueConstraint("outage_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outage_id: Mapped[int] = mapped_column(ForeignKey("outages.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Poll(Base):
    """The short poll sent when a request closes; skipped polls are kept, with the reason."""

    __tablename__ = "polls"
    __table_args__ = (
        CheckConstraint(_one_of("status", ("open", "closed", "skipped")), name="status"),
        CheckConstraint(
            "skip_reason IS NULL OR " + _one_of("skip_reason", POLL_SKIP_REASONS), name="skip"
        ),
        CheckConstraint(
            "informed IS NULL OR " + _one_of("informed", ("yes", "partly", "no")), name="informed"
        ),
        Index("ix_polls_partner", "partner_id", "created_at"),
        Index("ix_polls_created", "created_at"),
        Index("ix_polls_request", "request_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    partner_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8), default="open")
    skip_reason: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(Integer)
    informed: Mapped[str | None] = mapped_column(String(8))
    trust: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class FollowUp(Base):
    """A low score or "not kept informed" that a supervisor owns until it is done."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        Index("ix_follow_ups_open", "done_at", "due_at"),
        UniqueConstraint("poll_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    owner_id: Mapped[str | None] = mapped_column(String(32))
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PartnerPreference(Base):
    """What a partner chose for themselves (no polls, for now)."""

    __tablename__ = "partner_preferences"

    partner_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    polls_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DigestSent(Base):
    """A digest period already sent; inserted with its outbox messages, so each goes out once."""

    __tablename__ = "digests_sent"
    __table_args__ = (UniqueConstraint("kind", "period_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))
    period_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


# Indexes the digests' period queries range over (added with the digests, in migration 0005).
Index("ix_request_events_kind_at", RequestEvent.kind, RequestEvent.at)
Index("ix_requests_opened", Request.opened_at)
Index("ix_requests_first_responded", Request.first_responded_at)


class HomeViewer(Base):
    """Someone who has opened Liaison's Home tab, so it is worth keeping theirs up to date."""

    __tablename__ = "home_viewers"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    first_opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Changes since the Home was last rendered; the refresher clears only what it has seen.
    refresh_pending: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # partner, technician or supervisor, as last published: team Homes follow the whole queue.
    audience: Mapped[str | None] = mapped_column(String(12))


# A service's open requests: those an outage declared on it links and tells (migration 0010).
# Related-request lookups read the search indexes of storage/search.py, not this table.
Index("ix_requests_service_status", Request.service_id, Request.status)

BURST_STATUSES = ("active", "declared", "dismissed")


class Burst(Base):
    """Several requests on one service in a short window: a suspected outage, alerted once."""

    __tablename__ = "bursts"
    __table_args__ = (
        CheckConstraint(_one_of("status", BURST_STATUSES), name="status"),
        Index("ix_bursts_service_last", "service_id", "last_report_at"),
        Index("ix_bursts_detected", "detected_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="active")
    first_report_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_report_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # How many reports burst_reports holds for it, kept as they join: the alert shows the
    # count, and a long burst has thousands (migration 0014).
    report_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Unused since migration 0014 (the reports are rows of burst_reports): kept, empty for new
    # bursts, so replicas of the version before keep working while a shop restarts its
    # replicas one at a time. A later migration drops it.
    request_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outage_id: Mapped[int | None] = mapped_column(Integer)


class BurstMember(Base):
    """One report in a burst (table burst_reports; named apart from the alert's BurstReport).

    A row per report, so a pass adds the reports that joined instead of rewriting a list
    that grows with the burst. The primary key, by request id within a burst, serves the
    alert's first and latest few reports as two short index ranges.
    """

    __tablename__ = "burst_reports"

    burst_id: Mapped[int] = mapped_column(
        ForeignKey("bursts.id", ondelete="CASCADE"), primary_key=True
    )
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )


class SavedReply(Base):
    """A reply the shop saved from Slack, offered to technicians on every service."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(75))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The last supervisor to change it, and when (None until someone does).
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


FIX_ANSWER_VIAS = ("form", "dm")


class SharedFix(Base):
    """A resolution a technician chose to share with partners who report the same problem.

    The problem's words (the request's summary and details) are kept beside the fix so a
    later partner's words can find it; partners are shown only the fix, never the problem.
    """

    __tablename__ = "shared_fixes"
    __table_args__ = (Index("ix_shared_fixes_request", "request_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(40))
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(150))
    details: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Set when its request is reopened (it did not fix it after all): no longer offered.
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class FixAnswer(Base):
    """A partner said a shared fix solved their problem: in the form (nothing filed) or by DM."""

    __tablename__ = "fix_answers"
    __table_args__ = (
        CheckConstraint(_one_of("via", FIX_ANSWER_VIAS), name="via"),
        Index("ix_fix_answers_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fix_id: Mapped[int] = mapped_column(ForeignKey("shared_fixes.id", ondelete="CASCADE"))
    partner_id: Mapped[str] = mapped_column(String(32))
    service_id: Mapped[str] = mapped_column(String(40))
    # The request it closed (from the DM); None when the form was never submitted.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(String(150))  # what the partner had typed, as typed
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Set when the partner went back to the form after all: not counted.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
