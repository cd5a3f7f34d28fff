"""The guard's decisions, one request at a time, without a server."""

from __future__ import annotations

import json
import random
import urllib.parse
from collections.abc import Callable

import pytest

from bot.app.guard import Admitted, Refused, admit
from bot.app.guard.decode import form_pairs
from bot.app.guard.shapes import shape_problem
from bot.domain.seen import SeenIds
from bot.home.hashes import HomeHashes
from simulator.signing import headers as signed
from tests.simulator.test_signing import DOC_BODY, DOC_SECRET, DOC_SIGNATURE, DOC_TIMESTAMP

FORM = "application/x-www-form-urlencoded"
SECRET = "s3cret"
NOW = 1_800_000_000


def decide(body: bytes, content_type: str = FORM, **extra: str) -> Admitted | Refused:
    headers = {"Content-Type": content_type, **signed(SECRET, NOW, body), **extra}
    return admit(body=body, headers=headers, signing_secret=SECRET, now=NOW)


def test_slacks_documented_request_is_admitted_as_form_fields() -> None:
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(DOC_TIMESTAMP),
        "X-Slack-Signature": DOC_SIGNATURE,
    }
    verdict = admit(body=DOC_BODY, headers=headers, signing_secret=DOC_SECRET, now=DOC_TIMESTAMP)
    assert isinstance(verdict, Admitted)
    assert verdict.body["command"] == "/webhook-collect"
    assert json.loads(verdict.bolt_body) == verdict.body


def test_a_command_whose_text_says_payload_stays_a_command() -> None:
    body = urllib.parse.urlencode(
        {"command": "/request", "text": "payload={} broke", "user_id": "U1", "trigger_id": "t"}
    ).encode()
    verdict = decide(body)
    assert isinstance(verdict, Admitted) and verdict.body["text"] == "payload={} broke"


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [("1.5", "malformed"), ("NaN", "malformed"), (str(NOW - 301), "stale"), ("", "unsigned")],
)
def test_timestamps_other_than_recent_whole_seconds_are_401(stamp: str, reason: str) -> None:
    verdict = decide(b"command=%2Frequest", **{"X-Slack-Request-Timestamp": stamp})
    assert isinstance(verdict, Refused) and verdict.status == 401 and reason in verdict.reason


def test_exactly_five_minutes_old_still_passes() -> None:
    body = b"command=%2Frequest&user_id=U1&trigger_id=t"
    headers = {"Content-Type": FORM, **signed(SECRET, NOW - 300, body)}
    assert isinstance(admit(body=body, headers=headers, signing_secret=SECRET, now=NOW), Admitted)


def test_no_signing_secret_refuses_everything() -> None:
    body = b"command=%2Frequest"
    headers = {"Content-Type": FORM, **signed("", NOW, body)}
    verdict = admit(body=body, headers=headers, signing_secret="", now=NOW)
    assert isinstance(verdict, Refused) and verdict.status == 401


def test_nesting_is_bounded_without_recursion() -> None:
    body = '{"type": "event_callback", "event": {"type": "x", "a": ' + "[" * 65 + "]" * 65 + "}}"
    verdict = decide(body.encode(), "application/json")
    assert isinstance(verdict, Refused) and verdict.status == 400 and "deeper" in verdict.reason


def test_repeated_form_fields_are_400() -> None:
    verdict = decide(b"payload=%7B%7D&payload=%7B%7D")
    assert isinstance(verdict, Refused) and verdict.status == 400


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"type": "block_actions", "user": {"id": "U1"}, "trigger_id": "t"}, "actions"),
        ({"type": "view_submission", "user": {"id": 5}, "view": {}}, "user"),
        ({"type": "event_callback", "event": {"type": "message", "ts": "1"}}, "event.channel"),
        ({"command": "/request", "user_id": "U1", "trigger_id": "t", "text": 5}, "text"),
        ({"type": ["block_actions"]}, "type"),
    ],
)
def test_wrong_or_missing_known_fields_are_named(body: dict[str, object], problem: str) -> None:
    found = shape_problem(body)
    assert found is not None and problem in found


def test_other_events_keep_their_own_shapes() -> None:
    channel_created = {
        "type": "event_callback",
        "event": {"type": "channel_created", "channel": {"id": "C1"}},
    }
    assert shape_problem(channel_created) is None


def test_seen_ids_forget_the_oldest_beyond_capacity() -> None:
    seen = SeenIds(capacity=2)
    offered = [seen.first_time(k) for k in ("a", "b", "a", "c", "a", "b")]
    # "a" came again, so "b" was the oldest when "c" came and was forgotten.
    assert offered == [True, True, False, True, False, True]
    assert len(seen) == 2


def test_a_hash_from_an_opening_never_replaces_one_from_a_publish() -> None:
    hashes = HomeHashes()
    hashes.opened_with("U1", "1.old")
    assert hashes.get("U1") == "1.old"
    hashes.saw("U1", "2.published")
    hashes.opened_with("U1", "1.old")
    assert hashes.get("U1") == "2.published"
    hashes.conflicted("U1")
    assert hashes.get("U1") is None and hashes.take_conflicts() == ["U1"]
    assert hashes.take_conflicts() == []


# What a form body is made of: field marks, plain text, backslashes, and escapes: of UTF-8
# (é, ✓), of marks (/, =, &, %, \\), and of bytes that are not UTF-8 on their own (ff, C3).
FORM_TOKENS = (
    *"ab=&+\\x ;",
    *("%2F", "%3D", "%26", "%25", "%5C", "%0A", "%41", "%5c", "%c3%a9", "%E2%9C%93"),
    *("%ff", "%C3"),
)


def _read_form(read: Callable[[str], list[tuple[str, str]]], text: str) -> object:
    try:
        return read(text)
    except ValueError:  # UnicodeDecodeError too
        return "refused"


def _stdlib(text: str) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(
        text, keep_blank_values=True, strict_parsing=bool(text), errors="strict"
    )


def _random_form(rng: random.Random) -> str:
    """Fields of name=value, each part drawn from the tokens, now and then one left bare."""
    parts = [t for t in FORM_TOKENS if t not in "&="]

    def part() -> str:
        return "".join(rng.choice(parts) for _ in range(rng.randint(0, 8)))

    fields = [part() if rng.random() < 0.05 else f"{part()}={part()}" for _ in range(3)]
    return "&".join(fields[: rng.randint(1, 3)])


@pytest.mark.parametrize("seed", range(20))
def test_form_fields_are_read_exactly_as_parse_qsl_reads_them(seed: int) -> None:
    """The fast reading of a form body agrees with `urllib.parse` on anything, good or bad."""
    rng = random.Random(seed)
    texts = [
        urllib.parse.urlencode({"payload": json.dumps({"t": "héllo ✓ \\n %41+ &=;"})}),
        urllib.parse.urlencode({"text": "a+b=c&d", "command": "/request"}),
        "payload=50%",
        "a=%zz",
        "a=é",
        "",
        "&",
        "a",
        "a=1&",
        "=",  # the slow path, and edges
        *("".join(rng.choice(FORM_TOKENS) for _ in range(rng.randint(1, 30))) for _ in range(250)),
        *(_random_form(rng) for _ in range(250)),
    ]
    for text in texts:
        assert _read_form(form_pairs, text) == _read_form(_stdlib, text), text
