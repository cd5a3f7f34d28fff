"""The servers under load, each in its own process pinned to one core.

Four apps: bare Bolt (listeners that only ack), a naive handler (ack, then one ORM insert and
one chat.postMessage), Liaison itself, built through its public entry points, and the same
Liaison with the desk's awareness after each filing switched off, so that feature's cost on
filing throughput is measured side by side with it.
"""

from __future__ import annotations

import asyncio
import cProfile
import datetime as dt
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

SERVER_CORE = 1
EVENTS_PATH = "/slack/events"
SLASH_COMMAND = "/request"
CALLBACK_ID = "request_new"
START_TIMEOUT = 60.0

AppKind = Literal["bare", "naive", "liaison", "liaison-unaware"]
# The real Liaison, with and without the awareness after each filing (build_runtime's switch).
LIAISON_APPS: tuple[AppKind, ...] = ("liaison", "liaison-unaware")


class NaiveBase(DeclarativeBase):
    """The naive handler's own schema: one table."""


class NaiveFiling(NaiveBase):
    """A filed request, as a first version of a filing bot would keep it."""

    __tablename__ = "filings"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(300))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class ServerSpec:
    """What a server process needs: which app, where Slack is, its database and its log."""

    app: AppKind
    api_url: str
    bot_token: str
    app_token: str
    signing_secret: str
    database_url: str
    log_file: Path
    core: int | None = SERVER_CORE
    profile_file: Path | None = None


class ServerProcess:
    """A server started in a fresh (spawned) process; reports its port, CPU time and stops."""

    def __init__(self, spec: ServerSpec) -> None:
        """Prepare the process; nothing runs until start()."""
        self.spec = spec
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe(duplex=False)
        self._process = context.Process(
            target=serve, args=(spec, child), name=f"bench-{spec.app}", daemon=True
        )
        self.port = 0

    @property
    def pid(self) -> int:
        """Return the server's process id."""
        assert self._process.pid is not None
        return self._process.pid

    @property
    def url(self) -> str:
        """Return the Request URL Slack would POST to."""
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"

    def start(self) -> None:
        """Start the process and wait until it is listening."""
        self._process.start()
        try:
            if not self._conn.poll(START_TIMEOUT):
                raise EOFError
            self.port = int(self._conn.recv())
        except EOFError:
            self.stop()
            tail = _tail(self.spec.log_file)
            raise RuntimeError(f"the {self.spec.app} server did not start:\n{tail}") from None

    def cpu_seconds(self) -> float:
        """Return user + system CPU seconds used so far by the process (all threads)."""
        return process_cpu_seconds(self.pid)

    def main_thread_cpu_seconds(self) -> float:
        """Return the CPU seconds of the event loop's thread alone (the rest is worker threads)."""
        return process_cpu_seconds(self.pid, task=self.pid)

    def stop(self) -> None:
        """Ask the server to shut down cleanly (SIGTERM to its pid); kill it if it hangs."""
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(20)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)


