"""The same app over Socket Mode: no inbound port, same behaviour, survives a reconnect."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from tests.e2e.helpers import PAT, file_request

pytestmark = pytest.mark.e2e


@pytest.fixture
async def socket_liaison(sqlite_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    local = LocalLiaison(database_url=sqlite_url, clock=clock, mode="socket")
    await local.start()
    yield local
    await local.stop()


async def test_filing_over_socket_mode_reaches_partner_and_triage(
    socket_liaison: LocalLiaison,
) -> None:
    await file_request(socket_liaison, summary="Phones dead in bldg 9", service="phones")
    [dm] = socket_liaison.slack.dm_messages(PAT)
    assert "REQ-1" in dm.text
    [card] = socket_liaison.slack.messages(socket_liaison.workspace.triage_channel)
    assert "Phones dead in bldg 9" in card.rendered


async def test_help_is_answered_in_the_socket_ack(socket_liaison: LocalLiaison) -> None:
    result = await socket_liaison.slack.command(PAT, "/request", "help")
    assert "/request services" in socket_liaison.slack.render(result.blocks or [])


async def test_a_refresh_reconnects_and_work_continues(socket_liaison: LocalLiaison) -> None:
    await socket_liaison.slack.socket_disconnect(reason="refresh_requested")
    assert socket_liaison.slack.socket_connections >= 2
    await file_request(socket_liaison)
    assert len(socket_liaison.slack.dm_messages(PAT)) == 1
