"""The moves people make in the simulated workspace, by request number, for the demo script."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Protocol

from bot.app.local import LocalLiaison
from simulator.model import SimMessage

PAT, JORDAN, CASEY = "U0PAT", "U0JORDAN", "U0CASEY"
SAM, ALEX, MORGAN = "U0SAM", "U0ALEX", "U0MORGAN"
FIX_BUTTON = "fix_solved_form"


class Observer(Protocol):
    """Watches the day: looks before time moves, so messages are read when they were shown."""

    def flush(self) -> None:
        """Record what people can see now."""

    def step(self, caption: str) -> None:
        """Record that the next scripted step begins."""


class DemoError(RuntimeError):
    """A scripted step did not go as Liaison promises; the message says which."""


def _check(condition: object, what: str) -> None:
    if not condition:
        raise DemoError(f"demo step failed: {what}")


class Day:
    """The moves people make in the workspace, by request number, with the clock in local time."""

    def __init__(self, liaison: LocalLiaison, observer: Observer | None) -> None:
        """Act on `liaison`; tell `observer` before time moves and as each step begins."""
        self.liaison = liaison
        self.slack = liaison.slack
        self._observer = observer

    async def at(self, hhmm: str, caption: str) -> None:
        """Move the clock to today's `hhmm` in the shop's time zone, then announce the step."""
        zone = self.liaison.runtime.catalogue.calendar.timezone
        local = self.liaison.clock.now().astimezone(zone)
        hour, minute = (int(part) for part in hhmm.split(":"))
        target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        await self.wait(max(target - local, dt.timedelta(0)))
        if self._observer is not None:
            self._observer.step(caption)

    async def wait(self, delta: dt.timedelta) -> None:
        """Let simulated time pass (timers fire), after the observer has read the screen."""
        if self._observer is not None:
            self._observer.flush()
        await self.liaison.advance(delta)

    def tomorrow(self) -> str:
        """Tomorrow's date in the shop's time zone, as the form's date picker sends it."""
        zone = self.liaison.runtime.catalogue.calendar.timezone
        return (self.liaison.clock.now().astimezone(zone).date() + dt.timedelta(days=1)).isoformat()

    def epoch_in(self, hours: float) -> int:
        """A date-time picker value `hours` from now."""
        return int((self.liaison.clock.now() + dt.timedelta(hours=hours)).timestamp())

    # -- partners ------------------------------------------------------------------------
    async def file(self, user: str, **values: object) -> int:
        """/request, fill in the form, submit; return the request number the partner was given."""
        result = await self.slack.command(user, "/request")
        _check(result.ok, f"/request for {user}: {result.error}")
        view = await self.slack.wait_for_view(user)
        submitted = await self.slack.submit_view(user, values, view_id=view.id)
        _check(submitted.ok and submitted.closed, f"request form for {user}: {submitted.errors}")
        await self.liaison.settle()
        numbers = [int(n) for m in self.slack.dm_messages(user) for n in _numbers(m.rendered)]
        _check(numbers, f"{user} was told a request number")
        return max(numbers)

    async def form_offers_fix(self, user: str, *, service: str, summary: str) -> None:
        """/request, write the summary, pick the service: the form shows a shared fix."""
        result = await self.slack.command(user, "/request")
        _check(result.ok, f"/request for {user}: {result.error}")
        view = await self.slack.wait_for_view(user)
        await self.slack.click_in_view(
            user, "service_select", selected=service, values={"summary": summary}, view_id=view.id
        )
        await self.liaison.settle()
        _check(FIX_BUTTON in view.action_ids(), f"the form offers {user} a shared fix")

    async def solved_in_form(self, user: str) -> None:
        """Press "This solved it" in the form, then Done: nothing is filed."""
        before = len(self.slack.dm_messages(user))
        await self.slack.click_in_view(user, FIX_BUTTON)
        await self.liaison.settle()
        thanks = self.slack.open_view(user)
        _check(thanks and "Nothing was filed" in thanks.rendered, f"{user} is thanked")
        await self.slack.close_view(user)
        await self.liaison.settle()
        _check(not self.slack.modal_stack(user), f"Done closes {user}'s form")
        _check(len(self.slack.dm_messages(user)) == before, f"nothing was filed for {user}")

    async def reply(self, user: str, number: int, text: str) -> None:
        """The partner writes in their request's thread in the DM."""
        root = self.request_dm(user, number)
        await self.slack.post_message(user, root.channel, text, thread_ts=root.ts)
        await self.liaison.settle()

    async def from_partner_thread(
        self, user: str, number: int, action_id: str, value: str | None = None
    ) -> SimMessage:
        """Press the latest button `action_id` in the partner's thread of a request."""
        root = self.request_dm(user, number)
        found = [m for m in self.slack.thread(root.channel, root.ts) if action_id in m.action_ids()]
        _check(found, f"{user} sees {action_id} in the thread of REQ-{number}")
        await self.click(user, found[-1], action_id, value)
        return found[-1]

    async def answer_poll(self, user: str, number: int, rating: int, informed: str) -> None:
        """Rate the service and say whether they were kept informed."""
        poll = await self._poll(user, number)
        pid = poll_id(poll)
        await self.click(user, poll, f"poll_rate:{rating}", f"{pid}:{rating}")
        await self.click(user, poll, f"poll_informed:{informed}", f"{pid}:{informed}")

    async def _poll(self, user: str, number: int) -> SimMessage:
        root = self.request_dm(user, number)
        thread = self.slack.thread(root.channel, root.ts)
        polls = [m for m in thread if any(a.startswith("poll_rate") for a in m.action_ids())]
        _check(polls, f"{user} got a poll for REQ-{number}")
        return polls[-1]

    # -- technicians ---------------------------------------------------------------------
    async def press(self, user: str, number: int, action_id: str) -> None:
        """Press a button on the request's card in the triage channel."""
        await self.click(user, self.card(number), action_id)

    async def card_modal(
        self, user: str, number: int, action_id: str, values: Mapping[str, object]
    ) -> None:
        """Press a card button that opens a modal, fill it in and submit it."""
        await self.press(user, number, action_id)
        await self._submit(user, values, f"{action_id} on REQ-{number}")

    async def declare_outage(self, user: str, values: Mapping[str, object]) -> None:
        """/request outage and its modal."""
        result = await self.slack.command(user, "/request", "outage")
        _check(result.ok, f"/request outage: {result.error}")
        await self._submit(user, values, "declaring the outage")

    async def resolve_outage(self, user: str, number: int, resolution: str) -> None:
        """/request outages, then Resolve… on one outage."""
        await self.slack.command(user, "/request", "outages")
        await self.liaison.settle()
        listing = [m for m in self.slack.ephemerals(user) if "outage_resolve" in m.action_ids()]
        _check(listing, f"{user} sees Resolve… in /request outages")
        await self.click(user, listing[-1], "outage_resolve", str(number))
        await self._submit(user, {"outage_resolution": resolution}, f"resolving OUT-{number}")

    # -- shared --------------------------------------------------------------------------
    async def click(
        self, user: str, message: SimMessage, action_id: str, value: str | None = None
    ) -> None:
        """Click a button in a message and let Liaison finish."""
        await self.slack.click(
            user, channel=message.channel, ts=message.ts, action_id=action_id, value=value
        )
        await self.liaison.settle()

    async def _submit(self, user: str, values: Mapping[str, object], what: str) -> None:
        view = await self.slack.wait_for_view(user)
        submitted = await self.slack.submit_view(user, values, view_id=view.id)
        _check(submitted.ok and submitted.closed, f"{what}: {submitted.errors}")
        await self.liaison.settle()

    def card(self, number: int) -> SimMessage:
        """The request's live card in the triage channel."""
        return self._first(self.slack.messages(self.liaison.workspace.triage_channel), number)

    def card_thread(self, number: int) -> list[SimMessage]:
        """The technicians' thread under the card."""
        card = self.card(number)
        return self.slack.thread(card.channel, card.ts)[1:]

    def request_dm(self, user: str, number: int) -> SimMessage:
        """The DM that gave the partner their request number (its thread is the conversation)."""
        return self._first(self.slack.dm_messages(user), number)

    @staticmethod
    def _first(messages: list[SimMessage], number: int) -> SimMessage:
        found = [m for m in messages if number in _numbers(m.rendered)]
        _check(found, f"a message about REQ-{number}")
        return found[0]


def _numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\bREQ-(\d+)\b", text)}


def poll_id(poll: SimMessage) -> str:
    """The poll's id, carried in its rating buttons' values as `id:score`."""
    for block in poll.blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if str(element.get("action_id", "")).startswith("poll_rate"):
                return str(element.get("value", "")).split(":")[0]
    raise DemoError("the poll has no rating buttons")
