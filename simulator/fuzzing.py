"""Driving the app with mutants of real payloads: the seeds, the firing, the tally.

The seeds are payloads the simulator really sent while a person used the app (a command, a
submission, a click, a closed modal, shortcuts and events), so every mutant starts from
Slack's own shapes. Used by the end-to-end fuzz test and by `benchmarks/fuzz.py`.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator import payloads
from simulator.mutants import Mutant, mutants
from simulator.transport import HttpTransport
from simulator.workspace import SimulatorError

Seed = tuple[str, Mapping[str, Any]]  # (transport kind, payload)


@dataclass
class Tally:
    """How the app answered the mutants: counts by status, and the ones it must never give."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[tuple[str, str, int]] = field(default_factory=list)  # (seed, how, status)

    def record(self, seed: str, mutant: Mutant, status: int) -> None:
        """Count one answer; 5xx and no answer at all (0) are failures."""
        self.statuses[status] += 1
        if status >= 500 or status == 0:
            self.failures.append((seed, mutant.how, status))

    @property
    def total(self) -> int:
        """How many mutants were sent."""
        return sum(self.statuses.values())


async def collect_seeds(sim: Any, user_id: str, *, message_channel: str) -> dict[str, Seed]:
    """Use the app as a person would and keep one real payload of every kind.

    `sim` is a running SlackSimulator wired to the app; `message_channel` is a channel the
    person belongs to, where a message is posted for the message shortcut.
    """
    seeds: dict[str, Seed] = {}
    command = await sim.command(user_id, "/request", "printer down in bldg 4")
    seeds["slash_command"] = ("slash_commands", command.payload)
    view = await sim.wait_for_view(user_id)
    closed = payloads.view_closed(
        sim.config, user=sim._user(user_id), view=view.to_api(sim.config), is_cleared=False
    )
    seeds["view_closed"] = ("interactive", closed)
    submitted = await sim.submit_view(
        user_id, {"service": "network", "impact": "stopped", "summary": "VPN down"}
    )
    if submitted.payload is None:
        raise SimulatorError(f"the request form was not submitted: {submitted.error}")
    seeds["view_submission"] = ("interactive", submitted.payload)
    said = await sim.system_message(user_id, subtype="me_message", text="my CAC reader broke")
    seeds["message_event"] = ("events_api", said.envelope)
    await sim.wait_until(lambda: _offer(sim, user_id), what="an offer to file the message")
    offer = _offer(sim, user_id)
    clicked = await sim.click(user_id, channel=offer.channel, ts=offer.ts, action_id=OFFER)
    seeds["block_actions"] = ("interactive", clicked.payload)
    opened = await sim.open_home(user_id)
    seeds["app_home_opened"] = ("events_api", opened.envelope)
    ts = await sim.post_message(user_id, message_channel, "radios dead in hangar 3")
    shortcut = await sim.message_shortcut(user_id, MESSAGE_SHORTCUT, message_channel, ts)
    seeds["message_shortcut"] = ("interactive", shortcut.payload)
    seeds["global_shortcut"] = (
        "interactive",
        payloads.global_shortcut(
            sim.config,
            user=sim._user(user_id),
            callback_id="file_request",
            trigger_id=sim.issue_trigger(user_id),
            action_ts="1716200000.000100",
        ),
    )
    return seeds


OFFER = "file_from_dm"
MESSAGE_SHORTCUT = "request_from_message"


def _offer(sim: Any, user_id: str) -> Any:
    return next((m for m in sim.dm_messages(user_id) if OFFER in m.action_ids()), None)


async def fire(
    transport: HttpTransport,
    seeds: Mapping[str, Seed],
    *,
    per_seed: int,
    seed: int,
    concurrency: int = 8,
) -> Tally:
    """Send `per_seed` correctly signed mutants of every seed, a few at a time."""
    rng = random.Random(seed)
    tally = Tally()
    limit = asyncio.Semaphore(concurrency)

    async def one(name: str, mutant: Mutant) -> None:
        async with limit:
            answer = await transport.post(mutant.body, content_type=mutant.content_type, kind="raw")
        tally.record(name, mutant, answer.status)

    work = [
        one(name, mutant)
        for name, (kind, payload) in seeds.items()
        for mutant in mutants(kind, payload, rng, per_seed)
    ]
    await asyncio.gather(*work)
    return tally
