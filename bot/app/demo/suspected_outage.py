"""The demo's afternoon scene: three phone reports in minutes, an outage declared from the alert.

Nobody declares anything first: Liaison notices the reports piling up on one service, alerts
#triage once (editing that alert as reports come in), tells the third partner that technicians
know, and a technician declares the outage from the alert's prefilled form, which links the
three reports so each partner hears about it in their own thread.
"""

from __future__ import annotations

from bot.app.demo.moves import CASEY, JORDAN, PAT, SAM, Day, DemoError
from simulator.elements import JsonDict
from simulator.model import SimMessage
from simulator.surfaces import SimView

ALERT = "Suspected outage"
DECLARE, RESOLVE_LINKED = "burst_declare", "outage_resolve_linked"
SUMMARY_BLOCK, WORKAROUND_BLOCK = "outage_summary", "outage_workaround"


async def suspected_outage(day: Day) -> None:
    """15:10 to 16:20: a burst on the phones, declared from the alert, then fixed."""
    await day.at("15:10", "Pat's desk phone goes quiet; Pat files a request.")
    first = await day.file(
        PAT,
        service="phones",
        impact="degraded",
        summary="Desk phone has no dial tone",
        details="Room 210, building 4. The handset screen says 'registering'.",
    )
    await day.at("15:13", "Jordan files one too: DSN calls cannot be placed from ops.")
    second = await day.file(
        JORDAN,
        service="phones",
        impact="degraded",
        summary="No dial tone on the ops floor DSN line",
    )
    if _alerts(day):
        raise DemoError("two reports raised a suspected-outage alert; three are needed")
    await day.at("15:16", "Casey's hangar handsets are dead too: a third report in six minutes.")
    third = await day.file(
        CASEY,
        service="phones",
        impact="stopped",
        summary="VoIP handsets in hangar 3 have no dial tone",
        details="Maintenance control cannot reach the flight line.",
    )
    raised = _alerts(day)
    if len(raised) != 1 or DECLARE not in raised[0].action_ids():
        raise DemoError("three phone reports in six minutes did not raise one alert in #triage")
    alert = raised[0]

    form = await _declare_from_alert(day, alert)
    summary = _initial(form, SUMMARY_BLOCK)
    await day.at(
        "15:20",
        "Sam presses Declare outage… on the alert. The form opens on Phones, the summary drawn "
        f"from the reports: “{summary}”. Sam adds a workaround and declares it.",
    )
    submitted = await day.slack.submit_view(
        SAM,
        {
            "outage_kind": "outage",
            WORKAROUND_BLOCK: "Use a mobile phone or the red line in the ops center",
            "outage_next_update": day.epoch_in(1),
        },
        view_id=form.id,
    )
    if not (submitted.ok and submitted.closed):
        raise DemoError(f"declaring the outage from the alert: {submitted.errors}")
    await day.liaison.settle()
    for user, number in ((PAT, first), (JORDAN, second), (CASEY, third)):
        root = day.request_dm(user, number)
        thread = day.slack.thread(root.channel, root.ts)
        if not any("linked your request" in m.rendered for m in thread):
            raise DemoError(f"REQ-{number}'s partner was not told of the outage in their thread")

    await day.at(
        "16:00",
        "Sam restarts the voice gateway, resolves the outage and, as Liaison offers, "
        "the three requests linked to it.",
    )
    await day.resolve_outage(SAM, _outage_number(alert, day), "The voice gateway restarted.")
    offers = [m for m in day.slack.ephemerals(SAM) if RESOLVE_LINKED in m.action_ids()]
    if not offers:
        raise DemoError("resolving the outage did not offer to resolve its linked requests")
    await day.click(SAM, offers[-1], RESOLVE_LINKED, _value(offers[-1], RESOLVE_LINKED))
    for number in (first, second, third):
        if "RESOLVED" not in day.card(number).rendered:
            raise DemoError(f"REQ-{number} was not resolved with its outage")


async def _declare_from_alert(day: Day, alert: SimMessage) -> SimView:
    """Press Declare outage… on the alert and return the form Liaison opened."""
    await day.click(SAM, alert, DECLARE, _value(alert, DECLARE))
    return await day.slack.wait_for_view(SAM)


def _alerts(day: Day) -> list[SimMessage]:
    triage = day.slack.messages(day.liaison.workspace.triage_channel)
    return [m for m in triage if ALERT in m.rendered]


def _value(message: SimMessage, action_id: str) -> str | None:
    for block in message.blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return str(element.get("value", ""))
    return None


def _initial(form: SimView, block_id: str) -> str:
    """What Liaison filled in for an input of the form, as the technician first sees it."""
    for block in form.blocks:
        if block.get("block_id") == block_id:
            element: JsonDict = block.get("element", {})
            return str(element.get("initial_value", ""))
    raise DemoError(f"the declare form has no {block_id} input")


def _outage_number(alert: SimMessage, day: Day) -> int:
    """The OUT-n the alert now says it was declared as."""
    current = next(m for m in _alerts(day) if m.ts == alert.ts)
    for word in current.rendered.replace(",", " ").split():
        if word.startswith("OUT-") and word[4:].isdigit():
            return int(word[4:])
    raise DemoError("the alert does not say which outage was declared")
