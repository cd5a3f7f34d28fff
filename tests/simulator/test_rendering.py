"""Block Kit and mrkdwn rendered as a person reads them."""

from __future__ import annotations

from typing import Any

from simulator import SlackSimulator
from simulator.rendering import Renderer, format_date

EPOCH = 1_795_432_800  # 2026-11-23 11:20 UTC, a Monday


def test_small_message_renders_like_slack(sim: SlackSimulator) -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "REQ-42 Printer down"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "From <@U0PARTNER> in <#C0TRIAGE>"},
            "accessory": {
                "type": "button",
                "action_id": "open",
                "text": {"type": "plain_text", "text": "Open"},
            },
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Impact*\\nStopped"},
                {"type": "mrkdwn", "text": "R&amp;D &lt;bldg 4&gt;"},
            ],
        },
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"Due <!date^{EPOCH}^{{date_short}} {{time}}|soon>"}
            ],
        },
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "claim",
                    "text": {"type": "plain_text", "text": "Claim"},
                },
                {
                    "type": "static_select",
                    "action_id": "who",
                    "placeholder": {"type": "plain_text", "text": "Assign"},
                    "options": [],
                },
            ],
        },
    ]
    assert sim.render(blocks, tz="America/Chicago").splitlines() == [
        "REQ-42 Printer down",
        "From @pat in #triage  [Open]",
        "*Impact*\\nStopped",
        "R&D <bldg 4>",
        "Due Nov 23, 2026 5:20 AM",
        "---",
        "[Claim]  [Select: Assign]",
    ]


def test_text_only_message_and_special_mentions(sim: SlackSimulator) -> None:
    text = "<!here> <https://x.example|the runbook> <!subteam^S1|@techs> <@U0NOBODY>"
    assert sim.render([], text=text) == "@here the runbook (https://x.example) @techs @U0NOBODY"


def test_date_formats_relative_to_now() -> None:
    now = EPOCH + 3600
    assert format_date(EPOCH, "{date_pretty} at {time}", tz="UTC", now=now) == "today at 11:20 AM"
    assert format_date(EPOCH, "{date_long}", tz="UTC", now=now) == "Monday, November 23rd, 2026"
    assert format_date(EPOCH, "{date_num} {ago}", tz="UTC", now=now) == "2026-11-23 1 hour ago"


def test_modal_renders_inputs_and_buttons() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "New request"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": "s",
                "label": {"type": "plain_text", "text": "Summary"},
                "element": {"type": "plain_text_input", "action_id": "a"},
            },
            {
                "type": "input",
                "block_id": "r",
                "optional": True,
                "label": {"type": "plain_text", "text": "Scope"},
                "element": {
                    "type": "radio_buttons",
                    "action_id": "b",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Unit"}, "value": "u"},
                        {"text": {"type": "plain_text", "text": "Wing"}, "value": "w"},
                    ],
                },
            },
        ],
    }
    state = {"r": {"b": {"type": "radio_buttons", "selected_option": {"value": "w"}}}}
    assert Renderer(None).view(view, state).splitlines() == [
        "New request",
        "Summary: ____",
        "Scope (optional): ( ) Unit  (x) Wing",
        "[Cancel]  [Submit]",
    ]
