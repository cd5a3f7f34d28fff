"""`liaison run` replicas for the replicas benchmark, and where the machine's CPU went.

Each replica is the real command (`python -m bot run`) configured by environment, as an
operator would start it on each machine; CPU is read from /proc for the replicas, for the
PostgreSQL backends serving the benchmark's database, for this process (the load generator
and the fake Slack) and for the whole machine, so the table can say what limited the run.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import resource
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks.servers import EVENTS_PATH, process_cpu_seconds
from bot.app.local import Workspace

ROOT = Path(__file__).resolve().parent.parent
START_LIMIT = 60.0  # seconds a replica may take to answer /healthz
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends (Linux)


def _end_with_parent() -> None:
    """In the replica, before it starts: SIGTERM it when the benchmark ends, however it ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Setup:
    """What every replica of one configuration shares: Slack, the database, the secrets."""

    api_url: str
    bot_token: str
    signing_secret: str
    database_url: str
    folder: Path
    catalogue: Path


class Replica:
    """One `python -m bot run` in HTTP mode, on its own port, logging to its own file."""

    def __init__(self, setup: Setup, name: str) -> None:
        """Nothing runs until start()."""
        self.setup = setup
        self.name = name
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        """Slack's request URL for this replica."""
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"

    @property
    def log_file(self) -> Path:
        """Where the replica's log goes."""
        return self.setup.folder / f"{self.name}.log"

    def environment(self) -> dict[str, str]:
        """The settings an operator gives each machine: the same database, its own port."""
        workspace = Workspace()
        return {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "SLACK_MODE": "http",
            "SLACK_BOT_TOKEN": self.setup.bot_token,
            "SLACK_SIGNING_SECRET": self.setup.signing_secret,
            "SLACK_API_URL": self.setup.api_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "DATABASE_URL": self.setup.database_url,
            "TRIAGE_CHANNEL": workspace.triage_channel,
            "SUPERVISOR_CHANNEL": workspace.supervisor_channel,
            "SUPERVISORS": ",".join(workspace.ids("supervisor")),
            "ANNOUNCEMENTS_CHANNEL": workspace.announcements_channel,
            "CATALOGUE_FILE": str(self.setup.catalogue),
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "INFO",
        }

    async def start(self) -> None:
        """Start the process and return once it answers /healthz."""
        with self.log_file.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.setup.folder,
                env=self.environment(),
                stdout=log,
                stderr=log,
                preexec_fn=_end_with_parent,
            )
        give_up = time.perf_counter() + START_LIMIT
        async with aiohttp.ClientSession() as session:
            while time.perf_counter() < give_up:
                if self.process.returncode is not None:
                    raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}/healthz") as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        await self.stop()
        raise RuntimeError(f"{self.name} did not answer /healthz in time:\n{self.tail()}")

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the replica has used (every thread)."""
        assert self.process is not None
        return process_cpu_seconds(self.process.pid)

    async def stop(self) -> None:
        """SIGTERM, as at an upgrade; killed if it does not stop within 30 s."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def tail(self, lines: int = 20) -> str:
        """The end of the replica's log, for an error message."""
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


class PostgresBackends:
    """CPU of the PostgreSQL server processes connected to one database (same machine only).

    The server's shared processes (WAL writer, checkpointer) also serve other databases and
    are left out; so are connections that closed during the window (pools keep theirs).
    """

    def __init__(self, database_url: str) -> None:
        """Only PostgreSQL URLs have backends; for SQLite every reading is zero."""
        self._url = database_url if database_url.startswith("postgresql") else ""
        self._name = make_url(database_url).database or ""
        self._start: dict[int, float] = {}

    async def _readings(self) -> dict[int, float]:
        if not self._url:
            return {}
        engine = create_async_engine(self._url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": self._name},
                )
                pids = [int(pid) for (pid,) in rows.all()]
        finally:
            await engine.dispose()
        readings = {}
        for pid in pids:
            try:
                readings[pid] = process_cpu_seconds(pid)
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue  # gone, or a server on another machine
        return readings

    async def begin(self) -> None:
        """Note each backend's CPU at the start of the window."""
        self._start = await self._readings()

    async def seconds(self) -> float:
        """CPU seconds the database's backends used since begin()."""
        end = await self._readings()
        return sum(cpu - self._start.get(pid, 0.0) for pid, cpu in end.items())


def own_cpu_seconds() -> float:
    """This process: the load generator and the fake Slack, which share one event loop."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since boot (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(f) for f in fields[:8]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")
