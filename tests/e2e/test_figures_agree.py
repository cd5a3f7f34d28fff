"""The digest, `/request stats`, the supervisor's App Home and the export tell the same figures."""

from __future__ import annotations

import argparse
import io
import json
import re
from contextlib import redirect_stdout
from typing import Any

import pytest

from bot.app.local import LocalLiaison
from bot.domain.edit import Action, Edit
from bot.settings import load_offline_settings
from bot.supervisors.export import run_export
from tests.e2e.helpers import PAT, file_request, stored
from tests.e2e.test_closing import click, in_thread, poll_id, resolved_request
from tests.e2e.test_home import open_home
from tests.e2e.test_triage import SAM

pytestmark = pytest.mark.e2e
MORGAN = "U0MORGAN"
# The figures every surface shows, by the export's names.
NAMES = (
    "new",
    "resolved",
    "closed",
    "reopened",
    "first_response_met",
    "first_response_measured",
    "resolution_met",
    "resolution_measured",
    "promises_kept",
    "promises_lapsed",
    "polls_eligible",
    "polls_shown",
    "polls_answered",
)


async def play_a_busy_minute(liaison: LocalLiaison) -> None:
    """Filed, resolved, reopened, resolved again, closed and rated 1 of 5, all at one instant."""
    start = liaison.clock.now()
    await resolved_request(liaison)
    # Still broken: the partner sends it back from the resolution (through the service).
    await liaison.runtime.triage.apply(
        1, actor=PAT, edit=Edit(Action.REOPEN, partner_message="It broke again")
    )
    await liaison.runtime.triage.apply(
        1, actor=SAM, edit=Edit(Action.RESOLVE, partner_message="Replaced the cable as well")
    )
    await liaison.settle()
    await click(liaison, PAT, in_thread(liaison, "req_confirm_fixed"), "req_confirm_fixed")
    poll = in_thread(liaison, "poll_rate")
    await click(liaison, PAT, poll, "poll_rate:1", f"{poll_id(poll)}:1")
    await file_request(liaison, summary="Printer jams")
    row = await stored(liaison, 1)
    assert row is not None and row.status == "closed", "closed after the second resolution"
    assert liaison.clock.now() == start, "everything happened at the same instant"


def from_digest(text: str) -> dict[str, Any]:
    """The figures as the digest and `/request stats` write them."""

    def count(label: str) -> int:
        found = re.search(rf"{label}: \*(\d+)\*", text)
        assert found, (label, text)
        return int(found[1])

    def rate(label: str) -> tuple[int, int]:
        found = re.search(rf"{label} target met: \*(?:\d+ % \((\d+) of (\d+)\)|n/a)\*", text)
        assert found, (label, text)
        return int(found[1] or 0), int(found[2] or 0)

    first, resolution = rate("First response"), rate("Resolution")
    average = re.search(r"Average rating: \*(\d\.\d) of 5\*", text)
    return {
        "new": count("New"),
        "resolved": count("Resolved"),
        "closed": count("Closed"),
        "reopened": count("Reopened"),
        "first_response_met": first[0],
        "first_response_measured": first[1],
        "resolution_met": resolution[0],
        "resolution_measured": resolution[1],
        "promises_kept": count("Promised updates kept"),
        "promises_lapsed": count("lapsed"),
        "polls_eligible": count("Closings eligible for a poll"),
        "polls_shown": count("polls shown"),
        "polls_answered": count("answered"),
        "average_rating": float(average[1]) if average else None,
    }


