"""`liaison demo` plays the whole day, and its transcript tells leadership what each person saw."""

from __future__ import annotations

import argparse
import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app.demo import add_demo_arguments, run_demo

pytestmark = pytest.mark.e2e
PAT, JORDAN, CASEY = "Capt Pat Rivera", "MSgt Jordan Lee", "Ms Casey Brooks"
TECHNICIANS = ("SSgt Sam Okafor", "A1C Alex Chen")
HEADING = re.compile(r"^\d\d:\d\d {5}(?P<where>[^:]+): (?P<author>.+?) -> (?P<seen>.+)$")


@dataclass
class Seen:
    """One message as the terminal transcript shows it."""

    where: str
    author: str
    seen_by: tuple[str, ...]
    body: str


def parse(text: str) -> list[Seen]:
    """Read the terminal transcript back: a heading line, then its `|` lines."""
    seen: list[Seen] = []
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            who = tuple(heading["seen"].split(", "))
            seen.append(Seen(heading["where"], heading["author"], who, ""))
        elif line.startswith("           | ") and seen:
            seen[-1].body += line.removeprefix("           | ") + "\n"
    return seen


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """Play the day once for every test here: it is the slow part."""
    import asyncio

    folder = tmp_path_factory.mktemp("demo")
    page = folder / "day.html"
    text, database = asyncio.run(run_demo(html=page, database_dir=folder / "db"))
    return text, database, page


def test_the_day_runs_on_a_fresh_database_in_the_folder_asked_for(
    played: tuple[str, Path, Path],
) -> None:
    text, database, _ = played
    assert database.name == "liaison.db" and database.parent.name == "db"
    assert database.stat().st_size > 0
    assert text.index("Capt Pat Rivera files") < text.index("Close of business.")


def test_each_partner_got_their_request_number_in_a_dm(played: tuple[str, Path, Path]) -> None:
    seen = parse(played[0])
    for number, partner in ((1, PAT), (2, JORDAN), (3, CASEY)):
        filed = [
            s for s in seen if s.where == "DM with Liaison" and f"*REQ-{number}* is filed" in s.body
        ]
        assert [s.seen_by for s in filed] == [(partner,)]


def test_the_outage_reached_every_partner_with_an_open_request_on_the_network(
    played: tuple[str, Path, Path],
) -> None:
    seen = parse(played[0])
    told = [s.seen_by for s in seen if s.where == "DM with Liaison" and "OUT-1" in s.body]
    assert sorted(set(told)) == [(PAT,), (CASEY,)], "Jordan's request is on email: not told"
    assert told.count((PAT,)) == told.count((CASEY,)) == 2, "declared, then resolved"
    assert any(s.where == "#announcements" and "OUT-1" in s.body for s in seen)


def test_a_partner_reply_reaches_the_technicians(played: tuple[str, Path, Path]) -> None:
    seen = parse(played[0])
    relayed = [s for s in seen if s.where == "#triage, thread of REQ-1" and "2nd floor" in s.body]
    assert relayed and relayed[0].seen_by == TECHNICIANS


def test_the_reopened_request_went_back_to_the_technicians(
    played: tuple[str, Path, Path],
) -> None:
    seen = parse(played[0])
    [reopened] = [s for s in seen if s.body.startswith("🔁 *Reopened*")]
    assert reopened.where == "#triage, thread of REQ-1" and reopened.seen_by == TECHNICIANS
    assert "@sam" in reopened.body, "the technician who had it is called back"
    assert "still has no network" in reopened.body


def test_the_promise_was_nudged_then_kept(played: tuple[str, Path, Path]) -> None:
    text = played[0]
    assert text.index("owed an update") < text.index("Microsoft is rebuilding")
    assert "did not send" not in text, "no promise lapsed on this day"


def test_the_low_score_reached_the_supervisors_channel(played: tuple[str, Path, Path]) -> None:
    seen = parse(played[0])
    alerts = [s for s in seen if s.where.startswith("#supervisors")]
    assert alerts and all(s.seen_by == ("Maj Morgan Diaz",) for s in alerts)
    assert "REQ-1" in alerts[0].body and "2 of 5" in alerts[0].body


def test_the_html_page_holds_the_same_entries_escaped(played: tuple[str, Path, Path]) -> None:
    text, _, page = played
    content = page.read_text(encoding="utf-8")
    assert content.startswith("<!DOCTYPE html>") and "<style>" in content
    assert "http" not in content.split("<body>")[0], "no external assets"
    for seen in parse(text):
        assert html.escape(seen.body.rstrip("\n")) in content
    assert "2nd floor &amp; the VTC room" in content
    assert "2nd floor & the" not in content


def test_the_cli_arguments() -> None:
    parser = argparse.ArgumentParser()
    add_demo_arguments(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["demo", "--html", "day.html", "--keep-dir", "out"])
    assert (args.html, args.keep_dir) == (Path("day.html"), Path("out"))
    args = parser.parse_args(["demo"])
    assert (args.html, args.keep_dir) == (None, None)


