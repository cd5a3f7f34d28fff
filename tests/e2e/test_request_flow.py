"""A partner files a request with /request and is told, honestly, what happens next."""

from __future__ import annotations

import re

import pytest

from bot.app.local import LocalLiaison
from storage import requests
from tests.e2e.helpers import PAT, file_request, initial_value

pytestmark = pytest.mark.e2e


async def test_partner_files_a_request_and_hears_number_priority_and_times(
    liaison: LocalLiaison,
) -> None:
    slack = liaison.slack
    result = await slack.command(PAT, "/request", "printer on 2nd floor jams")
    assert result.ok and result.ephemeral_text is None
    modal = await slack.wait_for_view(PAT)
    assert modal.callback_id == "request_new"
    assert initial_value(modal.blocks, "summary") == "printer on 2nd floor jams"

    submitted = await slack.submit_view(
        PAT, {"service": "printers", "impact": "workaround", "details": "Tray 2, since 0800"}
    )
    assert submitted.closed
    await liaison.settle()

    async with liaison.runtime.database.reading() as session:
        row = await requests.get_request(session, number=1)
    assert row is not None
    assert (row.summary, row.service_id, row.impact, row.status) == (
        "printer on 2nd floor jams",
        "printers",
        "workaround",
        "new",
    )

    [dm] = slack.dm_messages(PAT)
    assert "REQ-1" in dm.text
    rendered = dm.rendered
    assert (
        "REQ-1" in rendered and "Printers" in rendered and f"priority *{row.priority}*" in rendered
    )
    assert "respond by" in rendered and "resolve" in rendered and "hear from us by" in rendered
    dates = re.findall(r"<!date\^(\d+)\^", str(dm.blocks))
    assert int(row.first_response_due.timestamp()) == int(dates[0])
    assert int(row.resolution_due.timestamp()) == int(dates[1])

    [card] = slack.messages(liaison.workspace.triage_channel)
    assert card.bot_id == slack.bot_id
    card_text = card.rendered
    for expected in ["REQ-1", "printer on 2nd floor jams", "Printers", "Workaround exists"]:
        assert expected in card_text
    assert "<@U0PAT>" in str(card.blocks)
    async with liaison.runtime.database.reading() as session:
        stored = await requests.get_request(session, number=1)
    assert stored is not None and stored.card_ts == card.ts
    assert stored.partner_ts == dm.ts


async def test_request_numbers_are_sequential(liaison: LocalLiaison) -> None:
    for summary in ["VPN drops every hour", "Phone in room 12 dead", "Need a new account"]:
        await file_request(liaison, summary=summary)
    texts = [m.text for m in liaison.slack.dm_messages(PAT)]
    assert [re.search(r"REQ-\d+", t).group(0) for t in texts] == ["REQ-1", "REQ-2", "REQ-3"]  # type: ignore[union-attr]
