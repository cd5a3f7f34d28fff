"""Hundreds of signed but malformed payloads of every kind: no 5xx, and Liaison still works."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.app.local import LocalLiaison
from simulator import HttpTransport
from simulator.fuzzing import collect_seeds, fire
from tests.e2e.helpers import PAT, file_request, stored

pytestmark = pytest.mark.e2e
PER_SEED = 200  # eight seeds: 1,600 mutants
SEED = 20261203


async def test_mutants_of_every_payload_get_no_5xx_and_filing_still_works(
    liaison: LocalLiaison,
) -> None:
    transport = liaison.slack.transport
    assert isinstance(transport, HttpTransport)
    seeds = await collect_seeds(liaison.slack, PAT, message_channel="C0ANNOUNCE")
    await liaison.settle()
    filed_before = await stored(liaison, 1)
    assert filed_before is not None, "the seeds themselves filed REQ-1"

    tally = await fire(transport, seeds, per_seed=PER_SEED, seed=SEED)
    await liaison.settle()

    assert tally.total == PER_SEED * len(seeds)
    assert tally.failures == [], tally.statuses
    assert set(tally.statuses) - {200, 400, 404, 413} == set(), tally.statuses
    assert tally.statuses[400] > PER_SEED, "most mutants were refused at the door"
    async with liaison.runtime.database.reading() as session:
        [(check,)] = (await session.execute(text("PRAGMA integrity_check"))).all()
    assert check == "ok"
    after = await stored(liaison, 1)
    assert after is not None and after.summary == filed_before.summary
    liaison.slack.clear_calls()
    await file_request(liaison, summary="Projector dead in room 2")
    posted = [c.args for c in liaison.slack.calls_to("chat.postMessage")]
    assert any("Projector dead in room 2" in str(args) for args in posted)
