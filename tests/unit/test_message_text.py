"""A message's top-level text is what screen readers and notifications read: it must say it all.

Walks every message the views can render and checks that the facts in its blocks (requests,
outages, people, times, priorities and statuses) are in its `text` too, and that no priority
or status is shown by a coloured mark alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import pkgutil
import re
import sys
import typing
from collections.abc import Callable, Iterator
from types import CodeType, FrameType
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

import bot.views
from bot.catalogue import load_catalogue
from bot.domain.awareness import BurstStatus, RelatedRequest
from bot.domain.conversation import SharedFile
from bot.domain.digest import Digest, DigestKind, Period, PeriodFigures, QueueFigures
from bot.domain.escalation import Rung
from bot.domain.fixes import SharedFixView
from bot.domain.model import RequestStatus
from bot.views import awareness, escalation, expectations, outage_promises, relayed, shared_fixes
from bot.views.card_thread import card_thread_entry
from bot.views.closing import ResolutionAnswer, auto_closed_then_reopened, resolution_answered
from bot.views.digest import digest_message
from bot.views.help import help_message, services_message
from bot.views.outages import linked_now_message, partner_notice
from bot.views.partner_thread import partner_change_message
from bot.views.text import Rendered, plain_words
from bot.views.triage_card import CLOSED_MARK, PRIORITY_MARK, triage_card
from tests.conftest import EXAMPLE_CATALOGUE
from tests.unit import test_digest as digests
from tests.unit import test_views_awareness as bursts
from tests.unit import test_views_closing as closing
from tests.unit import test_views_outages as outages
from tests.unit import test_views_work as work

Built = Callable[[], tuple[list[Block], str]]
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
REFS = re.compile(r"\b(?:REQ|OUT)-\d+\b")
PEOPLE = re.compile(r"<@[UW][A-Z0-9]+>")
DATES = re.compile(r"<!date\^(\d+)\^")
PRIORITY = re.compile(r"\bP[1-4]\b")
MANY = 10  # a list of more than this many requests may be summed up by a count


def every_message() -> Iterator[tuple[str, Built]]:
    """Each message the views build, in the shapes the view tests already exercise."""
    for prefix, source in (("", work.MESSAGES), ("", closing.MESSAGES), ("out-", outages.MESSAGES)):
        yield from ((prefix + name, build) for name, build in source.items())
    for name, notice in outages.NOTICES.items():
        yield f"notice-{name}", lambda notice=notice: partner_notice(notice())  # type: ignore[misc]
    request = work.summary()
    yield "card-new", lambda: triage_card(work.summary(assignee_id=None, status=S.NEW))
    yield "card-met", lambda: triage_card(met(request))
    yield "card-missed", lambda: triage_card(missed(request))
    yield "card-breached-open", lambda: triage_card(breached(request))
    yield "card-paused", lambda: triage_card(dataclasses.replace(request, paused_at=NOW))
    yield (
        "card-needed-by",
        lambda: triage_card(dataclasses.replace(request, needed_by=dt.date(2026, 11, 27))),
    )
    for status in (S.RESOLVED, S.CLOSED, S.WITHDRAWN):
        yield f"card-{status}", lambda s=status: triage_card(met(request, status=s))  # type: ignore[misc]
    for answer in ResolutionAnswer:
        yield (
            f"answered-{answer}",
            lambda a=answer: resolution_answered(request, work.HOSTILE, answer=a, at=NOW),
        )
    yield "reopened-after-close", lambda: auto_closed_then_reopened(request, reopened_at=NOW)
    for number, change in enumerate(work.every_change()):
        yield f"thread-entry-{number}", lambda c=change: card_thread_entry(c)  # type: ignore[misc]
        told = partner_change_message(change)
        if told is not None:
            yield f"partner-change-{number}", lambda c=change: partner_change_message(c)  # type: ignore[misc]
    yield (
        "card-from-a-message",
        lambda: triage_card(
            dataclasses.replace(request, source_link="https://example.slack.com/archives/C1/p1")
        ),
    )
    yield from time_messages()
    yield from supervisor_messages()
    yield from conversation_messages()
    yield from shared_fix_messages()


def shared_fix_messages() -> Iterator[tuple[str, Built]]:
    """Shared fixes offered under a confirmation, and the offer once one solved it."""
    request = work.summary()
    fix = SharedFixView(7, "email", "Restart the mail client, then sign in again.", "U0SAM", NOW)
    other = dataclasses.replace(fix, id=8, text="Clear the cached password in Keychain.")
    yield "fixes-offer", lambda: shared_fixes.fixes_offer_message(request, (fix, other))
    yield "fix-taken", lambda: shared_fixes.fix_taken_message(request, fix)


def time_messages() -> Iterator[tuple[str, Built]]:
    """Warnings, breaches, nudges, the truthful lapse and every rung of the ladder."""
    mine, nobodys = work.summary(), work.summary(assignee_id=None, status=S.NEW)
    due = NOW + dt.timedelta(minutes=20)
    lapsed = NOW - dt.timedelta(hours=2)
    for who, request in (("assigned", mine), ("unclaimed", nobodys)):
        for target in expectations.TARGET_NAMES:
            yield (
                f"warning-{target}-{who}",
                lambda r=request, t=target: expectations.warning_note(r, target=t, due=due),  # type: ignore[misc]
            )
            yield (
                f"breach-{target}-{who}",
                lambda r=request, t=target: expectations.breach_note(r, target=t, due=lapsed),  # type: ignore[misc]
            )
        yield f"nudge-{who}", lambda r=request: expectations.nudge_note(r)  # type: ignore[misc]
        yield (
            f"nudge-lapsed-{who}",
            lambda r=request: expectations.nudge_note(r, lapsed=lapsed),  # type: ignore[misc]
        )
        yield (
            f"lapse-{who}",
            lambda r=request: expectations.promise_lapse_message(  # type: ignore[misc]
                r, missed=lapsed, last_update=(lapsed, "update", work.HOSTILE)
            ),
        )
        yield (
            f"lapse-never-written-{who}",
            lambda r=request: expectations.promise_lapse_message(
                r, missed=lapsed, last_update=None
            ),  # type: ignore[misc]
        )
        yield f"asked-{who}", lambda r=request: expectations.update_asked_note(r)  # type: ignore[misc]
        yield f"asked-reply-{who}", lambda r=request: expectations.update_asked_reply(r)  # type: ignore[misc]
        for rung in Rung if request.assignee_id else (Rung.TRIAGE, Rung.SUPERVISORS):
            for told in (True, False):
                yield (
                    f"rung-{rung.name.lower()}-{who}-{'told' if told else 'not-told'}",
                    lambda r=request, g=rung, t=told: escalation.rung_note(  # type: ignore[misc]
                        r, rung=g, missed=lapsed, now=NOW, partner_told=t, next_rung_at=due
                    ),
                )
    outage = outages.longest(outages.outage())
    yield "outage-nudge", lambda: outage_promises.outage_nudge(outage, due=due)
    for heard in (0, 12):
        yield (
            f"outage-lapse-{heard}",
            lambda h=heard: outage_promises.outage_lapse_alert(outage, due=lapsed, now=NOW, told=h),  # type: ignore[misc]
        )
    yield "linked-now", lambda: linked_now_message(outage, ("REQ-4", "REQ-9"))
    yield "linked-now-nothing", lambda: linked_now_message(outage, ())


def supervisor_messages() -> Iterator[tuple[str, Built]]:
    """The digest, busy and quiet, and what Liaison noticed: related requests and bursts."""
    yield "digest-busy", lambda: digest_message(digests.busy_digest(5000))
    yield "digest-small", lambda: digest_message(digests.busy_digest(3))
    quiet = Digest(
        kind=DigestKind.DAILY,
        period=Period(NOW - dt.timedelta(days=1), NOW),
        current=PeriodFigures(),
        previous=PeriodFigures(),
        queue=QueueFigures(),
        technicians=(),
    )
    yield "digest-quiet", lambda: digest_message(quiet)
    related = [
        RelatedRequest(4, S.IN_PROGRESS, work.HOSTILE, NOW - dt.timedelta(hours=3), None, None),
        RelatedRequest(2, S.RESOLVED, "Jams", NOW - dt.timedelta(days=4), NOW, "Fuser <!here>"),
    ]
    yield "related", lambda: awareness.related_requests_note(related, now=NOW)
    yield "burst-active", lambda: awareness.burst_alert(bursts.burst())
    yield "burst-many", lambda: awareness.burst_alert(bursts.burst(reports=40))
    yield (
        "burst-declared",
        lambda: awareness.burst_alert(
            bursts.burst(BurstStatus.DECLARED, decided_by="U0SAM", outage_ref="OUT-2")
        ),
    )
    yield (
        "burst-dismissed",
        lambda: awareness.burst_alert(bursts.burst(BurstStatus.DISMISSED, decided_by="U0SAM")),
    )
    yield "burst-partner", lambda: awareness.burst_partner_note("Email <and> calendaring")


def conversation_messages() -> Iterator[tuple[str, Built]]:
    """Help, the services list and the partner's words relayed to the card's thread."""
    yield "help-not-understood", lambda: help_message("/request", not_understood="printer")
    catalogue = load_catalogue(EXAMPLE_CATALOGUE)
    yield "services", lambda: services_message(catalogue)
    request = work.summary()
    files = (SharedFile("F1", "photo.png", 2_000_000), SharedFile("F2", "log.txt", 300))
    refused = (SharedFile("F3", "capture.pcap", 900_000_000),)
    edited = NOW - dt.timedelta(minutes=5)
    yield "relayed", lambda: relayed.relayed_reply(request, work.HOSTILE_EVENT)
    yield (
        "relayed-files",
        lambda: relayed.relayed_reply(
            request, "", files=files, refused=refused, max_bytes=50_000_000
        ),
    )
    yield (
        "relayed-edited",
        lambda: relayed.relayed_reply(
            request, "It is the *second* floor", files=files, edited_at=edited
        ),
    )
    yield (
        "relayed-deleted",
        lambda: relayed.relayed_deletion(request, work.HOSTILE_EVENT, "1700000000.000100"),
    )
    yield "relayed-deleted-empty", lambda: relayed.relayed_deletion(request, "", "1700000000.1")


S = RequestStatus
CASES = dict(every_message())


def met(request: Any, status: RequestStatus = S.RESOLVED) -> Any:
    return dataclasses.replace(
        request,
        status=status,
        first_responded_at=request.opened_at + dt.timedelta(minutes=12),
        resolved_at=request.resolution_due - dt.timedelta(hours=1),
    )


def missed(request: Any) -> Any:
    return dataclasses.replace(
        request,
        status=S.RESOLVED,
        first_responded_at=request.first_response_due + dt.timedelta(minutes=30),
        first_response_breached_at=request.first_response_due,
        resolved_at=request.resolution_due + dt.timedelta(hours=2),
        resolution_breached_at=request.resolution_due,
    )


def breached(request: Any) -> Any:
    return dataclasses.replace(
        request,
        first_responded_at=None,
        first_response_breached_at=request.first_response_due,
        resolution_breached_at=request.resolution_due,
    )


def block_texts(blocks: list[dict[str, Any]], kinds: tuple[str, ...] = ("mrkdwn",)) -> list[str]:
    """What a sighted reader reads: text objects outside buttons, selects and inputs.

    Only mrkdwn renders mentions and dates; plain_text shows typed text as typed.
    """
    found: list[str] = []
    for block in blocks:
        if block["type"] in ("actions", "input"):
            continue
        found += [n["text"] for n in work.walk(block) if n.get("type") in kinds]
    return found


@pytest.mark.parametrize("name", CASES)
def test_the_text_carries_the_facts_of_the_blocks(name: str) -> None:
    blocks, text = work.check_message(CASES[name]())
    shown = "\n".join(block_texts(blocks))
    everything = "\n".join(block_texts(blocks, ("mrkdwn", "plain_text")))
    refs = set(REFS.findall(everything))
    if len(refs) > MANY:  # a long list: the text sums it up
        assert re.search(r"\d+", text), text
        return
    assert refs <= set(REFS.findall(text)), (refs, text)
    assert set(PEOPLE.findall(shown)) <= set(PEOPLE.findall(text)), text
    assert set(DATES.findall(shown)) <= set(DATES.findall(text)), text
    assert set(PRIORITY.findall(everything)) <= set(PRIORITY.findall(text)), text
    for quoted in re.findall(r"^> (.{1,40})", shown, re.MULTILINE):  # what someone wrote
        assert plain_words(quoted).strip() in text, (quoted, text)
    # Every word a sighted reader reads is heard too (by its stem: "assignee", "assigned to").
    missing = stems(everything) - stems(text)
    assert not missing, (missing, text)


def stems(text: str) -> set[str]:
    """The words of a text outside its markup and emoji codes, by their first six letters."""
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"<[^>]*>|:[a-z0-9_+-]+:", " ", text))
    return {word.lower()[:6] for word in words}


MARKS = (*PRIORITY_MARK.values(), *CLOSED_MARK.values(), "⚠️", "✅", "🔁", "⏸️")


@pytest.mark.parametrize("name", CASES)
def test_no_priority_or_status_is_shown_by_a_mark_alone(name: str) -> None:
    blocks, text = work.check_message(CASES[name]())
    lines = "\n".join([*block_texts(blocks, ("mrkdwn", "plain_text")), text]).splitlines()
    for line in lines:
        if not any(mark in line for mark in MARKS):
            continue
        words = line
        for mark in MARKS:
            words = words.replace(mark, "")
        assert re.search(r"[A-Za-z]{2}|\bP[1-4]\b", words), line
        for priority, mark in PRIORITY_MARK.items():
            if mark in line and "priority" in line.lower():
                assert priority in line, line  # the mark's colour is never the only sign


# ---- every message view is here --------------------------------------------------------------


def message_views() -> dict[str, Callable[..., Any]]:
    """Every public function in bot/views that builds a message: blocks and a top-level text.

    Found by its return type, so a new message view is checked without anyone listing it.
    Modals and the App Home return a View, which has no top-level text.
    """
    views: dict[str, Callable[..., Any]] = {}
    for found in pkgutil.iter_modules(bot.views.__path__):
        module = importlib.import_module(f"bot.views.{found.name}")
        for name, view in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(view):
                continue
            if view.__module__ != module.__name__:
                continue
            returns = typing.get_type_hints(view).get("return")
            if returns in (Rendered, Rendered | None):
                views[f"{module.__name__}.{name}"] = view
    return views


def code_run_by(builds: list[Built]) -> set[CodeType]:
    """The code of every Python function called while building these messages."""
    ran: set[CodeType] = set()

    def note(frame: FrameType, event: str, _: object) -> None:
        if event == "call":
            ran.add(frame.f_code)

    sys.setprofile(note)
    try:
        for build in builds:
            build()
    finally:
        sys.setprofile(None)
    return ran


def test_every_message_view_is_found_and_spoken_here() -> None:
    views = message_views()
    assert len(views) >= 40, sorted(views)  # the discovery itself works
    assert "bot.views.digest.digest_message" in views
    assert "bot.views.expectations.promise_lapse_message" in views
    ran = code_run_by(list(CASES.values()))
    unchecked = [name for name, view in views.items() if inspect.unwrap(view).__code__ not in ran]
    assert not unchecked, f"add these to every_message() above: {unchecked}"