def _tail(path: Path, lines: int = 25) -> str:
    """Return the last lines of a log file (or a note that there is none)."""
    if not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def process_cpu_seconds(pid: int, *, task: int | None = None) -> float:
    """Return utime + stime of `pid` (every thread) or of one of its threads, from /proc."""
    path = f"/proc/{pid}/stat" if task is None else f"/proc/{pid}/task/{task}/stat"
    text = Path(path).read_text()
    fields = text[text.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def pin_to(core: int | None) -> None:
    """Run this process on one core when the machine has it (no-op otherwise)."""
    if core is not None and core in os.sched_getaffinity(0):
        os.sched_setaffinity(0, {core})


def serve(spec: ServerSpec, ready: Connection) -> None:
    """Process entry: pin, log like production (INFO, text) to a file, serve until SIGTERM."""
    pin_to(spec.core)
    from bot.observability.logging import configure_logging, stop_logging

    with spec.log_file.open("a", buffering=1) as log:
        sys.stderr = log
        configure_logging(level="INFO", json_lines=False, secrets=[spec.signing_secret])
        # The event loop thread's CPU time, not the wall clock: time spent waiting for the
        # next request or a database thread would otherwise dominate every profile.
        profiler = cProfile.Profile(time.thread_time) if spec.profile_file else None
        try:
            asyncio.run(_serve(spec, ready, profiler))
        except Exception:
            logging.getLogger(__name__).exception("the %s server failed", spec.app)
            raise
        finally:
            if profiler is not None and spec.profile_file is not None:
                profiler.dump_stats(spec.profile_file)
            stop_logging()  # write out the queued lines while the log file is still open


async def _serve(spec: ServerSpec, ready: Connection, profiler: cProfile.Profile | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if spec.app in LIAISON_APPS:
        await _run_liaison(spec, ready, stop, profiler)
    else:
        await _run_bolt(spec, ready, stop, profiler)


async def _run_liaison(
    spec: ServerSpec, ready: Connection, stop: asyncio.Event, profiler: cProfile.Profile | None
) -> None:
    """The real Liaison as `liaison run` builds it: settings, build_runtime, LiaisonServer.

    `liaison-unaware` is the same app with the same settings, built with `awareness=False`:
    no awareness timer at filing and no others-reporting check, nothing else changed.
    """
    from bot.app.local import EXAMPLE_CATALOGUE, Workspace
    from bot.app.server import LiaisonServer
    from bot.app.wiring import build_runtime
    from bot.settings import load_settings
    from storage.migrate import upgrade_to_head

    workspace = Workspace()
    settings = load_settings(
        _env_file=None,
        slack_bot_token=spec.bot_token,
        slack_app_token=spec.app_token,
        slack_signing_secret=spec.signing_secret,
        slack_mode="http",
        slack_api_url=spec.api_url,
        host="127.0.0.1",
        port=0,
        database_url=spec.database_url,
        triage_channel=workspace.triage_channel,
        catalogue_file=EXAMPLE_CATALOGUE,
        supervisors=",".join(workspace.ids("supervisor")),
        supervisor_channel=workspace.supervisor_channel,
        announcements_channel=workspace.announcements_channel,
    )
    await upgrade_to_head(settings.database_url)
    runtime = await build_runtime(settings, awareness=spec.app != "liaison-unaware")
    server = LiaisonServer(runtime)
    await server.start()
    assert server.port is not None
    ready.send(server.port)
    try:
        await _wait_profiled(stop, profiler)
    finally:
        await server.stop()
        await runtime.close()


async def _run_bolt(
    spec: ServerSpec, ready: Connection, stop: asyncio.Event, profiler: cProfile.Profile | None
) -> None:
    """Bolt with signature checks, a client on one shared aiohttp session, Liaison's settings.

    `bare` only acks: the floor no handler can beat. `naive` is the smallest realistic app:
    after the ack, `/request` opens a modal and a submission is stored with one ORM insert
    (SQLAlchemy's defaults, one SQLite file) and confirmed with one chat.postMessage.
    """
    import aiohttp
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    session = aiohttp.ClientSession()
    client = AsyncWebClient(token=spec.bot_token, base_url=spec.api_url, session=session)
    app = AsyncApp(
        client=client,
        signing_secret=spec.signing_secret,
        request_verification_enabled=True,
        process_before_response=False,
    )
    dispose: Callable[[], Awaitable[None]] | None = None
    if spec.app == "naive":
        dispose = await _naive_listeners(app, spec)
    else:
        _bare_listeners(app)

    async def events(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        bolt_response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    ready.send(sockets[0].getsockname()[1])
    try:
        await _wait_profiled(stop, profiler)
    finally:
        await runner.cleanup()
        await session.close()
        if dispose is not None:
            await dispose()


def _bare_listeners(app: AsyncApp) -> None:
    """Two listeners that only ack."""
    from slack_bolt.context.ack.async_ack import AsyncAck

    @app.command(SLASH_COMMAND)
    async def on_command(ack: AsyncAck) -> None:
        await ack()

    @app.view(CALLBACK_ID)
    async def on_submission(ack: AsyncAck) -> None:
        await ack()


NAIVE_MODAL = {
    "type": "modal",
    "callback_id": CALLBACK_ID,
    "title": {"type": "plain_text", "text": "New request"},
    "submit": {"type": "plain_text", "text": "Submit"},
    "blocks": [
        {
            "type": "input",
            "block_id": "summary",
            "label": {"type": "plain_text", "text": "Summary"},
            "element": {"type": "plain_text_input", "action_id": "summary"},
        }
    ],
}


async def _naive_listeners(app: AsyncApp, spec: ServerSpec) -> Callable[[], Awaitable[None]]:
    """Ack, then the work a first version of a filing bot does: one insert, one message."""
    from slack_bolt.context.ack.async_ack import AsyncAck
    from slack_sdk.web.async_client import AsyncWebClient
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from bot.clock import SystemClock

    clock = SystemClock()
    engine = create_async_engine(spec.database_url)
    async with engine.begin() as conn:
        await conn.run_sync(NaiveBase.metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    @app.command(SLASH_COMMAND)
    async def on_command(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=NAIVE_MODAL)

    @app.view(CALLBACK_ID)
    async def on_submission(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user = str(body["user"]["id"])
        state = body["view"]["state"]["values"]
        summary = next(
            (
                str(leaf.get("value"))
                for b in state.values()
                for leaf in b.values()
                if leaf.get("value")
            ),
            "",
        )
        async with sessions() as session:
            session.add(NaiveFiling(partner_id=user, summary=summary, filed_at=clock.now()))
            await session.commit()
        await client.chat_postMessage(channel=user, text=f"Request received: {summary}")

    return engine.dispose


async def _wait_profiled(stop: asyncio.Event, profiler: cProfile.Profile | None) -> None:
    """Serve until told to stop, profiling the whole time when asked."""
    if profiler is not None:
        profiler.enable()
    try:
        await stop.wait()
    finally:
        if profiler is not None:
            profiler.disable()
