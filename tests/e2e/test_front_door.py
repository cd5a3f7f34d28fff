"""Every payload Slack sends over HTTP gets a right answer, and none gets a 5xx."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse

import pytest

from bot.app.local import LocalLiaison
from bot.domain.transitions import OPEN
from handlers import commands
from simulator import Delivery, HttpTransport
from simulator.transport import FORM
from storage import requests
from tests.e2e.helpers import PAT, file_request, initial_value, outbox_depth

pytestmark = pytest.mark.e2e
JSON = "application/json"
OPEN_STATES = [s.value for s in OPEN]


def http(liaison: LocalLiaison) -> HttpTransport:
    transport = liaison.slack.transport
    assert isinstance(transport, HttpTransport)
    return transport


async def post(
    liaison: LocalLiaison, body: bytes, content_type: str = JSON, **kwargs: object
) -> Delivery:
    return await http(liaison).post(body, content_type=content_type, **kwargs)  # type: ignore[arg-type]


def interaction(payload: dict[str, object]) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


async def request_count(liaison: LocalLiaison) -> int:
    async with liaison.runtime.database.reading() as session:
        return len(await requests.list_for_partner(session, partner_id=PAT, statuses=OPEN_STATES))


async def test_a_command_mentioning_payload_opens_the_form_with_its_words(
    liaison: LocalLiaison,
) -> None:
    result = await liaison.slack.command(PAT, "/request", "my payload export is broken")
    assert result.delivery.status == 200, result.delivery.body
    view = await liaison.slack.wait_for_view(PAT)
    assert initial_value(view.blocks, "summary") == "my payload export is broken"


@pytest.mark.parametrize("stamp", ["1.5", "NaN", "+1700000000", "-1", "１２３", "9" * 40])
async def test_a_timestamp_that_is_not_whole_seconds_is_refused_401(
    liaison: LocalLiaison, stamp: str
) -> None:
    body = b"command=%2Frequest&text=help&user_id=U0PAT"
    signed = await post(liaison, body, FORM, headers={"X-Slack-Request-Timestamp": stamp})
    assert signed.status == 401


async def test_a_body_over_a_mebibyte_is_refused_413(liaison: LocalLiaison) -> None:
    event = {"type": "event_callback", "event": {"type": "message", "text": "x" * 1_100_000}}
    answer = await post(liaison, json.dumps(event).encode())
    assert answer.status == 413


def deep(depth: int) -> bytes:
    nest = "[" * depth + "]" * depth
    return f'{{"type": "event_callback", "event": {{"type": "message", "x": {nest}}}}}'.encode()


MALFORMED = {
    "nested 1,000 deep": (deep(1_000), JSON),
    "nested 20,000 deep": (deep(20_000), JSON),
    "event body not JSON": (b'{"type": "event_callback", "event": {', JSON),
    "a JSON list": (b"[1, 2]", JSON),
    "broken JSON in payload": (b"payload=%7B%22type%22%3A%22block_actions%22", FORM),
    "payload not an object": (b"payload=%5B%5D", FORM),
    "invalid UTF-8": (
        b'{"type": "event_callback", "event": {"type": "message", "text": "\xff"}}',
        JSON,
    ),
    "percent-encoded invalid UTF-8": (b"command=%2Frequest&text=%ff%fe", FORM),
    "broken percent-encoding": (b"command=%2Frequest&text=a%zz", FORM),
    "unknown content type": (b"command=%2Frequest", "text/plain"),
    "user is a string": (
        interaction({"type": "block_actions", "user": "U0PAT", "actions": []}),
        FORM,
    ),
    "state.values is a list": (
        interaction(
            {
                "type": "view_submission",
                "user": {"id": PAT},
                "view": {"id": "V1", "callback_id": "new_request", "state": {"values": []}},
            }
        ),
        FORM,
    ),
    "actions is an object": (
        interaction({"type": "block_actions", "user": {"id": PAT}, "actions": {"a": 1}}),
        FORM,
    ),
    "event is a string": (b'{"type": "event_callback", "event_id": "Ev1", "event": "x"}', JSON),
    "message user is an object": (
        b'{"type": "event_callback", "event_id": "Ev2", "event": {"type": "message",'
        b' "channel_type": "im", "user": {"id": "U0PAT"}, "channel": "D1", "ts": "1.2"}}',
        JSON,
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_a_signed_body_that_cannot_be_read_is_refused_400_and_nothing_changes(
    liaison: LocalLiaison, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    body, content_type = MALFORMED[case]
    with caplog.at_level(logging.WARNING, logger="bot.app.server"):
        answer = await post(liaison, body, content_type)
    assert answer.status == 400, answer.body
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.app.server"]
    assert "status=400" in line and "\xff" not in line and "U0PAT" not in line
    assert await request_count(liaison) == 0
    await file_request(liaison)  # the door still opens for Slack's own requests
    assert await request_count(liaison) == 1


async def test_a_failing_command_listener_answers_200_and_tells_the_person(
    liaison: LocalLiaison, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in a listener")

    monkeypatch.setattr(commands, "help_message", broken)
    result = await liaison.slack.command(PAT, "/request", "help")
    await liaison.settle()
    assert result.delivery.status == 200
    assert "something went wrong" in liaison.slack.ephemerals(PAT)[-1].text
    assert any("listener failed" in r.getMessage() for r in caplog.records)


async def test_a_failing_event_listener_is_logged_and_answered_200(
    liaison: LocalLiaison, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(**_kwargs: object) -> None:
        raise RuntimeError("a bug in a listener")

    monkeypatch.setattr(liaison.runtime.partners, "offer_to_file", broken)
    result = await liaison.slack.system_message(PAT, subtype="me_message", text="waves")
    await liaison.settle()
    assert result.last is not None and result.last.status == 200
    assert len(result.attempts) == 1, "Slack was not made to retry"
    assert any("listener failed" in r.getMessage() for r in caplog.records)


async def test_ssl_check_is_answered_200(liaison: LocalLiaison) -> None:
    answer = await post(liaison, b"ssl_check=1&token=vtok", FORM, headers={})
    assert answer.status == 200


async def test_signatures_are_checked_on_the_exact_bytes(liaison: LocalLiaison) -> None:
    stamp = int(time.time())  # noqa: TID251 - signatures use real time
    body = b"command=%2Frequest&text=help&user_id=U0PAT"
    answer = await post(liaison, body, FORM, timestamp=stamp, signature="v0=" + "0" * 64)
    assert answer.status == 401
    assert await outbox_depth(liaison) == 0
