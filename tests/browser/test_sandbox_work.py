"""Every kind of widget Liaison sends, worked in the browser: dates, users, selects, Home."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Camera
from tests.browser.test_sandbox import (
    MORGAN,
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
JORDAN = "MSgt Jordan Lee (partner)"


async def test_a_technician_assigns_and_promises_the_next_update(
    page: Page, camera: Camera
) -> None:
    # Jordan files with a deadline (date picker) and a workaround (radio buttons).
    await become(page, JORDAN)
    await say(page, "/request Shared mailbox for the ops desk")
    form = page.get_by_role("dialog")
    await choose_service(form, "Email and calendaring")
    await form.get_by_label("Workaround exists").check()
    await form.get_by_label("Needed by").fill("2026-11-24")
    await form.get_by_label("Details").fill("Four people need it before tomorrow's exercise.")
    await camera.shoot(page, "partner sets a deadline")
    await press(form, "Submit")
    await expect(page.get_by_role("main")).to_contain_text("REQ-1 is filed")

    # Sam assigns it to Alex (users select), then posts an update with a promise (date and time).
    await become(page, SAM)
    await go(page, "# triage")
    await press(card(page, 1), "Assign…")
    assign = page.get_by_role("dialog")
    await assign.get_by_label("Assign to").select_option(label="A1C Alex Chen (@alex)")
    await press(assign, "Assign")
    await expect(card(page, 1)).to_contain_text("@alex")
    await press(card(page, 1), "Update…")
    update = page.get_by_role("dialog")
    await expect(update.get_by_label("Status")).to_have_value("in_progress")
    await update.get_by_label("Message to the partner").fill("Mailbox is being created now.")
    await update.get_by_label("Partner hears from us again by").fill("2026-11-23T14:30")
    await camera.shoot(page, "technician promises the next update")
    await press(update, "Save")
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await expect(card(page, 1)).to_contain_text("today at 2:30 PM")
    await camera.shoot(page, "card shows the promise")

    # Jordan sees the update and the promised time in the request's thread.
    await become(page, JORDAN)
    async with page.expect_navigation():
        await page.get_by_role("main").get_by_role("link", name=REPLIES).first.click()
    thread = page.get_by_role("complementary", name="thread")
    await expect(thread).to_contain_text("Mailbox is being created now.")
    await expect(thread).to_contain_text("today at 2:30 PM")
    await camera.shoot(page, "partner reads the update and the promise")

    # Morgan's App Home counts the week; its button opens the request form.
    await become(page, MORGAN)
    async with page.expect_navigation():
        await page.get_by_role("navigation").get_by_role("button", name="Home").click()
    home = page.get_by_role("main")
    await expect(home.get_by_role("heading", name="Home", exact=True)).to_be_visible()
    await expect(home).to_contain_text("Unclaimed (0)")
    await expect(home).to_contain_text("Nothing unclaimed.")
    await camera.shoot(page, "supervisor's App Home")
    await press(home, "File a request")
    await expect(page.get_by_role("dialog").get_by_role("heading")).to_have_text("New request")
