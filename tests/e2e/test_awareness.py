"""The desk knows what is going on: related requests, suspected outages, telling the next one."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from bot.domain.errors import NotPermitted
from bot.domain.timers import TimerKind
from simulator.model import SimMessage
from storage.models import Request, Timer
from tests.e2e.helpers import PAT, file_request, open_form, stored

pytestmark = pytest.mark.e2e
SAM, JORDAN, CASEY, MORGAN = "U0SAM", "U0JORDAN", "U0CASEY", "U0MORGAN"
TRIAGE = "C0TRIAGE"
ALERT_ACTIONS = ("burst_declare", "burst_dismiss")
TOLD = "Others are reporting problems with Email and calendaring right now"


@pytest.fixture
async def desk(database_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    """Liaison on SQLite and then on PostgreSQL, in HTTP mode, with the seeded workspace."""
    local = LocalLiaison(database_url=database_url, clock=clock)
    await local.start()
    yield local
    await local.stop()


def alerts(liaison: LocalLiaison) -> list[SimMessage]:
    """Suspected-outage alerts in the triage channel (cards are the other top-level posts)."""
    return [m for m in liaison.slack.messages(TRIAGE) if "Suspected outage" in m.rendered]


def card_of(liaison: LocalLiaison, ref: str) -> SimMessage:
    """The triage card of one request."""
    [card] = [
        m for m in liaison.slack.messages(TRIAGE) if f"{ref}" in m.text and m not in alerts(liaison)
    ]
    return card


def replies(liaison: LocalLiaison, message: SimMessage) -> list[str]:
    """What was said in a message's thread, oldest first."""
    return [m.rendered for m in liaison.slack.thread(message.channel, message.ts)[1:]]


def confirmation_thread(liaison: LocalLiaison, user: str, index: int = -1) -> list[str]:
    """Replies under one of a partner's confirmation DMs."""
    return replies(liaison, liaison.slack.dm_messages(user)[index])


async def later(liaison: LocalLiaison, minutes: float) -> None:
    await liaison.advance(dt.timedelta(minutes=minutes))


async def test_a_new_card_lists_open_and_recently_resolved_requests_with_similar_words(
    desk: LocalLiaison,
) -> None:
    await file_request(
        desk, PAT, service="printers", summary="Printer in room 210 jams on every page"
    )
    await later(desk, 60)
    await file_request(desk, CASEY, service="printers", summary="Toner low on the hangar copier")
    await later(desk, 60)
    await desk.runtime.triage.apply(
        1, actor=SAM, edit=_resolve("Replaced the fuser roller.\nTested ten pages.")
    )
    await desk.settle()
    await later(desk, 60)
    await file_request(desk, JORDAN, service="email", summary="Printer icon missing in Outlook")
    await file_request(desk, JORDAN, service="printers", summary="The room 210 printer jams again")

    notes = replies(desk, card_of(desk, "REQ-4"))
    assert notes and notes[0].startswith("*Possibly related:*"), "the first reply"
    first = notes[0]
    assert "REQ-1" in first and "Resolved" in first and "Replaced the fuser roller." in first
    assert "Tested ten pages" not in first, "only the resolution's first line"
    assert "REQ-3" not in first, "other services are not related"
    assert "REQ-2" not in first, "a request without shared words is not related"
    assert "opened 3 h ago" in first
    assert not any("Possibly related" in n for n in replies(desk, card_of(desk, "REQ-2")))


async def test_requests_resolved_more_than_thirty_days_ago_are_not_offered(
    desk: LocalLiaison,
) -> None:
    await file_request(desk, PAT, service="printers", summary="Plotter out of paper")
    await desk.runtime.triage.apply(1, actor=SAM, edit=_resolve("Loaded a new roll."))
    await desk.settle()
    await desk.clock.advance(dt.timedelta(days=31))
    await file_request(desk, CASEY, service="printers", summary="Plotter out of paper again")

    assert not any("Possibly related" in n for n in replies(desk, card_of(desk, "REQ-2")))