def test_the_day_ends_with_the_digest_counting_what_happened(
    played: tuple[str, Path, Path],
) -> None:
    seen = parse(played[0])
    digest = [s for s in seen if s.where == "#supervisors" and "Digest so far" in s.body]
    assert len(digest) == 1 and seen.index(digest[0]) >= len(seen) - 3, "at the end of the day"
    body = digest[0].body
    assert "New: *6* (0): REQ-1, REQ-2, REQ-3, REQ-4, REQ-5, REQ-6" in body
    assert "Resolved: *6* (0)" in body and "Reopened: *1* (0): REQ-1" in body
    assert "Promised updates kept: *5* (0), lapsed: *0* (0)" in body
    assert "Polls answered: *100 % (3 of 3)*" in body and "Open: *0*" in body
    assert "REQ-1 rated 2 of 5" in body
    assert "Suspected outages alerted: *1* (0), declared: *1*, not an outage: *0*" in body


def test_a_fix_alex_shared_answers_jordan_before_filing_and_alex_gets_the_credit(
    played: tuple[str, Path, Path],
) -> None:
    text = played[0]
    assert text.index("ticking “Share this fix") < text.index("the form shows the fix Alex")
    answered = text.index("the form shows the fix Alex")
    assert "* is filed" not in text[answered : text.index("*REQ-4* is filed")], "nothing was filed"
    [digest] = [s for s in parse(text) if "Digest so far" in s.body]
    assert "Answered by shared fixes: *1* (0): 1 before filing (nothing filed)" in digest.body
    assert "@alex: 0 open, 2 resolved, 1 answered by their shared fixes" in digest.body


def test_three_phone_reports_raised_one_alert_that_was_declared_an_outage(
    played: tuple[str, Path, Path],
) -> None:
    text = played[0]
    seen = parse(text)
    raised = [s for s in seen if s.where == "#triage" and "Suspected outage" in s.body]
    assert len(raised) == 1, "one alert for the burst"
    [alert] = raised
    assert alert.seen_by == TECHNICIANS
    assert all(f"REQ-{n}" in alert.body for n in (4, 5, 6)) and "Phones" in alert.body
    assert "[Declare outage…]  [Not an outage]" in alert.body
    third = next(s for s in seen if "*REQ-6* is filed" in s.body)
    assert seen.index(third) < seen.index(alert), "raised by the third report"
    told = [s for s in seen if s.where == "DM with Liaison, thread of REQ-6"]
    assert told[0].seen_by == (CASEY,) and "technicians have been alerted" in told[0].body

    caption = next(line for line in text.splitlines() if "presses Declare outage…" in line)
    assert "Partners report: Desk phone has no dial tone" in caption, "the form came prefilled"
    [decided] = [
        s for s in seen if s.where == "#triage (updated in place)" and "Suspected outage" in s.body
    ]
    assert "Declared as OUT-2 by @sam" in decided.body and "[Declare" not in decided.body
    assert "no outage is declared" not in decided.body, "the decided alert does not contradict"


def test_declaring_from_the_alert_told_each_reporting_partner_in_their_thread(
    played: tuple[str, Path, Path],
) -> None:
    seen = parse(played[0])
    for number, partner in ((4, PAT), (5, JORDAN), (6, CASEY)):
        linked = [
            s
            for s in seen
            if s.where == f"DM with Liaison, thread of REQ-{number}" and "OUT-2" in s.body
        ]
        assert linked and linked[0].seen_by == (partner,)
        assert "linked your request" in linked[0].body
    assert any(s.where == "#announcements" and "OUT-2" in s.body for s in seen)


def _step(text: str, words: str) -> str:
    """The caption line of the step that says `words`."""
    return next(line for line in text.splitlines() if ">> " in line and words in line)


def test_alex_resolves_from_a_saved_reply_and_jordan_reads_it_as_alex_edited_it(
    played: tuple[str, Path, Path],
) -> None:
    text = played[0]
    assert "“Outlook profile rebuilt”" in _step(text, "picks the email service's saved reply")
    filled = _step(text, "The box fills with")
    assert "We rebuilt your Outlook profile. Please sign out of Windows and back in" in filled
    seen = parse(text)
    [resolved] = [
        s
        for s in seen
        if s.where == "DM with Liaison, thread of REQ-2" and "Outlook profile" in s.body
    ]
    assert resolved.seen_by == (JORDAN,)
    assert "Microsoft rebuilt the ops mailbox's index, and we rebuilt your Outlook" in resolved.body
    assert "leave it open for ten minutes while it syncs" in resolved.body, "the reply's own text"
    assert "We rebuilt your Outlook profile." not in resolved.body, "the sentence Alex rewrote"


def test_sams_note_in_a_card_thread_becomes_one_of_the_shops_saved_replies(
    played: tuple[str, Path, Path],
) -> None:
    text = played[0]
    seen = parse(text)
    [note] = [
        s for s in seen if s.where == "#triage, thread of REQ-4" and s.author == "SSgt Sam Okafor"
    ]
    assert note.seen_by == TECHNICIANS and "unplugging it for ten seconds" in note.body
    saving = _step(text, "Save as reply on his note")
    assert "opens with the note's words" in saving and "“Phone stuck on registering”" in saving
    listed = _step(text, "The form now lists the shop's saved replies")
    assert "“Phone stuck on registering”" in listed
    assert text.index(note.body.splitlines()[0]) < text.index(saving) < text.index(listed)
    assert text.index(listed) < text.index("Close of business.")
