"""A day in the life of a shop, scripted so leadership can watch Liaison work without Slack."""

from __future__ import annotations

import datetime as dt

from bot.app.demo.moves import ALEX, CASEY, JORDAN, MORGAN, PAT, SAM, Day, DemoError, Observer
from bot.app.demo.saved_replies import keep_a_note_as_a_reply, resolve_from_a_saved_reply
from bot.app.demo.suspected_outage import suspected_outage
from bot.app.local import LocalLiaison

NUDGE = "owed an update"
WIFI_FIX = (
    "Moved the hangar 3 access point to a new port. If your laptop still drops, forget the "
    "HANGAR3 network and join it again."
)


async def play_day(liaison: LocalLiaison, *, observer: Observer | None = None) -> None:
    """Play the day from 09:00 to close of business; `observer` sees each step as it happens."""
    day = Day(liaison, observer)
    await _morning_requests(day)
    await _network_outage(day)
    await _closing_the_loop(day)
    await _a_shared_fix(day)
    await _a_promise_kept(day)
    await suspected_outage(day)
    await keep_a_note_as_a_reply(day)
    await day.at("16:30", "Close of business.")
    await daily_digest(day)


async def _morning_requests(day: Day) -> None:
    await day.at("09:00", "Capt Pat Rivera files a request: the mission has stopped.")
    pat = await day.file(
        PAT,
        service="network",
        impact="stopped",
        summary="No network on the 2nd floor of building 4",
        details="Flight planning cannot file plans. About 40 people are affected.",
    )
    await day.at("09:04", "MSgt Jordan Lee files a request: degraded, needed by tomorrow.")
    jordan = await day.file(
        JORDAN,
        service="email",
        impact="degraded",
        summary="Ops shared mailbox will not sync on the laptops",
        details="The commander's briefing slides are due tomorrow at 0800.",
        needed_by=day.tomorrow(),
    )
    await day.at("09:08", "Ms Casey Brooks files a request: there is a workaround.")
    casey = await day.file(
        CASEY,
        service="network",
        impact="workaround",
        summary="Wi-Fi drops in hangar 3",
        details="We are using the wired drop by the door for now.",
    )
    if (pat, jordan, casey) != (1, 2, 3):
        raise DemoError(f"expected REQ-1..3 on a fresh database, got {(pat, jordan, casey)}")
    await day.at("09:12", "SSgt Sam Okafor claims REQ-1 from its card in #triage.")
    await day.press(SAM, 1, "req_claim")
    await day.at("09:15", "A1C Alex Chen claims REQ-2.")
    await day.press(ALEX, 2, "req_claim")
    await day.at("09:20", "Pat replies in the REQ-1 thread in their DM with Liaison.")
    await day.reply(PAT, 1, "It is the whole 2nd floor & the VTC room <too>.")


async def _network_outage(day: Day) -> None:
    await day.at("09:30", "Sam declares an outage on the network with /request outage.")
    await day.declare_outage(
        SAM,
        {
            "service": "network",
            "outage_kind": "outage",
            "outage_summary": "Core switch failure in building 4",
            "outage_workaround": "Use the wired drops in building 5, room 12",
            "outage_next_update": day.epoch_in(2),
        },
    )
    await day.at("09:45", "Sam updates REQ-1: a message for Pat and an internal note.")
    await day.card_modal(
        SAM,
        1,
        "req_update",
        {
            "status": "in_progress",
            "partner_message": "The core switch failed; a replacement is on its way from supply.",
            "internal_note": "Spare switch from supply, serial 4471. Carrier ticket 88-1123.",
        },
    )
    await day.at("10:30", "Sam resolves the outage from /request outages.")
    await day.resolve_outage(SAM, 1, "Replaced the core switch; building 4 is back online.")
    await day.at("10:35", "Sam resolves REQ-1.")
    await day.card_modal(SAM, 1, "req_resolve", {"resolution": "Replaced the core switch"})
    await day.at(
        "10:40",
        "Alex claims REQ-3 and resolves it, ticking “Share this fix with partners who report "
        "the same problem”.",
    )
    await day.press(ALEX, 3, "req_claim")
    await day.card_modal(ALEX, 3, "req_resolve", {"resolution": WIFI_FIX, "share_fix": ["share"]})


