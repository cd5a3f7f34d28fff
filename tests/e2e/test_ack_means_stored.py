"""A partner's form closes only once their request is stored; if it cannot be, it stays open."""

from __future__ import annotations

import pytest

from bot.app.local import LocalLiaison
from handlers import acking
from tests.e2e.helpers import PAT, open_form, stored

pytestmark = pytest.mark.e2e
ANSWERS = {"service": "network", "impact": "stopped", "summary": "VPN down at the gate"}


async def test_when_the_form_closes_the_request_is_already_stored(liaison: LocalLiaison) -> None:
    await open_form(liaison)
    submitted = await liaison.slack.submit_view(PAT, ANSWERS)
    assert submitted.closed
    # No settling: the acknowledgement itself came after the commit.
    row = await stored(liaison, 1)
    assert row is not None and row.summary == "VPN down at the gate"


async def test_a_form_that_cannot_be_stored_in_time_stays_open_with_the_text(
    liaison: LocalLiaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(acking, "ACK_BUDGET", 0.2)
    await open_form(liaison)
    async with liaison.runtime.database.transaction():  # another change holds the writer
        busy = await liaison.slack.submit_view(PAT, ANSWERS)
    assert not busy.closed
    assert "Nothing was saved" in busy.errors["summary"]
    assert busy.view is not None
    assert busy.view.state["summary"]["summary_input"]["value"] == "VPN down at the gate"
    assert await stored(liaison, 1) is None

    again = await liaison.slack.submit_view(PAT, {})  # the same form, pressed again
    assert again.closed
    row = await stored(liaison, 1)
    assert row is not None and row.summary == "VPN down at the gate"
    await liaison.settle()
    assert len([m for m in liaison.slack.dm_messages(PAT) if "REQ-1" in m.text]) == 1
