"""The simulator's own v0 signer against Slack's documented vector."""

from __future__ import annotations

from slack_sdk.signature import SignatureVerifier

from simulator import signing

DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOC_TIMESTAMP = 1531420618
DOC_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    b"&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
    b"&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    b"%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_signature_matches_slacks_documented_vector() -> None:
    assert signing.sign(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY) == DOC_SIGNATURE


def test_headers_carry_integer_timestamp_and_signature() -> None:
    headers = signing.headers(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY)
    assert headers == {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": DOC_SIGNATURE,
    }


def test_signature_agrees_with_slack_sdk_on_non_ascii_body() -> None:
    body = "text=caf\u00e9+%26+<!channel>".encode()
    verifier = SignatureVerifier(DOC_SECRET)
    expected = verifier.generate_signature(timestamp=str(DOC_TIMESTAMP), body=body)
    assert signing.sign(DOC_SECRET, DOC_TIMESTAMP, body) == expected