async def _closing_the_loop(day: Day) -> None:
    await day.at("10:50", "Casey confirms the fix and answers the poll: 5 of 5.")
    await day.from_partner_thread(CASEY, 3, "req_confirm_fixed")
    await day.answer_poll(CASEY, 3, rating=5, informed="yes")
    await day.at("11:00", 'Pat presses "No, still broken": the VTC room is still down.')
    await day.from_partner_thread(PAT, 1, "req_still_broken")
    await day.slack.wait_for_view(PAT)
    reopened = await day.slack.submit_view(
        PAT, {"reopen_reason": "The VTC room on the 2nd floor still has no network."}
    )
    if not reopened.closed:
        raise DemoError(f"reopening REQ-1: {reopened.errors}")
    await day.liaison.settle()
    await day.at("11:30", "Sam fixes the VTC room and resolves REQ-1 again.")
    await day.card_modal(
        SAM, 1, "req_resolve", {"resolution": "Re-patched the VTC room drop to the new switch"}
    )
    await day.at("11:40", "Pat confirms, but rates the service 2 of 5.")
    await day.from_partner_thread(PAT, 1, "req_confirm_fixed")
    await day.answer_poll(PAT, 1, rating=2, informed="no")
    await day.at("11:45", "Maj Morgan Diaz takes the follow-up in #supervisors.")
    alerts = [
        m
        for m in day.slack.messages(day.liaison.workspace.supervisor_channel)
        if "follow_up_take" in m.action_ids()
    ]
    if not alerts:
        raise DemoError("the low score did not reach #supervisors")
    await day.click(MORGAN, alerts[-1], "follow_up_take")


async def _a_shared_fix(day: Day) -> None:
    await day.at(
        "11:50",
        "Jordan starts a request: Wi-Fi keeps dropping in the hangar 3 office. As soon as "
        "Jordan picks Network, the form shows the fix Alex shared at 10:40.",
    )
    await day.form_offers_fix(
        JORDAN, service="network", summary="Wi-Fi keeps dropping in the hangar 3 office"
    )
    await day.at(
        "11:55",
        "Jordan rejoins the network, it holds, and presses “This solved it” in the form: "
        "nothing is filed, and Alex gets the credit in the digest.",
    )
    await day.solved_in_form(JORDAN)


async def _a_promise_kept(day: Day) -> None:
    await day.at("12:00", "Alex is busy; the promised update on REQ-2 draws near.")
    step = dt.timedelta(minutes=5)
    for _ in range(12 * 24):  # at most a day of five-minute steps
        if any(NUDGE in m.rendered for m in day.card_thread(2)):
            break
        await day.wait(step)
    else:
        raise DemoError("Liaison never nudged Alex about the update owed on REQ-2")
    zone = day.liaison.runtime.catalogue.calendar.timezone
    now = day.liaison.clock.now().astimezone(zone) + dt.timedelta(minutes=5)
    await day.at(f"{now:%H:%M}", "Alex sends the update before the promise lapses.")
    await day.card_modal(
        ALEX,
        2,
        "req_update",
        {
            "status": "in_progress",
            "partner_message": "Microsoft is rebuilding the mailbox index; expect sync by 1500.",
            "internal_note": "Vendor case 2611230040010, escalated to tier 2.",
        },
    )
    await resolve_from_a_saved_reply(day)
    await day.at("15:05", "Jordan confirms the fix and rates it 4 of 5.")
    await day.from_partner_thread(JORDAN, 2, "req_confirm_fixed")
    await day.answer_poll(JORDAN, 2, rating=4, informed="yes")


async def daily_digest(day: Day) -> None:
    """Maj Morgan Diaz posts the day's digest to #supervisors: the day's figures, counted."""
    await day.at("16:45", "Maj Morgan Diaz posts the day's digest with /request digest.")
    result = await day.slack.command(MORGAN, "/request", "digest")
    if not result.ok:
        raise DemoError(f"/request digest: {result.error}")
    await day.liaison.settle()
    posted = day.slack.messages(day.liaison.workspace.supervisor_channel)
    if not any("Digest so far" in m.rendered for m in posted):
        raise DemoError("the digest did not reach #supervisors")
