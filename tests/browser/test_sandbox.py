"""The sandbox in a real browser: a request from filing to the poll, as each person sees it."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Locator, Page, expect

from bot.app.sandbox.server import SandboxServer
from tests.browser.conftest import Camera

pytestmark = pytest.mark.browser
REPLIES = re.compile(r"^\d+ repl(y|ies)$")
PAT, SAM, MORGAN = (
    "Capt Pat Rivera (partner)",
    "SSgt Sam Okafor (technician)",
    "Maj Morgan Diaz (supervisor)",
)


async def become(page: Page, who: str) -> None:
    """Pick who you are in the top bar, as a person would."""
    async with page.expect_navigation():
        await page.get_by_label("You are").select_option(label=who)
    await expect(page.get_by_label("You are")).to_have_value(await _value_of(page, who))


async def _value_of(page: Page, label: str) -> str:
    option = page.get_by_label("You are").locator("option", has_text=label)
    return str(await option.get_attribute("value"))


async def go(page: Page, place: str) -> None:
    """Open a conversation in the sidebar (Messages, or a channel)."""
    await page.get_by_role("navigation").get_by_role("link", name=place).click()
    await page.wait_for_load_state()


async def say(page: Page, text: str, *, composer: Locator | None = None) -> None:
    """Type in a composer and press Enter."""
    box = (composer or page.get_by_role("main")).locator("input[name=text]")
    await box.fill(text)
    async with page.expect_navigation():
        await box.press("Enter")


async def press(scope: Locator | Page, name: str) -> None:
    """Click a button and wait for the page Liaison's answer produces."""
    page = scope if isinstance(scope, Page) else scope.page
    async with page.expect_navigation():
        await scope.get_by_role("button", name=name, exact=True).click()


async def choose_service(form: Locator, name: str) -> None:
    """Pick the request form's service: Slack sends it to Liaison at once, which answers."""
    async with form.page.expect_navigation():
        await form.get_by_label("Service").select_option(label=name)


def card(page: Page, number: int) -> Locator:
    """The triage card of REQ-number in the open channel."""
    return page.get_by_role("main").locator(".message", has_text=f"REQ-{number} ·")


async def test_a_request_from_filing_to_the_poll(
    page: Page, sandbox: SandboxServer, camera: Camera
) -> None:
    # Pat, a partner, files a request by typing /request in the DM with Liaison.
    await become(page, PAT)
    await say(page, "/request My VPN drops every 10 minutes")
    form = page.get_by_role("dialog")
    await expect(form.get_by_role("heading")).to_have_text("New request")
    await expect(form.get_by_label("Summary")).to_have_value("My VPN drops every 10 minutes")
    await choose_service(form, "Network (NIPR/SIPR connectivity)")
    await form.get_by_label("Mission stopped").check()
    await camera.shoot(page, "partner fills in the request form")
    await press(form, "Submit")
    await expect(page.get_by_role("dialog")).to_have_count(0)
    dm = page.get_by_role("main")
    await expect(dm).to_contain_text("REQ-1 is filed")
    await expect(dm).to_contain_text("priority P2")
    await expect(dm).to_contain_text("a technician will respond by then")
    await camera.shoot(page, "partner has a number priority and times")

    # Sam, a technician, sees the card in #triage, claims it, then resolves it.
    await become(page, SAM)
    await go(page, "# triage")
    await expect(card(page, 1)).to_contain_text("New, not yet claimed")
    await press(card(page, 1), "Claim")
    await expect(card(page, 1)).to_contain_text("In progress")
    await expect(card(page, 1)).to_contain_text("@sam")
    await expect(card(page, 1).get_by_role("button", name="Claim")).to_have_count(0)
    await camera.shoot(page, "technician claimed the card")
    await press(card(page, 1), "Resolve…")
    resolve = page.get_by_role("dialog")
    await expect(resolve.get_by_role("heading")).to_have_text("Resolve request")
    await resolve.get_by_label("What was fixed").fill("Replaced the switch on the 3rd floor")
    await camera.shoot(page, "technician writes what was fixed")
    await press(resolve, "Resolve")
    await expect(card(page, 1)).to_contain_text("Resolved")
    await camera.shoot(page, "card shows the request resolved")

    # Pat hears it in the request's thread, confirms the fix and answers the poll.
    await become(page, PAT)
    await go(page, "Messages")
    async with page.expect_navigation():
        await page.get_by_role("main").get_by_role("link", name=REPLIES).first.click()
    thread = page.get_by_role("complementary", name="thread")
    await expect(thread).to_contain_text("REQ-1 has been resolved by @sam")
    await expect(thread).to_contain_text("Replaced the switch on the 3rd floor")
    await camera.shoot(page, "partner sees the resolution in the thread")
    await press(thread, "Yes, it's fixed")
    poll = thread.locator(".message", has_text="How well was it resolved?")
    await expect(poll).to_contain_text("Updates you received: 2")
    await camera.shoot(page, "partner is asked the poll with the timeline")
    await press(poll, "5 · Very well")
    await expect(poll.get_by_role("button", name="✓ 5 · Very well")).to_be_visible()
    await press(poll, "Yes")
    await expect(poll.get_by_role("button", name="✓ Yes")).to_be_visible()
    await camera.shoot(page, "partner answered the poll")

    # Sam sees the card closed with the partner's confirmation.
    await become(page, SAM)
    await go(page, "# triage")
    await expect(card(page, 1)).to_contain_text("Closed")
    await camera.shoot(page, "technician sees the request closed")

    # Morgan, the supervisor, skips ahead a day and reads the daily digest.
    await become(page, MORGAN)
    await go(page, "# supervisors")
    await expect(page.get_by_role("main")).to_contain_text("No messages yet.")
    await press(page.get_by_role("banner"), "+1 day")
    await expect(page.get_by_test_id("clock")).to_contain_text("Tuesday 24 November 2026, 09:00")
    digest = page.get_by_role("main").locator(".message", has_text="Daily digest")
    await expect(digest.locator(".meta")).to_contain_text("Tue 24 Nov, 07:45")
    await expect(digest).to_contain_text("Resolved: 1 (0): REQ-1")
    await expect(digest).to_contain_text("Polls answered: 1")
    await camera.shoot(page, "supervisor reads the daily digest")
    assert len(camera.taken) == 10
    assert all(shot.stat().st_size > 10_000 for shot in camera.taken)
