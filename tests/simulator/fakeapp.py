"""A bare aiohttp app that records what the simulator sends and answers from a script."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Received:
    """One request the fake app received."""

    headers: dict[str, str]
    body: bytes

    def form(self) -> list[tuple[str, str]]:
        """Return the body as ordered form fields."""
        return urllib.parse.parse_qsl(self.body.decode(), keep_blank_values=True)

    def payload(self) -> dict[str, Any]:
        """Return the JSON carried in `payload=` (interactions) or the JSON body (events)."""
        if self.headers["Content-Type"].startswith("application/json"):
            data: dict[str, Any] = json.loads(self.body)
            return data
        return dict(json.loads(dict(self.form())["payload"]))


@dataclass
class FakeApp:
    """Records requests and answers from a script of (status, body, headers, delay)."""

    received: list[Received] = field(default_factory=list)
    script: list[tuple[int, str, dict[str, str], float]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(dict(request.headers), await request.read()))
        status, text, headers, delay = self.script.pop(0) if self.script else (200, "", {}, 0.0)
        if delay:
            await asyncio.sleep(delay)
        return web.Response(status=status, text=text, headers=headers)
