"""Shared fixes as views: within Slack's limits, escaped, and the form's ids never change."""

from __future__ import annotations

import datetime as dt

from bot.catalogue import load_catalogue
from bot.domain.fixes import (
    FixOffer,
    SharedFixView,
    fix_choice_value,
    parse_fix_choice,
    parse_fix_id,
)
from bot.views.request_modal import RequestPrefill, decode_metadata, request_modal
from bot.views.shared_fixes import (
    decode_thanks_metadata,
    fix_closed_message,
    fix_refused_view,
    fix_taken_message,
    fix_thanks_view,
    fixes_form_blocks,
    fixes_offer_message,
    share_fix_input,
)
from bot.views.triage_modals import resolve_modal
from tests.conftest import EXAMPLE_CATALOGUE
from tests.unit.test_views import summary
from tests.unit.test_views_work import check_message, check_modal, mrkdwn_texts

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
HOSTILE = "<!channel> & <@U0BOSS> " + "x" * 5000


def fix(fix_id: int = 7, text: str = HOSTILE) -> SharedFixView:
    return SharedFixView(fix_id, "email", text, "U0SAM", NOW)


def input_ids(view: dict[str, object]) -> list[tuple[str, str]]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return [(b["block_id"], b["element"]["action_id"]) for b in blocks if b["type"] == "input"]


def test_the_form_with_three_long_fixes_stays_within_limits_and_keeps_its_input_ids() -> None:
    services = load_catalogue(EXAMPLE_CATALOGUE).services
    plain = request_modal(services, RequestPrefill()).to_dict()
    offer = FixOffer((fix(1), fix(2), fix(3)), looked=True)
    offered = check_modal(request_modal(services, RequestPrefill(summary="Mail"), (), offer))
    assert input_ids(offered) == input_ids(plain), "Slack keeps input only where ids stay"
    assert [b.get("block_id") for b in offered["blocks"]][3:8] == [
        "fixes_intro",
        "fix:1",
        "fix:2",
        "fix:3",
        "fixes_note",
    ], "right under the summary"
    assert decode_metadata(offered["private_metadata"]) == {"fx": "1,2,3"}
    texts = " ".join(mrkdwn_texts(offered["blocks"]))
    assert "<!channel>" not in texts and "&lt;!channel&gt;" in texts
    summary_block = next(b for b in offered["blocks"] if b.get("block_id") == "summary")
    assert summary_block["dispatch_action"] is True
    assert summary_block["element"]["dispatch_action_config"] == {
        "trigger_actions_on": ["on_enter_pressed"]
    }
    service = next(b for b in offered["blocks"] if b.get("block_id") == "service")
    assert service["dispatch_action"] is True


def test_no_match_says_so_and_nothing_to_look_for_shows_nothing() -> None:
    [note] = [b.to_dict() for b in fixes_form_blocks(FixOffer(looked=True))]
    assert "No shared fix matches" in str(note)
    assert fixes_form_blocks(FixOffer()) == []


def test_resolve_modal_offers_to_share_the_fix_as_an_optional_box() -> None:
    data = check_modal(resolve_modal(summary()))
    [box] = [b for b in data["blocks"] if b.get("block_id") == "share_fix"]
    assert box["optional"] is True and box["element"]["type"] == "checkboxes"
    assert "Share this fix with partners" in str(box)
    assert box == share_fix_input().to_dict()
    assert box["element"]["options"][0]["value"] == "share"


def test_thanks_view_closes_everything_and_leads_back_to_the_form() -> None:
    data = check_modal(fix_thanks_view(fix(), answer_id=12, command="/request"))
    assert data["clear_on_close"] is True and data["close"]["text"] == "Done"
    assert data["submit"]["text"] == "Back to my request"
    assert decode_thanks_metadata(data["private_metadata"]) == 12
    assert decode_thanks_metadata("{}") is None and decode_thanks_metadata("x") is None
    check_modal(fix_refused_view("That fix is no longer offered."))


def test_dm_messages_are_within_limits_and_escape_the_fix() -> None:
    request = summary()
    blocks, text = check_message(fixes_offer_message(request, [fix(1), fix(2), fix(3)]))
    values = [n["value"] for b in blocks if (n := b.get("accessory"))]
    assert values == ["42:1", "42:2", "42:3"]
    assert "<!channel>" not in str(blocks) and "<!channel>" not in text
    for built in (fix_taken_message(request, fix()), fix_closed_message(request)):
        blocks, _ = check_message(built)
        assert "<!channel>" not in str(blocks)


def test_button_values_read_back_and_refuse_anything_else() -> None:
    assert parse_fix_choice(fix_choice_value(42, 7)) == (42, 7)
    assert parse_fix_choice("42") is None and parse_fix_choice("a:1") is None
    assert parse_fix_id("7") == 7 and parse_fix_id("0") is None and parse_fix_id("-1") is None
