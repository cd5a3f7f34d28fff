"""Liaison wired to the in-process Slack simulator: for tests, the demo and the sandbox."""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.app.server import EVENTS_PATH, LiaisonServer
from bot.app.wiring import build_runtime
from bot.clock import ManualClock
from bot.runtime import Runtime
from bot.settings import Settings, load_settings
from bot.views.ids import CallbackId
from simulator import Shortcut, SimConfig, SlackSimulator
from storage.migrate import upgrade_to_head

SIGNING_SECRET = "liaison-local-signing-secret"  # noqa: S105 - the local simulator's, not a real one
EXAMPLE_CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue.example.toml"
DATABASE_NAME = "liaison.db"
# The manifest's message shortcuts (tests/unit/test_manifest.py keeps the two alike), so the
# local Slack offers in each message's "More actions" menu what a real workspace would.
MESSAGE_SHORTCUTS = (
    Shortcut("File a request", CallbackId.FILE_FROM_MESSAGE),
    Shortcut("Save as reply", CallbackId.SAVE_AS_REPLY),
)
# Skipping ahead moves at most this far at a time, so periodic work (digests) sees each hour.
SKIP_STEP = dt.timedelta(hours=1)


class LocalError(Exception):
    """The demo or sandbox cannot start as asked (e.g. its database file already exists)."""


def add_keep_dir_argument(parser: argparse.ArgumentParser, *, whose: str) -> None:
    """`--keep-dir DIR`: where the demo's or sandbox's fresh SQLite file goes."""
    parser.add_argument(
        "--keep-dir",
        type=Path,
        metavar="DIR",
        dest="keep_dir",
        help=f"put {whose} SQLite database in DIR (default: a new folder under ./data)",
    )


def fresh_database(folder: Path | None, *, prefix: str) -> Path:
    """Return the path of a new SQLite file: in `folder`, or a new folder under ./data."""
    if folder is None:
        parent = Path("data")
        parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder.mkdir(parents=True, exist_ok=True)
    database = (folder / DATABASE_NAME).resolve()
    if database.exists():
        raise LocalError(f"{database} already exists; a fresh database is needed")
    return database


@dataclass(frozen=True)
class Person:
    """A seeded member of the local workspace."""

    id: str
    name: str
    real_name: str
    role: Literal["partner", "technician", "supervisor"]


@dataclass(frozen=True)
class Workspace:
    """The people and channels of the local workspace."""

    triage_channel: str = "C0TRIAGE"
    supervisor_channel: str = "C0SUPERVISE"
    announcements_channel: str = "C0ANNOUNCE"
    people: tuple[Person, ...] = (
        Person("U0PAT", "pat", "Capt Pat Rivera", "partner"),
        Person("U0JORDAN", "jordan", "MSgt Jordan Lee", "partner"),
        Person("U0CASEY", "casey", "Ms Casey Brooks", "partner"),
        Person("U0SAM", "sam", "SSgt Sam Okafor", "technician"),
        Person("U0ALEX", "alex", "A1C Alex Chen", "technician"),
        Person("U0MORGAN", "morgan", "Maj Morgan Diaz", "supervisor"),
    )

    def ids(self, role: str) -> list[str]:
        """User ids of everyone with this role."""
        return [p.id for p in self.people if p.role == role]


