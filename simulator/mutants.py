"""Malformed variants of real payloads, for fuzzing the app's front door.

Each mutant is what a buggy or hostile sender could put in a correctly signed request: wrong
types in known fields, missing fields, absurd nesting, broken JSON inside `payload`, invalid
UTF-8 or percent-encoding, kinds confused with one another. A seeded `random.Random` makes
every run repeatable.
"""

from __future__ import annotations

import json
import random
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

FORM = "application/x-www-form-urlencoded"
DEEP = "\u0000deep\u0000"
KINDS = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action")
WEIRD: tuple[Any, ...] = (
    None,
    0,
    -1,
    1.5,
    2**70,
    True,
    "",
    "x",
    "payload",
    "\u202e\u0000\ud7ff",
    [],
    [None],
    {},
    {"id": 1},
    "<!channel> & <@U0> %s %n {0}",
)
BAD_BYTES = (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\xf0\x28\x8c\x28")
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutant:
    """One malformed request body, and what was done to the original to make it."""

    kind: str  # events_api | slash_commands | interactive
    body: bytes
    content_type: str
    how: str


def mutants(
    kind: str, payload: Mapping[str, Any], rng: random.Random, count: int
) -> Iterator[Mutant]:
    """`count` mutants of one payload, each made by one strategy picked at random."""
    strategies = {"slash_commands": FORM_STRATEGIES, "interactive": INTERACTIVE_STRATEGIES}.get(
        kind, JSON_STRATEGIES
    )
    for _ in range(count):
        name, strategy = rng.choice(strategies)
        body = strategy(kind, json.loads(json.dumps(payload)), rng)
        yield Mutant(kind, body, _content_type(kind), name)


def _content_type(kind: str) -> str:
    return "application/json" if kind == "events_api" else FORM


def _encode(kind: str, payload: Any, *, text: str | None = None) -> bytes:
    """Encode as Slack does for this kind; `text` replaces the JSON (to break or deepen it)."""
    if kind == "slash_commands":
        fields = payload if isinstance(payload, dict) else {}
        return urllib.parse.urlencode([(k, str(v)) for k, v in fields.items()]).encode()
    raw = json.dumps(payload) if text is None else text
    if kind == "events_api":
        return raw.encode("utf-8", "surrogatepass")
    quoted = urllib.parse.quote(raw.encode("utf-8", "surrogatepass"), safe="")
    return f"payload={quoted}".encode()


def _paths(value: Any, limit: int = 400) -> list[Path]:
    """Every path into the value (breadth first, at most `limit`), the root excluded."""
    found: list[Path] = []
    pending: list[tuple[Path, Any]] = [((), value)]
    while pending and len(found) < limit:
        path, node = pending.pop(0)
        children: list[tuple[str | int, Any]] = []
        if isinstance(node, dict):
            children = list(node.items())
        elif isinstance(node, list):
            children = list(enumerate(node))
        for key, child in children:
            found.append((*path, key))
            pending.append(((*path, key), child))
    return found


def _set(root: Any, path: Path, value: Any) -> None:
    node = root
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _delete(root: Any, path: Path) -> None:
    node = root
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]


def retype(kind: str, payload: Any, rng: random.Random) -> bytes:
    """A known field gets a value of the wrong type."""
    paths = _paths(payload)
    if paths:
        _set(payload, rng.choice(paths), rng.choice(WEIRD))
    return _encode(kind, payload)


def drop(kind: str, payload: Any, rng: random.Random) -> bytes:
    """A field Slack always sends is missing."""
    paths = _paths(payload)
    if paths:
        _delete(payload, rng.choice(paths))
    return _encode(kind, payload)


def deepen(kind: str, payload: Any, rng: random.Random) -> bytes:
    """A field holds arrays or objects nested 100 to 20,000 levels deep."""
    paths = _paths(payload)
    depth = rng.choice((100, 1_000, 5_000, 20_000))
    nest = "[" * depth + "]" * depth if rng.random() < 0.5 else '{"a":' * depth + "1" + "}" * depth
    if paths:
        _set(payload, rng.choice(paths), DEEP)
    text = json.dumps(payload).replace(json.dumps(DEEP), nest, 1)
    if kind == "slash_commands":
        return _encode(kind, payload) + b"&text=" + urllib.parse.quote(nest).encode()
    return _encode(kind, payload, text=text)


def truncate(kind: str, payload: Any, rng: random.Random) -> bytes:
    """The JSON (inside `payload` for interactions) is cut short or has junk appended."""
    text = json.dumps(payload)
    cut = rng.randrange(1, max(2, len(text)))
    broken = text[:cut] if rng.random() < 0.6 else text + rng.choice(("}", ",", "]]", "x"))
    return _encode(kind, payload, text=broken)


def bad_bytes(kind: str, payload: Any, rng: random.Random) -> bytes:
    """Bytes that are not UTF-8 land somewhere in the signed body."""
    body = _encode(kind, payload)
    at = rng.randrange(0, len(body) + 1)
    return body[:at] + rng.choice(BAD_BYTES) + body[at:]


def bad_percent(kind: str, payload: Any, rng: random.Random) -> bytes:
    """Percent-encoding that is broken or decodes to invalid UTF-8."""
    body = _encode(kind, payload)
    at = rng.randrange(0, len(body) + 1)
    return body[:at] + rng.choice((b"%zz", b"%f", b"%ff%fe", b"%c3%28", b"&&=", b"%")) + body[at:]


def swap_type(kind: str, payload: Any, rng: random.Random) -> bytes:
    """The payload claims to be another kind (a click that says it is a submission)."""
    if isinstance(payload, dict):
        if kind == "events_api" and isinstance(payload.get("event"), dict):
            payload["event"]["type"] = rng.choice(
                ("message", "app_home_opened", "app_mention", "tokens_revoked", "reaction_added")
            )
        else:
            payload["type"] = rng.choice((*KINDS, "event_callback", "app_rate_limited"))
    return _encode(kind, payload)


def command_text(kind: str, payload: Any, rng: random.Random) -> bytes:
    """Slash command text full of the words and characters that confuse parsers."""
    pieces = ("payload", "payload=%7B%7D", "{", "&", "=", "%", "<!here>", "\u202e", "ssl_check=1")
    words = [rng.choice(pieces) for _ in range(rng.randrange(1, 12))]
    payload["text"] = " ".join(words) if rng.random() < 0.9 else "x" * rng.randrange(1, 50_000)
    return _encode(kind, payload)


def duplicate(kind: str, payload: Any, rng: random.Random) -> bytes:
    """A form field sent twice."""
    body = _encode(kind, payload)
    name = rng.choice(("payload", "command", "text", "user_id"))
    return body + f"&{name}=again".encode()


Strategy = Callable[[str, Any, random.Random], bytes]
JSON_STRATEGIES: tuple[tuple[str, Strategy], ...] = (
    ("retype", retype),
    ("retype", retype),
    ("retype", retype),
    ("drop", drop),
    ("drop", drop),
    ("deepen", deepen),
    ("truncate", truncate),
    ("bad_bytes", bad_bytes),
    ("swap_type", swap_type),
)
FORM_STRATEGIES: tuple[tuple[str, Strategy], ...] = (
    ("drop", drop),
    ("command_text", command_text),
    ("command_text", command_text),
    ("bad_bytes", bad_bytes),
    ("bad_percent", bad_percent),
    ("duplicate", duplicate),
    ("deepen", deepen),
)
INTERACTIVE_STRATEGIES = (*JSON_STRATEGIES, ("bad_percent", bad_percent), ("duplicate", duplicate))
