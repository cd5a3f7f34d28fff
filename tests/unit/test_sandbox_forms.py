"""What the browser posts for a modal becomes exactly what the simulator's state accepts."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app.sandbox.forms import pressed, view_values
from bot.views.ids import ActionId, BlockId
from bot.views.request_modal import RequestPrefill, request_modal
from bot.views.triage_modals import assign_modal, update_modal
from simulator.config import SimConfig
from simulator.elements import with_generated_ids
from simulator.viewstate import build_state, client_errors
from simulator.workspace import SimulatorError, Workspace
from tests.unit.test_sandbox_blocks import SERVICES, Form, modal, summary

ZONE = "America/New_York"


def workspace() -> Workspace:
    space = Workspace(SimConfig(signing_secret="x"), lambda: 1_700_000_000.0)
    space.add_user("U0PAT", "pat")
    space.add_user("U0TECH", "tess")
    return space


def drawn(view: dict[str, Any], state: Any = None) -> tuple[list[dict[str, Any]], Form]:
    """The view as the simulator stores it (ids filled in) and its form on the page."""
    blocks = with_generated_ids(view["blocks"])
    return blocks, modal({**view, "blocks": blocks}, state).forms[0]


def submitted(form: Form, fill: dict[str, list[str]]) -> dict[str, list[str]]:
    """What the browser posts when the person fills `fill` in and presses Submit."""
    submit = [b for b in form.buttons() if b.attrs.get("class") == "btn btn-primary"]
    assert [b.attrs["value"] for b in submit] == ["__submit__"]
    return form.post(submit[0], fill)


def test_request_modal_round_trip_gives_the_simulator_what_was_chosen() -> None:
    view = request_modal(SERVICES, RequestPrefill(summary="Printer")).to_dict()
    blocks, form = drawn(view)
    fields = submitted(
        form,
        {
            "in:service:service_select": ["printers"],
            "in:details:details_input": ["It is on fire.\nAgain."],
            "in:impact:impact_radio": ["degraded"],
            "in:needed_by:needed_by_date": ["2026-12-01"],
        },
    )
    values = view_values(blocks, fields, tz=ZONE)
    assert values == {
        BlockId.SERVICE: "printers",
        BlockId.SUMMARY: "Printer",
        BlockId.DETAILS: "It is on fire.\nAgain.",
        BlockId.IMPACT: "degraded",
        BlockId.NEEDED_BY: "2026-12-01",
    }
    state = build_state(blocks, {}, values, workspace=workspace())
    assert state[BlockId.SERVICE][ActionId.SERVICE]["selected_option"]["value"] == "printers"
    assert state[BlockId.IMPACT][ActionId.IMPACT]["selected_option"]["value"] == "degraded"
    assert state[BlockId.DETAILS][ActionId.DETAILS]["value"] == "It is on fire.\nAgain."
    assert state[BlockId.NEEDED_BY][ActionId.NEEDED_BY]["selected_date"] == "2026-12-01"
    assert client_errors(blocks, state) == {}


def test_untouched_request_modal_leaves_required_fields_empty_for_the_simulator_to_refuse() -> None:
    blocks, form = drawn(request_modal(SERVICES, RequestPrefill()).to_dict())
    values = view_values(blocks, submitted(form, {}), tz=ZONE)
    assert values == {
        BlockId.SERVICE: None,
        BlockId.SUMMARY: "",
        BlockId.DETAILS: "",
        BlockId.NEEDED_BY: None,
    }  # no radio ticked: the browser sends nothing and the simulator keeps its initial None
    state = build_state(blocks, {}, values, workspace=workspace())
    assert set(client_errors(blocks, state)) == {BlockId.SERVICE, BlockId.SUMMARY, BlockId.IMPACT}


def test_assign_and_update_modals_round_trip_users_and_local_times() -> None:
    request = summary(assignee_id=None)
    blocks, form = drawn(assign_modal(request).to_dict())
    values = view_values(
        blocks, submitted(form, {"in:assignee:assignee_select": ["U0PAT"]}), tz=ZONE
    )
    state = build_state(blocks, {}, values, workspace=workspace())
    assert state[BlockId.ASSIGNEE][ActionId.ASSIGNEE]["selected_user"] == "U0PAT"

    blocks, form = drawn(update_modal(request).to_dict())
    fill = {
        "in:status:status_select": ["waiting_partner"],
        "in:next_update:next_update_datetime": ["2026-11-24T15:30"],
    }
    values = view_values(blocks, submitted(form, fill), tz=ZONE)
    expected = int(dt.datetime(2026, 11, 24, 15, 30, tzinfo=ZoneInfo(ZONE)).timestamp())
    assert values[BlockId.NEXT_UPDATE] == expected
    state = build_state(blocks, {}, values, workspace=workspace())
    assert state[BlockId.NEXT_UPDATE][ActionId.NEXT_UPDATE]["selected_date_time"] == expected
    assert state[BlockId.STATUS][ActionId.STATUS]["selected_option"]["value"] == "waiting_partner"
    # Drawn again from that state, the form shows what was chosen, in the same local time.
    _, again = drawn(update_modal(request).to_dict(), state)
    assert (
        again.named("in:next_update:next_update_datetime")[0].attrs["value"] == "2026-11-24T15:30"
    )


def _input(block_id: str, element: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": block_id},
        "element": {"action_id": "a", **element},
    }


def _options(*values: str) -> list[dict[str, Any]]:
    return [{"text": {"type": "plain_text", "text": v.upper()}, "value": v} for v in values]


KINDS = [
    _input("boxes", {"type": "checkboxes", "options": _options("x", "y", "z")}),
    _input("multi", {"type": "multi_static_select", "options": _options("p", "q")}),
    _input("people", {"type": "multi_users_select"}),
    _input("time", {"type": "timepicker"}),
    _input("number", {"type": "number_input", "is_decimal_allowed": True}),
    _input("mail", {"type": "email_text_input"}),
    {
        "type": "actions",
        "block_id": "acts",
        "elements": [
            {"type": "static_select", "action_id": "pick", "options": _options("m", "n")},
            {"type": "button", "action_id": "btn", "text": {"type": "plain_text", "text": "B"}},
        ],
    },
]


def test_every_kind_converts_to_what_the_simulator_accepts() -> None:
    blocks, form = drawn({"type": "modal", "blocks": KINDS, "submit": {"text": "Submit"}})
    fill = {
        "in:boxes:a": ["x", "z"],
        "in:multi:a": ["q"],
        "in:people:a": ["U0PAT", "U0TECH"],
        "in:time:a": ["09:05:00"],
        "in:number:a": ["2.5"],
        "in:mail:a": ["a@b.org"],
        "in:acts:pick": ["n"],
    }
    values = view_values(blocks, submitted(form, fill), tz=ZONE)
    assert values == {
        "boxes": ["x", "z"],
        "multi": ["q"],
        "people": ["U0PAT", "U0TECH"],
        "time": "09:05",
        "number": "2.5",
        "mail": "a@b.org",
        "acts": {"pick": "n"},
    }
    state = build_state(blocks, {}, values, workspace=workspace())
    assert [o["value"] for o in state["boxes"]["a"]["selected_options"]] == ["x", "z"]
    assert state["acts"]["pick"]["selected_option"]["value"] == "n"
    assert state["time"]["a"]["selected_time"] == "09:05"


def test_nothing_ticked_is_an_empty_list_only_when_the_group_was_on_the_page() -> None:
    blocks, form = drawn({"type": "modal", "blocks": KINDS, "submit": {"text": "Submit"}})
    fields = submitted(form, {"in:boxes:a": [], "in:multi:a": []})
    assert "in:boxes:a" not in fields  # a browser sends nothing for unticked boxes
    values = view_values(blocks, fields, tz=ZONE)
    assert values["boxes"] == [] and values["multi"] == []
    assert view_values(blocks, {}, tz=ZONE) == {}


def test_choices_that_do_not_exist_are_refused_by_the_simulator() -> None:
    blocks, form = drawn({"type": "modal", "blocks": KINDS, "submit": {"text": "Submit"}})
    values = view_values(blocks, submitted(form, {"in:boxes:a": ["nope"]}), tz=ZONE)
    with pytest.raises(SimulatorError, match="'nope' is not an option"):
        build_state(blocks, {}, values, workspace=workspace())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-07-01T09:00", dt.datetime(2026, 7, 1, 13, 0, tzinfo=dt.UTC)),  # summer: UTC-4
        ("2026-12-01T09:00:30", dt.datetime(2026, 12, 1, 14, 0, 30, tzinfo=dt.UTC)),  # UTC-5
    ],
)
def test_local_date_times_are_read_in_the_readers_zone(typed: str, expected: dt.datetime) -> None:
    blocks = [_input("when", {"type": "datetimepicker"})]
    values = view_values(blocks, {"in:when:a": [typed]}, tz=ZONE)
    assert values == {"when": int(expected.timestamp())}


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        ("datepicker", "tomorrow", "'tomorrow' is not a date"),
        ("timepicker", "25:00", "'25:00' is not a time"),
        ("datetimepicker", "2026-13-01T00:00", "is not a date and time"),
    ],
)
def test_malformed_dates_and_times_are_refused_clearly(kind: str, typed: str, message: str) -> None:
    blocks = [_input("when", {"type": kind})]
    with pytest.raises(ValueError, match=message):
        view_values(blocks, {"in:when:a": [typed]}, tz=ZONE)


def test_fields_for_other_views_are_ignored() -> None:
    blocks = [_input("when", {"type": "datepicker"})]
    assert view_values(blocks, {"in:other:a": ["2026-01-01"], "token": ["t"]}, tz=ZONE) == {}


@pytest.mark.parametrize(
    ("press", "expected"),
    [
        (["__submit__"], ("__submit__", None)),
        (["__close__"], ("__close__", None)),
        (['{"action_id": "outage_follow", "value": "7"}'], ("outage_follow", "7")),
        (['{"action_id": "service_select"}'], ("service_select", None)),
        ([], None),
        ([""], None),
    ],
)
def test_pressed_names_the_button(press: list[str], expected: object) -> None:
    assert pressed({"press": press} if press else {}) == expected


@pytest.mark.parametrize(
    "press",
    [
        "{not json",
        '["action_id"]',
        '{"value": "x"}',
        '{"action_id": 3}',
        '{"action_id": "a", "value": 1}',
    ],
)
def test_a_garbled_press_is_a_clear_error(press: str) -> None:
    with pytest.raises(ValueError, match="press field"):
        pressed({"press": [press]})


def test_the_pressed_button_of_a_drawn_modal_decodes() -> None:
    _, form = drawn({"type": "modal", "blocks": KINDS, "submit": {"text": "Submit"}})
    dispatch = next(b for b in form.buttons() if "data-dispatch" in b.attrs)
    assert pressed(form.post(dispatch)) == ("pick", None)
    assert pressed(form.post(form.button("Cancel"))) == ("__close__", None)
    assert pressed(form.post(form.button("B"))) == ("btn", None)
