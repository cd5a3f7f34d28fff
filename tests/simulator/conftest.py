"""Fixtures: a started simulator on a ManualClock, a Web API client, and tiny Bolt apps."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import ManualClock
from simulator import SlackSimulator
from tests.simulator.bolt_app import Seen, build_app
from tests.simulator.fakeapp import FakeApp

SECRET = "sim-test-signing-secret"


@pytest.fixture
def clock() -> ManualClock:
    """A clock that only moves when the test says so."""
    return ManualClock()


@pytest.fixture
async def sim(clock: ManualClock) -> AsyncIterator[SlackSimulator]:
    """A started workspace: a partner, a technician, a triage channel the bot is in."""
    async with SlackSimulator(
        signing_secret=SECRET, clock=clock.timestamp, ack_timeout=1.0
    ) as simulator:
        simulator.add_user("U0PARTNER", "pat", real_name="Pat Partner", tz="America/Chicago")
        simulator.add_user("U0TECH", "tech1", real_name="Tess Tech")
        simulator.add_channel("C0TRIAGE", "triage", [simulator.bot_user_id, "U0PARTNER", "U0TECH"])
        simulator.add_channel("C0OPS", "ops", ["U0PARTNER", "U0TECH"])
        simulator.add_channel("G0SECRET", "secret", ["U0TECH"], is_private=True)
        yield simulator


@pytest.fixture
def client(sim: SlackSimulator) -> AsyncWebClient:
    """The bot's Web API client, pointed at the simulator."""
    return AsyncWebClient(token=sim.config.bot_token, base_url=sim.api_url)


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve an aiohttp app on 127.0.0.1 at a free port; return the runner and base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.SockSite(runner, listener).start()
    return runner, f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def seen() -> Seen:
    """What the Bolt app's listeners received."""
    return Seen()


@pytest.fixture
async def http_app(sim: SlackSimulator, seen: Seen) -> AsyncIterator[AsyncApp]:
    """The tiny Bolt app served over HTTP, with the simulator delivering to it."""
    app = build_app(sim, seen, signing_secret=SECRET)
    runner, base = await serve(app.web_app(path="/slack/events"))
    sim.use_http(f"{base}/slack/events")
    yield app
    await runner.cleanup()


@pytest.fixture
async def socket_app(sim: SlackSimulator, seen: Seen) -> AsyncIterator[AsyncSocketModeHandler]:
    """The same Bolt app connected over Socket Mode through apps.connections.open."""
    app = build_app(sim, seen, signing_secret=SECRET)
    sim.use_socket_mode()
    web_client = AsyncWebClient(token=sim.config.bot_token, base_url=sim.api_url)
    handler = AsyncSocketModeHandler(app, sim.config.app_token, web_client=web_client)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    yield handler
    await handler.close_async()  # type: ignore[no-untyped-call]


@pytest.fixture
async def fake_app(sim: SlackSimulator) -> AsyncIterator[FakeApp]:
    """A bare app at /slack/events that the simulator delivers to."""
    fake = FakeApp()
    app = web.Application()
    app.router.add_post("/slack/events", fake.handle)
    runner, base = await serve(app)
    sim.use_http(f"{base}/slack/events")
    yield fake
    await runner.cleanup()
