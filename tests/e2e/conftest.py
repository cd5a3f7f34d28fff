"""End-to-end fixtures: the real Liaison over HTTP (or Socket Mode) against the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.local import LocalLiaison
from bot.clock import ManualClock


@pytest.fixture
async def liaison(sqlite_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    """Liaison in HTTP mode on a fresh SQLite file, with a seeded workspace."""
    local = LocalLiaison(database_url=sqlite_url, clock=clock)
    await local.start()
    yield local
    await local.stop()


@pytest.fixture(params=["http", "socket"])
async def either(
    request: pytest.FixtureRequest, sqlite_url: str, clock: ManualClock
) -> AsyncIterator[LocalLiaison]:
    """Liaison reached over HTTP, then over Socket Mode."""
    local = LocalLiaison(database_url=sqlite_url, clock=clock, mode=request.param)
    await local.start()
    yield local
    await local.stop()
