"""Sub-commands answer in place; the form opens even when Slack is slow to take it."""

from __future__ import annotations

import pytest

from bot.app.local import LocalLiaison
from tests.e2e.helpers import PAT, initial_value

pytestmark = pytest.mark.e2e


async def test_help_lists_every_subcommand_only_to_the_asker(liaison: LocalLiaison) -> None:
    result = await liaison.slack.command(PAT, "/request", "help", channel_id="C0ANNOUNCE")
    assert result.ok
    assert result.response_type in (None, "ephemeral")
    text = liaison.slack.render(result.blocks or [])
    for usage in ["/request services", "/request help", "/request what is wrong"]:
        assert usage in text
    assert liaison.slack.messages("C0ANNOUNCE") == []


async def test_services_publish_each_service_with_its_times(liaison: LocalLiaison) -> None:
    result = await liaison.slack.command(PAT, "/request", "services")
    text = liaison.slack.render(result.blocks or [])
    for name in ["Network", "Email", "Printers", "Cyber"]:
        assert name in text
    assert "30 min / 4 h 24/7" in text  # P1 around the clock
    assert "business" in text.lower()


async def test_an_unknown_word_gets_help_and_a_way_to_file_it(liaison: LocalLiaison) -> None:
    result = await liaison.slack.command(PAT, "/request", "lst")
    text = liaison.slack.render(result.blocks or [])
    assert "did not understand “lst”" in text
    assert "/request services" in text
    said = result.ephemeral_text or ""  # what a screen reader reads
    assert "did not understand “lst”" in said and "/request services" in said
    assert liaison.slack.open_view(PAT) is None


async def test_the_file_it_button_opens_the_form_with_the_word(liaison: LocalLiaison) -> None:
    await liaison.slack.command(PAT, "/request", "printer")
    [note] = liaison.slack.ephemerals(PAT)
    await liaison.slack.click(PAT, channel=note.channel, ts=note.ts, action_id="file_request")
    view = await liaison.slack.wait_for_view(PAT)
    assert initial_value(view.blocks, "summary") == "printer"


async def test_an_expired_trigger_is_explained_to_the_partner(liaison: LocalLiaison) -> None:
    liaison.slack.faults.add("views.open", error="expired_trigger_id")
    result = await liaison.slack.command(PAT, "/request", "")
    assert result.ok
    await liaison.settle()
    assert liaison.slack.open_view(PAT) is None
    [note] = [e for e in liaison.slack.ephemerals(PAT) if "three seconds" in e.text]
    assert "/request" in note.text
