"""One decision per request: refuse it (with the status Slack should see) or admit it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from bot.app.guard.decode import Unreadable, decode
from bot.app.guard.shapes import shape_problem
from bot.app.guard.signature import signature_problem

# Slack's largest payload is a view submission (a view may be 250 kB); 1 MiB is plenty.
MAX_BODY_BYTES = 1024 * 1024
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Refused:
    """Not a request Slack sent, or not one that can be read: answered with `status`."""

    status: int
    reason: str


@dataclass(frozen=True)
class Admitted:
    """A verified, parsed request; `bolt_body` is JSON, so Bolt cannot misread its kind."""

    body: dict[str, Any]
    bolt_body: str
    ssl_check: bool = False


def admit(
    *, body: bytes, headers: Mapping[str, str], signing_secret: str, now: float
) -> Admitted | Refused:
    """Check size, signature, encoding and field types, in that order."""
    if len(body) > MAX_BODY_BYTES:
        return Refused(413, "body too large")
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if _is_ssl_check(body, content_type):
        # Bolt answers Slack's certificate check before the signature; so does the guard.
        return Admitted({}, "{}", ssl_check=True)
    problem = signature_problem(secret=signing_secret, headers=headers, body=body, now=now)
    if problem is not None:
        return Refused(401, problem)
    try:
        parsed, form_fields = decode(body, content_type)
    except Unreadable as exc:
        return Refused(400, str(exc))
    wrong = shape_problem(parsed, form_fields=form_fields)
    if wrong is not None:
        return Refused(400, wrong)
    return Admitted(parsed, json.dumps(parsed))


def _is_ssl_check(body: bytes, content_type: str) -> bool:
    if content_type != FORM or len(body) > 512 or b"ssl_check=1" not in body:
        return False
    fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return fields.get("ssl_check") == "1"
