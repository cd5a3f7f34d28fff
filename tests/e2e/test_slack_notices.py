"""Slack's notices, system messages and redeliveries, over HTTP and over Socket Mode alike."""

from __future__ import annotations

import datetime as dt
import logging

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from tests.e2e.helpers import PAT, file_request, outbox_depth

pytestmark = pytest.mark.e2e
OFFER = "file_from_dm"


def offers(liaison: LocalLiaison) -> int:
    return sum(OFFER in m.action_ids() for m in liaison.slack.dm_messages(PAT))


def home_publishes(liaison: LocalLiaison) -> list[dict[str, object]]:
    return [c.args for c in liaison.slack.calls_to("views.publish") if c.ok]


async def test_app_rate_limited_is_answered_200_logged_and_counted(
    either: LocalLiaison, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        answer = await either.slack.rate_limit_events(minute_rate_limited=1518467820)
    assert answer.ok and answer.status == 200
    assert any("dropping events" in r.getMessage() for r in caplog.records)
    scrape = await either.runtime.metrics.render(scheduler_lag=0.0)
    assert b"liaison_slack_events_rate_limited_total 1.0" in scrape


@pytest.mark.parametrize("notice", ["tokens_revoked", "app_uninstalled"])
async def test_a_revoked_token_or_uninstall_stops_sending_and_keeps_the_messages(
    either: LocalLiaison, notice: str, caplog: pytest.LogCaptureFixture
) -> None:
    if notice == "tokens_revoked":
        result = await either.slack.revoke_tokens()
    else:
        result = await either.slack.uninstall()
    assert result.delivered
    await either.settle()
    assert either.runtime.outbox.halted is not None
    either.slack.clear_calls()
    await either.runtime.home.publish(PAT)  # Liaison goes on queueing what it owes people
    await either.settle()
    sent = [c for c in either.slack.calls if c.method.startswith(("chat.", "views."))]
    assert sent == [], "nothing is sent any more"
    assert await outbox_depth(either) == 1, "the Home waits in the outbox"
    assert any(notice in r.getMessage() for r in caplog.records)


async def test_revoking_only_user_tokens_changes_nothing(either: LocalLiaison) -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["U0PAT"], "bot": []}}
    await either.slack.deliver_event(event)
    await either.settle()
    assert either.runtime.outbox.halted is None


@pytest.mark.parametrize("subtype", ["ekm_access_denied", "bot_message", "channel_join"])
async def test_messages_that_are_not_a_person_speaking_are_ignored(
    either: LocalLiaison, subtype: str
) -> None:
    extra = {"bot_id": "B0OTHER", "username": "other app"} if subtype == "bot_message" else {}
    result = await either.slack.system_message(
        PAT, subtype=subtype, text="Your admins have suspended access", extra=extra
    )
    await either.settle()
    assert result.delivered
    assert offers(either) == 0


@pytest.mark.parametrize("subtype", ["file_share", "thread_broadcast", "me_message"])
async def test_a_person_sharing_a_file_broadcasting_or_using_me_is_speaking(
    either: LocalLiaison, subtype: str
) -> None:
    extra: dict[str, object] = {}
    if subtype == "file_share":
        extra = {"files": [{"id": "F0SCREEN", "name": "error.png"}], "upload": True}
    await either.slack.system_message(PAT, subtype=subtype, text="the VPN drops", extra=extra)
    await either.settle()
    assert offers(either) == 1


async def test_a_redelivered_home_opening_publishes_the_home_once(either: LocalLiaison) -> None:
    first = await either.slack.open_home(PAT)
    await either.settle()
    again = await either.slack.redeliver(first)
    await either.settle()
    assert again.delivered and again.event_id == first.event_id
    assert len(home_publishes(either)) == 1


async def test_a_redelivered_message_is_offered_once(either: LocalLiaison) -> None:
    first = await either.slack.system_message(PAT, subtype="me_message", text="CAC broke")
    await either.slack.redeliver(first, retry_num=1)
    await either.slack.redeliver(first, retry_num=2, retry_reason="http_error")
    await either.settle()
    assert offers(either) == 1


async def test_the_home_is_published_with_the_hash_of_the_home_it_replaces(
    liaison: LocalLiaison,
) -> None:
    await liaison.slack.open_home(PAT)
    await liaison.settle()
    await file_request(liaison)
    await liaison.settle()
    first, second = home_publishes(liaison)
    assert "hash" not in first, "nothing to replace yet"
    shown = liaison.slack.calls_to("views.publish")[0].body["view"]["hash"]
    assert second["hash"] == shown


async def test_an_older_rendering_never_overwrites_a_newer_home(liaison: LocalLiaison) -> None:
    await liaison.slack.open_home(PAT)
    await liaison.settle()
    # Another copy of Liaison (or anything holding the token) publishes a newer Home.
    async with aiohttp.ClientSession() as session:
        other = AsyncWebClient(
            token=liaison.slack.bot_token, base_url=liaison.slack.api_url, session=session
        )
        newer = {
            "type": "home",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "newer"}}],
        }
        await other.views_publish(user_id=PAT, view=newer)
    await liaison.runtime.home.publish(PAT)  # rendered from what this copy knew
    await liaison.settle()
    await liaison.advance(dt.timedelta(minutes=1))
    calls = liaison.slack.calls_to("views.publish")
    [refused] = [c for c in calls if c.body.get("error") == "hash_conflict"]
    assert refused.args["hash"] == calls[0].body["view"]["hash"], "it named the Home it saw"
    home = liaison.slack.home(PAT)
    assert home is not None and "newer" not in home.rendered, "rendered again from the state"
    assert liaison.slack.calls_to("views.publish")[-1].ok


async def test_no_token_warning_at_start(
    sqlite_url: str,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    local = LocalLiaison(database_url=sqlite_url, clock=clock)
    with caplog.at_level(logging.WARNING):
        await local.start()
    await local.stop()
    assert not [r for r in caplog.records if "will be unused" in r.getMessage()]


async def test_a_payload_with_a_field_of_the_wrong_type_is_refused_without_a_crash(
    either: LocalLiaison, caplog: pytest.LogCaptureFixture
) -> None:
    clicked = {"type": "block_actions", "user": "U0PAT", "trigger_id": "1.2.3", "actions": []}
    answer = await either.slack.deliver_payload("interactive", clicked)
    # Over HTTP the guard answers 400; over Socket Mode the envelope is acknowledged and dropped.
    assert answer.status == (400 if either.mode == "http" else 200)
    assert not [r for r in caplog.records if "listener failed" in r.getMessage()]
    await file_request(either)
    assert len(either.slack.dm_messages(PAT)) == 1


async def test_an_event_nobody_listens_to_is_acknowledged_once(either: LocalLiaison) -> None:
    reaction = {
        "type": "reaction_added",
        "user": PAT,
        "reaction": "thumbsup",
        "item": {"type": "message", "channel": "C0ANNOUNCE", "ts": "1716200000.000100"},
        "event_ts": "1716200001.000200",
    }
    result = await either.slack.deliver_event(reaction)
    assert [a.status for a in result.attempts] == [200], "Slack has nothing to retry"


async def test_a_failing_event_listener_is_acknowledged_not_redelivered(
    either: LocalLiaison, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(**_kwargs: object) -> None:
        raise RuntimeError("a bug in a listener")

    monkeypatch.setattr(either.runtime.partners, "offer_to_file", broken)
    result = await either.slack.system_message(PAT, subtype="me_message", text="waves")
    await either.settle()
    assert [a.status for a in result.attempts] == [200]
    assert any("listener failed" in r.getMessage() for r in caplog.records)
