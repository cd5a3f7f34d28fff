"""A dispatcher wired to the simulator, and ways to queue messages, for the delivery tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.delivery.outbox import OutboxDispatcher
from simulator import SlackSimulator
from storage import outbox
from storage.engine import Database

TRIAGE = "C0TRIAGE"
PARTNER = "U0PAT"


@dataclass
class Delivery:
    """The simulator, a database and a dispatcher sending from one to the other."""

    slack: SlackSimulator
    database: Database
    dispatcher: OutboxDispatcher
    clock: Clock
    client: AsyncWebClient
    others: list[Database] = field(default_factory=list)

    async def queue(self, key: str, text: str, **kw: Any) -> int:
        """Queue one chat.postMessage to `channel` (the triage channel unless told)."""
        channel = kw.pop("channel", TRIAGE)
        async with self.database.transaction() as session:
            row = await outbox.enqueue(
                session,
                now=self.clock.now(),
                method="chat.postMessage",
                args={"channel": channel, "text": text},
                ordering_key=key,
                **kw,
            )
            await session.flush()
            return row.id

    def another_process(self, client: AsyncWebClient | None = None) -> OutboxDispatcher:
        """A second dispatcher on the same database, as after a restart or on another replica."""
        database = Database(self.database.url)
        self.others.append(database)
        return OutboxDispatcher(database=database, client=client or self.client, clock=self.clock)

    async def status(self, message_id: int) -> tuple[str, str | None]:
        """A message's status and last error as stored."""
        async with self.database.reading() as session:
            [row] = [m for m in await outbox.list_messages(session) if m.id == message_id]
            return row.status, row.last_error


@asynccontextmanager
async def delivery(
    url: str, clock: Clock, *, timestamp: Any, client_class: type[AsyncWebClient] = AsyncWebClient
) -> AsyncIterator[Delivery]:
    """Start the simulator with a triage channel and one partner, and a dispatcher on `url`."""
    slack = SlackSimulator(signing_secret="s" * 32, clock=timestamp)
    await slack.start()
    slack.add_user(PARTNER, "pat")
    slack.add_channel(TRIAGE, "triage", members=[slack.bot_user_id])
    database = Database(url)
    http = aiohttp.ClientSession()
    client = client_class(token=slack.bot_token, base_url=slack.api_url, session=http)
    dispatcher = OutboxDispatcher(database=database, client=client, clock=clock)
    made = Delivery(slack, database, dispatcher, clock, client)
    try:
        yield made
    finally:
        for other in made.others:
            await other.dispose()
        await dispatcher.stop()
        await http.close()
        await database.dispose()
        await slack.stop()


def seconds(value: float) -> dt.timedelta:
    """A short spelling for the tests."""
    return dt.timedelta(seconds=value)
