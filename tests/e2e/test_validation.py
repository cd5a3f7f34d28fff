"""Bad input is answered inside the modal, on the field, and nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app.local import LocalLiaison
from tests.e2e.helpers import PAT, open_form, outbox_depth, stored

pytestmark = pytest.mark.e2e
VALID = {"service": "network", "summary": "VPN down", "impact": "degraded"}


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"summary": "x" * 151}, "summary", "150 characters"),
        ({"summary": "   "}, "summary", "one line"),
        ({"needed_by": "2026-11-20"}, "needed_by", "passed"),
        ({"details": "y" * 3001}, "details", "3000"),
    ],
    ids=["summary-too-long", "summary-blank", "date-in-the-past", "details-too-long"],
)
async def test_each_invalid_field_gets_an_inline_error_and_nothing_is_stored(
    liaison: LocalLiaison, change: dict[str, str], field: str, says: str
) -> None:
    await open_form(liaison)
    result = await liaison.slack.submit_view(PAT, {**VALID, **change}, forged=True)
    assert result.response_action == "errors"
    assert not result.closed
    assert set(result.errors) == {field}
    assert says in result.errors[field]
    await liaison.settle()
    assert await stored(liaison, 1) is None
    assert await outbox_depth(liaison) == 0
    assert liaison.slack.dm_messages(PAT) == []
    assert liaison.slack.open_view(PAT) is not None  # the partner can fix it and resubmit


async def test_slack_itself_refuses_an_empty_required_field(liaison: LocalLiaison) -> None:
    await open_form(liaison)
    result = await liaison.slack.submit_view(PAT, {"service": "network"})
    assert result.delivery is None  # Slack's client never sent it
    assert "summary" in result.errors


async def test_a_service_removed_while_the_form_was_open_is_refused(
    liaison: LocalLiaison,
) -> None:
    await open_form(liaison)
    view = liaison.slack.open_view(PAT)
    assert view is not None
    service_block = next(b for b in view.blocks if b.get("block_id") == "service")
    service_block["element"]["options"].append(  # type: ignore[index]
        {"text": {"type": "plain_text", "text": "Typewriters"}, "value": "typewriters"}
    )
    result = await liaison.slack.submit_view(PAT, {**VALID, "service": "typewriters"})
    assert result.errors == {"service": "That service is no longer offered. Please choose another."}
    assert await stored(liaison, 1) is None


async def test_after_fixing_the_error_the_request_is_filed(liaison: LocalLiaison) -> None:
    await open_form(liaison)
    await liaison.slack.submit_view(PAT, {**VALID, "needed_by": "2026-11-01"}, forged=True)
    tomorrow = (liaison.clock.now() + dt.timedelta(days=1)).date().isoformat()
    result = await liaison.slack.submit_view(PAT, {**VALID, "needed_by": tomorrow})
    assert result.closed
    await liaison.settle()
    row = await stored(liaison, 1)
    assert row is not None and row.needed_by == dt.date.fromisoformat(tomorrow)
