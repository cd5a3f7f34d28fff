"""The sandbox page keeps Slack's promises: inline errors, escaped text, time that can pass."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from bot.app.sandbox.server import SandboxServer
from tests.browser.conftest import Camera
from tests.browser.test_sandbox import (
    PAT,
    REPLIES,
    SAM,
    become,
    card,
    choose_service,
    go,
    press,
    say,
)

pytestmark = pytest.mark.browser
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> & *bold*'


async def file(page: Page, summary: str) -> None:
    """Pat files a request about the network with the mission stopped."""
    await say(page, f"/request {summary}")
    form = page.get_by_role("dialog")
    await choose_service(form, "Network (NIPR/SIPR connectivity)")
    await form.get_by_label("Mission stopped").check()
    await press(form, "Submit")


async def test_a_required_field_left_empty_is_refused_inline(page: Page, camera: Camera) -> None:
    await become(page, PAT)
    await say(page, "/request")
    form = page.get_by_role("dialog")
    await form.get_by_label("Summary").fill("Printer on the 2nd floor jams")
    await press(form, "Submit")
    form = page.get_by_role("dialog")
    service = form.locator("[data-block-id=service]")
    await expect(service.get_by_role("alert")).to_have_text("Please complete this required field.")
    await expect(form.get_by_label("Summary")).to_have_value("Printer on the 2nd floor jams")
    await camera.shoot(page, "the form says what is missing")
    await press(form, "Cancel")
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await expect(page.get_by_role("main")).to_contain_text("No messages yet.")


async def test_what_a_partner_typed_is_shown_as_text_never_run(page: Page, camera: Camera) -> None:
    await become(page, PAT)
    await file(page, HOSTILE)
    await become(page, SAM)
    await go(page, "# triage")
    title = card(page, 1).locator(".bk-header")
    await expect(title).to_have_text(f"REQ-1 · {HOSTILE}")
    await camera.shoot(page, "the technician sees the partner's text as typed")
    assert await page.evaluate("window.pwned") is None
    assert await page.get_by_role("main").locator("img, script").count() == 0


async def test_skipping_ahead_shows_liaison_keeping_its_promise(page: Page, camera: Camera) -> None:
    await become(page, PAT)
    await file(page, "Phones in building 4 are dead")
    dm = page.get_by_role("main")
    await expect(dm).to_contain_text("You will hear from us by today at 10:00 AM")
    await press(page.get_by_role("banner"), "+1 hour")
    await expect(page.get_by_test_id("clock")).to_contain_text("10:00 EST")
    async with page.expect_navigation():
        await dm.get_by_role("link", name=REPLIES).first.click()
    thread = page.get_by_role("complementary", name="thread")
    update = thread.locator(".message").last
    await expect(update).to_contain_text("Mon 23 Nov, 10:00")
    await expect(update).to_contain_text("We promised you an update on REQ-1 by today at 10:00 AM")
    await expect(update).to_contain_text("Status: New, not yet claimed")
    await camera.shoot(page, "the partner hears from Liaison when promised")


async def test_a_second_window_shows_what_someone_else_just_did(
    page: Page, browser: Browser, sandbox: SandboxServer, camera: Camera
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    technician = await context.new_page()
    await technician.goto(sandbox.url + "?as=U0SAM&in=C0TRIAGE")
    await expect(technician.get_by_role("main")).to_contain_text("No messages yet.")

    await become(page, PAT)
    await file(page, "Phones in building 4 are dead")
    await expect(card(technician, 1)).to_contain_text("Phones in building 4 are dead")
    await camera.shoot(technician, "the technician's window caught up by itself")
    await context.close()