def from_home(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures on the supervisor's App Home (the fields of its "last 7 days" section)."""
    fields = {
        f["text"].split("\n")[0].strip("*"): f["text"].split("\n")[1]
        for b in blocks
        for f in b.get("fields", [])
    }

    def rate(label: str) -> tuple[int, int]:
        found = re.fullmatch(r"\d+ % \((\d+) of (\d+)\)|n/a", fields[label])
        assert found, (label, fields)
        return int(found[1] or 0), int(found[2] or 0)

    kept, lapsed = (int(n) for n in fields["Promises kept / lapsed"].split(" / "))
    first, resolution = rate("First response target met"), rate("Resolution target met")
    answered, shown = rate("Polls answered")
    average = fields["Average rating"]
    return {
        "new": int(fields["New"]),
        "resolved": int(fields["Resolved"]),
        "first_response_met": first[0],
        "first_response_measured": first[1],
        "resolution_met": resolution[0],
        "resolution_measured": resolution[1],
        "promises_kept": kept,
        "promises_lapsed": lapsed,
        "polls_shown": shown,
        "polls_answered": answered,
        "average_rating": None if average == "n/a" else float(average.split()[0]),
    }


async def from_export(liaison: LocalLiaison, url: str) -> dict[str, Any]:
    args = argparse.Namespace(since="7d", format="jsonl", output=None, database=url, figures=True)
    out = io.StringIO()
    with redirect_stdout(out):
        status = await run_export(load_offline_settings(_env_file=None), args, clock=liaison.clock)
    assert status == 0
    [line] = out.getvalue().splitlines()
    record: dict[str, Any] = json.loads(line)
    return record


async def test_the_four_surfaces_agree_number_for_number_right_after_a_busy_minute(
    liaison: LocalLiaison, sqlite_url: str
) -> None:
    await play_a_busy_minute(liaison)

    await liaison.slack.command(MORGAN, "/request", "stats 7d")
    await liaison.settle()
    stats = from_digest(liaison.slack.ephemerals(MORGAN)[-1].rendered)
    await liaison.slack.command(MORGAN, "/request", "digest")
    await liaison.settle()
    channel = liaison.slack.messages(liaison.workspace.supervisor_channel)
    [posted] = [m for m in channel if "Digest so far" in m.rendered]
    assert "quiet period" not in posted.rendered
    digest = from_digest(posted.rendered)
    home = from_home((await open_home(liaison, MORGAN)).blocks)
    export = await from_export(liaison, sqlite_url)

    expected = {
        "new": 2,
        "resolved": 1,
        "closed": 1,
        "reopened": 1,
        "first_response_met": 1,
        "first_response_measured": 1,
        "resolution_met": 1,
        "resolution_measured": 1,
        "promises_kept": 1,  # the resolution came before the promised update was due
        "promises_lapsed": 0,
        "polls_eligible": 1,
        "polls_shown": 1,
        "polls_answered": 1,
        "average_rating": 1.0,
    }
    assert digest == expected
    assert stats == expected
    assert {k: export[k] for k in expected} == expected
    assert home == {k: v for k, v in expected.items() if k in home}
    assert len(home) == 11, "the Home shows eleven of the figures"


async def test_the_export_puts_names_beside_ids_and_says_the_poll_was_answered(
    liaison: LocalLiaison, sqlite_url: str
) -> None:
    await play_a_busy_minute(liaison)
    people = {p.id: p.real_name for p in liaison.workspace.people}
    settings = load_offline_settings(
        _env_file=None,
        slack_bot_token=liaison.slack.bot_token,
        slack_api_url=liaison.slack.api_url,
    )
    args = argparse.Namespace(
        since="7d", format="jsonl", output=None, database=sqlite_url, figures=False
    )
    out = io.StringIO()
    with redirect_stdout(out):
        assert await run_export(settings, args, clock=liaison.clock) == 0
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert (first["partner"], first["partner_name"]) == (PAT, people[PAT])
    assert (first["assignee"], first["assignee_name"]) == ("U0SAM", people["U0SAM"])
    assert first["poll_status"] == "answered" and first["rating"] == 1
    assert second["assignee"] is None and second["assignee_name"] is None
    lookups = [c.args["user"] for c in liaison.slack.calls_to("users.info")]
    assert lookups.count(PAT) <= 2, "one users.info per person per export (and Liaison's own)"
