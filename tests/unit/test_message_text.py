"""A message's top-level text is what screen readers and notifications read: it must say it all.

Walks every message the views can render and checks that the facts in its blocks (requests,
outages, people, times, priorities and statuses) are in its `text` too, and that no priority
or status is shown by a coloured mark alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.domain.model import RequestStatus
from bot.views.card_thread import card_thread_entry
from bot.views.closing import ResolutionAnswer, auto_closed_then_reopened, resolution_answered
from bot.views.outages import partner_notice
from bot.views.partner_thread import partner_change_message
from bot.views.triage_card import CLOSED_MARK, PRIORITY_MARK, triage_card
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
    for source in (work.MESSAGES, closing.MESSAGES, outages.MESSAGES):
        yield from source.items()
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
            yield f"partner-change-{number}", lambda told=told: told  # type: ignore[misc]


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
        assert quoted.strip() in text, (quoted, text)


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