async def test_a_request_filed_before_an_upgrade_is_still_looked_at(desk: LocalLiaison) -> None:
    """Liaison used to set an after-filing timer for each request; one left pending by the
    version before an upgrade still brings its card the related requests."""
    await file_request(desk, PAT, service="printers", summary="Printer in room 210 jams")
    await open_form(desk, JORDAN)
    answers = {"service": "printers", "impact": "stopped", "summary": "Room 210 printer jams"}
    assert (await desk.slack.submit_view(JORDAN, answers)).ok
    await desk.runtime.inflight.idle()
    pending = (Timer.kind == TimerKind.FILED_AWARENESS) & (Timer.status == "pending")
    async with desk.runtime.database.transaction() as session:
        [request_id] = (await session.scalars(select(Request.id).where(Request.number == 2))).all()
        as_before = {"request_id": request_id, "data": {}}
        changed = await session.execute(update(Timer).where(pending).values(**as_before))
        assert changed.rowcount == 1  # type: ignore[attr-defined]
    await desk.settle()

    notes = replies(desk, card_of(desk, "REQ-2"))
    assert notes and notes[0].startswith("*Possibly related:*") and "REQ-1" in notes[0]


async def test_a_burst_raises_exactly_one_alert_updated_in_place_and_tells_the_next_partner(
    desk: LocalLiaison,
) -> None:
    await file_request(desk, PAT, service="email", summary="Cannot send mail")
    await later(desk, 2)
    await file_request(desk, CASEY, service="email", summary="Outlook says disconnected")
    await later(desk, 2)
    assert alerts(desk) == [], "two reports are not a burst"
    await file_request(desk, JORDAN, service="email", summary="Mail stuck in outbox")

    [alert] = alerts(desk)
    assert "Email and calendaring" in alert.rendered
    assert all(ref in alert.rendered for ref in ("REQ-1", "REQ-2", "REQ-3"))
    assert set(ALERT_ACTIONS) <= set(alert.action_ids())
    assert any(TOLD in n for n in confirmation_thread(desk, JORDAN))
    assert not any(TOLD in n for n in confirmation_thread(desk, PAT)), "filed before the burst"
    assert not any("Possibly related" in n for n in replies(desk, card_of(desk, "REQ-3"))), (
        "the report that set off the alert: the alert lists its siblings, once"
    )

    await later(desk, 3)
    await file_request(desk, PAT, service="email", summary="Calendar will not load")
    [alert] = alerts(desk)
    assert "REQ-4" in alert.rendered and alert.edits, "the same alert, edited"
    assert "4 requests since" in alert.rendered, "the count moves as reports join"
    [confirmation] = [m for m in desk.slack.dm_messages(PAT) if "REQ-4" in m.rendered]
    assert TOLD in confirmation.rendered and TOLD in confirmation.text, "in the confirmation"
    assert not any(TOLD in n for n in replies(desk, confirmation)), "and not again below it"


async def test_not_an_outage_silences_the_rest_of_the_burst(desk: LocalLiaison) -> None:
    for user in (PAT, CASEY, JORDAN):
        await file_request(desk, user, service="email", summary="Mail is slow")
    [alert] = alerts(desk)
    await desk.slack.click(
        SAM, channel=alert.channel, ts=alert.ts, action_id="burst_dismiss", value="1"
    )
    await desk.settle()

    [alert] = alerts(desk)
    assert "Not an outage, said @sam" in alert.rendered
    assert not set(ALERT_ACTIONS) & set(alert.action_ids())
    await file_request(desk, CASEY, service="email", summary="Mail is slow for me too")
    assert len(alerts(desk)) == 1
    assert "REQ-4" not in alerts(desk)[0].rendered
    await later(desk, 1)
    figures = (await desk.runtime.digests.stats(MORGAN, days=1)).current.bursts
    assert (figures.detected, figures.declared, figures.dismissed) == (1, 0, 1)
    assert not any(TOLD in n for n in confirmation_thread(desk, CASEY, -1))


