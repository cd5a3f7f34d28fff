"""HTTP mode: signatures are checked, and /healthz tells the truth about the database."""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.app.local import SIGNING_SECRET, LocalLiaison
from simulator.signing import sign

pytestmark = pytest.mark.e2e
BODY = b"token=x&team_id=T0LIAISON&user_id=U0PAT&command=%2Frequest&text=help&trigger_id=1.2.3"


def url(liaison: LocalLiaison, path: str) -> str:
    return f"http://127.0.0.1:{liaison.server.port}{path}"


async def post(liaison: LocalLiaison, headers: dict[str, str]) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession() as session:
        response = await session.post(
            url(liaison, "/slack/events"),
            data=BODY,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        await response.read()
        return response


async def test_a_correctly_signed_command_is_answered(liaison: LocalLiaison) -> None:
    stamp = str(int(time.time()))  # noqa: TID251 - signatures use real time
    response = await post(
        liaison,
        {
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(SIGNING_SECRET, int(stamp), BODY),
        },
    )
    assert response.status == 200


@pytest.mark.parametrize("problem", ["bad-signature", "stale", "unsigned"])
async def test_unsigned_forged_or_replayed_requests_are_refused(
    liaison: LocalLiaison, problem: str
) -> None:
    stamp = int(time.time()) - (400 if problem == "stale" else 0)  # noqa: TID251
    headers = {
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": sign(SIGNING_SECRET, stamp, BODY),
    }
    if problem == "bad-signature":
        headers["X-Slack-Signature"] = sign("not-the-secret", stamp, BODY)
    if problem == "unsigned":
        headers = {}
    response = await post(liaison, headers)
    assert response.status == 401


async def test_healthz_is_ok_while_the_database_answers(liaison: LocalLiaison) -> None:
    async with aiohttp.ClientSession() as session, session.get(url(liaison, "/healthz")) as resp:
        assert resp.status == 200
        assert (await resp.json()) == {"status": "ok"}


def corrupt(path: Path) -> None:
    """Overwrite a SQLite file with junk, as a failing disk would."""
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)


async def test_healthz_is_503_when_the_database_is_unusable(liaison: LocalLiaison) -> None:
    database = liaison.runtime.database
    await database.dispose()
    corrupt(Path(make_url(database.url).database or ""))
    async with aiohttp.ClientSession() as session, session.get(url(liaison, "/healthz")) as resp:
        assert resp.status == 503
