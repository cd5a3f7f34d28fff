"""Closing the loop: the partner confirms or reopens, answers a short poll; it reaches people."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from bot.domain.errors import InvalidTransition
from simulator.model import SimMessage
from storage import history
from tests.e2e.helpers import PAT, file_request, stored
from tests.e2e.test_triage import card, card_thread, partner_thread, refusals

pytestmark = pytest.mark.e2e
SAM, MORGAN, JORDAN = "U0SAM", "U0MORGAN", "U0JORDAN"
DAY = dt.timedelta(days=1)


async def resolved_request(liaison: LocalLiaison, user: str = PAT, **values: object) -> None:
    await file_request(liaison, user=user, **values)
    number = len(liaison.slack.messages(liaison.workspace.triage_channel))
    cards = liaison.slack.messages(liaison.workspace.triage_channel)
    message = cards[number - 1]
    await liaison.slack.click(SAM, channel=message.channel, ts=message.ts, action_id="req_claim")
    await liaison.settle()
    await liaison.slack.click(SAM, channel=message.channel, ts=message.ts, action_id="req_resolve")
    view = await liaison.slack.wait_for_view(SAM)
    await liaison.slack.submit_view(SAM, {"resolution": "Replaced the switch"}, view_id=view.id)
    await liaison.settle()


def in_thread(liaison: LocalLiaison, action_id: str, user: str = PAT) -> SimMessage:
    found = [
        m
        for m in partner_thread(liaison, user)
        if any(a == action_id or a.startswith(action_id + ":") for a in m.action_ids())
    ]
    assert found, [m.rendered for m in partner_thread(liaison, user)]
    return found[-1]


async def click(
    liaison: LocalLiaison, user: str, message: SimMessage, action_id: str, value: str | None = None
) -> None:
    await liaison.slack.click(
        user, channel=message.channel, ts=message.ts, action_id=action_id, value=value
    )
    await liaison.settle()


async def kinds(liaison: LocalLiaison, number: int = 1) -> list[str]:
    row = await stored(liaison, number)
    assert row is not None
    async with liaison.runtime.database.reading() as session:
        return [e.kind for e in await history.timeline(session, request_id=row.id)]


def poll_id(message: SimMessage) -> str:
    rate = next(
        b
        for b in message.blocks
        if b["type"] == "actions" and b["elements"][0]["action_id"].startswith("poll_rate")
    )
    return str(rate["elements"][0]["value"]).split(":")[0]


async def test_partner_confirms_the_fix_and_gets_the_poll_with_the_facts(
    liaison: LocalLiaison,
) -> None:
    await resolved_request(liaison)
    resolution = in_thread(liaison, "req_confirm_fixed")
    assert (
        "Replaced the switch" in resolution.rendered
        and "req_still_broken" in resolution.action_ids()
    )
    await click(liaison, PAT, resolution, "req_confirm_fixed")

    row = await stored(liaison, 1)
    assert row is not None and row.status == "closed" and row.closed_at == liaison.clock.now()
    poll = in_thread(liaison, "poll_rate")
    text = poll.rendered
    assert "Opened" in text and "within target" in text and "Updates you received: 2" in text
    assert "Optional" in text
    assert "Closed" in card(liaison).rendered or "CLOSED" in card(liaison).rendered
    assert {"confirm", "poll_sent"} <= set(await kinds(liaison))


async def test_still_broken_reopens_with_the_reason_and_resumes_the_clock(
    liaison: LocalLiaison,
) -> None:
    await resolved_request(liaison)
    due_before = (await stored(liaison, 1)).resolution_due  # type: ignore[union-attr]
    await liaison.advance(dt.timedelta(hours=2))
    await click(liaison, PAT, in_thread(liaison, "req_still_broken"), "req_still_broken")
    await liaison.slack.wait_for_view(PAT)
    result = await liaison.slack.submit_view(
        PAT, {"reopen_reason": "Still no dial tone in room 12"}
    )
    assert result.closed
    await liaison.settle()
    row = await stored(liaison, 1)
    assert row is not None and row.status == "in_progress" and row.assignee_id == SAM
    assert row.resolution_due == due_before + dt.timedelta(hours=2)
    note = [m for m in card_thread(liaison) if "Reopened" in m.rendered]
    assert note and "Still no dial tone" in note[-1].rendered and "<@U0SAM>" in str(note[-1].blocks)
    assert "reopen" in await kinds(liaison)


async def test_silence_closes_after_three_business_days_and_can_be_reopened_for_a_week(
    liaison: LocalLiaison,
) -> None:
    await resolved_request(liaison)  # Monday 09:00 in New York
    # Three business days: Tuesday, Wednesday, then Friday (Thursday is Thanksgiving).
    await liaison.advance(dt.timedelta(days=3, hours=23))
    assert (await stored(liaison, 1)).status == "resolved"  # type: ignore[union-attr]
    await liaison.advance(dt.timedelta(hours=2))
    row = await stored(liaison, 1)
    assert row is not None and row.status == "closed"
    closed = in_thread(liaison, "req_reopen")
    assert "closed" in closed.rendered.lower()
    assert "auto_close" in await kinds(liaison)

    await liaison.advance(8 * DAY)
    await click(liaison, PAT, closed, "req_reopen")
    assert any("can no longer be reopened" in t for t in refusals(liaison, PAT))
    assert (await stored(liaison, 1)).status == "closed"  # type: ignore[union-attr]


async def test_poll_answers_are_recorded_changed_shown_and_expire(liaison: LocalLiaison) -> None:
    await resolved_request(liaison)
    await click(liaison, PAT, in_thread(liaison, "req_confirm_fixed"), "req_confirm_fixed")
    poll = in_thread(liaison, "poll_rate")
    pid = poll_id(poll)
    await click(liaison, PAT, poll, "poll_rate:4", f"{pid}:4")
    await click(liaison, PAT, poll, "poll_rate:4", f"{pid}:4")  # the same answer twice: once
    await click(liaison, PAT, poll, "poll_informed:yes", f"{pid}:yes")
    await click(liaison, PAT, poll, "poll_rate:5", f"{pid}:5")
    assert (await kinds(liaison)).count("poll_answer") == 3
    [feedback] = [m for m in card_thread(liaison) if "of 5" in m.rendered]
    assert "5 of 5" in feedback.rendered and "Kept informed: *Yes*" in feedback.rendered
    assert "✓" in liaison.slack.message(poll.channel, poll.ts).rendered  # type: ignore[union-attr]

    await liaison.advance(8 * DAY)
    expired = liaison.slack.message(poll.channel, poll.ts)
    assert expired is not None and "closed on" in expired.rendered and expired.action_ids() == []
    with pytest.raises(InvalidTransition, match="This poll closed"):  # a click from a stale client
        await liaison.runtime.polls.answer(int(pid), user=PAT, rating=1)


async def test_someone_else_cannot_answer_a_partners_poll(liaison: LocalLiaison) -> None:
    await resolved_request(liaison)
    await click(liaison, PAT, in_thread(liaison, "req_confirm_fixed"), "req_confirm_fixed")
    poll = in_thread(liaison, "poll_rate")
    await click(liaison, JORDAN, poll, "poll_rate:1", f"{poll_id(poll)}:1")
    assert any("someone else" in t for t in refusals(liaison, JORDAN))
    assert "poll_answer" not in await kinds(liaison)
    assert liaison.slack.messages(liaison.workspace.supervisor_channel) == []


async def test_a_low_score_reaches_a_supervisor_who_follows_up(liaison: LocalLiaison) -> None:
    await resolved_request(liaison)
    await click(liaison, PAT, in_thread(liaison, "req_confirm_fixed"), "req_confirm_fixed")
    poll = in_thread(liaison, "poll_rate")
    await click(liaison, PAT, poll, "poll_rate:1", f"{poll_id(poll)}:1")
    [alert] = liaison.slack.messages(liaison.workspace.supervisor_channel)
    assert "REQ-1" in alert.rendered and "apolog" in alert.rendered.lower()
    assert "follow_up_take" in alert.action_ids()

    await click(liaison, SAM, alert, "follow_up_take")
    assert any("supervisors" in t for t in refusals(liaison, SAM))
    await click(liaison, MORGAN, alert, "follow_up_take")
    alert = liaison.slack.message(alert.channel, alert.ts)  # type: ignore[assignment]
    assert alert is not None and "follow_up_write" in alert.action_ids()
    await click(liaison, MORGAN, alert, "follow_up_write")
    await liaison.slack.wait_for_view(MORGAN)
    await liaison.slack.submit_view(
        MORGAN, {"follow_up_message": "I am sorry; I will call you at 1000."}
    )
    await liaison.settle()
    assert "call you at 1000" in partner_thread(liaison)[-1].rendered
    await liaison.advance(4 * DAY)
    assert "follow_up_overdue" in await kinds(liaison)
    await click(liaison, MORGAN, alert, "follow_up_done")
    assert "follow_up_done" in await kinds(liaison)
    assert await liaison.runtime.follow_ups.open_follow_ups() == []


async def test_kudos_for_a_high_score_with_a_comment(liaison: LocalLiaison) -> None:
    await resolved_request(liaison)
    await click(liaison, PAT, in_thread(liaison, "req_confirm_fixed"), "req_confirm_fixed")
    poll = in_thread(liaison, "poll_rate")
    await click(liaison, PAT, poll, "poll_rate:5", f"{poll_id(poll)}:5")
    await click(liaison, PAT, poll, "poll_comment_open", poll_id(poll))
    await liaison.slack.wait_for_view(PAT)
    await liaison.slack.submit_view(PAT, {"poll_comment": "Sam was quick & kind <!channel>"})
    await liaison.settle()
    kudos = [
        m for m in liaison.slack.messages(liaison.workspace.triage_channel) if "Kudos" in m.rendered
    ]
    assert len(kudos) == 1 and "<@U0SAM>" in str(kudos[0].blocks)
    assert "<!channel>" not in kudos[0].text
    now = liaison.clock.now()
    stats = await liaison.runtime.polls.stats(since=now - DAY, until=now + DAY)
    assert (stats.sent, stats.answered, stats.skipped) == (1, 1, 0)
    assert stats.ratings == {5: 1} and stats.average_rating == 5.0


async def test_cooldown_and_opt_out_skip_polls_and_say_why(liaison: LocalLiaison) -> None:
    await resolved_request(liaison, summary="First")
    await click(liaison, PAT, in_thread(liaison, "req_confirm_fixed"), "req_confirm_fixed")
    poll = in_thread(liaison, "poll_rate")
    await click(liaison, PAT, poll, "poll_opt_out", poll_id(poll))
    await liaison.advance(8 * DAY)
    await resolved_request(liaison, summary="Second")
    second = list(liaison.slack.dm_messages(PAT))[-1]
    resolution = [
        m
        for m in liaison.slack.thread(second.channel, second.ts)
        if "req_confirm_fixed" in m.action_ids()
    ][-1]
    await click(liaison, PAT, resolution, "req_confirm_fixed")
    assert "poll_skipped" in await kinds(liaison, 2)


@pytest.fixture
async def trusting(sqlite_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    local = LocalLiaison(
        database_url=sqlite_url,
        clock=clock,
        overrides={"trust_statement": True, "poll_cooldown_days": 7},
    )
    await local.start()
    yield local
    await local.stop()


async def test_the_a11_items_are_asked_in_ombs_words_when_switched_on(
    trusting: LocalLiaison,
) -> None:
    await resolved_request(trusting)
    await click(trusting, PAT, in_thread(trusting, "req_confirm_fixed"), "req_confirm_fixed")
    poll = in_thread(trusting, "poll_trust")
    service = "Network (NIPR/SIPR connectivity)"
    assert f"I am satisfied with the service I received from {service}." in poll.rendered
    assert f"This interaction increased my confidence in {service}." in poll.rendered
    assert "How well was it resolved" not in poll.rendered
    questions = {
        a.split(":")[0]
        for a in poll.action_ids()
        if a.startswith(("poll_rate", "poll_inf", "poll_trust"))
    }
    assert questions == {"poll_rate", "poll_informed", "poll_trust"}, "three questions at most"
    assert len([a for a in poll.action_ids() if a.startswith("poll_rate")]) == 5
    assert "Strongly agree" in poll.rendered
    await resolved_request(trusting, summary="Another, same week")
    messages = trusting.slack.dm_messages(PAT)
    resolution = [
        m
        for m in trusting.slack.thread(messages[-1].channel, messages[-1].ts)
        if "req_confirm_fixed" in m.action_ids()
    ][-1]
    await click(trusting, PAT, resolution, "req_confirm_fixed")
    assert "poll_skipped" in await kinds(trusting, 2)  # at most one poll a week
