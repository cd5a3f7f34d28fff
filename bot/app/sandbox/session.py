"""One sandbox: a real Liaison and the shared simulator, acted on by whoever the browser says."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app.local import LocalLiaison, Person
from bot.app.sandbox.forms import CLOSE, SUBMIT, element_value, pressed, view_values
from bot.clock import ManualClock
from simulator import SimulatorError, SlackSimulator, SubmitResult
from simulator.elements import JsonDict, find_action

# What Slack's client shows when an app fails to answer, by the simulator's error name.
SLACK_SAYS = {
    "operation_timeout": "Liaison did not answer within 3 seconds (Slack shows a timeout).",
    "dispatch_failed": "Slack could not reach Liaison (dispatch_failed).",
    "http_service_error": "Liaison answered with an error (Slack shows http_service_error).",
}
Fields = Mapping[str, list[str]]
SKIPS = {"15m": dt.timedelta(minutes=15), "1h": dt.timedelta(hours=1), "1d": dt.timedelta(days=1)}


@dataclass
class Sandbox:
    """Serialises what people do, lets Liaison finish reacting, and keeps notes for the page."""

    liaison: LocalLiaison
    notices: dict[str, list[str]] = field(default_factory=dict)
    modal_errors: dict[str, dict[str, str]] = field(default_factory=dict)
    changes: int = 0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    async def start(cls, database: Path, *, start: dt.datetime) -> Sandbox:
        """Start the simulator and Liaison (over signed HTTP) on a fresh SQLite file."""
        liaison = LocalLiaison(
            database_url=f"sqlite+aiosqlite:///{database}", clock=ManualClock(start), mode="http"
        )
        await liaison.start()
        return cls(liaison)

    async def stop(self) -> None:
        """Stop Liaison and the simulator."""
        await self.liaison.stop()

    @property
    def slack(self) -> SlackSimulator:
        """The shared simulator (what every person sees)."""
        return self.liaison.slack

    @property
    def people(self) -> tuple[Person, ...]:
        """The seeded people one can act as."""
        return self.liaison.workspace.people

    def person(self, user_id: str) -> Person | None:
        """Return a seeded person by id."""
        return next((p for p in self.people if p.id == user_id), None)

    def take_notices(self, user_id: str) -> list[str]:
        """Notes for this person since the last page (shown once)."""
        return self.notices.pop(user_id, [])

    # -- what people do ------------------------------------------------------------------
    async def type(self, user_id: str, channel: str, text: str, thread_ts: str | None) -> None:
        """What pressing Enter in a composer does: a slash command or a message."""
        text = text.strip()
        if not text:
            return
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            known = self.liaison.runtime.settings.slash_command
            if command != known:
                self.note(user_id, f"{command} is not a command in this workspace; try {known}")
                return
            await self._act(user_id, lambda: self._command(user_id, command, channel, rest))
            return
        await self._act(
            user_id, lambda: self.slack.post_message(user_id, channel, text, thread_ts=thread_ts)
        )

    async def _command(self, user_id: str, command: str, channel: str, text: str) -> None:
        result = await self.slack.command(user_id, command, text, channel_id=channel)
        self._slack_said(user_id, result.error)

    async def click(
        self,
        user_id: str,
        *,
        channel: str,
        ts: str,
        action_id: str,
        value: str,
        chosen: Sequence[str],
    ) -> None:
        """Press a button (or choose in a select or picker) on a message."""

        async def press() -> None:
            message = self.slack.visible_message(user_id, channel, ts)
            selected = self._selection(message.blocks, action_id, chosen)
            result = await self.slack.click(
                user_id,
                channel=channel,
                ts=ts,
                action_id=action_id,
                value=value or None,
                selected=selected,
            )
            self._slack_said(user_id, result.error)

        await self._act(user_id, press)

    async def click_home(
        self, user_id: str, *, action_id: str, value: str, chosen: Sequence[str]
    ) -> None:
        """Press a button (or choose in a select) on the App Home."""

        async def press() -> None:
            home = self.slack.home(user_id)
            selected = self._selection(home.blocks if home else [], action_id, chosen)
            result = await self.slack.click_in_home(
                user_id, action_id, value=value or None, selected=selected
            )
            self._slack_said(user_id, result.error)

        await self._act(user_id, press)

    async def run_shortcut(self, user_id: str, *, channel: str, ts: str, callback_id: str) -> None:
        """Run one of the app's message shortcuts on a message (its "More actions" menu)."""

        async def run() -> None:
            result = await self.slack.message_shortcut(user_id, callback_id, channel, ts)
            self._slack_said(user_id, result.error)

        await self._act(user_id, run)

    def _selection(self, blocks: list[JsonDict], action_id: str, chosen: Sequence[str]) -> object:
        """What the browser sent for a select or picker, as the simulator takes it."""
        found = find_action(blocks, action_id)
        if found is None or found[1].get("type") == "button":
            return None
        return element_value(found[1], chosen, tz=self.zone)

    @property
    def zone(self) -> str:
        """The shop's time zone: pickers and the page read and show times in it."""
        return str(self.liaison.runtime.catalogue.calendar.timezone)

    async def open_home(self, user_id: str) -> None:
        """Open the App Home tab (Slack sends app_home_opened)."""
        await self._act(user_id, lambda: self.slack.open_home(user_id))

    async def press_in_modal(self, user_id: str, *, view_id: str, fields: Fields) -> None:
        """Submit, cancel, or operate an element in the modal, with what was typed in it."""
        self.modal_errors.pop(user_id, None)

        async def act() -> None:
            view = next((v for v in self.slack.modal_stack(user_id) if v.id == view_id), None)
            if view is None:
                self.note(user_id, "That window has already closed.")
                return
            press = pressed(fields)
            values = view_values(view.blocks, fields, tz=self.zone)
            if press is None:
                return
            action_id, value = press
            if action_id == CLOSE:
                await self.slack.close_view(user_id, view_id=view_id)
            elif action_id == SUBMIT:
                self._after_submit(
                    user_id, await self.slack.submit_view(user_id, values, view_id=view_id)
                )
            else:
                found = find_action(view.blocks, action_id, value)
                current = values.get(str(found[0].get("block_id"))) if found else None
                chosen = current.get(action_id) if isinstance(current, Mapping) else current
                result = await self.slack.click_in_view(
                    user_id,
                    action_id,
                    value=value,
                    selected=None if value is not None else chosen,
                    values=values,
                    view_id=view_id,
                )
                self._slack_said(user_id, result.error)

        await self._act(user_id, act)

    def _after_submit(self, user_id: str, result: SubmitResult) -> None:
        if result.errors:
            self.modal_errors[user_id] = result.errors
        self._slack_said(user_id, result.error)

    def _slack_said(self, user_id: str, error: str | None) -> None:
        """Show what Slack's client would show when Liaison failed to answer."""
        if error:
            self.note(user_id, SLACK_SAYS.get(error, error))

    async def skip(self, user_id: str, key: str) -> None:
        """Move the simulated clock ahead (15 minutes, an hour or a day)."""
        delta = SKIPS.get(key)
        if delta is None:
            self.note(user_id, f"Cannot skip ahead by {key!r}; choose one of {', '.join(SKIPS)}.")
            return
        async with self._lock:
            await self.liaison.skip_ahead(delta)
            self.changes += 1

    async def _act(self, user_id: str, act: Callable[[], Awaitable[Any]]) -> None:
        """Run one action, then wait until Liaison has finished everything it caused."""
        async with self._lock:
            try:
                await act()
            except (SimulatorError, ValueError) as error:
                self.note(user_id, str(error))
            await self.liaison.settle()
            self.changes += 1

    def note(self, user_id: str, text: str) -> None:
        """Tell this person something on their next page (Slack's client would show it)."""
        self.notices.setdefault(user_id, []).append(text)
