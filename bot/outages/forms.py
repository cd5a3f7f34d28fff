"""The outage and maintenance forms as typed, and the checks made before a modal closes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.catalogue import Catalogue
from bot.domain.errors import FieldErrors
from bot.domain.outage import OutageKind
from bot.views.ids import BlockId, OutageBlockId
from bot.views.outage_modals import SUMMARY_MAX, TEXT_MAX, WORKAROUND_MAX

START_GRACE = dt.timedelta(minutes=5)  # a start picked as "now" is a minute old on submit
DECLARABLE = (OutageKind.OUTAGE, OutageKind.DEGRADATION)
B = OutageBlockId


@dataclass(frozen=True)
class OutageForm:
    """The declare modal as typed (None where left empty)."""

    service_id: str | None
    kind: str | None
    summary: str | None
    workaround: str | None
    next_update_due: dt.datetime | None


@dataclass(frozen=True)
class MaintenanceForm:
    """The maintenance modal as typed (None where left empty)."""

    service_id: str | None
    summary: str | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None


@dataclass(frozen=True)
class OutageEdit:
    """An update: the message for partners, and the fields the modal had (None: not there)."""

    message: str
    kind: str | None = None
    summary: str | None = None
    workaround: str | None = None
    next_update_due: dt.datetime | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


def validate_declaration(form: OutageForm, *, catalogue: Catalogue, now: dt.datetime) -> None:
    """Raise FieldErrors naming each field of the declare modal that cannot be accepted."""
    errors = _service_errors(form.service_id, catalogue) | _summary_errors(form.summary)
    if form.kind not in {k.value for k in DECLARABLE}:
        errors[B.KIND] = "Choose outage or degradation."
    if len(form.workaround or "") > WORKAROUND_MAX:
        errors[B.WORKAROUND] = f"Keep the workaround to {WORKAROUND_MAX} characters."
    errors |= _next_update_errors(form.next_update_due, now, required=True)
    if errors:
        raise FieldErrors(errors)


def validate_maintenance(form: MaintenanceForm, *, catalogue: Catalogue, now: dt.datetime) -> None:
    """Raise FieldErrors naming each field of the maintenance modal that cannot be accepted."""
    errors = _service_errors(form.service_id, catalogue) | _summary_errors(form.summary)
    if form.starts_at is None:
        errors[B.STARTS_AT] = "Pick when it starts."
    elif form.starts_at < now - START_GRACE:
        errors[B.STARTS_AT] = "That time has passed. Pick a start from now on."
    errors |= _window_errors(form.starts_at, form.ends_at, now, required=True)
    if errors:
        raise FieldErrors(errors)


def validate_edit(edit: OutageEdit, *, now: dt.datetime) -> None:
    """Raise FieldErrors for an update: it needs a message, and times that make sense."""
    errors: dict[str, str] = {}
    message = edit.message.strip()
    if not message:
        errors[B.MESSAGE] = "Say what is new; partners read this."
    elif len(message) > TEXT_MAX:
        errors[B.MESSAGE] = f"Keep it to {TEXT_MAX} characters."
    if edit.summary is not None:
        errors |= _summary_errors(edit.summary)
    if edit.kind is not None and edit.kind not in {k.value for k in DECLARABLE}:
        errors[B.KIND] = "Choose outage or degradation."
    if len(edit.workaround or "") > WORKAROUND_MAX:
        errors[B.WORKAROUND] = f"Keep the workaround to {WORKAROUND_MAX} characters."
    errors |= _next_update_errors(edit.next_update_due, now, required=False)
    errors |= _window_errors(edit.starts_at, edit.ends_at, now, required=False)
    if errors:
        raise FieldErrors(errors)


def require_resolution(text: str | None) -> str:
    """Pre-ack check of the resolve modal; returns the text stripped."""
    value = (text or "").strip()
    if not value:
        raise FieldErrors({B.RESOLUTION: "Write what partners should know; they read this."})
    if len(value) > TEXT_MAX:
        raise FieldErrors({B.RESOLUTION: f"Keep it to {TEXT_MAX} characters."})
    return value


def _service_errors(service_id: str | None, catalogue: Catalogue) -> dict[str, str]:
    if not service_id:
        return {BlockId.SERVICE: "Choose the service."}
    if catalogue.service(service_id) is None:
        return {BlockId.SERVICE: "That service is no longer offered. Please choose another."}
    return {}


def _summary_errors(summary: str | None) -> dict[str, str]:
    text = (summary or "").strip()
    if not text:
        return {B.SUMMARY: "Say what partners notice, in their words."}
    if len(text) > SUMMARY_MAX:
        return {B.SUMMARY: f"Keep it to {SUMMARY_MAX} characters (it has {len(text)})."}
    return {}


def _next_update_errors(
    due: dt.datetime | None, now: dt.datetime, *, required: bool
) -> dict[str, str]:
    if due is None:
        return {B.NEXT_UPDATE: "Say when partners hear from us next."} if required else {}
    if due <= now:
        return {B.NEXT_UPDATE: "Pick a time in the future."}
    return {}


def _window_errors(
    starts: dt.datetime | None, ends: dt.datetime | None, now: dt.datetime, *, required: bool
) -> dict[str, str]:
    if ends is None:
        return {B.ENDS_AT: "Pick when it ends."} if required else {}
    if starts is not None and ends <= starts:
        return {B.ENDS_AT: "It has to end after it starts."}
    if ends <= now:
        return {B.ENDS_AT: "Pick an end in the future."}
    return {}
