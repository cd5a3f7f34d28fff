"""Reading command text and modal state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from handlers.parse import OpenForm, SubCommand, Unknown, parse_command_text, parse_request_form


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", OpenForm("")),
        ("   ", OpenForm("")),
        ("help", SubCommand.HELP),
        ("HELP", SubCommand.HELP),
        ("services", SubCommand.SERVICES),
        ("printer on 2nd floor jams", OpenForm("printer on 2nd floor jams")),
        ("help my printer is on fire", OpenForm("help my printer is on fire")),
        ("lst", Unknown("lst")),
        ("<!channel> VPN down", OpenForm("@channel VPN down")),
        ("R&amp;D  lab   offline", OpenForm("R&D lab offline")),
    ],
)
def test_command_text_is_a_subcommand_a_question_or_a_summary(text: str, parsed: object) -> None:
    assert parse_command_text(text) == parsed


def _view(values: dict[str, Any], metadata: str = '{"v":1}') -> dict[str, Any]:
    return {"private_metadata": metadata, "state": {"values": values}}


def test_a_complete_form_is_read_field_by_field() -> None:
    view = _view(
        {
            "service": {
                "service_select": {
                    "type": "static_select",
                    "selected_option": {"value": "network", "text": {}},
                }
            },
            "summary": {"summary_input": {"type": "plain_text_input", "value": "No network"}},
            "details": {"details_input": {"type": "plain_text_input", "value": None}},
            "impact": {
                "impact_radio": {"type": "radio_buttons", "selected_option": {"value": "stopped"}}
            },
            "needed_by": {"needed_by_date": {"type": "datepicker", "selected_date": "2026-12-01"}},
        },
        metadata='{"v":1,"src":"https://x.slack.com/archives/C1/p1"}',
    )
    form = parse_request_form(view, partner_id="U0PARTNER")
    assert form.service_id == "network"
    assert form.summary == "No network"
    assert form.details is None
    assert form.impact == "stopped"
    assert form.needed_by == dt.date(2026, 12, 1)
    assert form.source_link == "https://x.slack.com/archives/C1/p1"


def test_an_empty_or_odd_form_reads_as_missing_values_not_an_error() -> None:
    view = _view(
        {
            "service": {"service_select": {"type": "static_select", "selected_option": None}},
            "needed_by": {"needed_by_date": {"type": "datepicker", "selected_date": "not-a-date"}},
        },
        metadata="garbage",
    )
    form = parse_request_form(view, partner_id="U0PARTNER")
    assert (form.service_id, form.summary, form.impact, form.needed_by) == (None, None, None, None)
    assert form.source_link == ""
