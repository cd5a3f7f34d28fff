"""Messages about an outage's promised update: the nudge before it, the alert after it lapsed."""

from __future__ import annotations

import datetime as dt

from slack_sdk.models.blocks import SectionBlock

from bot.domain.outage import OutageSummary
from bot.views.outages import COMMAND
from bot.views.text import (
    Rendered,
    escape,
    human_duration,
    md,
    mention,
    slack_date,
    speaks,
    truncate,
)

HOLDING_TEXT = "No new information yet. Technicians are still working on it."


@speaks
def outage_nudge(outage: OutageSummary, *, due: dt.datetime) -> Rendered:
    """To whoever declared the outage, before the update partners were promised falls due."""
    service = escape(truncate(outage.service_name, 80))
    text = (
        f"🔔 {mention(outage.declared_by)} *{outage.ref}* ({service}): partners were promised "
        f"an update by {slack_date(due)}. Post one from `{COMMAND} outages` (*Update…*), even "
        "if there is nothing new, so they are not left guessing."
    )
    return [SectionBlock(text=md(text))], f"{outage.ref}: update due {slack_date(due)}"


@speaks
def outage_lapse_alert(
    outage: OutageSummary, *, due: dt.datetime, now: dt.datetime, told: int
) -> Rendered:
    """To the supervisors: which outage, what was promised, how long ago, what partners got."""
    service = escape(truncate(outage.service_name, 80))
    late = human_duration(now - due) if now > due else "0 min"
    heard = (
        f"{told} partner(s) and follower(s) got a holding message"
        if told
        else "nobody has been sent a holding message yet (today's allowance is spent)"
    )
    nxt = outage.next_update_due
    promise = f"; the next update is promised by {slack_date(nxt)}" if nxt else ""
    text = (
        f"🚨 *{outage.ref}* ({service}, declared by {mention(outage.declared_by)}): the update "
        f"promised by {slack_date(due)} was not posted ({late} ago). {heard}{promise}."
    )
    return [SectionBlock(text=md(text))], f"{outage.ref}: promised update missed"
