"""`liaison run` as a real process against the simulated Slack: for crash and restart tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.app.local import EXAMPLE_CATALOGUE, SIGNING_SECRET, Workspace
from bot.app.server import EVENTS_PATH
from simulator import SlackSimulator

ROOT = Path(__file__).resolve().parents[2]
START_LIMIT = 60.0  # seconds a process may take to answer /healthz (migrations included)
# What storage.leader logs when a replica takes, or loses, the periodic jobs' lock.
LEADING = "this replica now runs the periodic jobs"
NOT_LEADING = "lost the periodic jobs' lock"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiaisonProcess:
    """One `python -m bot run` in HTTP mode, configured as an operator would, by environment."""

    slack: SlackSimulator
    database_url: str
    folder: Path
    workspace: Workspace = field(default_factory=Workspace)
    port: int = field(default_factory=free_port)
    settings: dict[str, str] = field(default_factory=dict)  # more settings, or other values
    process: asyncio.subprocess.Process | None = None
    _log_start: int = field(default=0, init=False)  # where the running process's lines begin

    @property
    def events_url(self) -> str:
        """Slack's request URL for this process."""
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"

    def environment(self) -> dict[str, str]:
        """Settings as environment variables; nothing read from a .env file."""
        return {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "SLACK_MODE": "http",
            "SLACK_BOT_TOKEN": self.slack.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "DATABASE_URL": self.database_url,
            "TRIAGE_CHANNEL": self.workspace.triage_channel,
            "SUPERVISOR_CHANNEL": self.workspace.supervisor_channel,
            "SUPERVISORS": ",".join(self.workspace.ids("supervisor")),
            "CATALOGUE_FILE": str(EXAMPLE_CATALOGUE),
            "LOG_FORMAT": "text",
            # A replica that dies hands its unsent messages on after this (Slack checked first).
            "OUTBOX_LEASE_SECONDS": "3",
            **self.settings,
        }

    @property
    def log_path(self) -> Path:
        """The log every start of this replica appends to."""
        return self.folder / f"liaison-{self.port}.log"

    async def start(self, *, route: bool = True) -> None:
        """Start the process and return once it answers /healthz; `route` points Slack at it."""
        log = self.log_path.open("ab")
        self._log_start = log.tell()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=self.folder,
            env=self.environment(),
            stdout=log,
            stderr=log,
        )
        log.close()
        await self._wait_until_healthy()
        if route:
            self.slack.use_http(self.events_url)

    async def _wait_until_healthy(self) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + START_LIMIT
        async with aiohttp.ClientSession() as session:
            while loop.time() < give_up:
                assert self.process is not None
                if self.process.returncode is not None:
                    raise RuntimeError(f"liaison exited with {self.process.returncode}")
                try:
                    url = f"http://127.0.0.1:{self.port}/healthz"
                    async with session.get(url) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("liaison did not become healthy in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as with an OOM kill or a power cut."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM and wait (killed if it does not stop in time)."""
        if self.process is None or self.process.returncode is not None:
            return
        try:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                self.process.kill()
            await self.process.wait()
        except ProcessLookupError:
            await self.process.wait()  # it ended between the check and the signal

    async def wait(self) -> None:
        """Wait for the process to end (after kill())."""
        assert self.process is not None
        await self.process.wait()

    def log(self) -> str:
        """Everything the process logged, for a failing test's message."""
        path = self.log_path
        return path.read_text(errors="replace") if path.exists() else ""

    def leads(self) -> bool:
        """True while this process runs the periodic jobs (digests), as its own log says.

        Only the running process's lines count: a killed one's lead died with its connection.
        """
        if self.process is None or self.process.returncode is not None:
            return False
        with self.log_path.open("rb") as log:
            log.seek(self._log_start)
            lines = log.read().decode(errors="replace")
        took = lines.rfind(LEADING)
        return took >= 0 and lines.rfind(NOT_LEADING) < took