@dataclass
class LocalLiaison:
    """Starts the simulator and a real Liaison (server, outbox, database) talking to it."""

    database_url: str
    clock: ManualClock
    mode: Literal["http", "socket"] = "http"
    catalogue_file: Path = EXAMPLE_CATALOGUE
    workspace: Workspace = field(default_factory=Workspace)
    overrides: dict[str, Any] = field(default_factory=dict)
    org_install: bool = False  # Slack as an org-wide install on Enterprise Grid
    slack: SlackSimulator = field(init=False)
    runtime: Runtime = field(init=False)
    server: LiaisonServer = field(init=False)

    async def start(self) -> None:
        """Start Slack, migrate, then start Liaison and point Slack at it."""
        config = SimConfig(
            signing_secret=SIGNING_SECRET,
            org_install=self.org_install,
            message_shortcuts=MESSAGE_SHORTCUTS,
        )
        self.slack = SlackSimulator.from_config(config, clock=self.clock.timestamp)
        await self.slack.start()
        self._seed()
        await upgrade_to_head(self.database_url)
        await self._start_liaison()

    def settings(self) -> Settings:
        """Settings as an operator would write them, pointing at the simulator."""
        return load_settings(
            _env_file=None,
            slack_bot_token=self.slack.bot_token,
            slack_app_token=self.slack.app_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_mode=self.mode,
            slack_api_url=self.slack.api_url,
            host="127.0.0.1",
            port=0,
            database_url=self.database_url,
            triage_channel=self.workspace.triage_channel,
            catalogue_file=self.catalogue_file,
            supervisors=",".join(self.workspace.ids("supervisor")),
            supervisor_channel=self.workspace.supervisor_channel,
            announcements_channel=self.workspace.announcements_channel,
            **self.overrides,
        )

    async def _start_liaison(self) -> None:
        self.runtime = await build_runtime(self.settings(), clock=self.clock)
        await self.runtime.privacy.log_problems()  # as `liaison run` does at start
        self.server = LiaisonServer(self.runtime)
        await self.server.start()
        if self.mode == "http":
            self.slack.use_http(f"http://127.0.0.1:{self.server.port}{EVENTS_PATH}")
        else:
            self.slack.use_socket_mode()

    def _seed(self) -> None:
        seed_workspace(self.slack, self.workspace)

    async def settle(self) -> None:
        """Wait until listeners have finished and everything due in the outbox has been sent."""
        for _ in range(1000):
            await self.runtime.inflight.idle()
            await self.slack.idle()
            fired = await self.runtime.scheduler.drain()
            sent = await self.runtime.outbox.drain()
            if not sent and not fired and not self.runtime.inflight.count:
                await self.slack.idle()
                if not self.runtime.inflight.count:
                    return
        raise RuntimeError("Liaison did not settle: something keeps producing work")

    async def advance(self, delta: dt.timedelta) -> None:
        """Move simulated time forward and let everything that fell due happen."""
        await self.clock.advance(delta)
        await self.settle()

    async def skip_ahead(self, delta: dt.timedelta) -> None:
        """Move time forward stopping at each timer and each hour, as if the time had passed.

        A single jump would fire a nudge due at 10:00 at 17:00; stepping keeps every message
        stamped with the time it would really have been sent.
        """
        target = self.clock.now() + delta
        while self.clock.now() < target:
            step = min(target, self.clock.now() + SKIP_STEP)
            due = await self.runtime.scheduler.next_due()
            if due is not None and self.clock.now() < due < step:
                step = due
            await self.clock.set(step)
            await self.settle()

    async def stop_liaison(self) -> None:
        """Stop Liaison only (Slack keeps running), as in a crash-free restart."""
        await self.server.stop()
        await self.runtime.close()

    async def restart(self) -> None:
        """A new Liaison process on the same database file."""
        await self.stop_liaison()
        await self._start_liaison()

    async def restart_stopped(self) -> None:
        """Start Liaison again after stop_liaison(), as after a crash or an outage of the host."""
        await self._start_liaison()

    async def stop(self) -> None:
        """Stop Liaison and Slack."""
        await self.stop_liaison()
        await self.slack.stop()


def seed_workspace(slack: SlackSimulator, workspace: Workspace) -> None:
    """Create the workspace's people and its private and shared channels in the simulator."""
    for person in workspace.people:
        slack.add_user(person.id, person.name, real_name=person.real_name)
    bot = [slack.bot_user_id]
    everyone = [p.id for p in workspace.people] + bot
    technicians = workspace.ids("technician") + bot
    supervisors = workspace.ids("supervisor") + bot
    # Internal notes and supervisors' talk live here: private, as the README's setup says.
    slack.add_channel(workspace.triage_channel, "triage", members=technicians, is_private=True)
    slack.add_channel(
        workspace.supervisor_channel, "supervisors", members=supervisors, is_private=True
    )
    slack.add_channel(workspace.announcements_channel, "announcements", members=everyone)