async def test_only_technicians_and_supervisors_decide_about_an_alert(desk: LocalLiaison) -> None:
    for user in (PAT, CASEY, JORDAN):
        await file_request(desk, user, service="email", summary="Mail is down")

    with pytest.raises(NotPermitted):
        await desk.runtime.awareness.bursts.dismiss(1, actor=PAT)
    with pytest.raises(NotPermitted):
        await desk.runtime.awareness.bursts.declare_prefill(1, actor=PAT)
    [alert] = alerts(desk)
    assert "said @" not in alert.rendered and "burst_dismiss" in alert.action_ids()


async def test_declaring_from_the_alert_links_the_reports_and_their_partners_hear(
    desk: LocalLiaison,
) -> None:
    await file_request(desk, PAT, service="email", summary="Cannot send mail")
    await file_request(desk, CASEY, service="email", summary="Outlook disconnected")
    await file_request(desk, JORDAN, service="email", summary="Mail stuck in outbox")
    [alert] = alerts(desk)

    await desk.slack.click(
        SAM, channel=alert.channel, ts=alert.ts, action_id="burst_declare", value="1"
    )
    view = await desk.slack.wait_for_view(SAM)
    assert "Cannot send mail" in view.rendered and "Outlook disconnected" in view.rendered
    next_update = int((desk.clock.now() + dt.timedelta(hours=1)).timestamp())
    submitted = await desk.slack.submit_view(
        SAM, {"outage_kind": "outage", "outage_next_update": next_update}, view_id=view.id
    )
    assert submitted.ok and submitted.closed, submitted.errors
    await desk.settle()

    for number in (1, 2, 3):
        row = await stored(desk, number)
        assert row is not None and row.outage_id is not None, f"REQ-{number} linked"
    for user in (PAT, CASEY, JORDAN):
        [notice] = [m for m in desk.slack.dm_messages(user) if "OUT-1" in m.rendered]
        assert "What happens next" in notice.rendered, "the outage's own message"
        [linked] = [n for n in confirmation_thread(desk, user, 0) if "OUT-1" in n]
        assert "linked your request REQ-" in linked and "told you about" in linked
        assert "What happens next" not in linked, "said once, in the outage's message"
    [alert] = alerts(desk)
    assert "Declared as OUT-1 by @sam" in alert.rendered
    assert not set(ALERT_ACTIONS) & set(alert.action_ids())
    await later(desk, 1)
    figures = (await desk.runtime.digests.stats(MORGAN, days=1)).current.bursts
    assert (figures.detected, figures.declared, figures.dismissed) == (1, 1, 0)
    assert figures.minutes_to_declare == 0

    await file_request(desk, PAT, service="email", summary="Still no mail")
    assert len(alerts(desk)) == 1, "an outage is open: no new alert"
    [latest] = [m for m in desk.slack.dm_messages(PAT) if "REQ-4" in m.rendered]
    assert not any(TOLD in n for n in replies(desk, latest))
    assert any("linked your request REQ-4 to OUT-1" in n for n in replies(desk, latest)), (
        "told at declaring"
    )
    await file_request(desk, MORGAN, service="email", summary="No mail here either")
    [first] = desk.slack.dm_messages(MORGAN)
    [linked] = [n for n in replies(desk, first) if "OUT-1" in n]
    assert "linked your request" in linked and "What happens next" in linked, "never told before"


async def test_reports_spread_wider_than_the_window_are_no_burst(desk: LocalLiaison) -> None:
    for user in (PAT, CASEY, JORDAN):
        await file_request(desk, user, service="email", summary="Mail is slow")
        await later(desk, 6)
    assert alerts(desk) == [], "email's window is ten minutes in the example catalogue"


def _resolve(message: str) -> object:
    from bot.domain.edit import Edit
    from bot.domain.transitions import Action

    return Edit(Action.RESOLVE, partner_message=message)
