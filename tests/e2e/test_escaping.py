"""Partner text never pings anyone or breaks formatting when shown to others."""

from __future__ import annotations

import pytest

from bot.app.local import LocalLiaison
from tests.e2e.helpers import PAT, file_request, initial_value, open_form, stored

pytestmark = pytest.mark.e2e


def mrkdwn_texts(node: object) -> list[str]:
    """Every mrkdwn text in a block tree: the places where Slack would act on <!channel>."""
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    found = [str(node["text"])] if node.get("type") == "mrkdwn" else []
    return found + [t for value in node.values() for t in mrkdwn_texts(value)]


HOSTILE = "<!channel> <!here> <@U0MORGAN> R&D <b>lab</b> > down"


async def test_mentions_and_markup_in_a_summary_are_shown_escaped(liaison: LocalLiaison) -> None:
    await file_request(liaison, summary=HOSTILE, details="<!everyone> ping & <#C0TRIAGE>")
    row = await stored(liaison, 1)
    assert row is not None and row.summary == HOSTILE  # stored exactly as typed

    [card] = liaison.slack.messages(liaison.workspace.triage_channel)
    mrkdwn = " ".join(mrkdwn_texts(card.blocks)) + card.text
    for live in ["<!channel>", "<!here>", "<!everyone>", "<@U0MORGAN>", "<#C0TRIAGE>", "<b>"]:
        assert live not in mrkdwn, live
    assert "&lt;!channel&gt;" in card.text
    assert "R&amp;D" in card.text
    header = next(b for b in card.blocks if b["type"] == "header")
    assert header["text"]["type"] == "plain_text"  # plain text never notifies
    [dm] = liaison.slack.dm_messages(PAT)
    assert "<!channel>" not in " ".join(mrkdwn_texts(dm.blocks)) + dm.text


async def test_mentions_typed_after_the_command_are_neutralised_in_the_form(
    liaison: LocalLiaison,
) -> None:
    await open_form(liaison, text="<!here> printer &amp; scanner down")
    view = liaison.slack.open_view(PAT)
    assert view is not None
    assert initial_value(view.blocks, "summary") == "@here printer & scanner down"
