"""Closing and poll views: valid Block Kit within limits, typed text escaped, no apologies."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.model import Impact, Priority, RequestStatus, Urgency
from bot.domain.poll import (
    FollowUpView,
    KeptInformed,
    PollView,
    RequestFacts,
    a11_items,
    poll_state,
)
from bot.domain.summary import RequestSummary, TimelineEntry
from bot.views.closing import (
    auto_closed_message,
    confirmed_message,
    reopen_modal,
    reopened_card_note,
    reopened_message,
    resolution_with_confirmation,
)
from bot.views.ids import ClosingActionId, ClosingBlockId, ClosingCallbackId
from bot.views.polls import (
    comment_modal,
    decode_follow_up_metadata,
    decode_poll_metadata,
    encode_follow_up_metadata,
    encode_poll_metadata,
    feedback_in_card_thread,
    follow_up_modal,
    follow_up_to_partner,
    kudos_message,
    low_score_alert,
    poll_message,
    poll_thanks,
)
from bot.views.triage_modals import decode_request_metadata
from tests.unit.test_views_work import (
    HOSTILE,
    HOSTILE_EVENT,
    assert_escaped,
    check_message,
    check_modal,
    mrkdwn_texts,
    rendered,
    walk,
)

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
LONG = HOSTILE + " &" * 1400  # escaping makes this far longer than a section may be
A = ClosingActionId

REQUEST = RequestSummary(
    id=1,
    number=42,
    partner_id="U0PAT",
    service_id="network",
    service_name="Network <b>& co</b>",
    summary=HOSTILE,
    details=HOSTILE,
    impact=Impact.DEGRADED,
    urgency=Urgency.MEDIUM,
    priority=Priority.P3,
    status=RequestStatus.CLOSED,
    assignee_id="U0TECH",
    needed_by=None,
    opened_at=NOW - dt.timedelta(days=2),
    first_response_due=NOW - dt.timedelta(days=2) + dt.timedelta(minutes=30),
    resolution_due=NOW,
    next_update_due=NOW + dt.timedelta(hours=4),
    card_channel="C0TRIAGE",
    card_ts="1700000000.000100",
    partner_channel="D0PAT",
    partner_ts="1700000000.000200",
    source_link=None,
)
UNASSIGNED = dataclasses.replace(REQUEST, assignee_id=None, next_update_due=None)
FACTS = RequestFacts(
    request=REQUEST,
    first_response_at=NOW - dt.timedelta(days=2) + dt.timedelta(minutes=10),
    first_response_met=True,
    resolved_at=NOW - dt.timedelta(hours=1),
    resolution_met=False,
    updates_received=3,
    promises_lapsed=1,
    reopened=2,
)
BARE_FACTS = dataclasses.replace(
    FACTS,
    first_response_at=None,
    first_response_met=None,
    resolution_met=None,
    promises_lapsed=0,
    reopened=0,
)
POLL = PollView(
    id=7,
    facts=FACTS,
    rating=2,
    informed=KeptInformed.NO,
    trust=1,
    comment=HOSTILE,
    expires_at=NOW + dt.timedelta(days=7),
    closed=False,
    trust_statement="I trust <!channel> & the service > most",
)
FRESH = dataclasses.replace(
    POLL, rating=None, informed=None, trust=None, comment="", trust_statement=""
)
CLOSED = dataclasses.replace(POLL, closed=True)
CLOSED_EMPTY = dataclasses.replace(FRESH, closed=True)
KUDOS = dataclasses.replace(POLL, rating=5, informed=KeptInformed.YES, comment=LONG)
FOLLOW_UP = FollowUpView(
    id=9, poll=POLL, owner_id=None, due_at=NOW + dt.timedelta(days=2), done_at=None
)
TAKEN = dataclasses.replace(FOLLOW_UP, owner_id="U0SUP")
REOPENED_FOLLOW_UP = dataclasses.replace(
    FOLLOW_UP,
    poll=dataclasses.replace(
        POLL,
        facts=dataclasses.replace(
            FACTS, request=dataclasses.replace(FACTS.request, status=RequestStatus.IN_PROGRESS)
        ),
    ),
)
DONE = dataclasses.replace(TAKEN, done_at=NOW + dt.timedelta(days=1))


def timeline(count: int, *, visible: bool = True) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=NOW - dt.timedelta(hours=count - i),
            kind="partner_message" if i % 2 else "update",
            actor_id="U0PAT" if i % 2 else "U0TECH",
            partner_visible=visible,
            text=f"entry {i} " + (HOSTILE_EVENT if i % 2 else HOSTILE) + " &" * 300,
            data={},
        )
        for i in range(count)
    ]


MESSAGES: dict[str, Callable[[], tuple[list[Block], str]]] = {
    "resolution": lambda: resolution_with_confirmation(REQUEST, LONG, auto_close_at=NOW),
    "resolution-unassigned": lambda: resolution_with_confirmation(
        UNASSIGNED, "", auto_close_at=NOW
    ),
    "resolution-with-outage": lambda: resolution_with_confirmation(
        REQUEST, LONG, auto_close_at=NOW, with_outage="OUT-3"
    ),
    "confirmed": lambda: confirmed_message(REQUEST),
    "auto-closed": lambda: auto_closed_message(REQUEST, reopen_until=NOW),
    "reopened": lambda: reopened_message(REQUEST),
    "reopened-unassigned": lambda: reopened_message(UNASSIGNED),
    "card-note": lambda: reopened_card_note(REQUEST, LONG),
    "card-note-unassigned": lambda: reopened_card_note(UNASSIGNED, HOSTILE),
    "poll": lambda: poll_message(POLL),
    "poll-long-comment": lambda: poll_message(dataclasses.replace(POLL, comment=LONG)),
    "poll-fresh": lambda: poll_message(FRESH),
    "poll-bare-facts": lambda: poll_message(dataclasses.replace(FRESH, facts=BARE_FACTS)),
    "poll-closed": lambda: poll_message(CLOSED),
    "poll-closed-empty": lambda: poll_message(CLOSED_EMPTY),
    "feedback": lambda: feedback_in_card_thread(POLL),
    "feedback-empty": lambda: feedback_in_card_thread(FRESH),
    "kudos": lambda: kudos_message(KUDOS),
    "kudos-unassigned": lambda: kudos_message(
        dataclasses.replace(KUDOS, facts=dataclasses.replace(FACTS, request=UNASSIGNED))
    ),
    "alert": lambda: low_score_alert(FOLLOW_UP, timeline(15)),
    "alert-no-timeline": lambda: low_score_alert(dataclasses.replace(FOLLOW_UP, poll=FRESH), []),
    "alert-reopened": lambda: low_score_alert(REOPENED_FOLLOW_UP, timeline(2)),
    "follow-up-taken": lambda: low_score_alert(TAKEN, []),
    "follow-up-done": lambda: low_score_alert(DONE, []),
    "to-partner": lambda: follow_up_to_partner(REQUEST, "U0SUP", LONG),
}
MODALS: dict[str, Callable[[], View]] = {
    "reopen": lambda: reopen_modal(42, HOSTILE * 20),
    "comment": lambda: comment_modal(7, LONG),
    "comment-empty": lambda: comment_modal(7, ""),
    "follow-up": lambda: follow_up_modal(9, REQUEST),
}


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [n for n in walk(blocks) if n.get("type") == "button"]


def by_action(blocks: list[dict[str, Any]], action: ClosingActionId) -> list[dict[str, Any]]:
    return [b for b in buttons(blocks) if b["action_id"].split(":")[0] == action]


def out(built: tuple[list[Block], str]) -> str:
    blocks, text = check_message(built)
    return rendered(blocks, text)


@pytest.mark.parametrize("name", MESSAGES)
def test_messages_are_valid_within_limits_and_escape_typed_text(name: str) -> None:
    blocks, text = check_message(MESSAGES[name]())
    for block in blocks:
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
    for mrkdwn in [*mrkdwn_texts(blocks), text]:
        assert_escaped(mrkdwn)


@pytest.mark.parametrize("name", MODALS)
def test_modals_are_valid_and_escape_typed_text(name: str) -> None:
    data = check_modal(MODALS[name]())
    assert data["submit"]["text"] and data["close"]["text"]
    for mrkdwn in mrkdwn_texts(data["blocks"]):
        assert_escaped(mrkdwn)


def test_resolution_asks_fixed_or_broken_and_says_when_it_closes_by_itself() -> None:
    blocks, text = check_message(
        resolution_with_confirmation(REQUEST, "Swapped the switch", auto_close_at=NOW)
    )
    confirm, broken = by_action(blocks, A.CONFIRM_FIXED), by_action(blocks, A.STILL_BROKEN)
    assert confirm[0]["value"] == broken[0]["value"] == "42"
    assert confirm[0]["text"]["text"] == "Yes, it's fixed" and confirm[0]["style"] == "primary"
    assert broken[0]["text"]["text"] == "No, still broken" and "style" not in broken[0]
    whole = rendered(blocks, text)
    assert "<@U0TECH>" in whole and "> Swapped the switch" in whole
    assert f"<!date^{int(NOW.timestamp())}^" in whole and "closes by itself" in whole


def test_resolved_with_an_outage_points_to_its_message_and_still_asks() -> None:
    blocks, text = check_message(
        resolution_with_confirmation(
            REQUEST, "Swapped the switch", auto_close_at=NOW, with_outage="OUT-3"
        )
    )
    whole = rendered(blocks, text)
    assert "together with OUT-3" in whole and "our message about OUT-3" in whole
    assert "Swapped the switch" not in whole, "the outage's message said it"
    assert by_action(blocks, A.CONFIRM_FIXED) and by_action(blocks, A.STILL_BROKEN)


def test_unassigned_resolution_names_nobody() -> None:
    whole = out(resolution_with_confirmation(UNASSIGNED, "", auto_close_at=NOW))
    assert "<@" not in whole and "What was fixed" not in whole


def test_auto_closed_offers_reopen_until_a_date_and_confirmed_has_no_buttons() -> None:
    blocks, text = check_message(auto_closed_message(REQUEST, reopen_until=NOW))
    assert [b["value"] for b in by_action(blocks, A.REOPEN)] == ["42"]
    assert "until <!date^" in rendered(blocks, text)
    assert not buttons(check_message(confirmed_message(REQUEST))[0])


def test_reopened_message_says_who_has_it_and_when_the_partner_hears_next() -> None:
    whole = out(reopened_message(REQUEST))
    assert "back with the technicians" in whole and "<@U0TECH> has it" in whole
    assert f"<!date^{int((NOW + dt.timedelta(hours=4)).timestamp())}^" in whole
    assert "waiting for a technician" in out(reopened_message(UNASSIGNED))


def test_reopened_card_note_quotes_the_reason_and_mentions_the_assignee() -> None:
    whole = out(reopened_card_note(REQUEST, "Still no dial tone"))
    assert "🔁" in whole and "Reopened by the partner" in whole
    assert "> Still no dial tone" in whole and "<@U0TECH>" in whole
    assert "<!here>" not in out(reopened_card_note(UNASSIGNED, "x"))


def test_reopen_modal_carries_the_number_and_requires_a_reason() -> None:
    data = check_modal(reopen_modal(42, "Printer"))
    assert data["callback_id"] == ClosingCallbackId.REOPEN
    assert decode_request_metadata(data["private_metadata"]) == 42
    (field,) = [b for b in data["blocks"] if b["type"] == "input"]
    assert field["block_id"] == ClosingBlockId.REASON and not field.get("optional", False)
    assert field["element"]["action_id"] == A.REASON and field["element"]["multiline"]
    assert "The technicians will see this" in field["label"]["text"]


def test_poll_shows_the_facts_above_the_questions() -> None:
    whole = out(poll_message(FRESH))
    facts = ["Opened", "First response", "within target", "later than the target"]
    for fact in [*facts, "Updates you received: 3", "came late: 1", "Reopened: 2 times"]:
        assert fact in whole
        assert whole.index(fact) < whole.index("How well was it resolved?")
    assert whole.index("How well") < whole.index("kept informed") < whole.index("Add a comment")
    assert "Optional: answering the first question alone is enough." in whole
    assert "You can change your answers until" in whole


def test_poll_leaves_out_facts_that_did_not_happen() -> None:
    whole = out(poll_message(dataclasses.replace(FRESH, facts=BARE_FACTS)))
    assert "First response: not recorded" in whole
    assert "came late" not in whole and "Reopened" not in whole and "target" not in whole


def test_poll_buttons_carry_the_poll_id_and_answer() -> None:
    blocks, _ = check_message(poll_message(FRESH))
    assert [b["value"] for b in by_action(blocks, A.RATE)] == [f"7:{n}" for n in range(1, 6)]
    assert [b["value"] for b in by_action(blocks, A.INFORMED)] == ["7:yes", "7:partly", "7:no"]
    assert [b["text"]["text"] for b in by_action(blocks, A.INFORMED)] == ["Yes", "Partly", "No"]
    assert [b["value"] for b in by_action(blocks, A.COMMENT)] == ["7"]
    assert [b["value"] for b in by_action(blocks, A.OPT_OUT)] == ["7"]
    assert by_action(blocks, A.OPT_OUT)[0]["text"]["text"] == "Don't send me these"
    assert not [b for b in buttons(blocks) if b.get("style")]


def test_the_chosen_rating_is_marked() -> None:
    blocks, _ = check_message(poll_message(dataclasses.replace(POLL, rating=4)))
    chosen = [b for b in by_action(blocks, A.RATE) if b.get("style") == "primary"]
    assert [b["value"] for b in chosen] == ["7:4"]
    assert chosen[0]["text"]["text"].startswith("✓ ")
    others = [b for b in by_action(blocks, A.RATE) if b["value"] != "7:4"]
    assert not any(b["text"]["text"].startswith("✓") for b in others)
    informed = [b for b in by_action(blocks, A.INFORMED) if b.get("style") == "primary"]
    assert [b["value"] for b in informed] == ["7:no"]


def test_the_trust_statement_appears_only_when_set() -> None:
    blocks, text = check_message(poll_message(POLL))
    assert [b["value"] for b in by_action(blocks, A.TRUST)] == [f"7:{n}" for n in range(1, 6)]
    labels = [b["text"]["text"] for b in by_action(blocks, A.TRUST)]
    assert "Strongly disagree" in labels[0] and "Strongly agree" in labels[4]
    assert "I trust &lt;!channel&gt; &amp; the service &gt; most" in rendered(blocks, text)
    blocks, text = check_message(poll_message(FRESH))
    assert not by_action(blocks, A.TRUST) and "I trust" not in rendered(blocks, text)


def test_an_existing_comment_is_shown_and_can_be_changed() -> None:
    blocks, text = check_message(poll_message(POLL))
    assert [b["text"]["text"] for b in by_action(blocks, A.COMMENT)] == ["Change comment"]
    assert "> Ping &lt;!channel&gt; &amp; &lt;@U0X&gt;" in rendered(blocks, text)


@pytest.mark.parametrize("poll", [CLOSED, CLOSED_EMPTY])
def test_a_closed_poll_has_no_buttons_and_says_when_it_closed(poll: PollView) -> None:
    blocks, text = check_message(poll_message(poll))
    assert not buttons(blocks) and not [b for b in blocks if b["type"] == "actions"]
    assert "This poll closed on <!date^" in rendered(blocks, text)


def test_a_closed_poll_shows_the_answers_given_or_none() -> None:
    whole = out(poll_message(CLOSED))
    assert "2 of 5" in whole and "Kept informed: *No*" in whole and "Strongly disagree" in whole
    assert "No answer was given." in out(poll_message(CLOSED_EMPTY))


def test_poll_thanks_says_until_when_answers_can_change() -> None:
    thanks = poll_thanks(POLL)
    assert thanks.startswith("Thanks — recorded.") and "<!date^" in thanks
    assert "\n" not in thanks
    assert "closed" in poll_thanks(CLOSED)


def test_comment_modal_starts_from_the_current_comment() -> None:
    data = check_modal(comment_modal(7, "Slow at first"))
    assert data["callback_id"] == ClosingCallbackId.COMMENT
    assert decode_poll_metadata(data["private_metadata"]) == 7
    (field,) = data["blocks"]
    assert field["block_id"] == ClosingBlockId.COMMENT and not field.get("optional", False)
    element = field["element"]
    assert element["action_id"] == A.COMMENT_INPUT and element["max_length"] == 3000
    assert element["initial_value"] == "Slow at first"
    assert "initial_value" not in check_modal(comment_modal(7, ""))["blocks"][0]["element"]


def test_follow_up_modal_carries_the_follow_up_and_requires_a_message() -> None:
    data = check_modal(follow_up_modal(9, REQUEST))
    assert data["callback_id"] == ClosingCallbackId.FOLLOW_UP
    assert decode_follow_up_metadata(data["private_metadata"]) == 9
    (field,) = [b for b in data["blocks"] if b["type"] == "input"]
    assert field["block_id"] == ClosingBlockId.MESSAGE and not field.get("optional", False)
    assert field["element"]["action_id"] == A.MESSAGE and field["element"]["multiline"]
    assert "sent as from you" in field["label"]["text"]


def test_metadata_round_trips_and_is_versioned() -> None:
    assert encode_poll_metadata(7) == '{"v":1,"poll":7}'
    assert encode_follow_up_metadata(9) == '{"v":1,"fu":9}'
    assert decode_poll_metadata(encode_poll_metadata(7)) == 7
    assert decode_follow_up_metadata(encode_follow_up_metadata(9)) == 9


@pytest.mark.parametrize(
    "raw",
    [None, "", "junk", "[]", '{"v":2,"poll":7,"fu":7}', '{"v":1,"poll":true,"fu":true}',
     '{"v":1,"poll":-1,"fu":0}', '{"v":1,"poll":"7","fu":"7"}', '{"v":1,"n":7}'],
)  # fmt: skip
def test_broken_metadata_reads_as_none(raw: str | None) -> None:
    assert decode_poll_metadata(raw) is None
    assert decode_follow_up_metadata(raw) is None


def test_feedback_in_card_thread_shows_the_answers_and_comment() -> None:
    whole = out(feedback_in_card_thread(POLL))
    assert "<@U0PAT>" in whole and "2 of 5" in whole and "Kept informed: *No*" in whole
    assert "> Ping &lt;!channel&gt;" in whole
    assert "No answer yet." in out(feedback_in_card_thread(FRESH))


def test_kudos_names_the_assignee_and_quotes_the_comment() -> None:
    blocks, text = check_message(kudos_message(dataclasses.replace(KUDOS, comment="Quick & kind")))
    whole = rendered(blocks, text)
    assert "🎉 Kudos for <@U0TECH> on *REQ-42*" in whole and "5 of 5" in whole
    assert "> Quick &amp; kind" in whole and "Kudos for <@U0TECH> on REQ-42" in text


def test_low_score_alert_says_no_apology_was_sent_and_offers_the_follow_up() -> None:
    blocks, text = check_message(low_score_alert(FOLLOW_UP, timeline(3)))
    whole = rendered(blocks, text)
    assert "No automated apology has been sent" in whole and "No automated apology" in text
    assert "A person should follow up" in whole
    (take,) = by_action(blocks, A.TAKE_FOLLOW_UP)
    assert take["value"] == "9" and take["text"]["text"] == "Take this follow-up"
    for part in ["REQ-42", "Network &lt;b&gt;&amp; co&lt;/b&gt;", "P3", "<@U0PAT>", "<@U0TECH>"]:
        assert part in whole
    assert "rated 2 of 5" in whole and "not kept informed" in whole
    assert "later than the target" in whole and "> Ping &lt;!channel&gt;" in whole


def test_low_score_alert_shows_the_last_ten_partner_visible_entries() -> None:
    entries = [*timeline(15), *timeline(2, visible=False)]
    entries[-1] = dataclasses.replace(entries[-1], text="INTERNAL-ONLY note")
    whole = out(low_score_alert(FOLLOW_UP, entries))
    assert "entry 14" in whole and "entry 5 " in whole and "entry 4 " not in whole
    assert "INTERNAL-ONLY" not in whole and "last 10 of 15" in whole
    assert "@mallory" in whole  # a partner message is decoded, so its mention cannot ping


def test_follow_up_status_moves_from_take_to_write_and_done() -> None:
    blocks, _ = check_message(low_score_alert(FOLLOW_UP, []))
    assert [b["value"] for b in by_action(blocks, A.TAKE_FOLLOW_UP)] == ["9"]
    blocks, text = check_message(low_score_alert(TAKEN, []))
    assert [b["value"] for b in by_action(blocks, A.WRITE_FOLLOW_UP)] == ["9"]
    assert [b["value"] for b in by_action(blocks, A.FINISH_FOLLOW_UP)] == ["9"]
    assert not by_action(blocks, A.TAKE_FOLLOW_UP)
    labels = {b["text"]["text"] for b in buttons(blocks)}
    assert labels == {"Write to the partner…", "Mark done"}
    assert "<@U0SUP>" in rendered(blocks, text) and "due by <!date^" in rendered(blocks, text)
    blocks, text = check_message(low_score_alert(DONE, []))
    assert not buttons(blocks) and "Done by <@U0SUP> on <!date^" in rendered(blocks, text)


def test_low_score_alert_says_the_request_was_reopened_and_carries_it_in_its_text() -> None:
    blocks, text = check_message(low_score_alert(REOPENED_FOLLOW_UP, []))
    assert "*Reopened*: the partner reopened REQ-42" in rendered(blocks, text)
    assert "Reopened: the partner reopened REQ-42" in text and "in progress now" in text
    assert "Kept informed: No" in text and "Ping &lt;!channel&gt;" in text
    _, closed_text = check_message(low_score_alert(FOLLOW_UP, []))
    assert "reopened" not in closed_text


def test_follow_up_to_partner_is_plainly_from_the_supervisor() -> None:
    blocks, text = check_message(follow_up_to_partner(REQUEST, "U0SUP", "Sorry & thanks"))
    whole = rendered(blocks, text)
    assert "<@U0SUP> (supervisor) writes about *REQ-42*:" in whole
    assert "> Sorry &amp; thanks" in whole and text.startswith("<@U0SUP> (supervisor)")


def test_the_a11_items_are_ombs_words_on_the_agreement_scale_and_three_questions_at_most() -> None:
    satisfaction, trust = a11_items("Email & <calendaring>")
    assert satisfaction == "I am satisfied with the service I received from Email & <calendaring>."
    assert trust == "This interaction increased my confidence in Email & <calendaring>."
    a11 = dataclasses.replace(FRESH, satisfaction_statement=satisfaction, trust_statement=trust)
    blocks, text = check_message(poll_message(a11))
    shown = rendered(blocks, text)
    assert "received from Email &amp; &lt;calendaring&gt;." in shown
    assert "How well was it resolved" not in shown
    rate = [b["text"]["text"] for b in by_action(blocks, A.RATE)]
    assert rate[0] == "1 · Strongly disagree" and rate[4] == "5 · Strongly agree"
    questions = {b["action_id"].split(":")[0] for b in buttons(blocks)} - {A.COMMENT, A.OPT_OUT}
    assert questions == {A.RATE, A.INFORMED, A.TRUST}
    answered = dataclasses.replace(a11, rating=4, closed=True)
    blocks, text = check_message(poll_message(answered))
    assert "received from Email &amp; &lt;calendaring&gt;.”: *4 of 5* (Agree)" in rendered(
        blocks, text
    )


@pytest.mark.parametrize(
    ("status", "answered", "state"),
    [
        ("open", False, "open"),
        ("open", True, "answered"),
        ("closed", True, "answered"),
        ("closed", False, "expired"),
        ("skipped", False, "skipped"),
        (None, False, None),
    ],
)
def test_a_report_says_what_became_of_a_poll(
    status: str | None, answered: bool, state: str | None
) -> None:
    assert poll_state(status, answered=answered) == state
