"""Three replicas behind a load balancer on one PostgreSQL, each killed in turn while partners
file: every acknowledged request is stored, numbered once, and gets one card and one DM.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app.local import SIGNING_SECRET, Workspace, seed_workspace
from bot.app.server import EVENTS_PATH
from simulator import SlackSimulator
from storage.engine import Database
from storage.migrate import upgrade_to_head
from tests.e2e.processes import LiaisonProcess
from tests.e2e.test_crash import (
    Outcomes,
    assert_delivered_once,
    assert_nothing_half_written,
    open_form,
    stored_requests,
    submit_form,
    wait_until_delivered,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(900)]
REPLICAS = 3
FILINGS = 1000
CONCURRENCY = 8
PARTNERS = [f"U0REPL{i}" for i in range(CONCURRENCY)]


class LoadBalancer:
    """Sends each of Slack's requests to the next live replica, as a proxy in front would.

    A replica that does not answer is taken out of the rotation (the partner whose request it
    was sees Slack's error, as they would); a restarted one is put back.
    """

    def __init__(self, replicas: list[LiaisonProcess]) -> None:
        self.replicas = replicas
        self.down: set[int] = set()
        self._turn = itertools.count()
        self._session: aiohttp.ClientSession | None = None

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-slack")}
        headers["Content-Type"] = request.headers.get("Content-Type", "")
        for _ in range(len(self.replicas)):
            index = next(self._turn) % len(self.replicas)
            if index in self.down:
                continue
            assert self._session is not None
            try:
                async with self._session.post(
                    self.replicas[index].events_url, data=body, headers=headers
                ) as answer:
                    return web.Response(
                        status=answer.status,
                        body=await answer.read(),
                        content_type=answer.content_type,
                    )
            except aiohttp.ClientError:
                self.down.add(index)
                return web.Response(status=502)
        return web.Response(status=503)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        app = web.Application()
        app.router.add_post(EVENTS_PATH, self.forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._session = aiohttp.ClientSession()
        try:
            yield f"http://127.0.0.1:{port}{EVENTS_PATH}"
        finally:
            await self._session.close()
            await runner.cleanup()


async def file_while_replicas_die(slack: SlackSimulator, balancer: LoadBalancer) -> Outcomes:
    """Partners file; at each quarter of the run one replica is killed, then started again."""
    outcomes = Outcomes()
    numbers = iter(range(FILINGS))
    kill_at = {FILINGS * (i + 1) // (REPLICAS + 1): i for i in range(REPLICAS)}
    restarts: list[asyncio.Task[None]] = []

    async def kill_and_restart(index: int) -> None:
        replica = balancer.replicas[index]
        balancer.down.add(index)
        replica.kill()
        await replica.wait()
        await replica.start(route=False)
        balancer.down.discard(index)

    async def partner(user: str) -> None:
        for n in numbers:
            if n in kill_at:
                restarts.append(asyncio.create_task(kill_and_restart(kill_at[n])))
            summary = f"Replica test filing {n}"
            if await open_form(slack, user, summary, outcomes):
                await submit_form(slack, user, summary, outcomes)

    await asyncio.gather(*(partner(user) for user in PARTNERS))
    await asyncio.gather(*restarts)
    return outcomes


async def test_three_replicas_each_killed_in_turn_lose_and_repeat_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    await upgrade_to_head(postgres_url)
    workspace = Workspace()
    async with SlackSimulator(signing_secret=SIGNING_SECRET) as slack:
        seed_workspace(slack, workspace)
        for user in PARTNERS:
            slack.add_user(user, user.lower(), real_name=f"Filer {user[-1]}")
        replicas = [
            LiaisonProcess(slack, postgres_url, tmp_path, workspace) for _ in range(REPLICAS)
        ]
        await asyncio.gather(*(r.start(route=False) for r in replicas))
        balancer = LoadBalancer(replicas)
        database = Database(postgres_url)
        try:
            async with balancer.serving() as url:
                slack.use_http(url)
                outcomes = await file_while_replicas_die(slack, balancer)
            assert len(outcomes.acknowledged) > FILINGS // 2, replicas[0].log()[-3000:]
            await wait_until_delivered(database)
            stored = await stored_requests(database)
            missing = outcomes.acknowledged - stored.keys()
            assert not missing, f"{len(missing)} acknowledged requests were lost"
            assert not (outcomes.refused & stored.keys())
            rows = list(stored.values())
            numbers = [r.number for r in rows]
            assert len(set(numbers)) == len(numbers), "a request number was given twice"
            await assert_nothing_half_written(database, rows)
            assert_delivered_once(slack, workspace, rows)
        finally:
            await asyncio.gather(*(r.stop() for r in replicas))
            await database.dispose()
